"""Direct IO with a cluster (contract 3.2): an async session that switches the cluster to DIRECT
mode, binds a websocket to it, trains or asks one sample per call, and switches back to TASK.

::

    async with client.clusters.direct(cluster_uuid) as io:
        await io.train({"pixels": picture}, {"digit": one_hot})
        outputs = await io.request({"pixels": picture})      # {"digit": [10 floats]}

The protocol is half-duplex: every message gets its reply before the next is sent, so a session
runs one call at a time. A request is answered with one message per output hexagon, sent back to
back. The client cannot know how many outputs a cluster has: pass ``outputs`` (the names, from
the template), or the first request reads until no message follows for ``OUTPUT_GAP_SECONDS``
and the session keeps the names it saw for later requests.

Leaving the session (also after an error or a cancellation) closes the socket and switches the
cluster back to TASK mode. A socket the backend closes raises ``DirectIOError`` with the close
code and reason (CLOSE_REASONS when the reason text got lost on the way); a reply that does not
come within the client's timeout raises ``BackendUnavailable``. Either ends the session: later
calls raise ``DirectIOError``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from hanami_client import _parse, _ws
from hanami_client._errors import (
    BackendUnavailable,
    Conflict,
    DirectIOError,
    HanamiError,
    NotFound,
    ProtocolError,
)
from hanami_client._http import Transport
from hanami_client._proto.hanami_messages import proto3_pb2

__all__ = [
    "CLOSE_REASONS",
    "OUTPUT_GAP_SECONDS",
    "DirectSession",
    "Inputs",
    "Mode",
    "ModeChange",
    "Outputs",
    "parse_mode_change",
]

#: How long the first request of a session waits for a further output message before it takes
#: the outputs seen so far as all of them.
OUTPUT_GAP_SECONDS = 0.2

#: What the backend's close codes mean, for a close that arrives without its reason text.
CLOSE_REASONS = {
    4400: "the backend refused a malformed direct-IO message",
    4404: "unknown buffer name",
    4409: "the cluster runs or queues a task: switch it to DIRECT mode first",
    4410: "another socket attached to the cluster",
    4422: "the backend's engine refused the message",
    4500: "the backend failed internally",
}

#: The cluster modes of ``PUT /cluster/set_mode``.
Mode = Literal["TASK", "DIRECT"]

#: A request's answer: output hexagon name -> its values.
Outputs = dict[str, list[float]]

#: What ``train`` and ``request`` take: hexagon name -> its values.
Inputs = Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class ModeChange:
    """The reply to ``set_mode``: the cluster and the mode it is in now."""

    uuid: str
    name: str
    created_at: str
    mode: str


def parse_mode_change(data: dict[str, Any]) -> ModeChange:
    """Read a ``set_mode`` reply."""
    return ModeChange(
        uuid=_parse.text(data["uuid"]),
        name=_parse.text(data["name"]),
        created_at=_parse.text(data["created_at"]),
        mode=_parse.text(data["new_state"]),
    )


class DirectSession:
    """One direct-IO connection to a cluster; ``async with`` it, or ``open()`` and ``close()``."""

    def __init__(
        self,
        cluster_uuid: str,
        *,
        transport: Transport,
        set_mode: Callable[[str, Mode], ModeChange],
        outputs: Sequence[str] | None = None,
    ) -> None:
        self.cluster_uuid = cluster_uuid
        self._transport = transport
        self._set_mode = set_mode
        self._outputs = None if outputs is None else tuple(outputs)
        self._websocket: ClientConnection | None = None
        self._connection_uuid: str | None = None
        self._in_direct_mode = False
        self._ended: str | None = "the session is not open"
        self._turn = asyncio.Lock()

    @property
    def connection_uuid(self) -> str | None:
        """The backend's id of this connection (from the init reply); None before ``open``."""
        return self._connection_uuid

    @property
    def outputs(self) -> tuple[str, ...] | None:
        """The output hexagons' names, given or learned from the first request; else None."""
        return self._outputs

    @property
    def is_open(self) -> bool:
        """Whether messages can be sent: opened, not ended, and the backend has not closed it."""
        websocket = self._websocket
        return self._ended is None and websocket is not None and websocket.state is State.OPEN

    async def wait_closed(self) -> None:
        """Wait until the socket is closed, by either side (at once when it is not open)."""
        websocket = self._websocket
        if websocket is not None:
            await websocket.wait_closed()

    async def open(self) -> DirectSession:
        """Switch the cluster to DIRECT mode and bind a websocket to it."""
        if self._in_direct_mode or self._websocket is not None:
            raise DirectIOError("the session is already open", operation="clusters.direct")
        await self._switch_to_direct()
        try:
            transport = self._transport
            self._websocket = await _ws.open_websocket(
                transport.address, verify=transport.verify, timeout=transport.timeout
            )
            self._connection_uuid = await _ws.init_target(
                self._websocket,
                transport.token or "",
                "cluster",
                self.cluster_uuid,
                timeout=transport.timeout,
            )
        except BaseException:
            with contextlib.suppress(HanamiError):
                await self.close()
            raise
        self._ended = None
        return self

    async def close(self) -> None:
        """Close the socket and switch the cluster back to TASK mode (safe to call twice)."""
        self._ended = self._ended or "the session is closed"
        websocket, self._websocket = self._websocket, None
        try:
            if websocket is not None:
                await websocket.close()
        finally:
            if self._in_direct_mode:
                self._in_direct_mode = False
                # Shielded: a second cancellation must not leave the cluster in DIRECT mode.
                await asyncio.shield(asyncio.to_thread(self._switch_back))

    async def train(self, inputs: Inputs, expected: Inputs) -> None:
        """Give input and expected values, then run one training pass (forward and backward)."""
        if not expected:
            raise ValueError("training needs the expected values of at least one output")
        buffers = [(name, values, proto3_pb2.INPUT_BUFFER_TYPE) for name, values in inputs.items()]
        buffers += [
            (name, values, proto3_pb2.EXPECTED_BUFFER_TYPE) for name, values in expected.items()
        ]
        messages = [
            _ws.io_message(
                name,
                _floats(values),
                is_last=position == len(buffers),
                process=proto3_pb2.TRAIN_TYPE,
                target=target,
            )
            for position, (name, values, target) in enumerate(buffers, 1)
        ]
        operation = "clusters.direct.train"
        async with self._turn, self._guard(operation) as websocket:
            for position, message in enumerate(messages, 1):
                reply = await self._exchange(websocket, message)
                _check_ack(reply, position == len(messages))

    async def request(self, inputs: Inputs) -> Outputs:
        """Give input values and run one forward pass; returns every output hexagon's values."""
        if not inputs:
            raise ValueError("a request needs the values of at least one input")
        messages = [
            _ws.io_message(
                name,
                _floats(values),
                is_last=position == len(inputs),
                process=proto3_pb2.REQUEST_TYPE,
                target=proto3_pb2.INPUT_BUFFER_TYPE,
            )
            for position, (name, values) in enumerate(inputs.items(), 1)
        ]
        async with self._turn, self._guard("clusters.direct.request") as websocket:
            for message in messages[:-1]:
                _check_ack(await self._exchange(websocket, message), False)
            replies = [await self._exchange(websocket, messages[-1])]
            replies += await self._further_outputs(websocket)
            return self._outputs_of(replies)

    async def __aenter__(self) -> DirectSession:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            await self.close()
            return
        # The body's error is the one to see; a failed switch back must not replace it.
        with contextlib.suppress(HanamiError):
            await self.close()

    def __repr__(self) -> str:
        state = "closed" if self._ended else "open"
        return f"DirectSession({self.cluster_uuid!r}, {state})"

    async def _switch_to_direct(self) -> None:
        """Switch to DIRECT mode; cancelled midway, it waits for the switch and undoes it."""
        switching = asyncio.ensure_future(
            asyncio.to_thread(self._set_mode, self.cluster_uuid, "DIRECT")
        )
        try:
            await asyncio.shield(switching)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await switching
                await asyncio.to_thread(self._switch_back)
            raise
        self._in_direct_mode = True

    def _switch_back(self) -> None:
        """Back to TASK mode; a deleted cluster or one already switched back needs nothing."""
        with contextlib.suppress(NotFound, Conflict):
            self._set_mode(self.cluster_uuid, "TASK")

    @contextlib.asynccontextmanager
    async def _guard(self, operation: str) -> AsyncIterator[ClientConnection]:
        """The open socket for one call; a call that fails midway ends the session."""
        if self._ended is not None or self._websocket is None:
            raise DirectIOError(self._ended or "the session is closed", operation=operation)
        try:
            yield self._websocket
        except BaseException as error:
            # The half-duplex order is lost: no later message could be matched to its reply.
            self._ended = f"the session ended after an error in {operation}: {error}"
            if not isinstance(error, asyncio.CancelledError):
                await self._drop_socket()
            failure = _failure(error, operation, self._transport.timeout)
            if failure is error:
                raise
            raise failure from error

    async def _exchange(
        self, websocket: ClientConnection, message: bytes
    ) -> proto3_pb2.ClusterIO_Message:
        """Send one message and read its (first) reply."""
        async with asyncio.timeout(self._transport.timeout):
            await websocket.send(message)
            return _ws.io_reply(await websocket.recv(), "")

    async def _further_outputs(
        self, websocket: ClientConnection
    ) -> list[proto3_pb2.ClusterIO_Message]:
        """The output messages after the first: as many as known, else until a gap."""
        replies = []
        if self._outputs is not None:
            for _ in self._outputs[1:]:
                async with asyncio.timeout(self._transport.timeout):
                    replies.append(_ws.io_reply(await websocket.recv(), ""))
            return replies
        while True:
            try:
                # Cancelling recv() loses no message (websockets' asyncio client).
                raw = await asyncio.wait_for(websocket.recv(), OUTPUT_GAP_SECONDS)
            except TimeoutError:
                return replies
            replies.append(_ws.io_reply(raw, ""))

    def _outputs_of(self, replies: list[proto3_pb2.ClusterIO_Message]) -> Outputs:
        """The outputs by name; the names must be the session's outputs (learned the first time)."""
        outputs: Outputs = {}
        for reply in replies:
            if reply.processType != proto3_pb2.REQUEST_TYPE or not reply.bufferName:
                raise ProtocolError("an acknowledgement where an output message was due")
            outputs[reply.bufferName] = list(reply.values)
        names = tuple(outputs)
        if self._outputs is None:
            self._outputs = names
        elif sorted(names) != sorted(self._outputs) or len(names) != len(replies):
            raise ProtocolError(f"outputs {list(names)} where {list(self._outputs)} were due")
        return outputs

    async def _drop_socket(self) -> None:
        websocket, self._websocket = self._websocket, None
        if websocket is not None:
            with contextlib.suppress(Exception):
                await websocket.close()


