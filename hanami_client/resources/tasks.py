"""Tasks: ``/v1.0alpha/task``, ``/task/all``, ``/task/train``, ``/task/request`` (contract 2.6, 7).

The wire's task object does not name its cluster; every ``Task`` returned here carries the
cluster it was asked about, so ``get``/``delete``/``wait`` can take it back. A create reply always
says ``queued`` with no start (contract 11 #13), even when the task already runs: ``get`` tells.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

from hanami_client import _parse
from hanami_client._errors import TaskTimeout
from hanami_client.resources._base import Resource
from hanami_client.types import Table, Task, TaskInput, TaskResult

__all__ = ["Tasks"]

_LIST_CELLS = {
    "uuid": _parse.text,
    "state": _parse.state,
    "percentage": _parse.fraction,
    "queued": _parse.text,
    "start": _parse.timestamp,
    "end": _parse.timestamp,
}


class Tasks(Resource):
    """Start train and request tasks, follow them, list and delete them."""

    def train(
        self,
        name: str,
        cluster_uuid: str,
        inputs: Sequence[TaskInput],
        outputs: Sequence[TaskInput],
        time_length: int = 1,
    ) -> Task:
        """Queue one training pass over the rows: input columns in, expected output columns."""
        body = {
            "name": name,
            "cluster_uuid": cluster_uuid,
            "inputs": _items(inputs),
            "outputs": _items(outputs),
            "time_length": time_length,
        }
        return self._create("tasks.train", "/task/train", body)

    def request(
        self,
        name: str,
        cluster_uuid: str,
        inputs: Sequence[TaskInput],
        results: Sequence[TaskResult],
        time_length: int = 1,
    ) -> Task:
        """Queue a request; its results land in a new dataset whose uuid is the task's uuid."""
        body = {
            "name": name,
            "cluster_uuid": cluster_uuid,
            "inputs": _items(inputs),
            "results": _items(results),
            "time_length": time_length,
        }
        return self._create("tasks.request", "/task/request", body)

    def get(self, uuid: str, cluster_uuid: str) -> Task:
        """One task of a cluster, with its live progress."""
        query = {"uuid": uuid, "cluster_uuid": cluster_uuid}
        data = self._transport.send_json("GET", "/task", operation="tasks.get", query=query)
        return self._read("tasks.get", lambda d: _parse.task(d, cluster_uuid), data)

    def list(self, cluster_uuid: str) -> Table:
        """A cluster's tasks: uuid, state, percentage (0..1), queued, start and end (None: "-")."""
        query = {"cluster_uuid": cluster_uuid}
        data = self._transport.send_json("GET", "/task/all", operation="tasks.list", query=query)
        return self._read("tasks.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def delete(self, uuid: str, cluster_uuid: str) -> None:
        """Delete a task: a queued one never runs, an active one is stopped (its results stay)."""
        query = {"uuid": uuid, "cluster_uuid": cluster_uuid}
        self._transport.send_json("DELETE", "/task", operation="tasks.delete", query=query)

    def wait(
        self,
        task: Task,
        *,
        progress: Callable[[Task], object] | None = None,
        interval: float = 0.5,
        timeout: float | None = None,
    ) -> Task:
        """Poll ``get`` every ``interval`` s until the task is done; ``progress`` sees each poll.

        Raises TaskTimeout once ``timeout`` seconds passed (the task keeps running), and
        NotFound when the task or its cluster was deleted meanwhile.
        """
        if interval <= 0:
            raise ValueError(f"interval must be positive, not {interval}")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            current = self.get(task.uuid, task.cluster_uuid)
            if progress is not None:
                progress(current)
            if current.done:
                return current
            pause = interval
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TaskTimeout(
                        f"task '{task.uuid}' did not end within {timeout:g} s "
                        f"(last seen {current.state}, cycle {current.current_cycle} of "
                        f"{current.total_number_of_cycles})",
                        operation="tasks.wait",
                    )
                pause = min(pause, remaining)
            time.sleep(pause)

    def _create(self, operation: str, path: str, body: dict[str, Any]) -> Task:
        data = self._transport.send_json("POST", path, operation=operation, body=body)
        cluster_uuid = body["cluster_uuid"]
        return self._read(operation, lambda d: _parse.task(d, cluster_uuid), data)


def _items(items: Sequence[TaskInput | TaskResult]) -> list[dict[str, str]]:
    """IO items as the wire wants them: objects whose keys are the dataclass fields."""
    return [dataclasses.asdict(item) for item in items]
