"""Backend session glue for every request: token expiry before the view, backend errors after it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from hanami_client import HanamiError
from portal.core.errors import EXPIRED_MESSAGE, backend_error_response
from portal.core.session import SESSION_KEY, end_session, token_expired
from portal.hanami import close_hanami


class HanamiMiddleware:
    """Signs out a user whose backend token has expired and renders backend errors in one place."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            context = request.session.get(SESSION_KEY)
            if context is None or token_expired(context):
                end_session(request)
                messages.warning(request, EXPIRED_MESSAGE)
        try:
            return self.get_response(request)
        finally:
            close_hanami(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A HanamiError that reached here becomes a page, a toast or JSON; never a traceback."""
        if isinstance(exception, HanamiError):
            return backend_error_response(request, exception)
        return None
