"""Read-only questions for the task pages: a cluster's tasks, datasets and their columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from hanami_client import Dataset, HanamiClient, NotFound, ServerError, Task
from portal.clusters.selectors import cluster_interfaces

__all__ = [
    "ColumnLookup",
    "cluster_tasks",
    "column_lookup",
    "dataset_choices",
    "hexagon_names",
    "queue_order",
    "result_dataset",
]

#: The columns of a dataset by uuid (empty when the backend does not show it).
ColumnLookup = Callable[[str], list[str]]


#: Within one second of queueing: ended tasks ran first, then the active one, then the queued.
STATE_ORDER = {"finished": 0, "aborted": 0, "active": 1, "queued": 2}


def queue_order(tasks: Iterable[Task]) -> list[Task]:
    """Tasks in the order they were queued, as far as the backend tells.

    The backend lists tasks by uuid and stamps them with whole seconds, so tasks queued within
    the same second are told apart by state, then by when they started and ended (and, both
    still queued, not at all).
    """
    return sorted(
        tasks,
        key=lambda task: (
            task.queue_timestamp,
            STATE_ORDER.get(task.state, 3),
            task.start_timestamp or "",
            task.end_timestamp or "",
        ),
    )


def cluster_tasks(*, client: HanamiClient, cluster_uuid: str) -> list[Task]:
    """Every task of the cluster in queue order, each with its name and row counts."""
    tasks = []
    for row in client.tasks.list(cluster_uuid):
        try:
            tasks.append(client.tasks.get(row["uuid"], cluster_uuid))
        except NotFound:
            continue  # deleted between the list and the get
    return queue_order(tasks)


def dataset_choices(*, client: HanamiClient) -> list[tuple[str, str]]:
    """The visible datasets as (uuid, label) choices, by name."""
    rows = sorted(client.datasets.list(), key=lambda row: (row["name"].casefold(), row["uuid"]))
    return [(row["uuid"], f"{row['name']} ({row['uuid'][:8]})") for row in rows]


def column_lookup(*, client: HanamiClient) -> ColumnLookup:
    """A lookup of dataset columns that asks the backend once per dataset."""
    known: dict[str, list[str]] = {}

    def columns(uuid: str) -> list[str]:
        if uuid not in known:
            try:
                description = client.datasets.get(uuid).description
            except (NotFound, ServerError):
                description = {}
            known[uuid] = [name for name, _ in sorted(description.items(), key=lambda i: i[1][0])]
        return known[uuid]

    return columns


def hexagon_names(cluster_uuid: str) -> tuple[list[str], list[str]] | None:
    """The input and output names of the cluster's template, None when the portal lacks it."""
    interfaces = cluster_interfaces(cluster_uuid)
    if interfaces is None:
        return None
    inputs, outputs = interfaces
    return [item.name for item in inputs], [item.name for item in outputs]


def result_dataset(*, client: HanamiClient, task: Task) -> Dataset | None:
    """The result dataset of a request task (it has the task's uuid); None for other tasks."""
    try:
        return client.datasets.get(task.uuid)
    except (NotFound, ServerError):
        return None
