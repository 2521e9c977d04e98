"""The audit log (one row per authenticated non-GET request) and the error log (500s)."""

from __future__ import annotations

from hanami_server.db import Database, now_timestamp


def add_audit_entry(db: Database, *, user_id: str, endpoint: str, request_type: str) -> None:
    """Record who called which endpoint (router key, no leading slash) with which method."""
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO audit_log (created_at, user_id, endpoint, request_type)"
            " VALUES (?, ?, ?, ?)",
            (now_timestamp(), user_id, endpoint, request_type),
        )


def add_error_entry(db: Database, *, user_id: str, input_values: str, message: str) -> None:
    """Record an internal error; `input_values` must already have the passphrase removed."""
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO error_log (created_at, user_id, component, context, input_values,"
            " message) VALUES (?, ?, '', '', ?, ?)",
            (now_timestamp(), user_id, input_values, message),
        )
