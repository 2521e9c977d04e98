"""JSON shapes of the logs in the portal API."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from hanami_client.rules import ID_EXT_RE, ID_LENGTH
from portal.core.schemas import anchored
from portal.logs.selectors import LAST_PAGE, PER_PAGE

__all__ = ["AuditPageOut", "ErrorPageOut", "LogQuery"]

CREATED_AT = "UTC, YYYY-MM-DD HH:MM:SS"


class LogQuery(Schema):
    """Which page of a log, and whose entries."""

    page: int = Field(1, ge=1, le=LAST_PAGE, description="The page, 1 for the first.")
    user_id: str | None = Field(
        None,
        pattern=anchored(ID_EXT_RE),
        min_length=ID_LENGTH[0],
        max_length=ID_LENGTH[1],
        description="Admins only: the user whose entries to show.",
    )


class AuditEntryOut(Schema):
    """A request that changed something, refused ones too."""

    created_at: str = Field(description=CREATED_AT)
    user_id: str
    endpoint: str = Field(
        description="The backend path without its leading /, e.g. v1.0alpha/cluster."
    )
    request_type: str = Field(description="POST, PUT or DELETE.")


class ErrorEntryOut(Schema):
    """An internal error of the backend."""

    created_at: str = Field(description=CREATED_AT)
    user_id: str = Field(description="Empty for errors of background work.")
    component: str
    context: str
    input_values: dict[str, Any] | str = Field(
        description="The failed request's input, passphrases removed."
    )
    message: str


class _PageOut(Schema):
    page: int = Field(description="This page, 1 for the first.")
    per_page: int = Field(PER_PAGE, description="Entries per page, fixed by the backend.")
    has_next: bool = Field(description="This page is full, so the next one may hold entries.")


class AuditPageOut(_PageOut):
    """A page of the audit log, oldest first; past the end it is empty."""

    entries: list[AuditEntryOut]


class ErrorPageOut(_PageOut):
    """A page of the error log, oldest first; past the end it is empty."""

    entries: list[ErrorEntryOut]
