"""JSON operations on backend users and their projects (mounted at /api/users, admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hanami_client import ProjectAssignment, User
from portal.hanami import get_hanami
from portal.projects.schemas import ProjectIdPath
from portal.users.schemas import AssignmentIn, AssignmentOut, UserIdPath, UserIn, UserOut

__all__ = ["router"]

router = Router(tags=["users"])


@router.get("", response=list[UserOut], summary="List users")
def list_users(request: HttpRequest) -> list[dict[str, Any]]:
    """Every user of the backend, in the order it stores them."""
    return [dict(row) for row in get_hanami(request).users.list()]


@router.post("", response={201: UserOut}, summary="Create a user")
def create_user(request: HttpRequest, payload: UserIn) -> User:
    """Create a user without projects; 409 when the id is taken."""
    return get_hanami(request).users.create(
        payload.id, payload.name, payload.passphrase.get_secret_value(), is_admin=payload.is_admin
    )


@router.get("/{user_id}", response=UserOut, summary="Get a user")
def get_user(request: HttpRequest, user_id: UserIdPath) -> User:
    """One user with their projects; 404 when they do not exist."""
    return get_hanami(request).users.get(user_id)


@router.delete("/{user_id}", response={204: None}, summary="Delete a user")
def delete_user(request: HttpRequest, user_id: UserIdPath) -> None:
    """Delete a user; 409 for the signed-in admin themselves, 404 when they do not exist."""
    get_hanami(request).users.delete(user_id)


@router.get(
    "/{user_id}/projects", response=list[AssignmentOut], summary="List the projects of a user"
)
def list_user_projects(request: HttpRequest, user_id: UserIdPath) -> list[ProjectAssignment]:
    """The user's project assignments (an admin has the pseudo-project admin)."""
    return get_hanami(request).users.list_projects(user_id)


@router.post("/{user_id}/projects", response={201: UserOut}, summary="Assign a project to a user")
def add_user_project(request: HttpRequest, user_id: UserIdPath, payload: AssignmentIn) -> User:
    """Give the user a role in a project; 409 when already assigned."""
    return get_hanami(request).users.add_project(
        user_id, payload.project_id, payload.role, is_project_admin=payload.is_project_admin
    )


@router.delete(
    "/{user_id}/projects/{project_id}", response=UserOut, summary="Remove a project from a user"
)
def remove_user_project(
    request: HttpRequest, user_id: UserIdPath, project_id: ProjectIdPath
) -> User:
    """Take a project away from the user; 404 when it was not assigned."""
    return get_hanami(request).users.remove_project(user_id, project_id)
