"""``manage.py task create train|request|get|list|delete``: hanamictl's task commands.

``task create`` waits until the task has ended, drawing its progress on a terminal, and shows
the finished task (``--no-wait`` shows the queued one at once). IO items are hanamictl's
``DATASET_UUID:COLUMN:HEXAGON`` (``-i``/``-o``) and ``HEXAGON:COLUMN`` (``-r``), each flag
repeatable and taking comma-separated lists.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from hanami_client import Table, Task, TaskInput, TaskResult
from portal.core.cli import HanamiCommand, ProgressBar, add_global_flags

#: The fields hanamictl shows for a task, in its order.
TASK_FIELDS = (
    "uuid",
    "state",
    "current_cycle",
    "total_number_of_cycles",
    "queue_timestamp",
    "start_timestamp",
    "end_timestamp",
)
#: Every column of the backend's task list (hanamictl shows only two: contract 11 #35).
LIST_FIELDS = ("uuid", "state", "percentage", "queued", "start", "end")
MISSING_SEPARATORS = "Error: Required separators ':' are missing"
INVALID_FORMAT = "Error: Invalid format before or after ':'"
#: Seconds between two looks at a waited-for task.
WAIT_INTERVAL = 0.2


def split_items(values: list[str], parts: int) -> list[list[str]]:
    """hanamictl's IO items: every comma-separated value split at ``:`` into ``parts`` parts."""
    items = []
    for value in values:
        for item in value.split(","):
            if ":" not in item:
                raise CommandError(MISSING_SEPARATORS, returncode=1)
            pieces = item.split(":")
            if len(pieces) != parts or not all(pieces):
                raise CommandError(INVALID_FORMAT, returncode=1)
            items.append(pieces)
    return items


def task_inputs(values: list[str]) -> list[TaskInput]:
    """``-i``/``-o`` values as task inputs."""
    return [TaskInput(*pieces) for pieces in split_items(values, 3)]


def task_results(values: list[str]) -> list[TaskResult]:
    """``-r HEXAGON:COLUMN`` values as task results."""
    return [TaskResult(column, hexagon) for hexagon, column in split_items(values, 2)]


def task_reply(task: Task) -> dict[str, Any]:
    """A task as the backend answers it (``-`` for a missing timestamp)."""
    return {
        "uuid": task.uuid,
        "name": task.name,
        "state": task.state,
        "current_cycle": task.current_cycle,
        "total_number_of_cycles": task.total_number_of_cycles,
        "queue_timestamp": task.queue_timestamp,
        "start_timestamp": task.start_timestamp or "-",
        "end_timestamp": task.end_timestamp or "-",
    }


def list_reply(table: Table) -> Table:
    """The task list as the backend sends it: every cell a string, ``-`` where absent."""
    body = [
        [
            row["uuid"],
            row["state"],
            f"{row['percentage']:.6f}",
            row["queued"],
            row["start"] or "-",
            row["end"] or "-",
        ]
        for row in table
    ]
    return Table.from_json({"header": list(LIST_FIELDS), "body": body})


def show_task(bar: ProgressBar) -> Callable[[Task], None]:
    """A ``wait`` progress callback drawing a task's rows, percent, rate and state on ``bar``."""

    def show(task: Task) -> None:
        bar(
            task.current_cycle,
            task.total_number_of_cycles,
            fraction=1.0 if task.done else task.fraction,
            note=task.state,
        )

    return show


class Command(HanamiCommand):
    """Manage the tasks of a cluster the signed-in user may see."""

    help = "Manage tasks of the Hanami backend, like hanamictl task."
    resource = "task"

    def add_actions(self, actions: Any) -> None:
        """Declare create (train, request), get, list and delete."""
        create = actions.add_parser("create", help="Create new task.")
        kinds = create.add_subparsers(dest="kind", metavar="KIND", required=True)
        train = kinds.add_parser("train", help="Create a new train task.")
        request = kinds.add_parser("request", help="Create a new request task.")
        for kind in (train, request):
            kind.add_argument("name", metavar="TASK_NAME")
            kind.add_argument(
                "-i",
                "--input",
                action="append",
                required=True,
                help="Cluster inputs, DATASET_UUID:COLUMN_NAME:HEXAGON_NAME (mandatory)",
            )
        train.add_argument(
            "-o",
            "--output",
            action="append",
            required=True,
            help="Cluster outputs, DATASET_UUID:COLUMN_NAME:HEXAGON_NAME (mandatory)",
        )
        request.add_argument(
            "-r",
            "--result",
            action="append",
            required=True,
            help="Cluster results, HEXAGON_NAME:COLUMN_NAME (mandatory)",
        )
        for kind in (train, request):
            kind.add_argument("-c", "--cluster", required=True, help="Cluster UUID (mandatory)")
            kind.add_argument(
                "-t", "--time", type=int, default=1, help="Length of a time-series for the input"
            )
            kind.add_argument(
                "--no-wait",
                action="store_true",
                help="show the queued task at once instead of waiting until it has ended",
            )
            add_global_flags(kind, default=argparse.SUPPRESS)

        for action, text in (
            ("get", "Get information of a specific task."),
            ("delete", "Delete a specific task from the backend."),
        ):
            parser = actions.add_parser(action, help=text)
            parser.add_argument("task_uuid", metavar="TASK_UUID")
            parser.add_argument("-c", "--cluster", required=True, help="Cluster UUID (mandatory)")
        listing = actions.add_parser("list", help="List all task.")
        listing.add_argument("-c", "--cluster", required=True, help="Cluster UUID (mandatory)")

    def handle_create(self, options: dict[str, Any]) -> None:
        """Start a task, wait with a progress bar until it has ended, and show it."""
        # The items are checked before logging in: a typo fails without asking the backend.
        inputs = task_inputs(options["input"])
        train = options["kind"] == "train"
        outputs = task_inputs(options["output"]) if train else []
        results = [] if train else task_results(options["result"])
        name, cluster, time_length = options["name"], options["cluster"], options["time"]
        with self.connect() as client:
            if train:
                task = client.tasks.train(name, cluster, inputs, outputs, time_length)
            else:
                task = client.tasks.request(name, cluster, inputs, results, time_length)
            if not options["no_wait"]:
                with self.terminal_progress(task.name, unit="rows", scale=1) as bar:
                    try:
                        task = client.tasks.wait(
                            task, progress=show_task(bar) if bar else None, interval=WAIT_INTERVAL
                        )
                    except KeyboardInterrupt:
                        raise CommandError(
                            f"stopped waiting: task '{task.uuid}' goes on on the backend",
                            returncode=1,
                        ) from None
        self.show_single(task_reply(task), TASK_FIELDS)

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one task."""
        with self.connect() as client:
            task = client.tasks.get(options["task_uuid"], options["cluster"])
        self.show_single(task_reply(task), TASK_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every task of the cluster with all list columns."""
        with self.connect() as client:
            tasks = client.tasks.list(options["cluster"])
        self.show_list(list_reply(tasks), LIST_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a task (stopping it if it runs)."""
        with self.connect() as client:
            client.tasks.delete(options["task_uuid"], options["cluster"])
        self.show_deleted(options["task_uuid"])
