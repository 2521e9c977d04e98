"""Projects (admin only): ``/v1.0alpha/project`` and ``/v1.0alpha/project/all``."""

from __future__ import annotations

from hanami_client import _parse
from hanami_client.resources._base import Resource
from hanami_client.types import Project, Table

__all__ = ["Projects"]

_LIST_CELLS = {
    "created_at": _parse.text,
    "id": _parse.text,
    "name": _parse.text,
    "creator_id": _parse.text,
}


class Projects(Resource):
    """Create, read, list and delete projects."""

    def create(self, project_id: str, name: str) -> Project:
        """Create a project."""
        body = {"id": project_id, "name": name}
        data = self._transport.send_json("POST", "/project", operation="projects.create", body=body)
        return self._read("projects.create", _parse.project, data)

    def get(self, project_id: str) -> Project:
        """One project by id."""
        query = {"id": project_id}
        data = self._transport.send_json("GET", "/project", operation="projects.get", query=query)
        return self._read("projects.get", _parse.project, data)

    def list(self) -> Table:
        """All projects: columns created_at, id, name, creator_id."""
        data = self._transport.send_json("GET", "/project/all", operation="projects.list")
        return self._read("projects.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def delete(self, project_id: str) -> None:
        """Delete a project (its users' assignments and resources stay)."""
        query = {"id": project_id}
        self._transport.send_json("DELETE", "/project", operation="projects.delete", query=query)
