"""``manage.py project create|get|list|delete``: hanamictl's project commands."""

from __future__ import annotations

from typing import Any

from portal.core.cli import HanamiCommand

#: The fields hanamictl shows for a project, in its order.
PROJECT_FIELDS = ("id", "name", "creator_id", "created_at")


class Command(HanamiCommand):
    """Manage the projects of the backend (admins only)."""

    help = "Manage projects of the Hanami backend, like hanamictl project."
    resource = "project"

    def add_actions(self, actions: Any) -> None:
        """Declare create, get, list and delete."""
        create = actions.add_parser("create", help="Create a new project.")
        create.add_argument("project_id", metavar="PROJECT_ID")
        create.add_argument("-n", "--name", required=True, help="Project name (mandatory)")
        get = actions.add_parser("get", help="Get information of a specific project.")
        get.add_argument("project_id", metavar="PROJECT_ID")
        actions.add_parser("list", help="List all projects.")
        delete = actions.add_parser("delete", help="Delete a specific project from the backend.")
        delete.add_argument("project_id", metavar="PROJECT_ID")

    def handle_create(self, options: dict[str, Any]) -> None:
        """Create a project and show it."""
        with self.connect() as client:
            project = client.projects.create(options["project_id"], options["name"])
        self.show_single(project, PROJECT_FIELDS)

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one project."""
        with self.connect() as client:
            project = client.projects.get(options["project_id"])
        self.show_single(project, PROJECT_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every project."""
        with self.connect() as client:
            projects = client.projects.list()
        self.show_list(projects, PROJECT_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a project."""
        with self.connect() as client:
            client.projects.delete(options["project_id"])
        self.show_deleted(options["project_id"])
