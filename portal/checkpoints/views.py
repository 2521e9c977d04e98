"""Checkpoint pages: list, detail with a restore form, delete."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from hanami_client import BadRequest, Conflict, NotFound
from portal.checkpoints.forms import RestoreIntoForm
from portal.clusters.selectors import cluster_choices
from portal.core.decorators import login_required
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page
from portal.core.tables import Column, build_table
from portal.hanami import get_hanami

COLUMNS = [
    Column("name", "Name"),
    Column("uuid", "Uuid"),
    Column("owner_id", "Owner"),
    Column("project_id", "Project"),
    Column("created_at", "Created at (UTC)"),
]


@require_GET
@login_required
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    """The visible checkpoints as a table that sorts, filters and pages through the URL."""
    table = build_table(
        request,
        get_hanami(request).checkpoints.list(),
        COLUMNS,
        html_id="checkpoints-table",
        noun="checkpoints",
        row_template="checkpoints/list.html#row",
        default_sort="-created_at",
    )
    return render_page(request, "checkpoints/list.html", {"table": table}, partial="table")


@require_http_methods(["GET", "POST"])
@login_required
def checkpoint_detail(request: HttpRequest, checkpoint_uuid: UUID) -> HttpResponse:
    """One checkpoint, and a form that restores it into a cluster (POST)."""
    hanami = get_hanami(request)
    checkpoint = hanami.checkpoints.get(str(checkpoint_uuid))
    choices = cluster_choices(client=hanami)
    form = RestoreIntoForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        cluster_uuid = form.cleaned_data["cluster"]
        try:
            hanami.clusters.restore(cluster_uuid, checkpoint.uuid)
        except (BadRequest, NotFound, Conflict) as error:
            form.add_error("cluster", error.message or "The backend refused this cluster.")
        else:
            toast = f"Restoring checkpoint “{checkpoint.name}” into this cluster."
            return htmx_redirect(request, "clusters:detail", cluster_uuid, toast=toast)
    status = 422 if form.errors else 200
    context = {"checkpoint": checkpoint, "form": form}
    return render_page(
        request, "checkpoints/detail.html", context, partial="restore", status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def checkpoint_delete(request: HttpRequest, checkpoint_uuid: UUID) -> HttpResponse:
    """Ask for confirmation, then delete the checkpoint and its file."""
    hanami = get_hanami(request)
    checkpoint = hanami.checkpoints.get(str(checkpoint_uuid))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, hanami.checkpoints.delete, checkpoint.uuid):
        toast = f"Checkpoint “{checkpoint.name}” deleted."
        return htmx_redirect(request, "checkpoints:list", toast=toast)
    consequence = (
        f"The checkpoint {checkpoint.uuid} of {checkpoint.owner_id} in project "
        f"{checkpoint.project_id} and its file are removed from the backend; clusters restored "
        "from it keep what they learned. This cannot be undone."
    )
    status = 422 if form.errors else 200
    return render_page(
        request,
        "checkpoints/delete.html",
        {"checkpoint": checkpoint, "form": form, "consequence": consequence},
        partial="confirm",
        status=status,
    )
