"""The audit log (one row per authenticated non-GET request) and the error log (500s and errors
of background work), written and read a page of 100 rows at a time (contract 2.9)."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from hanami_server.db import Database, now_timestamp

PAGE_SIZE = 100
AUDIT_COLUMNS = ("created_at", "user_id", "endpoint", "request_type")
ERROR_COLUMNS = ("created_at", "user_id", "component", "context", "input_values", "message")


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


def audit_page(db: Database, *, user_id: str, page: int) -> list[list[Any]]:
    """One page of a user's audit rows in the order they were written (empty past the end)."""
    return _page(db, "audit_log", AUDIT_COLUMNS, user_id, page)


def error_page(db: Database, *, user_id: str, page: int) -> list[list[Any]]:
    """One page of the error rows of a user (`""`: background work), oldest first; the input
    values come back as the JSON object they were stored as, as upstream's cells do (1.9)."""
    rows = _page(db, "error_log", ERROR_COLUMNS, user_id, page)
    position = ERROR_COLUMNS.index("input_values")
    for row in rows:
        row[position] = _json_cell(row[position])
    return rows


def _page(
    db: Database, table: str, columns: tuple[str, ...], user_id: str, page: int
) -> list[list[Any]]:
    query = (
        f"SELECT {', '.join(columns)} FROM {table} WHERE user_id = ?"  # noqa: S608 (constants)
        " ORDER BY row LIMIT ? OFFSET ?"
    )
    cursor = db.connection().execute(query, (user_id, PAGE_SIZE, page * PAGE_SIZE))
    return [list(row) for row in cursor]


def _json_cell(text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, dict) else text


class ErrorLogHandler(logging.Handler):
    """Writes errors logged with a traceback (failed tasks, a failed purge or measurement) into
    the error log with an empty user id, as upstream records background errors."""

    def __init__(self, db: Database) -> None:
        super().__init__(logging.ERROR)
        self._db = db
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info is None:
            return  # request errors are recorded by the pipeline, with their user and inputs
        # a failed write loses only this row: the other handlers still print the record
        with contextlib.suppress(Exception):
            add_error_entry(self._db, user_id="", input_values="{}", message=self.format(record))
