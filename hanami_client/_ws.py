"""The backend's websocket: its URL, and the init handshake that binds a connection to a target."""

from __future__ import annotations

import asyncio
import json
import os
import ssl

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from hanami_client._errors import (
    BackendUnavailable,
    BadRequest,
    HanamiError,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)

__all__ = ["MAX_MESSAGE_BYTES", "init_target", "open_websocket", "ssl_context", "ws_url"]

#: The largest websocket message upstream accepts (Boost.Beast's default).
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def ws_url(address: str) -> str:
    """The websocket URL of a backend, derived from its REST address as the SDKs do."""
    scheme = "wss" if address.startswith("https") else "ws"
    return f"{scheme}://{address.split('/')[2]}"


def ssl_context(address: str, verify: bool | str) -> ssl.SSLContext | None:
    """The TLS context for ``wss`` (None for ``ws``), honouring ``verify`` as requests does."""
    if not address.startswith("https"):
        return None
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    return ssl.create_default_context()


async def open_websocket(
    address: str, *, verify: bool | str = True, timeout: float = 10.0
) -> ClientConnection:
    """Open the backend's websocket (not yet bound to a target)."""
    operation = "websocket.open"
    try:
        return await connect(
            ws_url(address),
            ssl=ssl_context(address, verify),
            open_timeout=timeout,
            max_size=MAX_MESSAGE_BYTES,
        )
    except (OSError, TimeoutError, InvalidURI) as error:
        raise BackendUnavailable(
            f"cannot open the websocket of {address}: {error}", operation=operation
        ) from error
    except InvalidHandshake as error:
        raise ProtocolError(f"websocket handshake refused: {error}", operation=operation) from error


async def init_target(
    websocket: ClientConnection, token: str, target: str, uuid: str, *, timeout: float = 10.0
) -> str:
    """Bind an open websocket to a ``cluster`` or ``file_upload`` target; returns the session id."""
    operation = "websocket.init"
    request = json.dumps({"token": token, "target": target, "uuid": uuid})
    try:
        await websocket.send(request)
        raw = await asyncio.wait_for(websocket.recv(), timeout)
    except TimeoutError as error:
        raise BackendUnavailable(
            f"no init reply within {timeout:g} s", operation=operation
        ) from error
    except ConnectionClosed as error:
        raise BackendUnavailable(
            f"the backend closed the websocket during init: {error}", operation=operation
        ) from error
    try:
        reply = json.loads(raw)
        success = reply["success"]
    except (ValueError, TypeError, KeyError) as error:
        raise ProtocolError(f"not an init reply: {raw[:80]!r}", operation=operation) from error
    if success is not True:
        raise _init_error(str(reply.get("error", "")), operation)
    session = reply.get("uuid")
    if not isinstance(session, str):
        raise ProtocolError(f"init reply without a uuid: {raw[:80]!r}", operation=operation)
    return session


def _init_error(message: str, operation: str) -> HanamiError:
    """The typed error for a failed init; its texts are the fixed ones of contract section 3.1."""
    if message == "Token invalid":
        return Unauthorized(message, operation=operation)
    if message.endswith("not found"):
        return NotFound(message, operation=operation)
    if message.startswith("Internal error"):
        return ServerError(message, operation=operation)
    return BadRequest(message, operation=operation)
