"""The exceptions every hanami_client call may raise.

::

    HanamiError                 base of everything below
    ├── BackendUnavailable      refused, timeout, DNS: the backend could not be reached
    ├── ProtocolError           a reply that breaks the wire contract
    ├── TaskTimeout             ``tasks.wait`` gave up: the task did not end in time
    ├── DirectIOError           the direct-IO socket was closed (``code``: its close code)
    └── ApiError                the backend answered with an error status
        ├── BadRequest          400 (validation, bad input; and upstream's bogus status 1
        │                       for a dataset content/check range error)
        ├── Unauthorized        401 (bad/expired token, wrong passphrase, policy, not admin)
        ├── Forbidden           403
        ├── NotFound            404
        ├── Conflict            409
        └── ServerError         5xx (and upstream's bogus status 1 anywhere else)

Every error carries ``status`` (HTTP status, ``None`` when no reply came), ``message``
(the server's own words, or ours when there was no reply) and ``operation``
(for example ``"users.delete"``).
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "BackendUnavailable",
    "BadRequest",
    "Conflict",
    "DirectIOError",
    "Forbidden",
    "HanamiError",
    "NotFound",
    "ProtocolError",
    "ServerError",
    "TaskTimeout",
    "Unauthorized",
]


class HanamiError(Exception):
    """Base of every error raised by hanami_client."""

    def __init__(
        self, message: str = "", *, status: int | None = None, operation: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.operation = operation

    def __str__(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        code = f"status {self.status}: " if self.status is not None else ""
        return f"{where}{code}{self.message}".rstrip(": ")


class BackendUnavailable(HanamiError):
    """The backend could not be reached (connection refused, timeout, DNS failure)."""


class ProtocolError(HanamiError):
    """The backend answered something the wire contract does not allow."""


class DirectIOError(HanamiError):
    """The direct-IO socket was closed (by the backend, with its reason) or the session ended."""

    def __init__(self, message: str = "", *, operation: str = "", code: int | None = None) -> None:
        super().__init__(message, operation=operation)
        self.code = code


class TaskTimeout(HanamiError):
    """A task did not end within the seconds ``tasks.wait`` was given (it keeps running)."""


class ApiError(HanamiError):
    """The backend answered with an error status."""


class BadRequest(ApiError):
    """400: the request was refused as invalid."""


class Unauthorized(ApiError):
    """401: missing, invalid or expired token, wrong credentials, or not allowed."""


class Forbidden(ApiError):
    """403: not allowed (never sent by upstream, kept for proxies in front of it)."""


class NotFound(ApiError):
    """404: the resource does not exist or is not visible to the caller."""


class Conflict(ApiError):
    """409: the resource already exists or the state forbids the change."""


class ServerError(ApiError):
    """5xx: the backend failed internally."""
