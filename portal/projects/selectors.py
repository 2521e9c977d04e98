"""Read-only questions about projects that take more than one backend call to answer."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_client import HanamiClient


@dataclass(frozen=True)
class Member:
    """A user assigned to a project, with the role they have there."""

    user_id: str
    name: str
    role: str
    is_project_admin: bool


def project_members(*, client: HanamiClient, project_id: str) -> list[Member]:
    """The users assigned to a project (the backend has no endpoint for this direction)."""
    return [
        Member(row["id"], row["name"], entry.role, entry.is_project_admin)
        for row in client.users.list()
        for entry in row["projects"]
        if entry.project_id == project_id
    ]
