"""Log pages: the audit log (everyone's own entries, admins may pick a user), the error log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from portal.core.decorators import login_required
from portal.core.errors import error_page
from portal.core.htmx import render_page, wants_partial
from portal.core.session import hanami_session
from portal.hanami import get_hanami
from portal.logs.access import error_log_refusal
from portal.logs.forms import LogQueryForm
from portal.logs.selectors import PER_PAGE, LogKind, read_log_page

AUDIT_USER_HELP = "Show the entries of this user; leave empty for your own."
ERROR_USER_HELP = (
    "Show the errors of this user's requests; leave empty for errors of background work, "
    "which belong to no user."
)


def page_url(path: str, number: int, user_id: str | None) -> str:
    """The URL of page ``number`` of a log, keeping the user filter."""
    params = {"page": number} if number > 1 else {}
    if user_id:
        params["user"] = user_id
    return f"{path}?{urlencode(params)}" if params else path


def _show_log(
    request: HttpRequest, kind: LogKind, *, by_user: bool, user_help: str
) -> HttpResponse:
    """Read the page the URL asks for and render it; a bad page or user is refused with why."""
    form = LogQueryForm(request.GET, by_user=by_user, user_help=user_help)
    context: dict[str, object] = {"kind": kind, "form": form, "per_page": PER_PAGE}
    if not form.is_valid():
        # htmx swaps a 422 (the page's config), so the message replaces the entries in place.
        status = 422 if wants_partial(request) else 400
        return render_page(request, "logs/log.html", context, partial="entries", status=status)
    user_id = form.cleaned_data.get("user") or None
    log = read_log_page(
        client=get_hanami(request), kind=kind, number=form.cleaned_data["page"], user_id=user_id
    )
    context["log"] = log
    if log.has_previous:
        context["previous_url"] = page_url(request.path, log.number - 1, user_id)
        context["first_url"] = page_url(request.path, 1, user_id)
    if log.has_next:
        context["next_url"] = page_url(request.path, log.number + 1, user_id)
    return render_page(request, "logs/log.html", context, partial="entries")


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who changed what: one entry per request that changed something, 100 per page."""
    is_admin = hanami_session(request)["is_admin"]
    return _show_log(request, "audit", by_user=is_admin, user_help=AUDIT_USER_HELP)


@require_GET
@login_required
def error_log(request: HttpRequest) -> HttpResponse:
    """The backend's internal errors: admins acting with the admin role only."""
    refusal = error_log_refusal(hanami_session(request))
    if refusal:
        return error_page(request, status=403, template="errors/403.html", message=refusal)
    return _show_log(request, "errors", by_user=True, user_help=ERROR_USER_HELP)
