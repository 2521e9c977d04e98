"""Helpers for the client tests: fresh ids, loopback sockets that misbehave on purpose, and
generated dataset files."""

from __future__ import annotations

import io
import json
import math
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from websockets.sync.server import ServerConnection, serve


def fresh_id(prefix: str) -> str:
    """An id no other test uses (letters first, then hex: valid for ID_RE and ID_EXT_RE)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def fresh_name(prefix: str) -> str:
    """A dataset name no other test uses (valid for NAME_RE)."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


@contextmanager
def silent_server() -> Iterator[str]:
    """An address whose socket accepts connections (via the kernel backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def raw_reply_server(reply: bytes) -> Iterator[str]:
    """An address that answers every request with exactly ``reply`` and closes the connection."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                connection.recv(65536)
                connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@contextmanager
def websocket_server(answer: Callable[[ServerConnection, bytes], None]) -> Iterator[str]:
    """An address whose websocket accepts any init, then lets ``answer`` reply to each chunk."""

    def handle(connection: ServerConnection) -> None:
        connection.recv()
        connection.send(json.dumps({"success": True, "uuid": str(uuid.uuid4())}).encode())
        for message in connection:
            answer(connection, message)

    with serve(handle, "127.0.0.1", 0, compression=None) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.socket.getsockname()[1]}"
        finally:
            server.shutdown()
            thread.join(timeout=5)


def csv_bytes(rows: int, columns: Sequence[str] = ("a", "b")) -> bytes:
    """A CSV whose cell in row i, column j holds ``i * (j + 1)`` (so every row can be checked)."""
    lines = [",".join(columns)]
    lines += [",".join(str(i * (j + 1)) for j in range(len(columns))) for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def one_hot_csv(labels: Sequence[int]) -> bytes:
    """A result-shaped CSV: columns c0..c9, row i the one-hot vector of ``labels[i]``."""
    lines = [",".join(f"c{k}" for k in range(10))]
    lines += [",".join("1" if k == label else "0" for k in range(10)) for label in labels]
    return ("\n".join(lines) + "\n").encode()


def idx_images(count: int, rows: int = 28, columns: int = 28) -> bytes:
    """An idx3 image file whose image i has every pixel set to ``i % 256``."""
    header = struct.pack(">IIII", 0x00000803, count, rows, columns)
    return header + b"".join(bytes([i % 256]) * (rows * columns) for i in range(count))


def idx_labels(labels: Sequence[int]) -> bytes:
    """An idx1 label file holding ``labels``."""
    return struct.pack(">II", 0x00000801, len(labels)) + bytes(labels)


class LargestReadFile(io.BufferedReader):
    """A binary file that remembers the largest ``read()`` it was asked for (inf: read it all)."""

    largest_read: float = 0

    def read(self, size: int | None = -1) -> bytes:
        wanted = math.inf if size is None or size < 0 else size
        self.largest_read = max(self.largest_read, wanted)
        return super().read(size)
