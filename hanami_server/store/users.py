"""Stored users: live rows only; deletes are soft, so a deleted id can be created again."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from hanami_server.db import Database, now_timestamp

_SELECT = "SELECT id, name, creator_id, created_at, is_admin, passphrase_hash, projects FROM users"


def _user(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "creator_id": row["creator_id"],
        "created_at": row["created_at"],
        "is_admin": bool(row["is_admin"]),
        "passphrase_hash": row["passphrase_hash"],
        "projects": json.loads(row["projects"]),
    }


def get_user(db: Database, user_id: str) -> dict[str, Any] | None:
    """The live user with this id, or None."""
    row = db.connection().execute(_SELECT + " WHERE id = ? AND deleted = 0", (user_id,)).fetchone()
    return _user(row) if row else None


def list_users(db: Database) -> list[dict[str, Any]]:
    """All live users in insertion order."""
    rows = db.connection().execute(_SELECT + " WHERE deleted = 0 ORDER BY row")
    return [_user(row) for row in rows]


def admin_exists(db: Database) -> bool:
    """True when at least one live user is a global admin."""
    query = "SELECT 1 FROM users WHERE is_admin = 1 AND deleted = 0 LIMIT 1"
    return db.connection().execute(query).fetchone() is not None


def create_user(
    db: Database,
    *,
    user_id: str,
    name: str,
    passphrase_hash: str,
    is_admin: bool,
    creator_id: str,
) -> dict[str, Any] | None:
    """Insert a user with no projects; None when a live user already has this id."""
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO users (id, name, creator_id, created_at, is_admin, passphrase_hash)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, name, creator_id, now_timestamp(), int(is_admin), passphrase_hash),
            )
    except sqlite3.IntegrityError:
        return None
    return get_user(db, user_id)


def delete_user(db: Database, user_id: str) -> bool:
    """Soft-delete the live user; False when there is none."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE users SET deleted = 1 WHERE id = ? AND deleted = 0", (user_id,)
        )
    return cursor.rowcount > 0


def update_projects(
    db: Database, user_id: str, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> dict[str, Any] | None:
    """Replace the user's assignments with `change(current)` atomically; None when no such user.

    `change` may raise to abort; nothing is written then.
    """
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT projects FROM users WHERE id = ? AND deleted = 0", (user_id,)
        ).fetchone()
        if row is None:
            return None
        projects = change(json.loads(row["projects"]))
        conn.execute(
            "UPDATE users SET projects = ? WHERE id = ? AND deleted = 0",
            (json.dumps(projects), user_id),
        )
    return get_user(db, user_id)
