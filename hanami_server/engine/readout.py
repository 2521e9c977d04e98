"""The output synapses: decayed sufficient statistics of a ridge regression and their solution."""

from __future__ import annotations

import numpy as np

RIDGE = 1e-4
PRUNE_BELOW = 0.01


def row_weights(rows: int, decay: float) -> np.ndarray:
    """Square roots of the forgetting weights decay**(rows-1-j): the last row weighs 1."""
    return np.sqrt(decay ** np.arange(rows - 1, -1, -1, dtype=np.float64)).astype(np.float32)


def add_rows(
    gram: np.ndarray,
    cross: dict[str, np.ndarray],
    features: np.ndarray,
    targets: dict[str, np.ndarray],
    decay: float,
) -> None:
    """Fold a batch into the statistics in place, older rows fading by ``decay`` per row.

    ``features`` is scratch: it is weighted in place.
    """
    rows = len(features)
    fade = decay**rows
    root = row_weights(rows, decay)[:, None]
    features *= root
    gram *= fade
    gram += features.T @ features
    for name, y in targets.items():
        cross[name] *= fade
        cross[name] += features.T @ (y * root)


def solve(gram: np.ndarray, cross: np.ndarray, columns: np.ndarray, prune: bool) -> np.ndarray:
    """Ridge weights over the given feature columns; ``prune`` zeroes those below 1 % of the max."""
    sub = gram[np.ix_(columns, columns)]
    ridge = RIDGE * float(np.trace(sub)) / len(columns)
    sub[np.diag_indices_from(sub)] += ridge if ridge > 0.0 else 1.0
    weights = np.linalg.solve(sub, cross[columns]).astype(np.float32)
    if prune and weights.size:
        weights[np.abs(weights) < PRUNE_BELOW * np.abs(weights).max()] = 0.0
    return weights
