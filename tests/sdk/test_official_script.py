"""A script written for the official SDK runs unchanged (but for its import) against our backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import request_token

SCRIPT = Path(__file__).with_name("official_sdk_script.py")


def test_official_sdk_script_runs_against_the_embedded_backend(fresh_backend: Backend) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["projects", "ok", "users", "ok", "assignments", "ok", "done"]
    token = request_token(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    users = requests.get(
        f"{fresh_backend.address}/v1.0alpha/user/all", headers={"X-Auth-Token": token}, timeout=10
    ).json()
    assert [row[1] for row in users["body"]] == [ADMIN_ID]
