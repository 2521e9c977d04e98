"""JSON operations on backend projects (mounted at /api/projects, admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hanami_client import Project
from portal.hanami import get_hanami
from portal.projects.schemas import ProjectIdPath, ProjectIn, ProjectOut

__all__ = ["router"]

router = Router(tags=["projects"])


@router.get("", response=list[ProjectOut], summary="List projects")
def list_projects(request: HttpRequest) -> list[dict[str, Any]]:
    """Every project of the backend, in the order it stores them."""
    return [dict(row) for row in get_hanami(request).projects.list()]


@router.post("", response={201: ProjectOut}, summary="Create a project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Project:
    """Create a project; 409 when the id is taken."""
    return get_hanami(request).projects.create(payload.id, payload.name)


@router.get("/{project_id}", response=ProjectOut, summary="Get a project")
def get_project(request: HttpRequest, project_id: ProjectIdPath) -> Project:
    """One project; 404 when it does not exist."""
    return get_hanami(request).projects.get(project_id)


@router.delete("/{project_id}", response={204: None}, summary="Delete a project")
def delete_project(request: HttpRequest, project_id: ProjectIdPath) -> None:
    """Delete a project (users keep their assignments to it); 404 when it does not exist."""
    get_hanami(request).projects.delete(project_id)
