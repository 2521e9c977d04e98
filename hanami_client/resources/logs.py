"""Logs: ``/v1.0alpha/audit_log`` and ``/error_log`` (contract 2.9), 100 rows a page from page 0;
a page past the end is empty on our server (upstream answers 500: ServerError).

The audit log shows the caller's own requests; an admin may name another user. The error log
is for admins: without a user it lists errors of background work, with one that user's failed
requests.
"""

from __future__ import annotations

from hanami_client import _parse
from hanami_client._http import QueryValue
from hanami_client.resources._base import Resource
from hanami_client.types import Table

__all__ = ["PAGE_SIZE", "Logs"]

#: Rows per page of either log.
PAGE_SIZE = 100

_AUDIT_CELLS = {
    "created_at": _parse.text,
    "user_id": _parse.text,
    "endpoint": _parse.text,
    "request_type": _parse.text,
}
_ERROR_CELLS = {
    "created_at": _parse.text,
    "user_id": _parse.text,
    "component": _parse.text,
    "context": _parse.text,
    "input_values": _parse.json_text,
    "message": _parse.text,
}


class Logs(Resource):
    """Read the audit and error logs a page at a time."""

    def audit(self, page: int = 0, user_id: str | None = None) -> Table:
        """Audit rows: columns created_at, user_id, endpoint, request_type (non-GET requests)."""
        data = self._transport.send_json(
            "GET", "/audit_log", operation="logs.audit", query=_query(page, user_id)
        )
        return self._read("logs.audit", lambda d: _parse.table(d, _AUDIT_CELLS), data)

    def errors(self, page: int = 0, user_id: str | None = None) -> Table:
        """Error rows: created_at, user_id, component, context, input_values (JSON), message."""
        data = self._transport.send_json(
            "GET", "/error_log", operation="logs.errors", query=_query(page, user_id)
        )
        return self._read("logs.errors", lambda d: _parse.table(d, _ERROR_CELLS), data)


def _query(page: int, user_id: str | None) -> dict[str, QueryValue]:
    """The page, and the user only when one is named (an empty one is a 400 upstream)."""
    query: dict[str, QueryValue] = {"page": page}
    if user_id:
        query["user_id"] = user_id
    return query
