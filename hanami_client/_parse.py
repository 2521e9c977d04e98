"""Turn reply JSON into the typed values of types.py (KeyError/TypeError/ValueError on misfit)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from hanami_client.types import (
    Cluster,
    Dataset,
    Project,
    ProjectAssignment,
    Row,
    Table,
    UploadTicket,
    User,
)

__all__ = [
    "assignments",
    "cluster",
    "columns",
    "count",
    "dataset",
    "flag",
    "project",
    "rows",
    "table",
    "text",
    "upload_ticket",
    "user",
]

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
