"""``hanami_sdk.project``: projects (admin only). Each returns the raw JSON reply as bytes."""

from __future__ import annotations

from hanami_client.sdk._shim import request

__all__ = ["create_project", "delete_project", "get_project", "list_projects"]


def create_project(
    token: str, address: str, project_id: str, project_name: str, verify_connection: bool = True
) -> bytes | None:
    """POST /project."""
    body = {"id": project_id, "name": project_name}
    return request(token, address, verify_connection, "POST", "/project", body=body)


def get_project(
    token: str, address: str, project_id: str, verify_connection: bool = True
) -> bytes | None:
    """GET /project."""
    return request(token, address, verify_connection, "GET", "/project", query={"id": project_id})


def list_projects(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /project/all."""
    return request(token, address, verify_connection, "GET", "/project/all")


def delete_project(
    token: str, address: str, project_id: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /project."""
    query = {"id": project_id}
    return request(token, address, verify_connection, "DELETE", "/project", query=query)
