"""``hanami_sdk.logs``: audit and error logs. Each returns the raw JSON reply as bytes.

Unlike the official SDK, ``list_audit_logs`` leaves out an empty ``user_id`` (which upstream
refuses with a 400, contract 11 #9), as ``list_error_logs`` always did.
"""

from __future__ import annotations

from hanami_client._http import QueryValue
from hanami_client.sdk._shim import request

__all__ = ["list_audit_logs", "list_error_logs"]


def list_audit_logs(
    token: str, address: str, user_id: str, page: int, verify_connection: bool = True
) -> bytes | None:
    """GET /audit_log."""
    query = _query(user_id, page)
    return request(token, address, verify_connection, "GET", "/audit_log", query=query)


def list_error_logs(
    token: str, address: str, user_id: str, page: int, verify_connection: bool = True
) -> bytes | None:
    """GET /error_log."""
    query = _query(user_id, page)
    return request(token, address, verify_connection, "GET", "/error_log", query=query)


def _query(user_id: str, page: int) -> dict[str, QueryValue]:
    if user_id:
        return {"user_id": user_id, "page": page}
    return {"page": page}
