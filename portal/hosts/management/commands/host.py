"""``manage.py host list``: hanamictl's host command."""

from __future__ import annotations

from typing import Any

from portal.core.cli import HanamiCommand

#: The fields hanamictl shows for a host, in its order.
HOST_FIELDS = ("uuid", "type")


class Command(HanamiCommand):
    """List the compute hosts of the backend."""

    help = "List the hosts of the Hanami backend, like hanamictl host."
    resource = "host"

    def add_actions(self, actions: Any) -> None:
        """Declare list."""
        actions.add_parser("list", help="List all logical hosts.")

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every host."""
        with self.connect() as client:
            hosts = client.hosts.list()
        self.show_list(hosts, HOST_FIELDS)
