"""Stored checkpoints (contract 2.7): one row per finished save task; reads scoped as in 1.11."""

from __future__ import annotations

import json
from typing import Any

from hanami_server.db import Database, now_timestamp
from hanami_server.store.scope import SCOPE, scope

VISIBILITY = "private"
_SELECT = (
    "SELECT uuid, name, owner_id, project_id, visibility, created_at, layout, sizes"
    " FROM checkpoints WHERE deleted = 0"
)
_DELETE = "UPDATE checkpoints SET deleted = 1 WHERE uuid = ? AND deleted = 0 AND "


def _decoded(row: Any) -> dict[str, Any]:
    return {**dict(row), "layout": json.loads(row["layout"]), "sizes": json.loads(row["sizes"])}


def insert_checkpoint(
    db: Database,
    *,
    checkpoint_uuid: str,
    name: str,
    owner_id: str,
    project_id: str,
    layout: list[str],
    sizes: dict[str, Any],
) -> None:
    """Record a checkpoint whose file is in place: the network shape it needs and its sizes."""
    db.connection().execute(
        "INSERT INTO checkpoints (uuid, name, owner_id, project_id, visibility, created_at,"
        " layout, sizes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            checkpoint_uuid,
            name,
            owner_id,
            project_id,
            VISIBILITY,
            now_timestamp(),
            json.dumps(layout),
            json.dumps(sizes, sort_keys=True),
        ),
    )


def get_checkpoint(
    db: Database, checkpoint_uuid: str, user: dict[str, Any]
) -> dict[str, Any] | None:
    """The live checkpoint with this uuid when the caller may see it, else None."""
    query = _SELECT + " AND uuid = ? AND " + SCOPE
    row = db.connection().execute(query, (checkpoint_uuid, *scope(user))).fetchone()
    return _decoded(row) if row else None


def list_checkpoints(db: Database, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The live checkpoints the caller may see, in creation order."""
    query = _SELECT + " AND " + SCOPE + " ORDER BY row"
    return [_decoded(row) for row in db.connection().execute(query, scope(user))]


def live_checkpoint_uuids(db: Database) -> list[str]:
    """The uuids of every live checkpoint (any owner)."""
    return [row["uuid"] for row in db.connection().execute(_SELECT)]


def delete_checkpoint(db: Database, checkpoint_uuid: str, user: dict[str, Any]) -> bool:
    """Soft-delete a visible live checkpoint; False when there is none."""
    with db.transaction() as conn:
        return conn.execute(_DELETE + SCOPE, (checkpoint_uuid, *scope(user))).rowcount > 0
