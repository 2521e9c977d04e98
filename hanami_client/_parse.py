"""Turn reply JSON into the typed values of types.py (KeyError/TypeError/ValueError on misfit)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from hanami_client.types import Project, ProjectAssignment, Row, Table, User

__all__ = ["assignments", "flag", "project", "table", "text", "user"]

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
