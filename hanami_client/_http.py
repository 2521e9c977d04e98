"""The one place that sends a request to the backend and turns its reply into data or an error."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from hanami_client._errors import (
    ApiError,
    BackendUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    HanamiError,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)

__all__ = [
    "API_PREFIX",
    "QueryValue",
    "Transport",
    "error_for_status",
    "query_string",
    "retry_policy",
]

API_PREFIX = "/v1.0alpha"
QueryValue = str | int | bool

_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}
# Characters a query value may hold as they are: the server does not percent-decode (contract 1.3).
_PLAIN_QUERY_VALUE = re.compile(r"[A-Za-z0-9._~@:-]*")
# Upstream answers some range errors with status 1, which http.client refuses as a bad status line.
_STATUS_ONE = re.compile(r"HTTP/\d\.\d +0*1\b")


class _ReadOnlyRetry(Retry):
    """urllib3 repeats a failed connect whatever the method; this policy repeats only GET."""

    def increment(self, method: str | None = None, *args: Any, **kwargs: Any) -> Retry:
        if method is not None and method.upper() not in (self.allowed_methods or ()):
            return Retry(0, read=False).increment(method, *args, **kwargs)
        return super().increment(method, *args, **kwargs)


def retry_policy() -> Retry:
    """Retries for idempotent reads only: a GET whose connection failed, twice; never a write."""
    return _ReadOnlyRetry(
        total=2,
        connect=2,
        read=False,
        status=0,
        other=0,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=0.1,
    )


def error_for_status(status: int, message: str, operation: str) -> HanamiError:
    """The typed error for a reply whose status is not 200."""
    if status in _ERRORS:
        kind: type[HanamiError] = _ERRORS[status]
    elif status == 1 or 500 <= status <= 599:
        kind = ServerError
    elif 400 <= status <= 499:
        kind = ApiError
    else:
        kind = ProtocolError
    return kind(message, status=status, operation=operation)


def query_string(values: Mapping[str, QueryValue], operation: str) -> str:
    """``k=v&k=v`` as the SDK builds it; refuses values the server could not read back."""
    pairs = []
    for key, value in values.items():
        text = json.dumps(value) if isinstance(value, bool) else str(value)
        # Upstream also refuses any target holding "..", with an empty 400 (contract 1.2).
        if not _PLAIN_QUERY_VALUE.fullmatch(text) or ".." in text:
            raise BadRequest(
                f"'{key}' holds characters that cannot travel in a query string: {text!r}",
                operation=operation,
            )
        pairs.append(f"{key}={text}")
    return "&".join(pairs)


def _innermost(error: BaseException) -> BaseException:
    while (inner := error.__cause__ or error.__context__) is not None:
        error = inner
    return error


class Transport:
    """A backend address, token, TLS setting and timeout, sent over one reused requests.Session."""

    def __init__(
        self,
        address: str,
        token: str | None = None,
        *,
        verify: bool | str = True,
        timeout: float = 10.0,
    ) -> None:
        self.address = address.rstrip("/")
        self.token = token
        self.verify = verify
        self.timeout = timeout
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry_policy())
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def send(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> bytes:
        """Send one request; return the body of a 200 reply or raise the typed error."""
        url = f"{self.address}{API_PREFIX}{path}"
        if query:
            url = f"{url}?{query_string(query, operation)}"
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"X-Auth-Token": self.token} if self.token else {}
        try:
            reply = self.session.request(
                method, url, data=data, headers=headers, timeout=self.timeout, verify=self.verify
            )
        except requests.RequestException as error:
            raise self._unreachable(error, operation) from error
        if reply.status_code == 200:
            return reply.content
        message = reply.content.decode("utf-8", errors="replace")
        raise error_for_status(reply.status_code, message, operation)

    def send_json(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send one request and return the JSON object of its 200 reply."""
        content = self.send(method, path, operation=operation, query=query, body=body)
        try:
            data = json.loads(content)
        except ValueError as error:
            raise ProtocolError(
                f"the reply is not JSON: {content[:80]!r}", status=200, operation=operation
            ) from error
        if not isinstance(data, dict):
            raise ProtocolError("the reply is not a JSON object", status=200, operation=operation)
        return data

    def close(self) -> None:
        """Release the pooled connections."""
        self.session.close()

    def _unreachable(self, error: requests.RequestException, operation: str) -> HanamiError:
        cause = _innermost(error)
        if isinstance(cause, http.client.BadStatusLine) and not isinstance(
            cause, http.client.RemoteDisconnected
        ):
            line = str(cause).strip()
            if _STATUS_ONE.match(line):
                return ServerError(f"the backend answered {line!r}", status=1, operation=operation)
            return ProtocolError(f"not an HTTP reply: {line[:80]!r}", operation=operation)
        if isinstance(error, requests.Timeout):
            message = f"no reply from {self.address} within {self.timeout:g} s"
        else:
            message = f"cannot reach {self.address}: {cause}"
        return BackendUnavailable(message, operation=operation)
