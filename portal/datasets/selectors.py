"""Read-only questions about datasets: kind, size, who may delete, list rows, previews."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hanami_client import Dataset, HanamiClient, NotFound, ServerError
from hanami_client.rules import NAME_RE
from portal.core.pictures import grayscale_png, png_data_uri
from portal.datasets.charts import LineChart, line_chart

__all__ = [
    "KIND_LABELS",
    "ColumnPreview",
    "Digit",
    "TablePreview",
    "add_details",
    "dataset_kind",
    "dataset_row",
    "dataset_rows",
    "file_bytes",
    "label_of",
    "may_delete",
    "mnist_preview",
    "table_preview",
]

KIND_LABELS = {"mnist": "MNIST", "csv": "CSV", "other": "Other"}
#: The columns an MNIST conversion makes (contract 6.1).
MNIST_COLUMNS = frozenset({"picture", "label"})
#: The file header of the binary dataset format (contract 6.6).
HEADER_BYTES = 4096
PREVIEW_DIGITS = 48
PREVIEW_ROWS = 20
CHART_ROWS = 200
PREVIEW_COLUMNS = 12
#: The list's cells that only ``datasets.get`` knows (None until fetched).
DETAIL_KEYS = ("kind", "number_of_rows", "number_of_columns", "size")


def dataset_kind(dataset: Dataset) -> str:
    """``mnist`` (picture and label), ``csv`` (one value per column) or ``other``."""
    if set(dataset.description) == MNIST_COLUMNS:
        return "mnist"
    if all(end - start == 1 for start, end in dataset.description.values()):
        return "csv"
    return "other"


def file_bytes(dataset: Dataset) -> int:
    """The dataset file's size on the backend: header, column map, uint8 or float32 cells."""
    cell = 1 if dataset_kind(dataset) == "mnist" else 4
    description = {
        name: {"column_start": start, "column_end": end}
        for name, (start, end) in dataset.description.items()
    }
    description_bytes = len(json.dumps(description, separators=(",", ":")).encode())
    return (
        HEADER_BYTES + description_bytes + dataset.number_of_rows * dataset.number_of_columns * cell
    )


def may_delete(context: Mapping[str, Any], *, owner_id: str, project_id: str) -> bool:
    """The owner, an admin of the dataset's project, or a global admin may delete it."""
    if context["is_admin"]:
        return True
    in_project = project_id == context["project_id"]
    return in_project and (context["is_project_admin"] or owner_id == context["user_id"])


def dataset_rows(*, client: HanamiClient, kind: str | None = None) -> list[dict[str, Any]]:
    """The visible datasets as table rows; with ``kind``, only those of that kind (which means
    asking the backend for the details of every dataset)."""
    rows = [
        {**row, **dict.fromkeys(DETAIL_KEYS), "finished": True} for row in client.datasets.list()
    ]
    if kind is None:
        return rows
    add_details(client=client, rows=rows)
    return [row for row in rows if row["kind"] == kind]


def add_details(*, client: HanamiClient, rows: Iterable[dict[str, Any]]) -> None:
    """Fill in kind, rows, columns and size; a dataset whose upload is not finished has none."""
    for row in rows:
        if row["kind"] is not None or not row["finished"]:
            continue
        try:
            dataset = client.datasets.get(row["uuid"])
        except (ServerError, NotFound):
            # The backend answers 500 while a registered upload has no data file yet.
            row["finished"] = False
            continue
        row.update(
            kind=dataset_kind(dataset),
            number_of_rows=dataset.number_of_rows,
            number_of_columns=dataset.number_of_columns,
            size=file_bytes(dataset),
        )


def dataset_row(*, client: HanamiClient, uuid: str) -> Mapping[str, Any] | None:
    """The list row of one dataset (it exists before its upload is finished), or None."""
    return next((row for row in client.datasets.list() if row["uuid"] == uuid), None)


@dataclass(frozen=True)
class Digit:
    """One MNIST row as a picture with its label."""

    uri: str
    label: int | None


def label_of(one_hot: list[float]) -> int | None:
    """The digit a one-hot label row stands for (None when no entry is set)."""
    best = max(range(len(one_hot)), key=one_hot.__getitem__, default=None)
    return None if best is None or one_hot[best] <= 0 else best


def picture_side(dataset: Dataset) -> int | None:
    """The side of the square pictures of an MNIST dataset (28), or None when not square."""
    start, end = dataset.description["picture"]
    side = math.isqrt(end - start)
    return side if side > 0 and side * side == end - start else None


def mnist_preview(*, client: HanamiClient, dataset: Dataset) -> list[Digit]:
    """The first rows of an MNIST dataset drawn as PNG pictures, read from the backend."""
    count = min(PREVIEW_DIGITS, dataset.number_of_rows)
    side = picture_side(dataset)
    if count == 0 or side is None:
        return []
    pictures = client.datasets.content(dataset.uuid, "picture", number_of_rows=count)
    labels = client.datasets.content(dataset.uuid, "label", number_of_rows=count)
    return [
        Digit(png_data_uri(grayscale_png(picture, side, side)), label_of(label))
        for picture, label in zip(pictures, labels, strict=True)
    ]


@dataclass(frozen=True)
class ColumnPreview:
    """One column range: its first values and, for a single-value column, a line chart."""

    name: str
    width: int
    chart: LineChart | None


@dataclass(frozen=True)
class TablePreview:
    """The first rows of a dataset as text cells, with a chart per single-value column."""

    columns: list[ColumnPreview]
    rows: list[list[str]]
    hidden_columns: int
    unreadable: list[str]
    chart_rows: int


def number_text(value: float) -> str:
    """A cell value as people write it: 3 rather than 3.0."""
    return f"{value:g}"


def cell_text(values: list[float]) -> str:
    """A cell of a column range: its value, or the first few of its values."""
    if len(values) == 1:
        return number_text(values[0])
    shown = ", ".join(number_text(value) for value in values[:4])
    return f"{shown}, … ({len(values)} values)" if len(values) > 4 else shown


def table_preview(*, client: HanamiClient, dataset: Dataset) -> TablePreview:
    """The first rows of each column range (a few columns at most), with small charts."""
    ranges = sorted(dataset.description.items(), key=lambda item: item[1][0])
    # The content endpoint addresses a column by a name that matches NAME_RE only.
    unreadable = [name for name, _ in ranges if not NAME_RE.fullmatch(name)]
    readable = [(name, span) for name, span in ranges if NAME_RE.fullmatch(name)]
    shown = readable[:PREVIEW_COLUMNS]
    chart_rows = min(CHART_ROWS, dataset.number_of_rows)
    table_rows = min(PREVIEW_ROWS, chart_rows)
    columns: list[ColumnPreview] = []
    cells: list[list[str]] = [[] for _ in range(table_rows)]
    for name, (start, end) in shown if chart_rows else ():
        values = client.datasets.content(dataset.uuid, name, number_of_rows=chart_rows)
        single = end - start == 1
        chart = line_chart([row[0] for row in values]) if single else None
        columns.append(ColumnPreview(name, end - start, chart))
        for index in range(table_rows):
            cells[index].append(cell_text(values[index]))
    return TablePreview(columns, cells, len(readable) - len(shown), unreadable, chart_rows)
