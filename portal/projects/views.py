"""Project pages: list, create, detail, delete (global admins only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.decorators import admin_required
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page
from portal.core.tables import Column, build_table
from portal.hanami import get_hanami
from portal.projects.forms import ProjectForm
from portal.projects.selectors import project_members

COLUMNS = [
    Column("id", "Id"),
    Column("name", "Name"),
    Column("creator_id", "Created by"),
    Column("created_at", "Created at (UTC)"),
]


@require_GET
@admin_required
def project_list(request: HttpRequest) -> HttpResponse:
    """All projects as a table that sorts, filters and pages through the URL."""
    table = build_table(
        request,
        get_hanami(request).projects.list(),
        COLUMNS,
        html_id="projects-table",
        noun="projects",
        row_template="projects/list.html#row",
        default_sort="id",
    )
    return render_page(request, "projects/list.html", {"table": table}, partial="table")


@require_http_methods(["GET", "POST"])
@admin_required
def project_create(request: HttpRequest) -> HttpResponse:
    """Create a project; mistakes show next to the fields without a full reload."""
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        create = get_hanami(request).projects.create
        if send_form(form, create, data["project_id"], data["name"], conflict_field="project_id"):
            return htmx_redirect(
                request,
                "projects:detail",
                data["project_id"],
                toast=f"Project “{data['project_id']}” created.",
            )
    status = 422 if form.errors else 200
    return render_page(
        request, "projects/create.html", {"form": form}, partial="form", status=status
    )


@require_GET
@admin_required
def project_detail(request: HttpRequest, project_id: str) -> HttpResponse:
    """One project and the users assigned to it."""
    hanami = get_hanami(request)
    project = hanami.projects.get(project_id)
    members = project_members(client=hanami, project_id=project_id)
    return render(request, "projects/detail.html", {"project": project, "members": members})


@require_http_methods(["GET", "POST"])
@admin_required
def project_delete(request: HttpRequest, project_id: str) -> HttpResponse:
    """Ask for confirmation, then delete the project."""
    hanami = get_hanami(request)
    project = hanami.projects.get(project_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, hanami.projects.delete, project_id):
        return htmx_redirect(request, "projects:list", toast=f"Project “{project_id}” deleted.")
    status = 422 if form.errors else 200
    return render_page(
        request,
        "projects/delete.html",
        {"project": project, "form": form},
        partial="confirm",
        status=status,
    )
