"""One task as its cluster's runtime holds it: the stored fields, the live cycle count, its stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hanami_server.db import now_timestamp

NO_TIME = "-"
LIST_HEADER = ["uuid", "state", "percentage", "queued", "start", "end"]


@dataclass(eq=False)
class Task:
    """A train, request, save or restore task; `current_cycle` is written by the worker live."""

    uuid: str
    cluster_uuid: str
    name: str
    kind: str
    total_number_of_cycles: int
    spec: dict[str, Any]
    owner_id: str
    project_id: str
    state: str = "queued"
    current_cycle: int = 0
    queue_timestamp: str = field(default_factory=now_timestamp)
    start_timestamp: str = NO_TIME
    end_timestamp: str = NO_TIME
    # set to stop the task at its next batch (delete, cluster delete, shutdown)
    stop: threading.Event = field(default_factory=threading.Event)
    # set once the task is over, whatever its end
    ended: threading.Event = field(default_factory=threading.Event)
    # deleted while active: dropped as soon as the worker has stopped it
    removed: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Task:
        """A task read back from the database."""
        task = cls(**{key: row[key] for key in _STORED})
        if task.state not in ("queued", "active"):
            task.ended.set()
        return task

    def progress_from(self, offset: int) -> Callable[[int], None]:
        """An engine progress callback for rows counted from `offset` on."""

        def progress(rows: int) -> None:
            self.current_cycle = offset + rows

        return progress

    def row(self) -> dict[str, Any]:
        """The stored fields."""
        return {key: getattr(self, key) for key in _STORED}

    def wire(self) -> dict[str, Any]:
        """The TaskObj of contract 2.6."""
        return {
            "current_cycle": self.current_cycle,
            "end_timestamp": self.end_timestamp,
            "name": self.name,
            "queue_timestamp": self.queue_timestamp,
            "start_timestamp": self.start_timestamp,
            "state": self.state,
            "total_number_of_cycles": self.total_number_of_cycles,
            "uuid": self.uuid,
        }

    def list_row(self) -> list[str]:
        """The task's row of `GET /task/all`: every cell a string, the fraction with 6 decimals."""
        total = self.total_number_of_cycles
        fraction = self.current_cycle / total if total else 0.0
        return [
            self.uuid,
            self.state,
            f"{fraction:.6f}",
            self.queue_timestamp,
            self.start_timestamp,
            self.end_timestamp,
        ]


_STORED = (
    "uuid",
    "cluster_uuid",
    "name",
    "kind",
    "state",
    "current_cycle",
    "total_number_of_cycles",
    "queue_timestamp",
    "start_timestamp",
    "end_timestamp",
    "spec",
    "owner_id",
    "project_id",
)
