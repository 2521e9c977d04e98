"""Upload temp files: which bytes arrived (merged ranges), when each was last used, purging.

R (contract 3.3): `complete` is exact: every byte of the announced size has been written, in
whatever order and chunk sizes; for the SDKs' aligned 128 KiB chunks this is upstream's
"all ceil(size / 131072) segments received".
"""

from __future__ import annotations

import time
from typing import Any

from hanami_server.db import Database
from hanami_server.store.scope import SCOPE, scope

_COLUMNS = "SELECT uuid, dataset_uuid, role, owner_id, project_id, size, state"


def get_open_tempfile(db: Database, file_uuid: str, user: dict[str, Any]) -> dict[str, Any] | None:
    """The open temp file with this uuid when the caller may see it, else None."""
    query = _COLUMNS + " FROM tempfiles WHERE uuid = ? AND state = 'open' AND " + SCOPE
    row = db.connection().execute(query, (file_uuid, *scope(user))).fetchone()
    return dict(row) if row else None


def open_tempfile_uuids(db: Database) -> list[str]:
    """The uuids of every open temp file (any owner)."""
    query = "SELECT uuid FROM tempfiles WHERE state = 'open'"
    return [row["uuid"] for row in db.connection().execute(query)]


def tempfiles_of(db: Database, dataset_uuid: str) -> list[dict[str, Any]]:
    """Every temp file ever registered for a dataset (any state), with its `received` bytes."""
    query = (
        "SELECT uuid, dataset_uuid, role, owner_id, project_id, size, state,"
        " (SELECT COALESCE(SUM(end_byte - start_byte), 0) FROM tempfile_ranges"
        " WHERE tempfile_uuid = tempfiles.uuid) AS received"
        " FROM tempfiles WHERE dataset_uuid = ? ORDER BY row"
    )
    return [dict(row) for row in db.connection().execute(query, (dataset_uuid,))]


def is_complete(tempfile: dict[str, Any]) -> bool:
    """True when a row of `tempfiles_of` has all its bytes (or was already converted)."""
    if tempfile["state"] == "consumed":
        return True
    return tempfile["state"] == "open" and tempfile["received"] == tempfile["size"]


def mark_received(db: Database, file_uuid: str, start: int, end: int) -> bool:
    """Record bytes [start, end) as written, merged with the ranges they overlap or touch;
    False when the temp file is no longer open."""
    with db.transaction() as conn:
        row = conn.execute("SELECT state FROM tempfiles WHERE uuid = ?", (file_uuid,)).fetchone()
        if row is None or row["state"] != "open":
            return False
        if end <= start:
            return True
        touching = (
            " FROM tempfile_ranges WHERE tempfile_uuid = ? AND start_byte <= ? AND end_byte >= ?"
        )
        params = (file_uuid, end, start)
        low, high = conn.execute(
            "SELECT MIN(start_byte), MAX(end_byte)" + touching, params
        ).fetchone()
        if low is not None:
            start, end = min(start, low), max(end, high)
        conn.execute("DELETE" + touching, params)
        conn.execute(
            "INSERT INTO tempfile_ranges (tempfile_uuid, start_byte, end_byte) VALUES (?, ?, ?)",
            (file_uuid, start, end),
        )
    return True


def touch(db: Database, file_uuid: str) -> None:
    """Restart a temp file's idle clock (a websocket let go of it)."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE tempfiles SET last_active = ? WHERE uuid = ?", (time.time(), file_uuid)
        )


def idle_tempfiles(db: Database, idle_seconds: float) -> list[str]:
    """Open temp files untouched for at least `idle_seconds`."""
    query = "SELECT uuid FROM tempfiles WHERE state = 'open' AND last_active <= ?"
    rows = db.connection().execute(query, (time.time() - idle_seconds,))
    return [row["uuid"] for row in rows]


def purge_tempfile(db: Database, file_uuid: str) -> None:
    """Mark an open temp file purged and forget its ranges."""
    with db.transaction() as conn:
        conn.execute(
            "UPDATE tempfiles SET state = 'purged' WHERE uuid = ? AND state = 'open'", (file_uuid,)
        )
        conn.execute("DELETE FROM tempfile_ranges WHERE tempfile_uuid = ?", (file_uuid,))
