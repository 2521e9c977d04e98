"""POST /token (sign in) and PUT /token (renew or switch project), contract 2.1."""

from __future__ import annotations

from functools import cache
from typing import Any

from hanami_server.auth import hash_passphrase, issue_token, verify_passphrase
from hanami_server.responses import ApiError
from hanami_server.routing import Call, Router
from hanami_server.store.users import get_user
from hanami_server.validation import B64_PATTERN, ID_EXT_PATTERN, ID_PATTERN, string

router = Router()

ACCESS_DENIED = "ACCESS DENIED!\nUser or passphrase is incorrect."
ADMIN_PROJECT = {"project_id": "admin", "role": "admin", "is_project_admin": True}


@router.route(
    "POST",
    "token",
    id=string(ID_EXT_PATTERN, 4, 254),
    passphrase=string(B64_PATTERN, 8, 4096),
)
def request_token(call: Call) -> dict[str, Any]:
    """Sign in: admins start in project `admin`, others in their first assigned project."""
    user_id, passphrase = call.inputs["id"], call.inputs["passphrase"]
    user = get_user(call.state.db, user_id)
    if user is None:
        verify_passphrase(passphrase, _unknown_user_hash())  # same work as for a known user
        raise ApiError(401, ACCESS_DENIED)
    if not verify_passphrase(passphrase, user["passphrase_hash"]):
        raise ApiError(401, ACCESS_DENIED)
    if user["is_admin"]:
        return _token_reply(call, user, ADMIN_PROJECT)
    if not user["projects"]:
        raise ApiError(401, f"User with id '{user_id}' has no project assigned.")
    return _token_reply(call, user, user["projects"][0])


@router.route("PUT", "token", project_id=string(ID_PATTERN, 4, 254))
def renew_token(call: Call) -> dict[str, Any]:
    """A fresh token for one of the user's projects (or `admin` for a global admin)."""
    user = get_user(call.state.db, str(call.user.get("id", "")))
    if user is None:
        raise ApiError(401, ACCESS_DENIED)
    project_id = call.inputs["project_id"]
    if user["is_admin"] and project_id == ADMIN_PROJECT["project_id"]:
        return _token_reply(call, user, ADMIN_PROJECT)
    for assignment in user["projects"]:
        if assignment["project_id"] == project_id:
            return _token_reply(call, user, assignment)
    raise ApiError(
        401, f"User with id '{user['id']}' is not assigned to the project with id '{project_id}'."
    )


def _token_reply(call: Call, user: dict[str, Any], assignment: dict[str, Any]) -> dict[str, Any]:
    context = {
        "created_at": user["created_at"],
        "creator_id": user["creator_id"],
        "id": user["id"],
        "is_admin": user["is_admin"],
        "name": user["name"],
        "project_id": assignment["project_id"],
        "role": assignment["role"],
        "is_project_admin": assignment["is_project_admin"],
    }
    state = call.state
    token = issue_token(context, state.token_key, state.config.token_expire_seconds)
    return {"id": user["id"], "is_admin": user["is_admin"], "name": user["name"], "token": token}


@cache
def _unknown_user_hash() -> str:
    return hash_passphrase("")
