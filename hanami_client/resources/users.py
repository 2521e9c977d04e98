"""Users and their project assignments (admin only): ``/v1.0alpha/user*``."""

from __future__ import annotations

import builtins
from collections.abc import Callable

from hanami_client import _parse
from hanami_client._errors import ServerError
from hanami_client._token import encode_passphrase
from hanami_client.resources._base import Resource
from hanami_client.types import ProjectAssignment, Table, User

__all__ = ["Users"]

_LIST_CELLS = {
    "created_at": _parse.text,
    "id": _parse.text,
    "name": _parse.text,
    "creator_id": _parse.text,
    "projects": _parse.assignments,
    "is_admin": _parse.flag,
}
# What upstream's GET /user/project would list for a global admin (contract 2.2, quirk #2).
_ADMIN_ASSIGNMENT = ProjectAssignment(project_id="admin", role="admin", is_project_admin=True)


class Users(Resource):
    """Create, read, list and delete users; assign them to projects."""

    def create(self, user_id: str, name: str, passphrase: str, *, is_admin: bool = False) -> User:
        """Create a user with a clear passphrase (sent base64-encoded)."""
        body = {
            "id": user_id,
            "name": name,
            "passphrase": encode_passphrase(passphrase),
            "is_admin": is_admin,
        }
        data = self._transport.send_json("POST", "/user", operation="users.create", body=body)
        return self._read("users.create", _parse.user, data)

    def get(self, user_id: str) -> User:
        """One user by id."""
        return self._get(user_id, "users.get")

    def list(self) -> Table:
        """All users: columns created_at, id, name, creator_id, projects, is_admin."""
        data = self._transport.send_json("GET", "/user/all", operation="users.list")
        return self._read("users.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def delete(self, user_id: str) -> None:
        """Delete a user (a user cannot delete themself: Conflict)."""
        query = {"id": user_id}
        self._transport.send_json("DELETE", "/user", operation="users.delete", query=query)

    def add_project(
        self, user_id: str, project_id: str, role: str, *, is_project_admin: bool = False
    ) -> User:
        """Assign a user to a project with a role; returns the updated user."""
        operation = "users.add_project"
        body = {
            "id": user_id,
            "project_id": project_id,
            "role": role,
            "is_project_admin": is_project_admin,
        }
        wanted = ProjectAssignment(project_id, role, is_project_admin)
        try:
            data = self._transport.send_json(
                "POST", "/user/project", operation=operation, body=body
            )
        except ServerError as error:
            # Upstream answers 500 although the assignment was stored (quirk #1): look again.
            return self._reread_after(error, user_id, lambda user: wanted in user.projects)
        return self._read(operation, _parse.user, data)

    def remove_project(self, user_id: str, project_id: str) -> User:
        """Take a project away from a user; returns the updated user."""
        operation = "users.remove_project"
        query = {"id": user_id, "project_id": project_id}
        try:
            data = self._transport.send_json(
                "DELETE", "/user/project", operation=operation, query=query
            )
        except ServerError as error:
            # Upstream answers 500 although the assignment was removed (quirk #1): look again.
            return self._reread_after(
                error,
                user_id,
                lambda user: all(item.project_id != project_id for item in user.projects),
            )
        return self._read(operation, _parse.user, data)

    def list_projects(self, user_id: str) -> builtins.list[ProjectAssignment]:
        """The projects a user is assigned to (a global admin: the virtual ``admin`` project)."""
        operation = "users.list_projects"
        query = {"user_id": user_id}
        try:
            data = self._transport.send_json(
                "GET", "/user/project", operation=operation, query=query
            )
        except ServerError:
            # Upstream fails with 500 when the user is a global admin (quirk #2).
            if self._get(user_id, operation).is_admin:
                return [_ADMIN_ASSIGNMENT]
            raise
        return builtins.list(
            self._read(operation, lambda d: _parse.assignments(d["projects"]), data)
        )

    def _get(self, user_id: str, operation: str) -> User:
        data = self._transport.send_json("GET", "/user", operation=operation, query={"id": user_id})
        return self._read(operation, _parse.user, data)

    def _reread_after(self, error: ServerError, user_id: str, done: Callable[[User], bool]) -> User:
        user = self._get(user_id, error.operation)
        if done(user):
            return user
        raise error
