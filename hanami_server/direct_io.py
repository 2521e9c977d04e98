"""Direct IO (contract 3.2): a websocket bound to a cluster fills its buffers one
ClusterIO_Message at a time, and the last message of a sequence runs one pass of the engine.

Every message gets its reply before the next is read: `isLast=false` an ack; `isLast=true` with
TRAIN_TYPE one forward and backward pass, then the train ack; `isLast=true` with REQUEST_TYPE one
forward pass, then one message per output hexagon in name order, all sent at once (R: upstream
sends the second only after another client frame, contract 11 #19). Buffers keep their values
until overwritten, as upstream's do, so a request may reuse the last input sent.

Where upstream hangs, the socket is closed with a private close code and a reason (R of 3.2):

    4400  not a binary ClusterIO_Message, or one the contract forbids (unknown processType or
          targetBufferType, an input sent as expected values or the reverse, numberOfValues
          other than the number of values, no values, values that are not finite), or values
          of another width than the hexagon already has (R: upstream resizes the hexagon, which
          breaks the tasks of its width; the first values an unsized hexagon gets size it)
    4404  a bufferName that is no input or output hexagon of the cluster
    4409  a pass while the cluster runs or queues a task in TASK mode (switch it to DIRECT)
    4410  a newer direct-IO socket attached to the cluster (the last one wins)
    4422  the engine refused the data (e.g. a train without expected values for an output,
          a request before an output has a size)
    4500  an internal error (logged)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn

import numpy as np
from google.protobuf.message import DecodeError

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    EXPECTED_BUFFER_TYPE,
    INPUT_BUFFER_TYPE,
    REQUEST_TYPE,
    TRAIN_TYPE,
    ClusterIO_Message,
)
from hanami_server.engine import EngineError, Network
from hanami_server.tasks.runtime import (
    ClusterBusy,
    ClusterClosed,
    ClusterRuntime,
    DirectReplaced,
    Result,
)

logger = logging.getLogger(__name__)

BAD_MESSAGE = 4400
UNKNOWN_BUFFER = 4404
BUSY = 4409
REPLACED = 4410
REFUSED = 4422
INTERNAL = 4500

TEXT_FRAME = "direct IO takes binary ClusterIO_Message frames, not text"
ACK = ClusterIO_Message(
    isLast=False, processType=TRAIN_TYPE, numberOfValues=1, values=[0.0]
).SerializeToString()
TRAINED = ClusterIO_Message(
    isLast=True, processType=TRAIN_TYPE, numberOfValues=1, values=[0.0]
).SerializeToString()


class CloseSocket(Exception):
    """No reply for this frame: the socket is closed with this code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SessionUnbound(Exception):
    """The session's cluster is gone: the frame is a fresh init message (contract 2.5)."""


