"""The train job: one pass over the task's rows, a block at a time, then the state is saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanami_server.tasks.columns import TaskColumns
from hanami_server.tasks.model import Task

if TYPE_CHECKING:
    from hanami_server.tasks.runtime import ClusterRuntime


def run_train(runtime: ClusterRuntime, task: Task) -> bool:
    """Learn rows [0, cycles) of the inputs and expected outputs; True when all were learned.

    Whatever the network holds afterwards (all rows, or those before a stop or a failure, and
    the sizes the hexagons took) is saved.
    """
    spec = task.spec
    network = runtime.network()
    columns = TaskColumns(runtime.config.datasets_dir, [*spec["inputs"], *spec["outputs"]])
    cycles, step, start = spec["cycles"], columns.block_rows(), 0
    try:
        while True:
            stop = min(cycles, start + step)
            start += network.train(
                columns.read(spec["inputs"], start, stop),
                columns.read(spec["outputs"], start, stop),
                progress=task.progress_from(start),
                should_stop=task.stop.is_set,
            )
            if start < stop:
                return False
            if start >= cycles:
                return True
    finally:
        runtime.persist_network()
