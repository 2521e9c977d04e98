"""Stored clusters with their template text and, as of their last saved network state, counters
and hexagon sizes; every read is scoped to the caller (1.11)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from hanami_server.db import Database, now_timestamp
from hanami_server.store.scope import SCOPE, scope

VISIBILITY = "private"
_SELECT = (
    "SELECT uuid, name, owner_id, project_id, visibility, created_at, template,"
    " number_of_blocks, number_of_sections, sizes FROM clusters WHERE deleted = 0"
)
_LIVE = "SELECT 1 FROM clusters WHERE deleted = 0"
_DELETE = "UPDATE clusters SET deleted = 1 WHERE uuid = ? AND deleted = 0 AND "
_NAMED = _LIVE + " AND name = ? AND " + SCOPE


def name_taken(db: Database, name: str, user: dict[str, Any]) -> bool:
    """Whether a live cluster the caller may see already has this name."""
    return db.connection().execute(_NAMED, (name, *scope(user))).fetchone() is not None


def create_cluster(
    db: Database, *, name: str, template: str, user: dict[str, Any]
) -> dict[str, Any] | None:
    """Insert a cluster owned by the caller; None when a visible live cluster has the name."""
    cluster_uuid = str(uuid.uuid4())
    owner_id, project_id = str(user.get("id", "")), str(user.get("project_id", ""))
    with db.transaction() as conn:
        if conn.execute(_NAMED, (name, *scope(user))).fetchone() is not None:
            return None
        conn.execute(
            "INSERT INTO clusters (uuid, name, owner_id, project_id, visibility, created_at,"
            " template) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cluster_uuid, name, owner_id, project_id, VISIBILITY, now_timestamp(), template),
        )
    return get_cluster(db, cluster_uuid, user)


def get_cluster(db: Database, cluster_uuid: str, user: dict[str, Any]) -> dict[str, Any] | None:
    """The live cluster with this uuid when the caller may see it, else None."""
    query = _SELECT + " AND uuid = ? AND " + SCOPE
    row = db.connection().execute(query, (cluster_uuid, *scope(user))).fetchone()
    return dict(row) if row else None


def cluster_exists(db: Database, cluster_uuid: str) -> bool:
    """Whether a live cluster (any owner) has this uuid."""
    query = _LIVE + " AND uuid = ?"
    return db.connection().execute(query, (cluster_uuid,)).fetchone() is not None


def live_cluster_uuids(db: Database) -> list[str]:
    """The uuids of every live cluster (any owner)."""
    return [row["uuid"] for row in db.connection().execute(_SELECT)]


def save_network_facts(
    db: Database, cluster_uuid: str, *, blocks: int, sections: int, sizes: dict[str, Any]
) -> None:
    """Record the counters and hexagon sizes of the network state just saved for a cluster."""
    db.connection().execute(
        "UPDATE clusters SET number_of_blocks = ?, number_of_sections = ?, sizes = ?"
        " WHERE uuid = ?",
        (blocks, sections, json.dumps(sizes, sort_keys=True), cluster_uuid),
    )


def list_clusters(db: Database, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The live clusters the caller may see, in insertion order."""
    query = _SELECT + " AND " + SCOPE + " ORDER BY row"
    return [dict(row) for row in db.connection().execute(query, scope(user))]


def delete_cluster(db: Database, cluster_uuid: str, user: dict[str, Any]) -> bool:
    """Soft-delete a visible live cluster; False when there is none."""
    with db.transaction() as conn:
        return conn.execute(_DELETE + SCOPE, (cluster_uuid, *scope(user))).rowcount > 0
