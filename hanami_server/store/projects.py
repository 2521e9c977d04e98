"""Stored projects: live rows only; deletes are soft, so a deleted id can be created again."""

from __future__ import annotations

import sqlite3
from typing import Any

from hanami_server.db import Database, now_timestamp

_SELECT = "SELECT id, name, creator_id, created_at FROM projects"


def get_project(db: Database, project_id: str) -> dict[str, Any] | None:
    """The live project with this id, or None."""
    row = (
        db.connection().execute(_SELECT + " WHERE id = ? AND deleted = 0", (project_id,)).fetchone()
    )
    return dict(row) if row else None


def list_projects(db: Database) -> list[dict[str, Any]]:
    """All live projects in insertion order."""
    query = _SELECT + " WHERE deleted = 0 ORDER BY row"
    return [dict(row) for row in db.connection().execute(query)]


def create_project(
    db: Database, *, project_id: str, name: str, creator_id: str
) -> dict[str, Any] | None:
    """Insert a project; None when a live project already has this id."""
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO projects (id, name, creator_id, created_at) VALUES (?, ?, ?, ?)",
                (project_id, name, creator_id, now_timestamp()),
            )
    except sqlite3.IntegrityError:
        return None
    return get_project(db, project_id)


def delete_project(db: Database, project_id: str) -> bool:
    """Soft-delete the live project; False when there is none."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE projects SET deleted = 1 WHERE id = ? AND deleted = 0", (project_id,)
        )
    return cursor.rowcount > 0
