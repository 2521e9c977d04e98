"""htmx helpers: partial-or-page rendering, redirects that htmx follows, toasts via HX-Trigger."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django_htmx.http import HttpResponseClientRedirect, reswap, trigger_client_event

ToastLevel = Literal["success", "info", "warning", "error"]


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps a fragment (not boosted, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    partial: str,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only its named partial when htmx asks for a fragment."""
    name = f"{template_name}#{partial}" if wants_partial(request) else template_name
    return render(request, name, context, status=status)


def htmx_redirect(
    request: HttpRequest, to: str, *args: Any, toast: str = "", **kwargs: Any
) -> HttpResponse:
    """Go to another page: HX-Redirect for htmx, a 302 otherwise; the toast shows there."""
    if toast:
        messages.success(request, toast)
    url = resolve_url(to, *args, **kwargs)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def with_toast(response: HttpResponse, message: str, level: ToastLevel = "success") -> HttpResponse:
    """Ask the page to show a toast (event ``toast`` with ``message`` and ``level``)."""
    return trigger_client_event(response, "toast", {"message": message, "level": level})


def toast_only(message: str, *, status: int, level: ToastLevel = "error") -> HttpResponse:
    """An htmx answer that swaps nothing and only shows a toast."""
    return with_toast(reswap(HttpResponse(status=status), "none"), message, level)
