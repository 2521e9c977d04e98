"""The server process: start-up, bootstrap admin, storage on disk, restart, clean stop."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import requests

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, free_port, start_backend
from tests.hanami_server.wire import assign, b64, create_user, query_db, send, token_for

ADMIN_ENV = ("HANAMI_ADMIN_USER_ID", "HANAMI_ADMIN_USER_NAME", "HANAMI_ADMIN_PASSPHRASE")


def _run_server(data_dir: Path, env: dict[str, str], port: int | None = None) -> subprocess.Popen:
    base = {key: value for key, value in os.environ.items() if key not in ADMIN_ENV}
    port_arg, dir_arg = str(port or free_port()), str(data_dir)
    return subprocess.Popen(
        [sys.executable, "-m", "hanami_server", "--port", port_arg, "--data-dir", dir_arg],
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _data_files(data_dir: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(data_dir.iterdir()) if path.is_file())


def test_refuses_to_start_without_the_admin_variables(tmp_path: Path) -> None:
    process = _run_server(tmp_path / "data", {"HANAMI_ADMIN_USER_ID": "asdf"})
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    assert all(name in lines[0] for name in ADMIN_ENV)


def test_refuses_an_invalid_bootstrap_admin_without_echoing_the_passphrase(
    tmp_path: Path,
) -> None:
    env = dict(zip(ADMIN_ENV, ("asdf", "asdf", "abc"), strict=True))
    process = _run_server(tmp_path / "data", env)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "HANAMI_ADMIN_PASSPHRASE must be 4 to 3072 bytes long" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_starts_without_the_variables_once_an_admin_exists(
    fresh_backend: Backend,
) -> None:
    fresh_backend.stop()
    process = _run_server(fresh_backend.data_dir, {}, port=fresh_backend.port)
    try:
        restarted = Backend(
            fresh_backend.address, fresh_backend.port, fresh_backend.data_dir, process
        )
        _wait_until_up(restarted)
        assert token_for(restarted.address, ADMIN_ID, ADMIN_PASSPHRASE)
    finally:
        process.terminate()
        process.communicate(timeout=30)


def _wait_until_up(backend: Backend) -> None:
    for _ in range(300):
        if backend.process.poll() is not None:
            pytest.fail(f"server exited with {backend.process.returncode}")
        try:
            requests.get(backend.address + "/v1.0alpha/project/all", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail("server did not come up")


def test_bootstrap_admin_is_created_by_hanami_init(fresh_backend: Backend) -> None:
    token = token_for(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    table = send(fresh_backend.address, "GET", "/user/all", token=token).json()
    assert [row[1:] for row in table["body"]] == [["asdf", "asdf", "HANAMI_INIT", [], True]]


def test_passphrases_are_never_stored_in_clear(fresh_backend: Backend) -> None:
    address = fresh_backend.address
    token = token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)
    secret = "Clear-Text-Secret-4711"
    create_user(address, token, "firstuser", secret)
    create_user(address, token, "seconduser", secret)
    stored = _data_files(fresh_backend.data_dir)
    log = fresh_backend.data_dir.parent / f"{fresh_backend.data_dir.name}.log"
    # The admin's clear passphrase is not searched for: "asdf" + "asdf" (id, name) spell it.
    for form in (secret, b64(secret), b64(ADMIN_PASSPHRASE)):
        assert form.encode() not in stored
        assert form.encode() not in log.read_bytes()
    hashes = query_db(fresh_backend.data_dir, "SELECT passphrase_hash FROM users ORDER BY row")
    assert all(value.startswith("scrypt$") for (value,) in hashes)
    assert hashes[1] != hashes[2]  # the same passphrase, salted differently


def test_stored_hash_says_its_algorithm_and_parameters(fresh_backend: Backend) -> None:
    ((stored,),) = query_db(fresh_backend.data_dir, "SELECT passphrase_hash FROM users")
    algorithm, n, r, p, salt, digest = stored.split("$")
    assert (algorithm, int(n) >= 2**14, int(r), int(p)) == ("scrypt", True, 8, 1)
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 32


def test_data_and_tokens_survive_a_restart(fresh_backend: Backend) -> None:
    address, data_dir = fresh_backend.address, fresh_backend.data_dir
    token = token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)
    send(address, "POST", "/project", token=token, body={"id": "keptproj", "name": "Kept Project"})
    create_user(address, token, "keptuser", "kept-passphrase")
    assign(address, token, "keptuser", "keptproj")
    send(address, "POST", "/project", token=token, body={"id": "goneproj", "name": "Gone Project"})
    send(address, "DELETE", "/project", token=token, query={"id": "goneproj"})
    before_users = send(address, "GET", "/user/all", token=token).json()
    before_projects = send(address, "GET", "/project/all", token=token).json()
    key = (data_dir / "token.key").read_bytes()
    fresh_backend.stop()

    restarted = start_backend(data_dir, port=fresh_backend.port)
    try:
        assert (data_dir / "token.key").read_bytes() == key
        assert send(restarted.address, "GET", "/user/all", token=token).json() == before_users
        assert send(restarted.address, "GET", "/project/all", token=token).json() == before_projects
        member_token = token_for(restarted.address, "keptuser", "kept-passphrase")
        assert member_token
        audit = query_db(data_dir, "SELECT endpoint, request_type FROM audit_log ORDER BY row")
        assert audit == [
            ("v1.0alpha/project", "POST"),
            ("v1.0alpha/user", "POST"),
            ("v1.0alpha/user/project", "POST"),
            ("v1.0alpha/project", "POST"),
            ("v1.0alpha/project", "DELETE"),
        ]
    finally:
        restarted.stop()


def test_database_from_a_newer_server_is_refused(fresh_backend: Backend) -> None:
    fresh_backend.stop()
    with closing(sqlite3.connect(fresh_backend.data_dir / "hanami.db")) as conn:
        conn.execute("PRAGMA user_version = 999")
    env = dict(zip(ADMIN_ENV, ("asdf", "asdf", "asdfasdf"), strict=True))
    process = _run_server(fresh_backend.data_dir, env)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "schema version 999" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_server_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    backend = start_backend(tmp_path / "data")
    backend.process.send_signal(sig)
    assert backend.process.wait(timeout=30) == 0
    log = (tmp_path / "data.log").read_text()
    assert f"listening on http://127.0.0.1:{backend.port}" in log
    assert str(tmp_path / "data") in log
    assert "Traceback" not in log


def test_port_in_use_exits_with_an_error(backend: Backend, tmp_path: Path) -> None:
    env = dict(zip(ADMIN_ENV, ("asdf", "asdf", "asdfasdf"), strict=True))
    process = _run_server(tmp_path / "data", env, port=backend.port)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert f"could not listen on 127.0.0.1:{backend.port}" in stderr


def test_unusable_data_dir_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = dict(zip(ADMIN_ENV, ("asdf", "asdf", "asdfasdf"), strict=True))
    process = _run_server(blocker / "data", env)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert stderr.startswith("hanami_server: cannot use the data dir ")
    assert len(stderr.strip().splitlines()) == 1
