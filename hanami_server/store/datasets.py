"""Stored datasets and their upload temp files; every read is scoped to the caller (1.11)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

from hanami_server.db import Database, now_timestamp
from hanami_server.store.scope import SCOPE, scope

VISIBILITY = "private"
_DELETE = "UPDATE datasets SET deleted = 1 WHERE uuid = ? AND deleted = 0 AND "
_SELECT = (
    "SELECT uuid, name, kind, owner_id, project_id, visibility, created_at, finalized"
    " FROM datasets WHERE deleted = 0"
)


def register_dataset(
    db: Database, *, name: str, kind: str, user: dict[str, Any], files: dict[str, tuple[str, int]]
) -> dict[str, Any]:
    """Insert a dataset row and its temp files (role -> (uuid, size)) in one transaction."""
    dataset_uuid = str(uuid.uuid4())
    owner_id, project_id = str(user.get("id", "")), str(user.get("project_id", ""))
    created_at, now = now_timestamp(), time.time()
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO datasets (uuid, name, kind, owner_id, project_id, visibility, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (dataset_uuid, name, kind, owner_id, project_id, VISIBILITY, created_at),
        )
        for role, (file_uuid, size) in files.items():
            conn.execute(
                "INSERT INTO tempfiles (uuid, dataset_uuid, role, owner_id, project_id, size,"
                " created_at, last_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (file_uuid, dataset_uuid, role, owner_id, project_id, size, created_at, now),
            )
    dataset = get_dataset(db, dataset_uuid, user)
    assert dataset is not None
    return dataset


def insert_result_dataset(
    conn: sqlite3.Connection, *, dataset_uuid: str, name: str, user: dict[str, Any]
) -> None:
    """Insert the finalized row of a request task's result dataset (contract 6.4), inside the
    caller's transaction: its file exists already (0 rows until the task ends)."""
    conn.execute(
        "INSERT INTO datasets (uuid, name, kind, owner_id, project_id, visibility, created_at,"
        " finalized) VALUES (?, ?, 'result', ?, ?, ?, ?, 1)",
        (
            dataset_uuid,
            name,
            str(user.get("id", "")),
            str(user.get("project_id", "")),
            VISIBILITY,
            now_timestamp(),
        ),
    )


def commit_result(db: Database, dataset_uuid: str, commit_file: Callable[[], None]) -> bool:
    """Call `commit_file` (which puts a result file in place) while the dataset is still live;
    False, without calling it, when the dataset was deleted meanwhile."""
    with db.transaction() as conn:
        live = conn.execute(
            "SELECT 1 FROM datasets WHERE uuid = ? AND deleted = 0", (dataset_uuid,)
        ).fetchone()
        if live is None:
            return False
        commit_file()
    return True


def get_dataset(db: Database, dataset_uuid: str, user: dict[str, Any]) -> dict[str, Any] | None:
    """The live dataset with this uuid when the caller may see it, else None."""
    query = _SELECT + " AND uuid = ? AND " + SCOPE
    row = db.connection().execute(query, (dataset_uuid, *scope(user))).fetchone()
    return dict(row) if row else None


def list_datasets(db: Database, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The live datasets the caller may see, in insertion order."""
    query = _SELECT + " AND " + SCOPE + " ORDER BY row"
    return [dict(row) for row in db.connection().execute(query, scope(user))]


def live_dataset_uuids(db: Database) -> list[str]:
    """The uuids of every dataset not deleted (any owner)."""
    return [row["uuid"] for row in db.connection().execute(_SELECT)]


def delete_dataset(db: Database, dataset_uuid: str, user: dict[str, Any]) -> list[str] | None:
    """Soft-delete a visible dataset and drop its open temp files; their uuids, or None."""
    with db.transaction() as conn:
        cursor = conn.execute(
            _DELETE + SCOPE,
            (dataset_uuid, *scope(user)),
        )
        if cursor.rowcount == 0:
            return None
        rows = conn.execute(
            "SELECT uuid FROM tempfiles WHERE dataset_uuid = ? AND state = 'open'", (dataset_uuid,)
        ).fetchall()
        file_uuids = [row["uuid"] for row in rows]
        _close_tempfiles(conn, file_uuids, "deleted")
    return file_uuids


def finalize_dataset(
    db: Database, dataset_uuid: str, file_uuids: list[str], commit_file: Callable[[], None]
) -> bool:
    """Mark the dataset finalized and its temp files consumed, calling `commit_file` (which puts
    the data file in place) inside the transaction; False when the dataset or a temp file is no
    longer live, and then `commit_file` is not called."""
    with db.transaction() as conn:
        live = conn.execute(
            "SELECT 1 FROM datasets WHERE uuid = ? AND deleted = 0 AND finalized = 0",
            (dataset_uuid,),
        ).fetchone()
        open_files = [
            conn.execute(
                "SELECT 1 FROM tempfiles WHERE uuid = ? AND state = 'open'", (file_uuid,)
            ).fetchone()
            for file_uuid in file_uuids
        ]
        if live is None or None in open_files:
            return False
        commit_file()
        conn.execute("UPDATE datasets SET finalized = 1 WHERE uuid = ?", (dataset_uuid,))
        _close_tempfiles(conn, file_uuids, "consumed")
    return True


def _close_tempfiles(conn: Any, file_uuids: list[str], state: str) -> None:
    for file_uuid in file_uuids:
        conn.execute("UPDATE tempfiles SET state = ? WHERE uuid = ?", (state, file_uuid))
        conn.execute("DELETE FROM tempfile_ranges WHERE tempfile_uuid = ?", (file_uuid,))