class DirectSession:
    """One websocket's direct IO with one cluster: its buffers and its ticket on the runtime."""

    def __init__(self, runtime: ClusterRuntime) -> None:
        self._runtime = runtime
        self._ticket = runtime.attach_direct()
        template = runtime.template
        self._buffers: dict[int, dict[str, np.ndarray]] = {
            INPUT_BUFFER_TYPE: {},
            EXPECTED_BUFFER_TYPE: {},
        }
        self._hexagons = {
            INPUT_BUFFER_TYPE: [i.name for i in template.inputs] if template else [],
            EXPECTED_BUFFER_TYPE: [o.name for o in template.outputs] if template else [],
        }

    def handle(self, message: bytes) -> bytes | list[bytes]:
        """The reply (or the replies of a request) to one ClusterIO_Message."""
        self._check_bound()
        io = _parse(message)
        self._store(io)
        if not io.isLast:
            return ACK
        inputs, expected = self._buffers[INPUT_BUFFER_TYPE], self._buffers[EXPECTED_BUFFER_TYPE]

        def train(network: Network) -> None:
            _check_widths(network, inputs, expected)
            network.train_one(inputs, expected)

        def answer(network: Network) -> dict[str, np.ndarray]:
            _check_widths(network, inputs, {})
            return network.request_one(inputs)

        if io.processType == TRAIN_TYPE:
            self._pass(train)
            return TRAINED
        outputs = self._pass(answer)
        return [_output_message(name, outputs[name]) for name in sorted(outputs)]

    def refuse_text(self) -> NoReturn:
        """A text frame: the init of a new session once the cluster is gone, else refused."""
        self._check_bound()
        raise CloseSocket(BAD_MESSAGE, TEXT_FRAME)

    def close(self) -> None:
        """The socket is gone: save what it taught the cluster (without waiting for a task)."""
        self._runtime.save_direct_learning(wait=False)

    def _check_bound(self) -> None:
        """SessionUnbound once the cluster is deleted; closed once a newer socket took it."""
        try:
            self._runtime.check_direct(self._ticket)
        except (ClusterClosed, DirectReplaced) as error:
            raise _unbound(error) from error

    def _store(self, io: ClusterIO_Message) -> None:
        """Check the message against the cluster's hexagons, then keep its values."""
        kind, name = io.targetBufferType, io.bufferName
        if name not in self._hexagons[INPUT_BUFFER_TYPE] + self._hexagons[EXPECTED_BUFFER_TYPE]:
            raise CloseSocket(UNKNOWN_BUFFER, f"unknown buffer name '{name}'")
        if name not in self._hexagons[kind]:
            other = "INPUT_BUFFER_TYPE" if kind == EXPECTED_BUFFER_TYPE else "EXPECTED_BUFFER_TYPE"
            raise CloseSocket(BAD_MESSAGE, f"'{name}' takes its values as {other}")
        values = np.asarray(io.values, np.float32)
        if not np.isfinite(values).all():
            raise CloseSocket(BAD_MESSAGE, f"the values for '{name}' must be finite numbers")
        self._buffers[kind][name] = values

    def _pass(self, work: Callable[[Network], Result]) -> Result:
        """One engine pass on the cluster's network; its refusals close the socket."""
        try:
            return self._runtime.direct_pass(self._ticket, work)
        except (ClusterClosed, DirectReplaced) as error:
            raise _unbound(error) from error
        except ClusterBusy as error:
            raise CloseSocket(
                BUSY, "the cluster is running a task: switch it to DIRECT mode for direct IO"
            ) from error
        except EngineError as error:
            raise CloseSocket(REFUSED, str(error)) from error
        except CloseSocket:
            raise
        except Exception as error:  # the server outlives any pass; the client learns it failed
            logger.exception("direct IO with cluster %s failed", self._runtime.uuid)
            raise CloseSocket(INTERNAL, "internal error") from error


def _check_widths(
    network: Network, inputs: dict[str, np.ndarray], expected: dict[str, np.ndarray]
) -> None:
    """Refuse values of another width than a hexagon already has (a task or an earlier
    message sized it): upstream would grow or shrink it, and tasks of its width would break."""
    for sizes, buffers in ((network.input_sizes, inputs), (network.output_sizes, expected)):
        for name, values in buffers.items():
            size = sizes.get(name, 0)
            if size and len(values) != size:
                raise CloseSocket(BAD_MESSAGE, f"'{name}' takes {size} values, not {len(values)}")


def _unbound(error: ClusterClosed | DirectReplaced) -> Exception:
    """What the socket learns when its cluster was deleted or taken by a newer socket."""
    if isinstance(error, ClusterClosed):
        return SessionUnbound()
    return CloseSocket(REPLACED, "a newer direct-IO connection took the cluster")


def _parse(message: bytes) -> ClusterIO_Message:
    """A ClusterIO_Message whose fields the contract allows."""
    io = ClusterIO_Message()
    try:
        io.ParseFromString(message)
    except DecodeError as error:
        raise CloseSocket(
            BAD_MESSAGE, "not a ClusterIO_Message: the wire format is corrupt"
        ) from error
    if io.processType not in (REQUEST_TYPE, TRAIN_TYPE):
        raise CloseSocket(BAD_MESSAGE, f"unknown processType {io.processType}")
    if io.targetBufferType not in (INPUT_BUFFER_TYPE, EXPECTED_BUFFER_TYPE):
        raise CloseSocket(
            BAD_MESSAGE,
            f"targetBufferType {io.targetBufferType} is neither INPUT_BUFFER_TYPE nor"
            " EXPECTED_BUFFER_TYPE",
        )
    if io.numberOfValues != len(io.values):
        raise CloseSocket(
            BAD_MESSAGE,
            f"numberOfValues {io.numberOfValues} does not match the {len(io.values)} values sent",
        )
    if not io.values:
        raise CloseSocket(BAD_MESSAGE, f"no values for '{io.bufferName}'")
    return io


def _output_message(name: str, values: np.ndarray) -> bytes:
    """One output hexagon's values as the reply to a request."""
    return ClusterIO_Message(
        bufferName=name,
        isLast=False,
        processType=REQUEST_TYPE,
        numberOfValues=len(values),
        values=values.tolist(),
    ).SerializeToString()
