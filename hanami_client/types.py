"""Typed values of what the OpenHanami API returns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "Checkpoint",
    "Cluster",
    "CpuCore",
    "CpuPackage",
    "Dataset",
    "Project",
    "ProjectAssignment",
    "Row",
    "Series",
    "SystemInfo",
    "Table",
    "Task",
    "TaskInput",
    "TaskResult",
    "TokenInfo",
    "UploadTicket",
    "User",
]


@lru_cache(maxsize=64)
def _column_index(header: tuple[str, ...]) -> dict[str, int]:
    """Column name -> position, shared by every row of the same header."""
    return {name: i for i, name in enumerate(header)}


class Row(Mapping[str, Any]):
    """One row of a list ("table") response, addressable by column name or by position."""

    __slots__ = ("_header", "_index", "_values")

    def __init__(self, header: Sequence[str], values: Sequence[Any]) -> None:
        self._header = tuple(header)
        self._values = tuple(values)
        self._index = _column_index(self._header)

    def __getitem__(self, key: str | int) -> Any:  # type: ignore[override]
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._header)

    def __len__(self) -> int:
        return len(self._header)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def values_list(self) -> list[Any]:
        """The cells in header order."""
        return list(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


@dataclass(frozen=True)
class Table:
    """A list response: the fixed header and its rows."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        header = tuple(data["header"])
        return cls(header=header, rows=tuple(Row(header, values) for values in data["body"]))

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]


@dataclass(frozen=True)
class ProjectAssignment:
    """A user's membership in a project."""

    project_id: str
    role: str
    is_project_admin: bool


@dataclass(frozen=True)
class User:
    """A backend user (``UserObj``)."""

    id: str
    name: str
    is_admin: bool
    creator_id: str
    created_at: str
    projects: tuple[ProjectAssignment, ...] = ()


@dataclass(frozen=True)
class Project:
    """A backend project."""

    id: str
    name: str
    creator_id: str
    created_at: str


@dataclass(frozen=True)
class TokenInfo:
    """A token and the context it carries (decoded from its ``user`` claim)."""

    token: str = field(repr=False)  # a credential: never in logs or tracebacks
    id: str
    name: str
    is_admin: bool
    project_id: str
    role: str
    is_project_admin: bool
    expires_at: int


@dataclass(frozen=True)
class Dataset:
    """A dataset: its metadata and its named column ranges."""

    uuid: str
    name: str
    description: dict[str, tuple[int, int]]  # column name -> [start, end)
    owner_id: str
    project_id: str
    visibility: str
    version: str
    number_of_rows: int
    number_of_columns: int
    created_at: str


@dataclass(frozen=True)
class UploadTicket:
    """A registered upload: the dataset and the temp file(s) its bytes go into."""

    dataset_uuid: str
    input_file_uuid: str
    label_file_uuid: str | None = None


@dataclass(frozen=True)
class Cluster:
    """A cluster; only ``get`` reports its counters (0 after create, as the contract says)."""

    uuid: str
    name: str
    owner_id: str
    project_id: str
    visibility: str
    created_at: str
    number_of_blocks: int = 0
    number_of_sections: int = 0


@dataclass(frozen=True)
class TaskInput:
    """One item of a task's ``inputs`` or (train) ``outputs``: a dataset column into a hexagon."""

    dataset_uuid: str
    dataset_column: str
    hexagon_name: str


@dataclass(frozen=True)
class TaskResult:
    """One item of a request task's ``results``: an output hexagon into a result column."""

    dataset_column: str  # column name in the new result dataset
    hexagon_name: str  # output hexagon


@dataclass(frozen=True)
class Task:
    """A task (``TaskObj``) and the cluster it belongs to (the wire leaves that to the caller)."""

    uuid: str
    name: str
    state: str  # "queued" | "active" | "aborted" | "finished"
    current_cycle: int
    total_number_of_cycles: int
    queue_timestamp: str
    start_timestamp: str | None  # None while queued (the wire says "-")
    end_timestamp: str | None  # None until it ended
    cluster_uuid: str

    @property
    def fraction(self) -> float:
        """How far it got, 0..1: 1.0 once finished (save/restore never count), 0 without rows."""
        if self.state == "finished":
            return 1.0
        if self.total_number_of_cycles <= 0:
            return 0.0
        return min(max(self.current_cycle / self.total_number_of_cycles, 0.0), 1.0)

    @property
    def done(self) -> bool:
        """Whether it has ended (finished or aborted) and will not change any more."""
        return self.state in ("finished", "aborted")


@dataclass(frozen=True)
class Checkpoint:
    """A saved cluster state (``GET /checkpoint``); its uuid is the save task's."""

    uuid: str
    name: str
    created_at: str
    owner_id: str
    project_id: str
    visibility: str


@dataclass(frozen=True)
class Series:
    """One measured value over time, each level oldest to newest (missing samples read 0.0)."""

    seconds: tuple[float, ...]  # the last 60 seconds
    minutes: tuple[float, ...]  # the last 60 minutes, one mean each
    hours: tuple[float, ...]  # the last 24 hours
    days: tuple[float, ...]  # the last 365 days


@dataclass(frozen=True)
class CpuCore:
    """A CPU core: its speeds in kHz (0 where the host does not tell) and its thread ids."""

    id: int
    minimum_speed: int
    maximum_speed: int
    current_minimum_speed: int
    current_maximum_speed: int
    current_speed: int
    threads: tuple[int, ...]


@dataclass(frozen=True)
class CpuPackage:
    """A CPU package (socket): thermal design power and current power in W, and its cores."""

    id: int
    thermal_spec: float
    power: float
    cores: tuple[CpuCore, ...]


@dataclass(frozen=True)
class SystemInfo:
    """The backend's machine (``GET /system_info``)."""

    hostname: str
    has_hyperthreading: bool
    packages: tuple[CpuPackage, ...]
