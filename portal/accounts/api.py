"""JSON view of the signed-in user and the project context of their session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

__all__ = ["MeOut", "router"]

router = Router(tags=["accounts"])


class MeOut(Schema):
    """Who the session acts as in the backend (the token itself never leaves the server)."""

    id: str
    name: str
    is_admin: bool
    project_id: str
    role: str
    is_project_admin: bool


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user, their current project and role in it."""
    context = request.auth
    return MeOut(
        id=context["user_id"],
        name=context["name"],
        is_admin=context["is_admin"],
        project_id=context["project_id"],
        role=context["role"],
        is_project_admin=context["is_project_admin"],
    )
