"""Idle upload temp files are purged after `tempfile_timeout` minutes (R: the setting is honoured;
here `HANAMI_TEMPFILE_TIMEOUT` makes it short); a temp file a websocket holds is never purged."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.hanami_server.uploads import (
    file_socket,
    finalize_csv,
    progress,
    register_csv,
    send_chunk,
    upload_file,
    uploaded_csv,
    ws_url,
)
from tests.hanami_server.wire import token_for

TIMEOUT_MINUTES = "0.02"  # 1.2 s, checked every 0.12 s
DATA = b"a,b\n1,2\n"


@pytest.fixture
def quick_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """A fresh server whose temp files time out after about a second."""
    monkeypatch.setenv("HANAMI_TEMPFILE_TIMEOUT", TIMEOUT_MINUTES)
    running = start_backend(tmp_path / "data")
    yield running
    running.stop()


@pytest.fixture
def token(quick_backend: Backend) -> str:
    return token_for(quick_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)


def _eventually(condition: Callable[[], bool], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the purge never happened"
        time.sleep(0.05)


def _temp_file(backend: Backend, file_uuid: str) -> Path:
    return backend.data_dir / "tempfiles" / file_uuid


def test_an_idle_temp_file_is_purged(quick_backend: Backend, token: str) -> None:
    ticket = register_csv(quick_backend.address, token, DATA)
    file_uuid = ticket["uuid_input_file"]
    _eventually(lambda: not _temp_file(quick_backend, file_uuid).exists())
    assert progress(quick_backend.address, token, ticket["uuid"]) is False
    reply = finalize_csv(quick_backend.address, token, ticket)
    assert (reply.status_code, reply.text) == (
        404,
        f"Input-data with uuid '{file_uuid}' not found.",
    )

    with connect(ws_url(quick_backend.address)) as conn:
        conn.send(f'{{"token":"{token}","target":"file_upload","uuid":"{file_uuid}"}}')
        assert b"not found" in conn.recv(timeout=30)


def test_a_complete_but_unfinalized_upload_is_purged_too(
    quick_backend: Backend, token: str
) -> None:
    ticket = register_csv(quick_backend.address, token, DATA)
    upload_file(quick_backend.address, token, ticket["uuid_input_file"], DATA)
    _eventually(lambda: not _temp_file(quick_backend, ticket["uuid_input_file"]).exists())
    assert progress(quick_backend.address, token, ticket["uuid"]) is False


def test_a_temp_file_held_by_a_websocket_is_kept(quick_backend: Backend, token: str) -> None:
    held = register_csv(quick_backend.address, token, DATA)
    with file_socket(quick_backend.address, token, held["uuid_input_file"]) as conn:
        idle = register_csv(quick_backend.address, token, DATA)  # registered later than `held`
        _eventually(lambda: not _temp_file(quick_backend, idle["uuid_input_file"]).exists())
        assert _temp_file(quick_backend, held["uuid_input_file"]).exists()
        assert send_chunk(conn, 0, DATA).success
    assert progress(quick_backend.address, token, held["uuid"]) is True
    _eventually(lambda: not _temp_file(quick_backend, held["uuid_input_file"]).exists())


def test_finalized_datasets_are_not_touched(quick_backend: Backend, token: str) -> None:
    dataset_uuid = uploaded_csv(quick_backend.address, token, DATA)
    idle = register_csv(quick_backend.address, token, DATA)
    _eventually(lambda: not _temp_file(quick_backend, idle["uuid_input_file"]).exists())
    assert (quick_backend.data_dir / "datasets" / dataset_uuid).exists()
    assert progress(quick_backend.address, token, dataset_uuid) is True


@pytest.mark.parametrize(
    ("arguments", "environment", "code"),
    [(["--tempfile-timeout", "0"], "", 2), ([], "soon", 1), ([], "-5", 1)],
)
def test_a_timeout_that_is_not_a_positive_number_is_refused(
    tmp_path: Path, arguments: list[str], environment: str, code: int
) -> None:
    env = {**os.environ, "HANAMI_TEMPFILE_TIMEOUT": environment}
    command = [sys.executable, "-m", "hanami_server", "--data-dir", str(tmp_path / "d")]
    process = subprocess.run(
        [*command, *arguments], env=env, capture_output=True, text=True, timeout=60
    )
    assert process.returncode == code
    assert "timeout" in process.stderr.lower()
