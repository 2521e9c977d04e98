"""Turn a backend error into what the user sees: a page, a toast for htmx, or JSON for the API."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from hanami_client import (
    BackendUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    HanamiError,
    NotFound,
    ProtocolError,
    Unauthorized,
)
from portal.core.htmx import toast_only
from portal.core.session import end_session

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
EXPIRED_MESSAGE = "Your session with the backend has expired, please sign in again."
UNAVAILABLE_MESSAGE = "The Hanami backend cannot be reached right now. Please try again shortly."


@dataclass(frozen=True)
class ErrorAnswer:
    """How the portal answers one kind of backend error, on a page or in JSON."""

    status: int
    code: str
    template: str
    message: str


# The first class the error is an instance of wins, so HanamiError stays last. Refusals (4xx)
# show the backend's own message when it gave one; for the rest the message names sockets,
# addresses or parsing details, so the user reads our words.
_ANSWERS: list[tuple[type[HanamiError], ErrorAnswer]] = [
    (Unauthorized, ErrorAnswer(401, "backend_unauthorized", "errors/403.html", EXPIRED_MESSAGE)),
    (
        NotFound,
        ErrorAnswer(404, "not_found", "errors/404.html", "The backend does not know this item."),
    ),
    (
        Forbidden,
        ErrorAnswer(
            403, "backend_forbidden", "errors/403.html", "The backend does not allow this."
        ),
    ),
    (
        BadRequest,
        ErrorAnswer(
            400, "bad_request", "errors/backend_error.html", "The backend refused the request."
        ),
    ),
    (
        Conflict,
        ErrorAnswer(
            409, "conflict", "errors/backend_error.html", "The backend refused the change."
        ),
    ),
    (
        BackendUnavailable,
        ErrorAnswer(
            503, "backend_unavailable", "errors/backend_unavailable.html", UNAVAILABLE_MESSAGE
        ),
    ),
    (
        ProtocolError,
        ErrorAnswer(
            502,
            "backend_protocol_error",
            "errors/backend_error.html",
            "The backend failed to answer properly.",
        ),
    ),
    (
        HanamiError,
        ErrorAnswer(
            502,
            "backend_error",
            "errors/backend_error.html",
            "The backend failed to answer properly.",
        ),
    ),
]
_REFUSALS = (NotFound, Forbidden, BadRequest, Conflict)


def describe_backend_error(error: HanamiError) -> ErrorAnswer:
    """The one mapping of a backend error to a status, a code, a template and a message."""
    answer = next(answer for error_class, answer in _ANSWERS if isinstance(error, error_class))
    if isinstance(error, _REFUSALS) and error.message:
        return replace(answer, message=error.message)
    return answer


def is_api_request(request: HttpRequest) -> bool:
    """True under /api/ and for scripts that ask for JSON (the upload endpoints)."""
    return (
        request.path.startswith(API_PREFIX)
        or request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )


def error_page(request: HttpRequest, *, status: int, template: str, message: str) -> HttpResponse:
    """An error as a page, as a toast for an htmx request, or as JSON under /api/."""
    if is_api_request(request):
        return JsonResponse({"detail": message}, status=status)
    if getattr(request, "htmx", False):
        return toast_only(message, status=status)
    return render(request, template, {"message": message}, status=status)


def current_location(request: HttpRequest) -> str:
    """Where the user was: the page htmx was on, or the path of this request."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    return request.get_full_path()


def sign_in_redirect(request: HttpRequest) -> HttpResponse:
    """Send the user to the sign-in page, coming back here afterwards."""
    url = f"{reverse('accounts:login')}?{urlencode({'next': current_location(request)})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def backend_error_response(request: HttpRequest, error: HanamiError) -> HttpResponse:
    """The one place where a backend error becomes a response."""
    if isinstance(error, Unauthorized):
        end_session(request)
        if is_api_request(request):
            return JsonResponse({"detail": EXPIRED_MESSAGE}, status=401)
        messages.warning(request, EXPIRED_MESSAGE)
        return sign_in_redirect(request)
    logger.warning("backend error on %s: %s", request.path, error)
    answer = describe_backend_error(error)
    return error_page(
        request, status=answer.status, template=answer.template, message=answer.message
    )
