"""The accuracy of a result dataset against a labelled MNIST reference, with its confusion matrix.

Computed in the portal from the two contents, page by page (so memory stays bounded), with
the backend's rule for the prediction (contract 6.5): the first maximum of the first ten result
columns wins, and values at or below -0.1 are never chosen (an all-negative row predicts 0).
Unlike the backend's check, it works over the rows both datasets have, however few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hanami_client import Dataset, HanamiClient
from hanami_client.rules import NAME_RE

__all__ = ["CLASSES", "AccuracyProblem", "Confusion", "confusion_matrix", "result_columns"]

CLASSES = 10
#: The most rows the backend answers per content request.
PAGE_ROWS = 10_000
#: Result values at or below this are never the prediction (upstream's check).
FLOOR = -0.1


class AccuracyProblem(ValueError):
    """The two datasets cannot be compared; the message says why."""


@dataclass(frozen=True)
class Confusion:
    """Counts of (actual digit, predicted digit) over the compared rows."""

    matrix: list[list[int]]
    rows: int

    @property
    def correct(self) -> int:
        """Rows whose prediction is the label."""
        return sum(self.matrix[digit][digit] for digit in range(CLASSES))

    @property
    def accuracy(self) -> float:
        """Correct rows in percent of the compared rows."""
        return 100.0 * self.correct / self.rows if self.rows else 0.0


def result_columns(dataset: Dataset) -> list[tuple[str, int]]:
    """The column ranges that make up the first ten columns, with how many values each gives."""
    parts: list[tuple[str, int]] = []
    filled = 0
    for name, (start, end) in sorted(dataset.description.items(), key=lambda item: item[1][0]):
        # Ranges that overlap what is taken already (upstream starts every result range at 0).
        if start != filled or filled >= CLASSES:
            continue
        if not NAME_RE.fullmatch(name):
            break
        parts.append((name, min(end, CLASSES) - start))
        filled = min(end, CLASSES)
    if filled < CLASSES:
        raise AccuracyProblem(
            f"“{dataset.name}” has {filled} readable result columns at its start; "
            f"the comparison needs {CLASSES}, one per digit."
        )
    return parts


def _label_column(dataset: Dataset) -> None:
    start, end = dataset.description.get("label", (0, 0))
    if end - start != CLASSES:
        raise AccuracyProblem(
            f"“{dataset.name}” has no label column of {CLASSES} values: choose a labelled "
            "MNIST dataset as the reference."
        )


def predictions(values: np.ndarray) -> np.ndarray:
    """The predicted digit of each row: the first maximum above the floor, else 0."""
    usable = np.where(values > FLOOR, values, -np.inf)
    return usable.argmax(axis=1)


def confusion_matrix(*, client: HanamiClient, result: Dataset, reference: Dataset) -> Confusion:
    """Compare row by row: predictions of ``result``, labels of ``reference`` (as many rows)."""
    _label_column(reference)
    parts = result_columns(result)
    if result.number_of_rows != reference.number_of_rows:
        # A request writes one row per input row: another count is another dataset's labels.
        raise AccuracyProblem(
            f"“{result.name}” has {result.number_of_rows:,} rows but “{reference.name}” has "
            f"{reference.number_of_rows:,}: compare with the labelled dataset the request's "
            "inputs came from."
        )
    rows = result.number_of_rows
    if rows == 0:
        raise AccuracyProblem("There is nothing to compare: one of the datasets has no rows.")
    matrix = np.zeros((CLASSES, CLASSES), dtype=np.int64)
    for offset in range(0, rows, PAGE_ROWS):
        count = min(PAGE_ROWS, rows - offset)
        pieces = [
            np.asarray(
                client.datasets.content(result.uuid, name, row_offset=offset, number_of_rows=count)
            )[:, :width]
            for name, width in parts
        ]
        labels = client.datasets.content(
            reference.uuid, "label", row_offset=offset, number_of_rows=count
        )
        actual = np.asarray(labels).argmax(axis=1)
        np.add.at(matrix, (actual, predictions(np.hstack(pieces))), 1)
    return Confusion(matrix.tolist(), rows)
