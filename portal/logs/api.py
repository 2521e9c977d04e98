"""JSON reading of the logs (mounted at /api/logs): the audit log, and the error log for admins.

Pages count from 1, as on the log pages; a page past the end is empty.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from portal.hanami import get_hanami
from portal.logs.access import NOT_ADMIN_FILTER, error_log_refusal
from portal.logs.schemas import AuditPageOut, ErrorPageOut, LogQuery
from portal.logs.selectors import PER_PAGE, LogKind, read_log_page

__all__ = ["router"]

router = Router(tags=["logs"])


def _page(request: HttpRequest, kind: LogKind, query: LogQuery) -> dict[str, Any]:
    log = read_log_page(
        client=get_hanami(request), kind=kind, number=query.page, user_id=query.user_id or None
    )
    entries = [dict(row) for row in log.rows]
    return {"page": log.number, "per_page": PER_PAGE, "has_next": log.has_next, "entries": entries}


@router.get("/audit", response=AuditPageOut, summary="Read the audit log")
def audit_log(request: HttpRequest, query: Query[LogQuery]) -> dict[str, Any]:
    """Your own entries, 100 a page; an admin may name another user (403 for others)."""
    if query.user_id and not request.auth["is_admin"]:
        raise HttpError(403, NOT_ADMIN_FILTER)
    return _page(request, "audit", query)


@router.get("/errors", response=ErrorPageOut, summary="Read the error log")
def error_log(request: HttpRequest, query: Query[LogQuery]) -> dict[str, Any]:
    """Admins acting with the admin role: background errors, or one user's (403 for others)."""
    refusal = error_log_refusal(request.auth)
    if refusal:
        raise HttpError(403, refusal)
    return _page(request, "errors", query)