def _check_ack(reply: proto3_pb2.ClusterIO_Message, is_last: bool) -> None:
    """An acknowledgement has no buffer name and echoes whether the message was the last."""
    if reply.bufferName or reply.isLast != is_last:
        raise ProtocolError(
            f"a reply that is not the acknowledgement due "
            f"(bufferName={reply.bufferName!r}, isLast={reply.isLast})"
        )


def _failure(error: BaseException, operation: str, timeout: float) -> BaseException:
    """The error to raise for a call that failed midway (the operation filled in)."""
    if isinstance(error, ConnectionClosed):
        return _closed(error, operation)
    if isinstance(error, TimeoutError):
        return BackendUnavailable(f"no reply within {timeout:g} s", operation=operation)
    if isinstance(error, OSError):
        return BackendUnavailable(f"the direct-IO socket failed: {error}", operation=operation)
    if isinstance(error, HanamiError) and not error.operation:
        error.operation = operation
    return error


def _closed(error: ConnectionClosed, operation: str) -> DirectIOError:
    """The backend closed the socket: its close reason is the message."""
    close = error.rcvd
    if close is None:
        return DirectIOError("the direct-IO socket was closed", operation=operation)
    default = f"the backend closed the direct-IO socket (code {close.code})"
    reason = close.reason or CLOSE_REASONS.get(close.code, default)
    return DirectIOError(reason, operation=operation, code=close.code)


def _floats(values: Sequence[float]) -> list[float]:
    return [float(value) for value in values]
