"""The system page: live charts of the measurements, the machine and the thread map."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.core.decorators import login_required
from portal.hanami import get_hanami
from portal.system.fragments import chart_groups
from portal.system.routing import SOCKET_PATH
from portal.system.selectors import read_machine, read_measurements, read_thread_map


@require_GET
@login_required
def system_page(request: HttpRequest) -> HttpResponse:
    """Charts of power, speed and temperature (live over the websocket), processors, threads."""
    hanami = get_hanami(request)
    context = {
        "groups": chart_groups(read_measurements(client=hanami)),
        "machine": read_machine(client=hanami),
        "thread_map": read_thread_map(client=hanami),
        "socket": SOCKET_PATH,
    }
    return render(request, "system/page.html", context)
