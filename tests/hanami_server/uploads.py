"""Dataset helpers over the wire: register, stream chunks over the websocket, finalize; and
generated MNIST idx files (the upstream workflow of contract 2.4, with plain requests)."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from websockets.sync.client import ClientConnection, connect

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    FileUpload_Message,
    FileUploadResponse_Message,
)
from tests.hanami_server.wire import send

CHUNK = 131072
MNIST_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist-5k"


@dataclass(frozen=True)
class Reply:
    """One FileUploadResponse_Message."""

    success: bool
    error: str


def idx_images(pictures: np.ndarray, *, magic: int = 2051, count: int | None = None) -> bytes:
    """An idx3 image file for an (n, rows, columns) uint8 array."""
    n, rows, columns = pictures.shape
    header = struct.pack(">IIII", magic, n if count is None else count, rows, columns)
    return header + pictures.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray | list[int], *, magic: int = 2049) -> bytes:
    """An idx1 label file."""
    values = np.asarray(labels, dtype=np.uint8)
    return struct.pack(">II", magic, len(values)) + values.tobytes()


def generated_mnist(count: int, seed: int = 1, side: int = 28) -> tuple[bytes, bytes]:
    """Random pictures and labels 0..9 as idx files."""
    rng = np.random.default_rng(seed)
    pictures = rng.integers(0, 256, size=(count, side, side), dtype=np.uint8)
    return idx_images(pictures), idx_labels(rng.integers(0, 10, size=count))


def sample_mnist() -> tuple[bytes, bytes]:
    """The repository's 1,000-image MNIST sample."""
    return (
        (MNIST_DIR / "t10k-images-idx3-ubyte").read_bytes(),
        (MNIST_DIR / "t10k-labels-idx1-ubyte").read_bytes(),
    )


def ws_url(address: str) -> str:
    return address.replace("http", "ws", 1)


@contextmanager
def file_socket(address: str, token: str, file_uuid: str) -> Iterator[ClientConnection]:
    """A websocket bound to a temp file (fails the test if the init is refused)."""
    with connect(ws_url(address), max_size=2**24) as conn:
        conn.send(json.dumps({"token": token, "target": "file_upload", "uuid": file_uuid}))
        init = json.loads(conn.recv(timeout=30))
        assert init["success"] is True, init
        yield conn


def send_chunk(conn: ClientConnection, position: int, data: bytes) -> Reply:
    """One FileUpload_Message and its reply."""
    conn.send(FileUpload_Message(position=position, data=data).SerializeToString())
    return read_reply(conn)


def read_reply(conn: ClientConnection) -> Reply:
    """The next FileUploadResponse_Message."""
    frame = conn.recv(timeout=30)
    assert isinstance(frame, bytes)
    message = FileUploadResponse_Message()
    message.ParseFromString(frame)
    return Reply(message.success, message.errorMessage)


def upload_file(address: str, token: str, file_uuid: str, data: bytes, start: int = 0) -> None:
    """Send `data[start:]` in 128 KiB chunks, as the SDKs do; every reply must be a success."""
    with file_socket(address, token, file_uuid) as conn:
        for position in range(start, len(data), CHUNK):
            reply = send_chunk(conn, position, data[position : position + CHUNK])
            assert reply == Reply(True, ""), reply


def register_mnist(
    address: str, token: str, images: bytes, labels: bytes, name: str = "Test Digits"
) -> dict[str, Any]:
    """POST /dataset/upload/mnist; fails the test unless it answers 200."""
    body = {"name": name, "input_data_size": len(images), "label_data_size": len(labels)}
    reply = send(address, "POST", "/dataset/upload/mnist", token=token, body=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def register_csv(address: str, token: str, data: bytes, name: str = "Test Table") -> dict[str, Any]:
    """POST /dataset/upload/csv; fails the test unless it answers 200."""
    body = {"name": name, "input_data_size": len(data)}
    reply = send(address, "POST", "/dataset/upload/csv", token=token, body=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def finalize_mnist(address: str, token: str, ticket: dict[str, Any]):
    """PUT /dataset/upload/mnist with the ticket's uuids."""
    keys = ("uuid", "uuid_input_file", "uuid_label_file")
    body = {key: ticket[key] for key in keys}
    return send(address, "PUT", "/dataset/upload/mnist", token=token, body=body)


def finalize_csv(address: str, token: str, ticket: dict[str, Any]):
    """PUT /dataset/upload/csv with the ticket's uuids."""
    body = {key: ticket[key] for key in ("uuid", "uuid_input_file")}
    return send(address, "PUT", "/dataset/upload/csv", token=token, body=body)


def progress(address: str, token: str, dataset_uuid: str) -> bool:
    """GET /dataset/progress -> complete."""
    reply = send(address, "GET", "/dataset/progress", token=token, query={"uuid": dataset_uuid})
    assert reply.status_code == 200, reply.text
    return reply.json()["complete"]


def uploaded_mnist(
    address: str, token: str, images: bytes, labels: bytes, name: str = "Test Digits"
) -> str:
    """The whole MNIST workflow; the finalized dataset's uuid."""
    ticket = register_mnist(address, token, images, labels, name)
    upload_file(address, token, ticket["uuid_input_file"], images)
    upload_file(address, token, ticket["uuid_label_file"], labels)
    reply = finalize_mnist(address, token, ticket)
    assert reply.status_code == 200, reply.text
    return ticket["uuid"]


def uploaded_csv(address: str, token: str, data: bytes, name: str = "Test Table") -> str:
    """The whole CSV workflow; the finalized dataset's uuid."""
    ticket = register_csv(address, token, data, name)
    upload_file(address, token, ticket["uuid_input_file"], data)
    reply = finalize_csv(address, token, ticket)
    assert reply.status_code == 200, reply.text
    return ticket["uuid"]


def content(
    address: str, token: str, dataset_uuid: str, column: str, offset: int = 0, rows: int = 1
):
    """GET /dataset/content."""
    query = {
        "uuid": dataset_uuid,
        "column_name": column,
        "row_offset": offset,
        "number_of_rows": rows,
    }
    return send(address, "GET", "/dataset/content", token=token, query=query)


def get_dataset(address: str, token: str, dataset_uuid: str):
    """GET /dataset."""
    return send(address, "GET", "/dataset", token=token, query={"uuid": dataset_uuid})


def listed_uuids(address: str, token: str) -> list[str]:
    """The uuids GET /dataset/all shows this caller."""
    reply = send(address, "GET", "/dataset/all", token=token)
    assert reply.status_code == 200, reply.text
    return [row[1] for row in reply.json()["body"]]
