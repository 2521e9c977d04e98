"""Read-only questions about users that take more than one backend call to answer."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_client import HanamiClient, User


@dataclass(frozen=True)
class UserAssignments:
    """A user and the projects they could still be assigned to."""

    user: User
    available: list[str]


def user_assignments(*, client: HanamiClient, user_id: str) -> UserAssignments:
    """The user with their assignments, and the ids of projects they are not in yet."""
    user = client.users.get(user_id)
    assigned = {entry.project_id for entry in user.projects}
    available = [row["id"] for row in client.projects.list() if row["id"] not in assigned]
    return UserAssignments(user=user, available=available)
