"""``manage.py checkpoint get|list|delete``: hanamictl's checkpoint commands."""

from __future__ import annotations

from typing import Any

from portal.core.cli import HanamiCommand

#: The fields hanamictl shows for a checkpoint, in its order.
CHECKPOINT_FIELDS = ("uuid", "name", "visibility", "owner_id", "project_id", "created_at")


class Command(HanamiCommand):
    """Manage the checkpoints of the backend the signed-in user may see."""

    help = "Manage checkpoints of the Hanami backend, like hanamictl checkpoint."
    resource = "checkpoint"

    def add_actions(self, actions: Any) -> None:
        """Declare get, list and delete."""
        get = actions.add_parser("get", help="Get information of a specific checkpoint.")
        get.add_argument("checkpoint_uuid", metavar="CHECKPOINT_UUID")
        actions.add_parser("list", help="List all checkpoint.")
        delete = actions.add_parser("delete", help="Delete a specific checkpoint from the backend.")
        delete.add_argument("checkpoint_uuid", metavar="CHECKPOINT_UUID")

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one checkpoint."""
        with self.connect() as client:
            checkpoint = client.checkpoints.get(options["checkpoint_uuid"])
        self.show_single(checkpoint, CHECKPOINT_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every checkpoint the user may see."""
        with self.connect() as client:
            checkpoints = client.checkpoints.list()
        self.show_list(checkpoints, CHECKPOINT_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a checkpoint."""
        with self.connect() as client:
            client.checkpoints.delete(options["checkpoint_uuid"])
        self.show_deleted(options["checkpoint_uuid"])
