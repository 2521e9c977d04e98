"""Start the embedded backend as its own process on a free loopback port (for tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ADMIN_ID = "asdf"
ADMIN_NAME = "asdf"
ADMIN_PASSPHRASE = "asdfasdf"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Backend:
    """A running `python -m hanami_server` process."""

    address: str
    port: int
    data_dir: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_backend(data_dir: Path, port: int | None = None, timeout: float = 30.0) -> Backend:
    """Start the embedded server and wait until it answers POST /token."""
    port = port or free_port()
    env = {
        **os.environ,
        "HANAMI_ADMIN_USER_ID": ADMIN_ID,
        "HANAMI_ADMIN_USER_NAME": ADMIN_NAME,
        "HANAMI_ADMIN_PASSPHRASE": ADMIN_PASSPHRASE,
    }
    log = (data_dir.parent / f"{data_dir.name}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "hanami_server", "--port", str(port), "--data-dir", str(data_dir)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    backend = Backend(f"http://127.0.0.1:{port}", port, data_dir, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hanami_server exited with {process.returncode}; see {log.name}")
        try:
            requests.post(f"{backend.address}/v1.0alpha/token", data=b"{}", timeout=1)
            return backend
        except requests.ConnectionError:
            time.sleep(0.1)
    backend.stop()
    raise RuntimeError(f"hanami_server did not answer on port {port} within {timeout} s")
