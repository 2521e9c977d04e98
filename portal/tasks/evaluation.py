"""How good a request task's results are against a labelled MNIST dataset.

The accuracy and confusion matrix are the datasets app's (``portal.datasets.accuracy``); here
they come with some input pictures of the reference, each next to the digit the task predicted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hanami_client import Dataset, HanamiClient
from portal.datasets.accuracy import Confusion, confusion_matrix, predictions, result_columns
from portal.datasets.charts import HeatMap, heat_map
from portal.datasets.selectors import mnist_preview

__all__ = ["PREDICTED_DIGITS", "Evaluation", "Prediction", "evaluate"]

#: How many input pictures are shown with their prediction.
PREDICTED_DIGITS = 24


@dataclass(frozen=True)
class Prediction:
    """One input picture, its label and the digit the task predicted for it."""

    uri: str
    label: int | None
    predicted: int

    @property
    def correct(self) -> bool:
        """Whether the prediction is the label."""
        return self.label == self.predicted


@dataclass(frozen=True)
class Evaluation:
    """The comparison of a result dataset with a labelled reference."""

    result: Dataset
    reference: Dataset
    confusion: Confusion
    heat: HeatMap
    predictions: list[Prediction]


def predicted_digits(*, client: HanamiClient, result: Dataset, rows: int) -> list[int]:
    """The predicted digit of the first ``rows`` rows of a result dataset."""
    if rows == 0:
        return []
    pieces = [
        np.asarray(client.datasets.content(result.uuid, name, number_of_rows=rows))[:, :width]
        for name, width in result_columns(result)
    ]
    return predictions(np.hstack(pieces)).tolist()


def evaluate(*, client: HanamiClient, result: Dataset, reference: Dataset) -> Evaluation:
    """Accuracy, confusion matrix and predicted pictures (raises AccuracyProblem on a mismatch)."""
    confusion = confusion_matrix(client=client, result=result, reference=reference)
    digits = (
        mnist_preview(client=client, dataset=reference)
        if "picture" in reference.description
        else []
    )
    digits = digits[: min(PREDICTED_DIGITS, result.number_of_rows)]
    guesses = predicted_digits(client=client, result=result, rows=len(digits))
    shown = [
        Prediction(digit.uri, digit.label, guess)
        for digit, guess in zip(digits, guesses, strict=True)
    ]
    return Evaluation(result, reference, confusion, heat_map(confusion.matrix), shown)
