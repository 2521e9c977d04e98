"""Host pages: the backend's hosts, and moving a cluster's hexagon to one of them."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from hanami_client import BadRequest, Conflict, NotFound
from portal.core.decorators import login_required
from portal.core.htmx import htmx_redirect, render_page, wants_partial, with_toast
from portal.core.tables import Column, build_table
from portal.hanami import get_hanami
from portal.hosts.forms import SwitchHostForm
from portal.hosts.selectors import host_choices

COLUMNS = [Column("type", "Type"), Column("uuid", "Uuid")]


@require_GET
@login_required
def host_list(request: HttpRequest) -> HttpResponse:
    """The backend's hosts as a table that sorts and filters through the URL."""
    table = build_table(
        request,
        get_hanami(request).hosts.list(),
        COLUMNS,
        html_id="hosts-table",
        noun="hosts",
        row_template="hosts/list.html#row",
        default_sort="type",
    )
    return render_page(request, "hosts/list.html", {"table": table}, partial="table")


@require_http_methods(["GET", "POST"])
@login_required
def cluster_host(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """The switch-host form of a cluster (embedded in its page), and the switch itself (POST)."""
    uuid = str(cluster_uuid)
    hanami = get_hanami(request)
    cluster = hanami.clusters.get(uuid)  # a cluster the user may not see is not found
    choices = host_choices(client=hanami)
    form = SwitchHostForm(request.POST if request.method == "POST" else None, choices=choices)
    if form.is_valid():
        host_uuid, hexagon_id = form.cleaned_data["host"], form.cleaned_data["hexagon_id"]
        try:
            hanami.clusters.switch_host(uuid, host_uuid, hexagon_id)
        except (BadRequest, NotFound, Conflict) as error:
            form.add_error(None, error.message or "The backend refused to move this hexagon.")
        else:
            toast = f"Hexagon {hexagon_id} now runs on host {dict(choices)[host_uuid]}."
            if not wants_partial(request):
                return htmx_redirect(request, "clusters:detail", uuid, toast=toast)
            context = {"cluster_uuid": uuid, "form": form, "moved": toast}
            return with_toast(render(request, "hosts/switch.html#form", context), toast)
    status = 422 if form.errors else 200
    context = {"cluster_uuid": uuid, "form": form}
    if not wants_partial(request):
        context["cluster"] = cluster
    return render_page(request, "hosts/switch.html", context, partial="form", status=status)
