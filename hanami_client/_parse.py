"""Turn reply JSON into the typed values of types.py (KeyError/TypeError/ValueError on misfit)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from hanami_client.types import (
    Checkpoint,
    Cluster,
    CpuCore,
    CpuPackage,
    Dataset,
    Project,
    ProjectAssignment,
    Row,
    Series,
    SystemInfo,
    Table,
    Task,
    UploadTicket,
    User,
)

__all__ = [
    "assignments",
    "checkpoint",
    "cluster",
    "columns",
    "count",
    "dataset",
    "flag",
    "fraction",
    "json_text",
    "number",
    "project",
    "rows",
    "series",
    "state",
    "system_info",
    "table",
    "task",
    "text",
    "thread_map",
    "timestamp",
    "upload_ticket",
    "user",
]

#: The states of a task (contract 2.6).
STATES = frozenset({"queued", "active", "aborted", "finished"})

Cell = Callable[[Any], Any]


def text(value: Any) -> str:
    """A string field; upstream's SQLite round-trip turns names like ``true`` into JSON values."""
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"expected a string, got {value!r}")


def flag(value: Any) -> bool:
    """A boolean field (a JSON bool, or its text/0/1 form from a table cell)."""
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TypeError(f"expected a boolean, got {value!r}")


def assignments(value: Any) -> tuple[ProjectAssignment, ...]:
    """A ``projects`` field or cell: a JSON array (or its text) of project assignments."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise TypeError(f"expected a list of projects, got {value!r}")
    return tuple(
        ProjectAssignment(
            project_id=text(item["project_id"]),
            role=text(item["role"]),
            is_project_admin=flag(item["is_project_admin"]),
        )
        for item in value
    )


def user(data: Mapping[str, Any]) -> User:
    """A ``UserObj``."""
    return User(
        id=text(data["id"]),
        name=text(data["name"]),
        is_admin=flag(data["is_admin"]),
        creator_id=text(data["creator_id"]),
        created_at=text(data["created_at"]),
        projects=assignments(data["projects"]),
    )


def project(data: Mapping[str, Any]) -> Project:
    """A project object."""
    return Project(
        id=text(data["id"]),
        name=text(data["name"]),
        creator_id=text(data["creator_id"]),
        created_at=text(data["created_at"]),
    )


def count(value: Any) -> int:
    """A non-negative integer field (row and column counts, column positions)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a non-negative integer, got {value!r}")
    return value


def columns(value: Any) -> dict[str, tuple[int, int]]:
    """A dataset ``description``: column name -> its half-open range ``(start, end)``."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a column map, got {value!r}")
    return {
        text(name): (count(span["column_start"]), count(span["column_end"]))
        for name, span in value.items()
    }


def dataset(data: Mapping[str, Any]) -> Dataset:
    """A dataset object (``GET /dataset``)."""
    return Dataset(
        uuid=text(data["uuid"]),
        name=text(data["name"]),
        description=columns(data["description"]),
        owner_id=text(data["owner_id"]),
        project_id=text(data["project_id"]),
        visibility=text(data["visibility"]),
        version=text(data["version"]),
        number_of_rows=count(data["number_of_rows"]),
        number_of_columns=count(data["number_of_columns"]),
        created_at=text(data["created_at"]),
    )


def cluster(data: Mapping[str, Any]) -> Cluster:
    """A ``ClRow`` (create) or a ``ClRow`` with its counters (``GET /cluster``)."""
    return Cluster(
        uuid=text(data["uuid"]),
        name=text(data["name"]),
        owner_id=text(data["owner_id"]),
        project_id=text(data["project_id"]),
        visibility=text(data["visibility"]),
        created_at=text(data["created_at"]),
        number_of_blocks=count(data.get("number_of_blocks", 0)),
        number_of_sections=count(data.get("number_of_sections", 0)),
    )


def timestamp(value: Any) -> str | None:
    """A task timestamp: ``None`` where the wire says ``-`` (not started, not ended)."""
    stamp = text(value)
    return None if stamp == "-" else stamp


def state(value: Any) -> str:
    """A task state, one of the four the contract knows."""
    name = text(value)
    if name not in STATES:
        raise ValueError(f"unknown task state {name!r}")
    return name


def fraction(value: Any) -> float:
    """A task list ``percentage`` cell: a fraction 0..1, sent as text like ``"0.250000"``."""
    if isinstance(value, bool):
        raise TypeError(f"expected a fraction, got {value!r}")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"expected a fraction in 0..1, got {value!r}")
    return number


def task(data: Mapping[str, Any], cluster_uuid: str) -> Task:
    """A ``TaskObj``, with the cluster it was asked about."""
    return Task(
        uuid=text(data["uuid"]),
        name=text(data["name"]),
        state=state(data["state"]),
        current_cycle=count(data["current_cycle"]),
        total_number_of_cycles=count(data["total_number_of_cycles"]),
        queue_timestamp=text(data["queue_timestamp"]),
        start_timestamp=timestamp(data["start_timestamp"]),
        end_timestamp=timestamp(data["end_timestamp"]),
        cluster_uuid=cluster_uuid,
    )


def checkpoint(data: Mapping[str, Any]) -> Checkpoint:
    """A checkpoint object (``GET /checkpoint``)."""
    return Checkpoint(
        uuid=text(data["uuid"]),
        name=text(data["name"]),
        created_at=text(data["created_at"]),
        owner_id=text(data["owner_id"]),
        project_id=text(data["project_id"]),
        visibility=text(data["visibility"]),
    )


def upload_ticket(data: Mapping[str, Any]) -> UploadTicket:
    """A registration reply: the dataset uuid and its temp-file uuid(s)."""
    label = data.get("uuid_label_file")
    return UploadTicket(
        dataset_uuid=text(data["uuid"]),
        input_file_uuid=text(data["uuid_input_file"]),
        label_file_uuid=None if label is None else text(label),
    )


def rows(data: Mapping[str, Any]) -> list[list[float]]:
    """A content page: one list of floats per row."""
    values = data["data"]
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise TypeError("expected a list of rows")
    return [list(map(float, row)) for row in values]


def number(value: Any) -> float:
    """A JSON number (int or float) as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def json_text(value: Any) -> str:
    """An error-log ``input_values`` cell: upstream's cell typing turns its JSON text into an
    object; either way it is returned as compact JSON text."""
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return text(value)


