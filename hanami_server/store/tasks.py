"""Stored tasks: the history of every cluster's queue (contract 2.6, 7), kept across restarts."""

from __future__ import annotations

import json
from typing import Any

from hanami_server.db import Database, now_timestamp
from hanami_server.store.datasets import insert_result_dataset

_INSERT = (
    "INSERT INTO tasks (uuid, cluster_uuid, name, kind, state, current_cycle,"
    " total_number_of_cycles, queue_timestamp, start_timestamp, end_timestamp, spec, owner_id,"
    " project_id) VALUES (:uuid, :cluster_uuid, :name, :kind, :state, :current_cycle,"
    " :total_number_of_cycles, :queue_timestamp, :start_timestamp, :end_timestamp, :spec,"
    " :owner_id, :project_id)"
)
_SELECT = (
    "SELECT uuid, cluster_uuid, name, kind, state, current_cycle, total_number_of_cycles,"
    " queue_timestamp, start_timestamp, end_timestamp, spec, owner_id, project_id"
    " FROM tasks WHERE deleted = 0"
)
UNFINISHED = ("queued", "active")


def insert_task(
    db: Database, row: dict[str, Any], *, result_owner: dict[str, Any] | None = None
) -> None:
    """Insert a task row (its `spec` a dict); with `result_owner`, also the request's result
    dataset row (uuid and name of the task), in the same transaction."""
    values = {**row, "spec": json.dumps(row["spec"], sort_keys=True)}
    with db.transaction() as conn:
        conn.execute(_INSERT, values)
        if result_owner is not None:
            insert_result_dataset(
                conn, dataset_uuid=row["uuid"], name=row["name"], user=result_owner
            )


def tasks_of_cluster(db: Database, cluster_uuid: str) -> list[dict[str, Any]]:
    """The live tasks of a cluster in creation order, their `spec` decoded."""
    query = _SELECT + " AND cluster_uuid = ? ORDER BY row"
    rows = db.connection().execute(query, (cluster_uuid,)).fetchall()
    return [{**dict(row), "spec": json.loads(row["spec"])} for row in rows]


def mark_active(db: Database, task_uuid: str, start_timestamp: str) -> None:
    """The task left the queue and runs now."""
    db.connection().execute(
        "UPDATE tasks SET state = 'active', start_timestamp = ? WHERE uuid = ?",
        (start_timestamp, task_uuid),
    )


def mark_ended(
    db: Database, task_uuid: str, *, state: str, current_cycle: int, end_timestamp: str
) -> None:
    """The task is over: `finished` or `aborted`, with the cycles it did."""
    db.connection().execute(
        "UPDATE tasks SET state = ?, current_cycle = ?, end_timestamp = ? WHERE uuid = ?",
        (state, current_cycle, end_timestamp, task_uuid),
    )


def delete_task(db: Database, task_uuid: str) -> None:
    """Drop a task from its cluster's history (soft)."""
    db.connection().execute("UPDATE tasks SET deleted = 1 WHERE uuid = ?", (task_uuid,))


def delete_cluster_tasks(db: Database, cluster_uuid: str) -> None:
    """Drop every task of a deleted cluster (soft)."""
    db.connection().execute(
        "UPDATE tasks SET deleted = 1 WHERE cluster_uuid = ? AND deleted = 0", (cluster_uuid,)
    )


def abort_unfinished(db: Database) -> int:
    """At start-up: tasks queued or active when the last run ended become `aborted`; how many."""
    cursor = db.connection().execute(
        "UPDATE tasks SET state = 'aborted', end_timestamp = ?"
        " WHERE deleted = 0 AND state IN (?, ?)",
        (now_timestamp(), *UNFINISHED),
    )
    return cursor.rowcount
