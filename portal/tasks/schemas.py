"""JSON shapes of tasks in the portal API, checked with the wire contract's field rules."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Path, Schema

from hanami_client import Task
from hanami_client.rules import NAME_LENGTH, NAME_RE, UUID_RE
from portal.core.schemas import rule_string
from portal.projects.schemas import NAME_HELP

__all__ = [
    "ClusterUuidPath",
    "RequestTaskIn",
    "TaskInputIn",
    "TaskOut",
    "TaskResultIn",
    "TaskRowOut",
    "TaskUuidPath",
    "TrainTaskIn",
]

ClusterUuidPath = rule_string(
    UUID_RE, "The cluster's uuid (8-4-4-4-12 hexadecimal digits).", source=Path
)
TaskUuidPath = rule_string(UUID_RE, "The task's uuid (8-4-4-4-12 hexadecimal digits).", source=Path)
TaskName = rule_string(NAME_RE, NAME_HELP, limits=NAME_LENGTH)
DatasetUuid = rule_string(UUID_RE, "A dataset's uuid (8-4-4-4-12 hexadecimal digits).")
ItemName = Annotated[str, Field(min_length=1, max_length=254)]
TimeLength = Annotated[
    int,
    Field(ge=1, le=1000, description="Rows fed per cycle; only 1 is reliable (contract 11 #15)."),
]


class TaskInputIn(Schema):
    """A dataset column into a hexagon: an input, or (training) an expected output."""

    dataset_uuid: DatasetUuid
    dataset_column: ItemName
    hexagon_name: ItemName


class TaskResultIn(Schema):
    """An output hexagon into a column of the request's result dataset."""

    dataset_column: ItemName = Field(description="Its column name in the result dataset.")
    hexagon_name: ItemName


class TrainTaskIn(Schema):
    """A train task: one pass over the rows."""

    name: TaskName
    inputs: list[TaskInputIn] = Field(min_length=1)
    outputs: list[TaskInputIn] = Field(min_length=1)
    time_length: TimeLength = 1


class RequestTaskIn(Schema):
    """A request task: its results become a dataset whose uuid is the task's."""

    name: TaskName
    inputs: list[TaskInputIn] = Field(min_length=1)
    results: list[TaskResultIn] = Field(min_length=1)
    time_length: TimeLength = 1


class TaskOut(Schema):
    """A task with its progress."""

    uuid: str
    name: str
    state: str = Field(description="queued, active, aborted or finished")
    current_cycle: int = Field(description="Rows done.")
    total_number_of_cycles: int = Field(description="Rows to do.")
    percentage: float = Field(description="Done, 0 to 1 (1 once finished).")
    queue_timestamp: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")
    start_timestamp: str | None = Field(description="UTC; null while queued.")
    end_timestamp: str | None = Field(description="UTC; null until it ended.")
    cluster_uuid: str

    @staticmethod
    def resolve_percentage(task: Task) -> float:
        """The client's fraction done."""
        return task.fraction


class TaskRowOut(Schema):
    """A task as the cluster's list shows it."""

    uuid: str
    state: str
    percentage: float = Field(description="Done, 0 to 1.")
    queued: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")
    start: str | None
    end: str | None
