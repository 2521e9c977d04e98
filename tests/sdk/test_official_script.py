"""A script written for the official SDK runs unchanged (but for its import) against our backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import request_token

SCRIPT = Path(__file__).with_name("official_sdk_script.py")
MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"


def listed(address: str, token: str, path: str) -> list[list[object]]:
    reply = requests.get(f"{address}/v1.0alpha{path}", headers={"X-Auth-Token": token}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()["body"]


def test_official_sdk_script_runs_against_the_embedded_backend(fresh_backend: Backend) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            fresh_backend.address,
            ADMIN_ID,
            ADMIN_PASSPHRASE,
            str(MNIST),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        *("projects", "ok", "users", "ok", "assignments", "ok"),
        *("clusters", "ok", "direct", "io", "ok", "workflow", "ok", "done"),
    ]
    token = request_token(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    assert [row[1] for row in listed(fresh_backend.address, token, "/user/all")] == [ADMIN_ID]
    for path in ("/dataset/all", "/checkpoint/all", "/cluster/all", "/project/all"):
        assert listed(fresh_backend.address, token, path) == [], path
