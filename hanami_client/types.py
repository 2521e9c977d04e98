"""Typed values of what the OpenHanami API returns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "Cluster",
    "Dataset",
    "Project",
    "ProjectAssignment",
    "Row",
    "Table",
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
