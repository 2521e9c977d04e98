"""Direct IO over the wire (contract 3.2) and set_mode (2.5), as the official SDK does it: plain
websockets and protobuf, one reply awaited per message."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    EXPECTED_BUFFER_TYPE,
    INPUT_BUFFER_TYPE,
    REQUEST_TYPE,
    TRAIN_TYPE,
    ClusterIO_Message,
)
from tests.hanami_server.uploads import MNIST_DIR, ws_url
from tests.hanami_server.wire import send


def set_mode(address: str, token: str, cluster_uuid: str, state: str) -> requests.Response:
    """PUT /cluster/set_mode."""
    body = {"uuid": cluster_uuid, "new_state": state}
    return send(address, "PUT", "/cluster/set_mode", token=token, body=body)


@contextmanager
def direct_socket(address: str, token: str, cluster_uuid: str) -> Iterator[ClientConnection]:
    """A websocket bound to a cluster (fails the test if the init is refused)."""
    with connect(ws_url(address), max_size=2**24, open_timeout=30) as conn:
        conn.send(json.dumps({"token": token, "target": "cluster", "uuid": cluster_uuid}))
        init = json.loads(conn.recv(timeout=30))
        assert init["success"] is True, init
        yield conn


def io_message(
    name: str,
    values: Sequence[float],
    *,
    is_last: bool,
    process: int = TRAIN_TYPE,
    target: int = INPUT_BUFFER_TYPE,
    count: int | None = None,
) -> bytes:
    """A ClusterIO_Message; `count` overrides numberOfValues."""
    return ClusterIO_Message(
        bufferName=name,
        isLast=is_last,
        processType=process,
        targetBufferType=target,
        numberOfValues=len(values) if count is None else count,
        values=[float(v) for v in values],
    ).SerializeToString()


def reply(conn: ClientConnection) -> ClusterIO_Message:
    """The next frame, which must be a binary ClusterIO_Message."""
    frame = conn.recv(timeout=30)
    assert isinstance(frame, bytes), frame
    message = ClusterIO_Message()
    message.ParseFromString(frame)
    return message


def exchange(conn: ClientConnection, message: bytes) -> ClusterIO_Message:
    """Send one message and read its one reply."""
    conn.send(message)
    return reply(conn)


def train(conn: ClientConnection, inputs: Sequence[float], expected: Sequence[float]) -> None:
    """The SDK's train pair: pixels (not last), then the expected digit values (last)."""
    ack = exchange(conn, io_message("pixels", inputs, is_last=False))
    assert (ack.isLast, ack.processType, list(ack.values)) == (False, TRAIN_TYPE, [0.0])
    done = exchange(conn, io_message("digit", expected, is_last=True, target=EXPECTED_BUFFER_TYPE))
    assert (done.isLast, done.processType, list(done.values)) == (True, TRAIN_TYPE, [0.0])


def request(conn: ClientConnection, inputs: Sequence[float]) -> list[float]:
    """The SDK's request: the pixels as the last message; the one output message's values."""
    conn.send(io_message("pixels", inputs, is_last=True, process=REQUEST_TYPE))
    output = reply(conn)
    assert output.bufferName == "digit"
    assert output.numberOfValues == len(output.values)
    return list(output.values)


def close_frame(conn: ClientConnection) -> tuple[int, str]:
    """The code and reason the server closes the socket with after the last frame sent."""
    with pytest.raises(ConnectionClosed) as closed:
        conn.recv(timeout=30)
    assert closed.value.rcvd is not None, "the server closed without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


def close_code(conn: ClientConnection) -> int:
    """The code the server closes the socket with after the last frame sent (never a hang)."""
    return close_frame(conn)[0]


def mnist_sample(count: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` pictures (flat, 784 values 0..255) and labels of the mnist-5k sample."""
    images = (MNIST_DIR / "t10k-images-idx3-ubyte").read_bytes()
    labels = (MNIST_DIR / "t10k-labels-idx1-ubyte").read_bytes()
    pictures = np.frombuffer(images, np.uint8, count * 784, 16).reshape(count, 784)
    return pictures.astype(np.float32), np.frombuffer(labels, np.uint8, count, 8)


def one_hot(label: int) -> list[float]:
    """The ten expected values of a digit."""
    return [1.0 if digit == label else 0.0 for digit in range(10)]
