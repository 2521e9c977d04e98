"""Hidden neuron activity: inputs prepared by their flags, then Gaussian neurons around centres."""

from __future__ import annotations

import math

import numpy as np

GAMMA = 2.0
_TINY = 1e-12


def prepare(values: np.ndarray, flag: str) -> np.ndarray:
    """An input's raw rows as float32; ``(binary)`` turns every value > 0 into 1."""
    if flag == "binary":
        return (values > 0).astype(np.float32)
    return np.asarray(values, dtype=np.float32)


def input_scale(pool: np.ndarray) -> float:
    """The root-mean-square row length of the pooled rows (1.0 when they are all zero)."""
    if len(pool) == 0:
        return 1.0
    rms = math.sqrt(float(np.einsum("ij,ij->", pool, pool, dtype=np.float64)) / len(pool))
    return rms if rms > _TINY else 1.0


def normalise(
    rows: dict[str, np.ndarray],
    flags: dict[str, str],
    scales: dict[str, float],
    names: tuple[str, ...],
) -> tuple[np.ndarray, float]:
    """One block's view of a batch and the factor its squared distances take.

    Each input counts as unit length on average: ``(match)`` rows are scaled to unit length, other
    inputs are divided by their scale. A lone plain input is left as is (no copy) and its scale
    comes back as the factor ``1 / scale**2`` instead.
    """
    if len(names) == 1 and flags[names[0]] != "match":
        return rows[names[0]], 1.0 / scales[names[0]] ** 2
    parts = []
    for name in names:
        x = rows[name]
        if flags[name] == "match":
            x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), _TINY)
        else:
            x = x * np.float32(1.0 / scales[name])
        parts.append(x)
    return np.concatenate(parts, axis=1), 1.0 / len(parts)


def synapses(centres: np.ndarray, gammas: np.ndarray, factor: float, bias: bool) -> np.ndarray:
    """The matrix K with ``[x, |x|^2, 1] @ K = -gamma_j * factor * |x - c_j|^2`` per neuron j.

    With ``bias`` K gets one more all-zero column: a neuron that always fires 1.
    """
    count, width = centres.shape
    scaled = gammas.astype(np.float64) * factor
    matrix = np.zeros((width + 2, count + bias), np.float32)
    matrix[:width, :count] = centres.T
    matrix[:width, :count] *= (2.0 * scaled).astype(np.float32)
    matrix[width, :count] = -scaled
    matrix[width + 1, :count] = -scaled * np.einsum("ij,ij->i", centres, centres, dtype=np.float64)
    return matrix


def activity(
    view: np.ndarray, matrix: np.ndarray, neurons: int, refractory_time: int
) -> np.ndarray:
    """exp of the exponents per row and neuron; with r > 1 only the top 1/r of the neurons fire."""
    rows, width = view.shape
    augmented = np.empty((rows, width + 2), np.float32)
    augmented[:, :width] = view
    augmented[:, width] = np.einsum("ij,ij->i", view, view)
    augmented[:, width + 1] = 1.0
    out = augmented @ matrix
    np.minimum(out, 0.0, out=out)
    np.exp(out, out=out)
    firing = -(-neurons // refractory_time)
    if refractory_time > 1 and 0 < firing < neurons:
        cells = out[:, :neurons]
        threshold = np.partition(cells, neurons - firing, axis=1)[:, neurons - firing]
        cells *= cells >= threshold[:, None]
    return out
