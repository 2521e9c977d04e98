"""JSON shapes of datasets in the portal API, checked with the wire contract's field rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja import Field, Form, Path, Query, Schema

from hanami_client import Dataset
from hanami_client.rules import NAME_LENGTH, NAME_RE, UUID_RE
from portal.core.schemas import rule_string
from portal.projects.schemas import NAME_HELP

__all__ = [
    "MAX_CONTENT_ROWS",
    "AccuracyOut",
    "ColumnQuery",
    "ColumnRangeOut",
    "ContentOut",
    "DatasetName",
    "DatasetOut",
    "DatasetRowOut",
    "DatasetUuidPath",
    "DatasetUuidQuery",
    "dataset_reply",
    "wire_description",
]

#: The backend answers at most this many rows per content request.
MAX_CONTENT_ROWS = 10_000
UUID_HELP = "A dataset's uuid (8-4-4-4-12 hexadecimal digits)."

DatasetUuidPath = rule_string(UUID_RE, UUID_HELP, source=Path)
DatasetUuidQuery = rule_string(UUID_RE, UUID_HELP, source=Query)
DatasetName = rule_string(NAME_RE, NAME_HELP, limits=NAME_LENGTH, source=Form)
ColumnQuery = rule_string(NAME_RE, "A column of the dataset, e.g. picture or label.", source=Query)


def wire_description(description: Mapping[str, tuple[int, int]]) -> dict[str, dict[str, int]]:
    """Column ranges as the backend sends them: name -> column_start, column_end."""
    return {
        name: {"column_start": start, "column_end": end}
        for name, (start, end) in description.items()
    }


def dataset_reply(dataset: Dataset) -> dict[str, Any]:
    """A dataset as the backend's GET /dataset answers it."""
    return {
        "uuid": dataset.uuid,
        "name": dataset.name,
        "description": wire_description(dataset.description),
        "owner_id": dataset.owner_id,
        "project_id": dataset.project_id,
        "visibility": dataset.visibility,
        "version": dataset.version,
        "number_of_rows": dataset.number_of_rows,
        "number_of_columns": dataset.number_of_columns,
        "created_at": dataset.created_at,
    }


class DatasetRowOut(Schema):
    """A dataset as the list shows it."""

    uuid: str
    name: str
    owner_id: str
    project_id: str
    visibility: str
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")


class ColumnRangeOut(Schema):
    """A named column range: cells [column_start, column_end) of every row."""

    column_start: int
    column_end: int


class DatasetOut(DatasetRowOut):
    """A dataset with its size and its named column ranges."""

    description: dict[str, ColumnRangeOut] = Field(description="column name -> its range")
    version: str
    number_of_rows: int
    number_of_columns: int

    @staticmethod
    def resolve_description(dataset: Dataset) -> dict[str, dict[str, int]]:
        """The client's (start, end) pairs in the backend's shape."""
        return wire_description(dataset.description)


class ContentOut(Schema):
    """Rows of one column range, every value as a float."""

    data: list[list[float]]


class AccuracyOut(Schema):
    """How many rows of a result match the labels of a reference, in percent."""

    accuracy: float
