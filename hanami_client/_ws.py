"""The backend's websocket: its URL, the init handshake that binds a connection to a target, the
``file_upload`` exchange (one ``FileUpload_Message`` chunk, one reply), sync and async, and the
framing of direct IO's ``ClusterIO_Message`` (the exchange itself lives in ``direct.py``)."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from google.protobuf.message import DecodeError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection as SyncClientConnection
from websockets.sync.client import connect as connect_sync

from hanami_client._errors import (
    BackendUnavailable,
    BadRequest,
    HanamiError,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)
from hanami_client._proto.hanami_messages import proto3_pb2

__all__ = [
    "MAX_MESSAGE_BYTES",
    "Chunks",
    "init_target",
    "io_message",
    "io_reply",
    "open_websocket",
    "ssl_context",
    "upload",
    "upload_async",
    "ws_url",
]

#: The largest websocket message upstream accepts (Boost.Beast's default).
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

#: ``(position, data)`` pairs, sent one message each, in order.
Chunks = Iterator[tuple[int, bytes]]


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


def _connect_options(address: str, verify: bool | str, timeout: float) -> dict[str, Any]:
    """What both websocket clients connect with (no compression: chunks are sent as they are)."""
    return {
        "ssl": ssl_context(address, verify),
        "open_timeout": timeout,
        "max_size": MAX_MESSAGE_BYTES,
        "compression": None,
    }


def _open_error(address: str, error: Exception) -> HanamiError:
    """The typed error for a websocket that could not be opened."""
    operation = "websocket.open"
    if isinstance(error, InvalidHandshake):
        return ProtocolError(f"websocket handshake refused: {error}", operation=operation)
    message = f"cannot open the websocket of {address}: {error}"
    return BackendUnavailable(message, operation=operation)


async def open_websocket(
    address: str, *, verify: bool | str = True, timeout: float = 10.0
) -> ClientConnection:
    """Open the backend's websocket (not yet bound to a target)."""
    try:
        return await connect(ws_url(address), **_connect_options(address, verify, timeout))
    except (OSError, TimeoutError, InvalidURI, InvalidHandshake) as error:
        raise _open_error(address, error) from error


def _open_websocket_sync(address: str, verify: bool | str, timeout: float) -> SyncClientConnection:
    """Open the backend's websocket with the blocking client."""
    try:
        return connect_sync(ws_url(address), **_connect_options(address, verify, timeout))
    except (OSError, TimeoutError, InvalidURI, InvalidHandshake) as error:
        raise _open_error(address, error) from error


async def init_target(
    websocket: ClientConnection, token: str, target: str, uuid: str, *, timeout: float = 10.0
) -> str:
    """Bind an open websocket to a ``cluster`` or ``file_upload`` target; returns the session id."""
    try:
        await websocket.send(_init_request(token, target, uuid))
        raw = await asyncio.wait_for(websocket.recv(), timeout)
    except (TimeoutError, ConnectionClosed) as error:
        raise _lost(error, "websocket.init", timeout) from error
    return _init_reply(raw)


def _init_target_sync(
    websocket: SyncClientConnection, token: str, target: str, uuid: str, timeout: float
) -> str:
    """``init_target`` with the blocking client."""
    try:
        websocket.send(_init_request(token, target, uuid))
        raw = websocket.recv(timeout)
    except (TimeoutError, ConnectionClosed) as error:
        raise _lost(error, "websocket.init", timeout) from error
    return _init_reply(raw)


def _init_request(token: str, target: str, uuid: str) -> str:
    return json.dumps({"token": token, "target": target, "uuid": uuid})


def _init_reply(raw: str | bytes) -> str:
    """The session id of a successful init reply, or the typed error of a failed one."""
    operation = "websocket.init"
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


