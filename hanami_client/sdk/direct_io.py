"""``hanami_sdk.direct_io``: one direct-IO message over a websocket from
``cluster.switch_to_direct_mode``, awaiting its one reply (contract 3.2).

``verify_connection`` is accepted and unused, as upstream (the socket is already open). A reply
that does not come within REPLY_TIMEOUT_SECONDS raises ``TimeoutError`` (upstream waits forever);
a socket the backend closed raises ``websockets``' ``ConnectionClosed`` with its close reason.
``send_request_input`` reads one output message: use single-output clusters, as the contract says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from websockets.asyncio.client import ClientConnection

from hanami_client import _ws
from hanami_client._proto.hanami_messages import proto3_pb2

__all__ = ["REPLY_TIMEOUT_SECONDS", "send_request_input", "send_train_input"]

#: How long to wait for the reply to one message.
REPLY_TIMEOUT_SECONDS = 60.0


async def send_train_input(
    ws: ClientConnection,
    hexagon_name: str,
    values: Sequence[float],
    is_input: bool,
    is_last: bool,
    verify_connection: bool = True,
) -> None:
    """Send input (``is_input``) or expected values for training; the last one runs the pass."""
    target = proto3_pb2.INPUT_BUFFER_TYPE if is_input else proto3_pb2.EXPECTED_BUFFER_TYPE
    message = _ws.io_message(
        hexagon_name, values, is_last=is_last, process=proto3_pb2.TRAIN_TYPE, target=target
    )
    await _exchange(ws, message, "sdk: direct_io.send_train_input")


async def send_request_input(
    ws: ClientConnection,
    hexagon_name: str,
    values: Sequence[float],
    is_last: bool,
    verify_connection: bool = True,
) -> list[float] | None:
    """Send input values for a request; the last one runs it and returns the output values."""
    message = _ws.io_message(
        hexagon_name,
        values,
        is_last=is_last,
        process=proto3_pb2.REQUEST_TYPE,
        target=proto3_pb2.INPUT_BUFFER_TYPE,
    )
    reply = await _exchange(ws, message, "sdk: direct_io.send_request_input")
    return list(reply.values) if is_last else None


async def _exchange(
    ws: ClientConnection, message: bytes, operation: str
) -> proto3_pb2.ClusterIO_Message:
    await ws.send(message)
    raw = await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_SECONDS)
    return _ws.io_reply(raw, operation)
