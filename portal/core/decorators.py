"""View decorators: signed-in users only, global admins only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

from portal.core.errors import error_page, sign_in_redirect
from portal.core.session import hanami_session

View = Callable[..., HttpResponse]

NOT_ADMIN = "Only administrators of the backend can manage users and projects."
NOT_ADMIN_ROLE = (
    "Managing users and projects needs the admin role, and in project “{project}” your role "
    "is “{role}”. Switch to the project “admin” to continue."
)


def login_required(view: View) -> View:
    """Send anyone without a backend session to the sign-in page (and back afterwards)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if hanami_session(request) is None:
            return sign_in_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: View) -> View:
    """Only global admins acting with the admin role; everyone else gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        context = hanami_session(request)
        if not context["is_admin"]:
            return error_page(request, status=403, template="errors/403.html", message=NOT_ADMIN)
        # The backend's policy grants user and project endpoints to the role "admin" only, so a
        # global admin who switched into another project would be refused (and signed out).
        if context["role"] != "admin":
            message = NOT_ADMIN_ROLE.format(project=context["project_id"], role=context["role"])
            return error_page(request, status=403, template="errors/403.html", message=message)
        return view(request, *args, **kwargs)

    return wrapper