def _lost(error: Exception, operation: str, timeout: float) -> BackendUnavailable:
    """The error for a reply that never came: a timeout or a closed connection."""
    if isinstance(error, TimeoutError):
        return BackendUnavailable(f"no reply within {timeout:g} s", operation=operation)
    message = f"the backend closed the websocket: {error}"
    return BackendUnavailable(message, operation=operation)


def upload(
    address: str,
    token: str,
    file_uuid: str,
    chunks: Chunks,
    acknowledged: Callable[[int], object],
    *,
    verify: bool | str = True,
    timeout: float = 10.0,
) -> int:
    """Send chunks over one ``file_upload`` websocket, awaiting each reply; returns bytes sent."""
    with _open_websocket_sync(address, verify, timeout) as websocket:
        _init_target_sync(websocket, token, "file_upload", file_uuid, timeout)
        sent = 0
        for position, data in chunks:
            try:
                websocket.send(_chunk_message(position, data))
                raw = websocket.recv(timeout)
            except (TimeoutError, ConnectionClosed, OSError) as error:
                raise _lost(error, "websocket.file_upload", timeout) from error
            _check_chunk_reply(raw)
            sent += len(data)
            acknowledged(len(data))
        return sent


async def upload_async(
    address: str,
    token: str,
    file_uuid: str,
    chunks: Chunks,
    acknowledged: Callable[[int], object],
    *,
    verify: bool | str = True,
    timeout: float = 10.0,
) -> int:
    """``upload`` with the asyncio client (the source is read in a worker thread)."""
    websocket = await open_websocket(address, verify=verify, timeout=timeout)
    try:
        await init_target(websocket, token, "file_upload", file_uuid, timeout=timeout)
        sent = 0
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            position, data = chunk
            try:
                await websocket.send(_chunk_message(position, data))
                raw = await asyncio.wait_for(websocket.recv(), timeout)
            except (TimeoutError, ConnectionClosed, OSError) as error:
                raise _lost(error, "websocket.file_upload", timeout) from error
            _check_chunk_reply(raw)
            sent += len(data)
            acknowledged(len(data))
        return sent
    finally:
        await websocket.close()


def _chunk_message(position: int, data: bytes) -> bytes:
    return proto3_pb2.FileUpload_Message(position=position, data=data).SerializeToString()


def _check_chunk_reply(raw: str | bytes) -> None:
    """Accept a ``FileUploadResponse_Message`` with success; anything else is a typed error."""
    operation = "websocket.file_upload"
    if isinstance(raw, str):
        raise ProtocolError(f"a text reply to a chunk: {raw[:80]!r}", operation=operation)
    try:
        reply = proto3_pb2.FileUploadResponse_Message.FromString(raw)
    except DecodeError as error:
        raise ProtocolError(
            f"a reply to a chunk that is not protobuf: {raw[:80]!r}", operation=operation
        ) from error
    if not reply.success:
        raise BadRequest(reply.errorMessage, operation=operation)


def io_message(
    buffer_name: str, values: Sequence[float], *, is_last: bool, process: int, target: int
) -> bytes:
    """One direct-IO ``ClusterIO_Message`` (``process``/``target`` are the proto enum values)."""
    message = proto3_pb2.ClusterIO_Message(
        bufferName=buffer_name,
        isLast=is_last,
        processType=process,
        targetBufferType=target,
        numberOfValues=len(values),
        values=values,
    )
    return message.SerializeToString()


def io_reply(raw: str | bytes, operation: str) -> proto3_pb2.ClusterIO_Message:
    """A direct-IO reply read as a ``ClusterIO_Message``; anything else is a ProtocolError."""
    if isinstance(raw, str):
        raise ProtocolError(f"a text reply to direct IO: {raw[:80]!r}", operation=operation)
    try:
        return proto3_pb2.ClusterIO_Message.FromString(raw)
    except DecodeError as error:
        raise ProtocolError(
            f"a direct-IO reply that is not protobuf: {raw[:80]!r}", operation=operation
        ) from error
