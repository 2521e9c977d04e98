"""How every SDK function reaches the backend: one request over the client's transport, with the
client's typed errors translated into what the official SDK raises or returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from hanami_client._errors import (
    BackendUnavailable,
    BadRequest,
    Conflict,
    HanamiError,
    NotFound,
    ServerError,
    Unauthorized,
)
from hanami_client._http import QueryValue, Transport
from hanami_client.sdk import hanami_exceptions

__all__ = ["request", "translate"]


def request(
    token: str | None,
    address: str,
    verify_connection: bool,
    method: str,
    path: str,
    *,
    query: Mapping[str, QueryValue] | None = None,
    body: Mapping[str, Any] | None = None,
) -> bytes | None:
    """Send one request; the raw body of a 200, the SDK's exception, or None for other statuses."""
    transport = Transport(address, token, verify=verify_connection)
    try:
        return transport.send(
            method, path, operation=f"sdk: {method} {path}", query=query, body=body
        )
    except HanamiError as error:
        translate(error)
        return None
    finally:
        transport.close()


def translate(error: HanamiError) -> None:
    """Raise what the official SDK raises for this error; return where it returns None."""
    content = error.message.encode()
    if isinstance(error, BadRequest):
        raise hanami_exceptions.BadRequestException(content) from error
    if isinstance(error, Unauthorized):
        raise hanami_exceptions.UnauthorizedException(content) from error
    if isinstance(error, NotFound):
        raise hanami_exceptions.NotFoundException(content) from error
    if isinstance(error, Conflict):
        raise hanami_exceptions.ConflictException(content) from error
    if isinstance(error, ServerError) and error.status == 500:
        raise hanami_exceptions.InternalServerErrorException() from error
    if isinstance(error, BackendUnavailable) or error.status == 1:
        # The official SDK lets requests' own exception through, also for upstream's bogus
        # status 1, whose status line requests cannot read.
        raise requests.ConnectionError(error.message) from error
    if error.status is None:
        raise error
