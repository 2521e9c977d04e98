"""A network's learned state on disk: the engine's named arrays as a numpy `.npz` (no pickle)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np

from hanami_server.atomic import AtomicFile


def write_arrays(file: BinaryIO, state: dict[str, np.ndarray]) -> None:
    """Write the arrays at the file's position."""
    np.savez(file, **state)


def read_arrays(file: BinaryIO) -> dict[str, np.ndarray]:
    """Arrays written by `write_arrays`, from the file's position to its end."""
    with np.load(file, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write_state(path: Path, state: dict[str, np.ndarray]) -> AtomicFile:
    """The state written beside `path` and synced, not yet committed (the caller decides)."""
    target = AtomicFile(path)
    try:
        write_arrays(target.file, state)
        target.finish()
    except BaseException:
        target.discard()
        raise
    return target


def read_state(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a state file."""
    with path.open("rb") as file:
        return read_arrays(file)
