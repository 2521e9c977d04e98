"""``manage.py dataset create|get|list|delete|check|content``: hanamictl's dataset commands."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from typing import Any, BinaryIO

from django.core.management.base import CommandError

from portal.core.cli import HanamiCommand, add_global_flags
from portal.datasets.schemas import dataset_reply

#: The fields hanamictl shows for a dataset, in its order (a list shows those it has).
DATASET_FIELDS = (
    "uuid",
    "name",
    "version",
    "number_of_columns",
    "number_of_rows",
    "description",
    "visibility",
    "owner_id",
    "project_id",
    "created_at",
)
CHECK_FIELDS = ("accuracy",)


def open_input(path: str) -> BinaryIO:
    """A file to upload, opened for reading; a one-line error when it cannot be."""
    try:
        return open(path, "rb")
    except OSError as error:
        raise CommandError(f"cannot read '{path}': {error.strerror}", returncode=1) from None


class Command(HanamiCommand):
    """Manage the datasets of the backend the signed-in user may see."""

    help = "Manage datasets of the Hanami backend, like hanamictl dataset."
    resource = "dataset"

    def add_actions(self, actions: Any) -> None:
        """Declare create (mnist, csv), get, list, delete, check and content."""
        create = actions.add_parser("create", help="Upload datasets.")
        kinds = create.add_subparsers(dest="kind", metavar="KIND", required=True)
        mnist = kinds.add_parser("mnist", help="Upload new mnist dataset.")
        mnist.add_argument("name", metavar="DATASET_NAME")
        mnist.add_argument(
            "-i", "--input", required=True, help="Path to file with input-data (mandatory)"
        )
        mnist.add_argument(
            "-l", "--label", required=True, help="Path to file with label-data (mandatory)"
        )
        csv = kinds.add_parser("csv", help="Upload new csv dataset.")
        csv.add_argument("name", metavar="DATASET_NAME")
        csv.add_argument(
            "-i", "--input", required=True, help="Path to file with input-data (mandatory)"
        )
        for kind in (mnist, csv):
            add_global_flags(kind, default=argparse.SUPPRESS)

        get = actions.add_parser("get", help="Get information of a specific dataset.")
        get.add_argument("dataset_uuid", metavar="DATASET_UUID")
        actions.add_parser("list", help="List all dataset.")
        delete = actions.add_parser("delete", help="Delete a specific dataset from the backend.")
        delete.add_argument("dataset_uuid", metavar="DATASET_UUID")
        check = actions.add_parser("check", help="Check a dataset against a reference.")
        check.add_argument("dataset_uuid", metavar="DATASET_UUID")
        check.add_argument(
            "-r",
            "--reference",
            required=True,
            help="UUID of the dataset, which works as reference (mandatory)",
        )
        content = actions.add_parser("content", help="Download content of a specific dataset.")
        content.add_argument("dataset_uuid", metavar="DATASET_UUID")
        content.add_argument(
            "-c", "--column", required=True, help="Name of column to download (mandatory)"
        )
        content.add_argument(
            "-o", "--offset", type=int, default=0, help="Number of rows to offset (default 0)"
        )
        content.add_argument(
            "-n", "--rows", type=int, default=1, help="Number of rows to download (default 1)"
        )

    def handle_create(self, options: dict[str, Any]) -> None:
        """Upload the file(s), with a progress bar on a terminal, and show the new dataset."""
        name = options["name"]
        with ExitStack() as files:
            # Opened before logging in: a wrong path fails without asking the backend.
            inputs = [files.enter_context(open_input(options["input"]))]
            if options["kind"] == "mnist":
                inputs.append(files.enter_context(open_input(options["label"])))
            with self.connect() as client, self.terminal_progress(name) as progress:
                if options["kind"] == "mnist":
                    dataset = client.datasets.upload_mnist(name, *inputs, progress=progress)
                else:
                    dataset = client.datasets.upload_csv(name, *inputs, progress=progress)
        self.show_single(dataset_reply(dataset), DATASET_FIELDS)

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one dataset."""
        with self.connect() as client:
            dataset = client.datasets.get(options["dataset_uuid"])
        self.show_single(dataset_reply(dataset), DATASET_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every dataset the user may see."""
        with self.connect() as client:
            datasets = client.datasets.list()
        self.show_list(datasets, DATASET_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a dataset."""
        with self.connect() as client:
            client.datasets.delete(options["dataset_uuid"])
        self.show_deleted(options["dataset_uuid"])

    def handle_check(self, options: dict[str, Any]) -> None:
        """Show the accuracy of a result dataset against a labelled reference."""
        with self.connect() as client:
            accuracy = client.datasets.check(options["dataset_uuid"], options["reference"])
        self.show_single({"accuracy": accuracy}, CHECK_FIELDS)

    def handle_content(self, options: dict[str, Any]) -> None:
        """Show rows of one column: the row number, then every value."""
        with self.connect() as client:
            rows = client.datasets.content(
                options["dataset_uuid"],
                options["column"],
                row_offset=options["offset"],
                number_of_rows=options["rows"],
            )
        self.show_values(rows, options["offset"])
