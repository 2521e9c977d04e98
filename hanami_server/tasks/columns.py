"""The dataset columns a task reads, a block of rows at a time from memory-mapped dataset files,
so a task over a large dataset holds only one block as float32 in memory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hanami_server.datafile import open_rows, read_header

# about 64 MiB of float32 per block, whatever the widths
BLOCK_CELLS = 1 << 24
MIN_BLOCK_ROWS = 1024


class ColumnMissing(LookupError):
    """A dataset no longer has a column a task was created with."""


class TaskColumns:
    """The (dataset, column) ranges of a task's items, opened once."""

    def __init__(self, datasets_dir: Path, items: Sequence[dict[str, Any]]) -> None:
        self._rows: dict[str, np.ndarray] = {}
        self._ranges: dict[tuple[str, str], tuple[int, int]] = {}
        descriptions: dict[str, dict[str, dict[str, int]]] = {}
        for item in items:
            dataset_uuid, column = item["dataset_uuid"], item["dataset_column"]
            if dataset_uuid not in self._rows:
                path = datasets_dir / dataset_uuid
                header = read_header(path)
                self._rows[dataset_uuid] = open_rows(path, header)
                descriptions[dataset_uuid] = header.description
            found = descriptions[dataset_uuid].get(column)
            if found is None:
                raise ColumnMissing(f"dataset '{dataset_uuid}' has no column '{column}'")
            self._ranges[dataset_uuid, column] = (found["column_start"], found["column_end"])

    def block_rows(self) -> int:
        """Rows per block so that one block of every range stays near BLOCK_CELLS."""
        width = sum(end - start for start, end in self._ranges.values())
        return max(MIN_BLOCK_ROWS, BLOCK_CELLS // max(width, 1))

    def read(self, items: Sequence[dict[str, Any]], start: int, stop: int) -> dict[str, np.ndarray]:
        """Rows [start, stop) of each item's column range as float32, keyed by hexagon name."""
        tables = {}
        for item in items:
            dataset_uuid = item["dataset_uuid"]
            first, last = self._ranges[dataset_uuid, item["dataset_column"]]
            block = self._rows[dataset_uuid][start:stop, first:last]
            tables[item["hexagon_name"]] = np.asarray(block, dtype=np.float32)
        return tables
