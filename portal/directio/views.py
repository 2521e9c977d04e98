"""The Try-it page of a cluster, and switching a cluster left in direct mode back to task mode."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from hanami_client import Conflict
from portal.core.decorators import login_required
from portal.core.htmx import htmx_redirect
from portal.directio.forms import HexagonNamesForm
from portal.directio.layout import CANVAS_SIDE, DIGITS, Layout, page_layout
from portal.directio.locks import current_holder
from portal.directio.routing import socket_path
from portal.hanami import get_hanami


def other_view_query(layout: Layout | None, names: tuple[str, str] | None) -> str:
    """The query string of the page's other view (canvas or form), "" when there is none."""
    if layout is None or not layout.drawable:
        return ""
    query = {"view": "values" if layout.view == "digits" else "digits"}
    if names is not None:
        query.update(input=names[0], output=names[1])
    return "?" + urlencode(query)


@require_GET
@login_required
def direct_page(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Drive the cluster from the browser: a canvas for digits, or a form of values."""
    uuid = str(cluster_uuid)
    cluster = get_hanami(request).clusters.get(uuid)
    named = "input" in request.GET or "output" in request.GET
    names_form = HexagonNamesForm(request.GET if named else None)
    names = names_form.names()
    layout = page_layout(uuid, view=request.GET.get("view"), named=names)
    context: dict[str, Any] = {
        "cluster": cluster,
        "layout": layout,
        "names_form": names_form,
        "socket": socket_path(uuid, layout.view) if layout is not None else "",
        "other_view": other_view_query(layout, names),
        "view": layout.view if layout is not None else None,
        "side": CANVAS_SIDE,
        "digits": range(DIGITS),
        "state": "connecting",
    }
    return render(request, "directio/page.html", context)


@require_POST
@login_required
def direct_release(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Switch a cluster back to task mode, unless a browser drives it through the portal."""
    uuid = str(cluster_uuid)
    hanami = get_hanami(request)
    # Only for a cluster the backend shows: the refusal names who drives it.
    hanami.clusters.get(uuid)
    holder = current_holder(uuid)
    if holder is not None:
        who = holder.name or holder.user_id or "another browser"
        messages.warning(request, f"Not switched: {who} drives this cluster right now.")
    else:
        try:
            hanami.clusters.set_mode(uuid, "TASK")
        except Conflict:
            messages.info(request, "The cluster is in task mode already.")
        else:
            messages.success(request, "Switched back to task mode: its tasks run again.")
    return htmx_redirect(request, "directio:page", uuid)
