"""Project management (admin only), contract 2.3."""

from __future__ import annotations

from typing import Any

from hanami_server.api.token import ADMIN_PROJECT
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import projects as store
from hanami_server.validation import ID_PATTERN, NAME_PATTERN, string

router = Router()

LIST_HEADER = ["created_at", "id", "name", "creator_id"]
_ID = string(ID_PATTERN, 4, 254)


def project_object(project: dict[str, Any]) -> dict[str, Any]:
    """The project object of the contract."""
    return {key: project[key] for key in ("created_at", "creator_id", "id", "name")}


def _not_found(project_id: str) -> ApiError:
    return ApiError(404, f"Project with id '{project_id}' not found")


@router.route("POST", "project", id=_ID, name=string(NAME_PATTERN, 4, 254))
def create_project(call: Call) -> dict[str, Any]:
    """Create a project; the virtual `admin` project counts as existing."""
    call.require_admin()
    project_id = call.inputs["id"]
    project = None
    if project_id != ADMIN_PROJECT["project_id"]:
        project = store.create_project(
            call.state.db,
            project_id=project_id,
            name=call.inputs["name"],
            creator_id=str(call.user["id"]),
        )
    if project is None:
        raise ApiError(409, f"Project with id '{project_id}' already exist.")
    return project_object(project)


@router.route("GET", "project", id=_ID)
def get_project(call: Call) -> dict[str, Any]:
    """One project (the virtual `admin` project is never stored, so 404)."""
    call.require_admin()
    project = store.get_project(call.state.db, call.inputs["id"])
    if project is None:
        raise _not_found(call.inputs["id"])
    return project_object(project)


@router.route("GET", "project/all")
def list_projects(call: Call) -> dict[str, Any]:
    """All projects in creation order."""
    call.require_admin()
    rows = [
        [project[column] for column in LIST_HEADER]
        for project in store.list_projects(call.state.db)
    ]
    return table(LIST_HEADER, rows)


@router.route("DELETE", "project", id=_ID)
def delete_project(call: Call) -> dict[str, Any]:
    """Delete a project (soft); users' assignments to it stay as they are."""
    call.require_admin()
    if not store.delete_project(call.state.db, call.inputs["id"]):
        raise _not_found(call.inputs["id"])
    return {}
