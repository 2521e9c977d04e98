"""``hanami_sdk.user``: users and their projects. Each returns the raw JSON reply as bytes.

The misspelt names (``add_roject_to_user``, ``remove_project_fromUser``) are the official ones.
``switch_project`` and ``list_projects_of_user`` carry the fixes of contract section 11 (#10, #11).
"""

from __future__ import annotations

from hanami_client._token import decode_token, encode_passphrase
from hanami_client.sdk._shim import request

__all__ = [
    "add_roject_to_user",
    "create_user",
    "delete_user",
    "get_user",
    "list_projects_of_user",
    "list_users",
    "remove_project_fromUser",
    "switch_project",
]


def create_user(
    token: str,
    address: str,
    user_id: str,
    user_name: str,
    passphrase: str,
    is_admin: bool,
    verify_connection: bool = True,
) -> bytes | None:
    """POST /user with the clear passphrase (sent base64-encoded)."""
    body = {
        "id": user_id,
        "name": user_name,
        "passphrase": encode_passphrase(passphrase),
        "is_admin": is_admin,
    }
    return request(token, address, verify_connection, "POST", "/user", body=body)


def get_user(
    token: str, address: str, user_id: str, verify_connection: bool = True
) -> bytes | None:
    """GET /user."""
    return request(token, address, verify_connection, "GET", "/user", query={"id": user_id})


def list_users(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /user/all."""
    return request(token, address, verify_connection, "GET", "/user/all")


def delete_user(
    token: str, address: str, user_id: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /user."""
    return request(token, address, verify_connection, "DELETE", "/user", query={"id": user_id})


def add_roject_to_user(
    token: str,
    address: str,
    user_id: str,
    project_id: str,
    role: str,
    is_project_admin: bool,
    verify_connection: bool = True,
) -> bytes | None:
    """POST /user/project."""
    body = {
        "id": user_id,
        "project_id": project_id,
        "role": role,
        "is_project_admin": is_project_admin,
    }
    return request(token, address, verify_connection, "POST", "/user/project", body=body)


def remove_project_fromUser(
    token: str, address: str, user_id: str, project_id: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /user/project."""
    query = {"project_id": project_id, "id": user_id}
    return request(token, address, verify_connection, "DELETE", "/user/project", query=query)


def list_projects_of_user(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /user/project for the token's own user (the official SDK forgot ``user_id``)."""
    try:
        query = {"user_id": decode_token(token).id}
    except ValueError:
        query = {}  # not a token at all: let the backend refuse it
    return request(token, address, verify_connection, "GET", "/user/project", query=query)


def switch_project(
    token: str, address: str, project_id: str, verify_connection: bool = True
) -> bytes | None:
    """PUT /token into another project (the official SDK posted to /user/project)."""
    body = {"project_id": project_id}
    return request(token, address, verify_connection, "PUT", "/token", body=body)
