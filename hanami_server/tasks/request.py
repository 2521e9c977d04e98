"""The request job: a forward pass over the task's rows, a block at a time, written as the
result dataset (contract 6.4): one row per input row, the result hexagons side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hanami_server.datafile import FLOAT32, DataFileWriter
from hanami_server.store.datasets import commit_result
from hanami_server.tasks.columns import TaskColumns
from hanami_server.tasks.model import Task

if TYPE_CHECKING:
    from hanami_server.tasks.runtime import ClusterRuntime


def result_description(results: list[dict]) -> dict[str, dict[str, int]]:
    """Each result column's range [column_start, column_end) as stored in the task's spec."""
    return {
        item["dataset_column"]: {
            "column_end": item["column_end"],
            "column_start": item["column_start"],
        }
        for item in results
    }


def result_writer(datasets_dir: Path, task: Task) -> DataFileWriter:
    """The writer of a request task's result file: float32, its result columns side by side."""
    results = task.spec["results"]
    return DataFileWriter(
        datasets_dir / task.uuid,
        name=task.name,
        data_type=FLOAT32,
        description=result_description(results),
        columns=results[-1]["column_end"],
    )


def run_request(runtime: ClusterRuntime, task: Task) -> bool:
    """Answer rows [0, cycles) and replace the empty result file with the rows done (all, or
    those before a stop); True when all rows were answered."""
    spec = task.spec
    network = runtime.network()
    columns = TaskColumns(runtime.config.datasets_dir, spec["inputs"])
    writer = result_writer(runtime.config.datasets_dir, task)
    cycles, step, start = spec["cycles"], columns.block_rows(), 0
    try:
        while start < cycles:
            stop = min(cycles, start + step)
            outputs = network.request(
                columns.read(spec["inputs"], start, stop),
                progress=task.progress_from(start),
                should_stop=task.stop.is_set,
            )
            block = np.hstack([outputs[item["hexagon_name"]] for item in spec["results"]])
            writer.append(block)
            start += len(block)
            if start < stop:
                break
        writer.finish()
        commit_result(runtime.db, task.uuid, writer.commit)
    finally:
        writer.discard()
    return start >= cycles
