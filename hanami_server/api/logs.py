"""The audit and error logs (contract 2.9, R of 11 #8 and #9), 100 rows a page.

Everyone reads their own audit rows; an admin may name another user. The error log is for
admins: without a user it holds the errors of background work, with one that user's failed
requests. An empty `user_id` counts as absent (the official SDK sends one), and a page past
the end is empty (upstream answers 500).
"""

from __future__ import annotations

from typing import Any

from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import logs as store
from hanami_server.validation import ID_EXT_PATTERN, Field, check_values, integer, string

router = Router()

_PAGE = integer(0, 1_000_000_000)
# only the type is checked up front; the rules below apply unless the value is empty
_OPTIONAL_USER_ID = Field("string", required=False)
_USER_ID_RULES = {"user_id": string(ID_EXT_PATTERN, 4, 254)}


def _named_user(call: Call) -> str | None:
    """The `user_id` asked for, None when absent or empty; 400 when it breaks the rules."""
    user_id = call.inputs.get("user_id", "")
    if user_id == "":
        return None
    problem = check_values({"user_id": user_id}, _USER_ID_RULES)
    if problem:
        raise ApiError(400, problem)
    return user_id


def _is_admin(call: Call) -> bool:
    return call.user.get("is_admin") is True


@router.route("GET", "audit_log", page=_PAGE, user_id=_OPTIONAL_USER_ID)
def audit_log(call: Call) -> dict[str, Any]:
    """A page of the caller's audit rows, or of the named user's for an admin."""
    named = _named_user(call)
    if named is not None and not _is_admin(call):
        raise ApiError(401, "'user_id' can only be set by an admin")
    user_id = named if named is not None else str(call.user.get("id", ""))
    rows = store.audit_page(call.state.db, user_id=user_id, page=call.inputs["page"])
    return table(list(store.AUDIT_COLUMNS), rows)


@router.route("GET", "error_log", page=_PAGE, user_id=_OPTIONAL_USER_ID)
def error_log(call: Call) -> dict[str, Any]:
    """A page of error rows: background work's, or the named user's requests'."""
    named = _named_user(call)
    if not _is_admin(call):
        raise ApiError(401, "only an admin is allowed to request error-logs")
    rows = store.error_page(call.state.db, user_id=named or "", page=call.inputs["page"])
    return table(list(store.ERROR_COLUMNS), rows)