def series(data: Mapping[str, Any], key: str) -> Series:
    """A measurement reply ``{key: {"seconds": [...], "minutes": ..., "hours", "days"}}``."""
    levels = data[key]
    values = {}
    for level in ("seconds", "minutes", "hours", "days"):
        if not isinstance(levels[level], list):
            raise TypeError(f"expected a list of numbers for {level!r}")
        values[level] = tuple(map(number, levels[level]))
    return Series(**values)


def _core(data: Mapping[str, Any]) -> CpuCore:
    return CpuCore(
        id=count(data["id"]),
        minimum_speed=count(data.get("minimum_speed", 0)),
        maximum_speed=count(data.get("maximum_speed", 0)),
        current_minimum_speed=count(data.get("current_minimum_speed", 0)),
        current_maximum_speed=count(data.get("current_maximum_speed", 0)),
        current_speed=count(data.get("current_speed", 0)),
        threads=tuple(count(thread["id"]) for thread in data["threads"]),
    )


def system_info(data: Mapping[str, Any]) -> SystemInfo:
    """A ``GET /system_info`` reply (speed keys may be absent for a core without threads)."""
    info = data["info"]
    return SystemInfo(
        hostname=text(info["hostname"]),
        has_hyperthreading=flag(info["has_hyperthreading"]),
        packages=tuple(
            CpuPackage(
                id=count(package["id"]),
                thermal_spec=number(package["thermal_spec"]),
                power=number(package["power"]),
                cores=tuple(_core(core) for core in package["cores"]),
            )
            for package in info["packages"]
        ),
    )


def thread_map(data: Mapping[str, Any]) -> dict[str, list[int]]:
    """A ``GET /threading`` reply: thread name -> the CPU ids it may run on."""
    threads = data["thread_map"]
    if not isinstance(threads, dict):
        raise TypeError(f"expected a thread map, got {threads!r}")
    return {text(name): [count(cpu) for cpu in cpus] for name, cpus in threads.items()}


def table(data: Mapping[str, Any], cells: Mapping[str, Cell]) -> Table:
    """A list response whose header holds every column of ``cells``, each cell typed by it."""
    header = tuple(text(name) for name in data["header"])
    missing = set(cells) - set(header)
    if missing:
        raise KeyError(f"columns missing from the header: {sorted(missing)}")
    typers = [cells.get(name, _as_is) for name in header]
    rows = []
    for values in data["body"]:
        if not isinstance(values, list) or len(values) != len(header):
            raise ValueError(f"row does not match the header: {values!r}")
        rows.append(
            Row(header, [typer(value) for typer, value in zip(typers, values, strict=True)])
        )
    return Table(header=header, rows=tuple(rows))


def _as_is(value: Any) -> Any:
    return value
