"""User management (admin only), contract 2.2."""

from __future__ import annotations

from typing import Any

from hanami_server.api.token import ADMIN_PROJECT
from hanami_server.auth import hash_passphrase
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import users as store
from hanami_server.validation import (
    B64_PATTERN,
    ID_EXT_PATTERN,
    ID_PATTERN,
    NAME_PATTERN,
    boolean,
    string,
)

router = Router()

LIST_HEADER = ["created_at", "id", "name", "creator_id", "projects", "is_admin"]
_ID = string(ID_EXT_PATTERN, 4, 254)
_PROJECT_ID = string(ID_PATTERN, 4, 254)


def user_object(user: dict[str, Any]) -> dict[str, Any]:
    """The `UserObj` of the contract (never the passphrase hash)."""
    keys = ("created_at", "creator_id", "id", "is_admin", "name", "projects")
    return {key: user[key] for key in keys}


def _not_found(user_id: str) -> ApiError:
    return ApiError(404, f"User with id '{user_id}' not found")


@router.route(
    "POST",
    "user",
    id=_ID,
    name=string(NAME_PATTERN, 4, 254),
    passphrase=string(B64_PATTERN, 8, 4096),
    is_admin=boolean(),
)
def create_user(call: Call) -> dict[str, Any]:
    """Create a user without projects; the passphrase is stored only as a salted hash."""
    call.require_admin()
    inputs = call.inputs
    user = store.create_user(
        call.state.db,
        user_id=inputs["id"],
        name=inputs["name"],
        passphrase_hash=hash_passphrase(inputs["passphrase"]),
        is_admin=inputs["is_admin"],
        creator_id=str(call.user["id"]),
    )
    if user is None:
        raise ApiError(409, f"User with id '{inputs['id']}' already exist.")
    return user_object(user)


@router.route("GET", "user", id=string(ID_EXT_PATTERN, 4, 256))
def get_user(call: Call) -> dict[str, Any]:
    """One user."""
    call.require_admin()
    user = store.get_user(call.state.db, call.inputs["id"])
    if user is None:
        raise _not_found(call.inputs["id"])
    return user_object(user)


@router.route("GET", "user/all")
def list_users(call: Call) -> dict[str, Any]:
    """All users in creation order."""
    call.require_admin()
    rows = [[user[column] for column in LIST_HEADER] for user in store.list_users(call.state.db)]
    return table(LIST_HEADER, rows)


@router.route("DELETE", "user", id=_ID)
def delete_user(call: Call) -> dict[str, Any]:
    """Delete a user (soft); an admin cannot delete himself."""
    call.require_admin()
    user_id = call.inputs["id"]
    if user_id == call.user["id"]:
        raise ApiError(
            409, f"User with id '{user_id}' tries to delete himself, which is not allowed."
        )
    if not store.delete_user(call.state.db, user_id):
        raise _not_found(user_id)
    return {}


@router.route(
    "POST",
    "user/project",
    id=_ID,
    project_id=_PROJECT_ID,
    role=string(ID_PATTERN, 4, 254),
    is_project_admin=boolean(),
)
def add_project(call: Call) -> dict[str, Any]:
    """Assign a project with a role (R: 200 and the updated user, where upstream answers 500)."""
    call.require_admin()
    user_id, project_id = call.inputs["id"], call.inputs["project_id"]
    assignment = {
        "project_id": project_id,
        "role": call.inputs["role"],
        "is_project_admin": call.inputs["is_project_admin"],
    }

    def append(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if any(entry["project_id"] == project_id for entry in projects):
            raise ApiError(
                409,
                f"Project with ID '{project_id}' is already assigned to user with id '{user_id}'.",
            )
        return [*projects, assignment]

    user = store.update_projects(call.state.db, user_id, append)
    if user is None:
        raise _not_found(user_id)
    return user_object(user)


@router.route("DELETE", "user/project", id=_ID, project_id=_PROJECT_ID)
def remove_project(call: Call) -> dict[str, Any]:
    """Unassign a project (R: 200 and the updated user, where upstream answers 500)."""
    call.require_admin()
    user_id, project_id = call.inputs["id"], call.inputs["project_id"]

    def remove(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [entry for entry in projects if entry["project_id"] != project_id]
        if len(kept) == len(projects):
            raise ApiError(
                404,
                f"Project with ID '{project_id}' is not assigned to user with id '{user_id}'"
                " and so it can not be removed from the user.",
            )
        return kept

    user = store.update_projects(call.state.db, user_id, remove)
    if user is None:
        raise _not_found(user_id)
    return user_object(user)


@router.route("GET", "user/project", user_id=_ID)
def list_user_projects(call: Call) -> dict[str, Any]:
    """A user's assignments; for a global admin the `admin` pseudo-project (R)."""
    call.require_admin()
    user = store.get_user(call.state.db, call.inputs["user_id"])
    if user is None:
        raise _not_found(call.inputs["user_id"])
    return {"projects": [ADMIN_PROJECT] if user["is_admin"] else user["projects"]}
