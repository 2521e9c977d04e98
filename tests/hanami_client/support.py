"""Helpers for the client tests: fresh ids, and loopback sockets that misbehave on purpose."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


def fresh_id(prefix: str) -> str:
    """An id no other test uses (letters first, then hex: valid for ID_RE and ID_EXT_RE)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


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
