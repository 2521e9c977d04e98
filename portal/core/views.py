"""Pages that belong to no resource: the dashboard, the health check and the error handlers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from portal.core.decorators import login_required
from portal.core.errors import error_page

CSRF_MESSAGE = (
    "This form was open too long or was sent from another site. Reload the page and try again."
)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page: who is signed in, in which project, and where to go."""
    return render(request, "core/dashboard.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers and containers."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A missing or wrong CSRF token: a clear 403 instead of Django's debug-styled page."""
    return error_page(request, status=403, template="errors/403.html", message=CSRF_MESSAGE)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 page."""
    return error_page(
        request,
        status=400,
        template="errors/backend_error.html",
        message="The request could not be understood.",
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 page."""
    return error_page(
        request, status=403, template="errors/403.html", message="You may not open this page."
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 page."""
    return error_page(
        request, status=404, template="errors/404.html", message="There is no page at this address."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page, rendered without context processors: something is already broken."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
