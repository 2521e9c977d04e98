"""``manage.py cluster create|get|list|delete|save|restore``: hanamictl's cluster commands."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from hanami_client import BadRequest
from portal.clusters.services import (
    TEMPLATE_REFUSAL,
    forget_template,
    normalise_template,
    refused_template,
    remember_template,
)
from portal.core.cli import HanamiCommand

#: The fields hanamictl shows, in its order (a list shows those it has).
CREATE_FIELDS = ("uuid", "name", "visibility", "owner_id", "project_id", "created_at")
GET_FIELDS = (
    "uuid",
    "name",
    "visibility",
    "owner_id",
    "number_of_blocks",
    "number_of_sections",
    "project_id",
    "created_at",
)
SAVE_FIELDS = ("uuid", "name")
RESTORE_FIELDS = ("uuid",)


def read_template(path: str) -> str:
    """The template file's text with LF line ends; a one-line error when it cannot be read.

    Bytes that are not UTF-8 become U+FFFD, which the grammar refuses as an ``invalid
    character`` at its line and position (the backend does the same with what it decodes).
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read '{path}': {error.strerror}", returncode=1) from None
    return normalise_template(raw.decode("utf-8", errors="replace"))


class Command(HanamiCommand):
    """Manage the clusters of the backend the signed-in user may see."""

    help = "Manage clusters of the Hanami backend, like hanamictl cluster."
    resource = "cluster"

    def add_actions(self, actions: Any) -> None:
        """Declare create, get, list, delete, save and restore."""
        create = actions.add_parser("create", help="Create new cluster.")
        create.add_argument("name", metavar="CLUSTER_NAME")
        create.add_argument(
            "-t", "--template", required=True, help="Path to the cluster-template file (mandatory)"
        )
        get = actions.add_parser("get", help="Get information of a specific cluster.")
        get.add_argument("cluster_uuid", metavar="CLUSTER_UUID")
        actions.add_parser("list", help="List all cluster.")
        delete = actions.add_parser("delete", help="Delete a specific cluster from the backend.")
        delete.add_argument("cluster_uuid", metavar="CLUSTER_UUID")
        save = actions.add_parser("save", help="Save cluster as checkpoint.")
        save.add_argument("cluster_uuid", metavar="CLUSTER_UUID")
        save.add_argument("-n", "--name", required=True, help="Name of the checkpoint (mandatory)")
        restore = actions.add_parser("restore", help="Restore cluster from a checkpoint.")
        restore.add_argument("cluster_uuid", metavar="CLUSTER_UUID")
        restore.add_argument(
            "-c", "--checkpoint", required=True, help="UUID of the checkpoint (mandatory)"
        )

    def record(self, change: Callable[..., None], **kwargs: str) -> None:
        """Update the portal's template record; the backend change stands even if this fails."""
        try:
            change(**kwargs)
        except DatabaseError as error:
            self.stderr.write(f"note: the portal database was not updated ({error})")

    def handle_create(self, options: dict[str, Any]) -> None:
        """Create a cluster from a template file and show it."""
        path = options["template"]
        # Read before logging in: a wrong path fails without asking the backend.
        text = read_template(path)
        with self.connect() as client:
            try:
                cluster = client.clusters.create(options["name"], text)
            except BadRequest as error:
                problem = refused_template(error, text)
                if problem is None:
                    raise
                raise CommandError(
                    f"status 400: err {TEMPLATE_REFUSAL} {path}: {problem.describe()}",
                    returncode=1,
                ) from None
        self.record(
            remember_template,
            cluster_uuid=cluster.uuid,
            text=text,
            created_by=os.environ["HANAMI_USER"],
        )
        # The backend's reply has no counters: only the row fields.
        reply = asdict(cluster)
        self.show_single({key: reply[key] for key in CREATE_FIELDS}, CREATE_FIELDS)

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one cluster with its counters."""
        with self.connect() as client:
            cluster = client.clusters.get(options["cluster_uuid"])
        self.show_single(cluster, GET_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every cluster the user may see."""
        with self.connect() as client:
            clusters = client.clusters.list()
        self.show_list(clusters, CREATE_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a cluster."""
        uuid = options["cluster_uuid"]
        with self.connect() as client:
            client.clusters.delete(uuid)
        self.record(forget_template, cluster_uuid=uuid)
        self.show_deleted(uuid)

    def handle_save(self, options: dict[str, Any]) -> None:
        """Queue a save of the cluster as a checkpoint; show the task (= checkpoint) uuid."""
        with self.connect() as client:
            uuid = client.clusters.save(options["cluster_uuid"], options["name"])
        self.show_single({"uuid": uuid, "name": options["name"]}, SAVE_FIELDS)

    def handle_restore(self, options: dict[str, Any]) -> None:
        """Queue a restore of a checkpoint into the cluster; show the restore task's uuid."""
        with self.connect() as client:
            uuid = client.clusters.restore(options["cluster_uuid"], options["checkpoint"])
        self.show_single({"uuid": uuid}, RESTORE_FIELDS)
