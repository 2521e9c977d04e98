"""The portal's JSON API under /api/: django-ninja, authenticated by the signed-in session."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import SessionAuth

from hanami_client import (
    HanamiError,
    Unauthorized,
)
from portal.accounts.api import router as accounts_router
from portal.checkpoints.api import router as checkpoints_router
from portal.clusters.api import router as clusters_router
from portal.core.decorators import NOT_ADMIN, NOT_ADMIN_ROLE
from portal.core.errors import describe_backend_error
from portal.core.session import end_session, hanami_session
from portal.datasets.api import router as datasets_router
from portal.directio.api import router as directio_router
from portal.hosts.api import router as hosts_router
from portal.logs.api import router as logs_router
from portal.projects.api import router as projects_router
from portal.system.api import router as system_router
from portal.tasks.api import router as tasks_router
from portal.users.api import router as users_router

__all__ = ["api"]

logger = logging.getLogger(__name__)

DESCRIPTION = """Every operation of the portal as JSON, for the signed-in portal user.

Authentication is the portal's session cookie (sign in at `/accounts/login/`); requests that
change something also need the CSRF token in the `X-CSRFToken` header. Users and projects are
for admins only; datasets for every signed-in user, within what the backend lets them see.
Every error is `{"detail": "<message>", "code": "<code>"}`; invalid input answers 422 with the
problems in `errors` as well."""

HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    429: "throttled",
}


class HanamiSessionAuth(SessionAuth):
    """A signed-in portal session that holds a backend token (CSRF-checked on every change)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> dict[str, Any]:
        """The session's backend context, or 401 when nobody is signed in."""
        context = hanami_session(request)
        if not context:
            raise AuthenticationError(401, "Sign in first.")
        return context


class HanamiAdminAuth(HanamiSessionAuth):
    """A global admin acting with the admin role; others get 403 before the backend is asked."""

    def authenticate(self, request: HttpRequest, key: str | None) -> dict[str, Any]:
        """The session's backend context, or 403 as the admin pages answer it."""
        context = super().authenticate(request, key)
        if not context["is_admin"]:
            raise AuthorizationError(403, NOT_ADMIN)
        # The backend grants user and project endpoints to the role "admin" only.
        if context["role"] != "admin":
            raise AuthorizationError(
                403, NOT_ADMIN_ROLE.format(project=context["project_id"], role=context["role"])
            )
        return context


def describe_error(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body that answer an error raised while serving the API."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors)
        return 422, {"detail": problems, "code": "invalid_input", "errors": exc.errors}
    if isinstance(exc, HttpError):
        code = HTTP_ERROR_CODES.get(exc.status_code, "error")
        return exc.status_code, {"detail": exc.message, "code": code}
    answer = describe_backend_error(exc)
    if answer.status >= 500:
        logger.warning("backend error in %s: %s", exc.operation or "?", exc)
    return answer.status, {"detail": answer.message, "code": answer.code}


api = NinjaAPI(
    title="Hanami Portal API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=HanamiSessionAuth(),
)


def render_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Answer every API error as JSON `{"detail", "code"}` with its status."""
    if isinstance(exc, Unauthorized):
        # The backend refused the session's token: sign out, as the pages do.
        end_session(request)
    status, body = describe_error(exc)
    return api.create_response(request, body, status=status)


for error_class in (HanamiError, HttpError, ValidationError):
    api.add_exception_handler(error_class, render_error)

api.add_router("", accounts_router)
api.add_router("/projects", projects_router, auth=HanamiAdminAuth())
api.add_router("/users", users_router, auth=HanamiAdminAuth())
api.add_router("/datasets", datasets_router)
api.add_router("/clusters", clusters_router)
api.add_router("/clusters", tasks_router)
api.add_router("/checkpoints", checkpoints_router)
api.add_router("/clusters", directio_router)
api.add_router("/hosts", hosts_router)
api.add_router("/logs", logs_router)
api.add_router("/system", system_router)
