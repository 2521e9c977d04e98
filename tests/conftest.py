"""Shared fixtures: the embedded backend on a loopback port, and the personas that use it.

Personas (created once per session in the shared backend):
- ``admin``: the bootstrap admin ``asdf`` / ``asdfasdf``
- ``member``: user ``memberuser`` in project ``alphaproj`` (role ``member``)
- ``outsider``: user ``outsideruser`` in project ``betaproj`` (role ``member``)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend

API = "/v1.0alpha"


@dataclass(frozen=True)
class Persona:
    """A backend user the tests act as."""

    user_id: str
    passphrase: str
    project_id: str
    token: str


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def request_token(address: str, user_id: str, passphrase: str) -> str:
    """POST /token with plain requests (independent of hanami_client)."""
    body = json.dumps({"id": user_id, "passphrase": _b64(passphrase)})
    reply = requests.post(f"{address}{API}/token", data=body, timeout=10)
    reply.raise_for_status()
    return reply.json()["token"]


def _admin_post(address: str, token: str, path: str, body: dict) -> None:
    reply = requests.post(
        f"{address}{API}{path}", data=json.dumps(body), headers={"X-Auth-Token": token}, timeout=10
    )
    assert reply.status_code == 200, (path, reply.status_code, reply.text)


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The embedded server shared by the whole session, with its own temporary data dir."""
    running = start_backend(tmp_path_factory.mktemp("backend") / "data")
    yield running
    running.stop()


@pytest.fixture
def fresh_backend(tmp_path: Path) -> Iterator[Backend]:
    """A brand-new embedded server for tests that need an empty one (or restart it)."""
    running = start_backend(tmp_path / "data")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def backend_address(backend: Backend) -> str:
    return backend.address


@pytest.fixture(scope="session")
def admin(backend: Backend) -> Persona:
    token = request_token(backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    return Persona(ADMIN_ID, ADMIN_PASSPHRASE, "admin", token)


def _make_persona(backend: Backend, admin: Persona, user_id: str, project_id: str) -> Persona:
    passphrase = f"{user_id}-pass"
    _admin_post(
        backend.address,
        admin.token,
        "/project",
        {"id": project_id, "name": f"Project {project_id}"},
    )
    _admin_post(
        backend.address,
        admin.token,
        "/user",
        {
            "id": user_id,
            "name": f"User {user_id}",
            "passphrase": _b64(passphrase),
            "is_admin": False,
        },
    )
    _admin_post(
        backend.address,
        admin.token,
        "/user/project",
        {"id": user_id, "project_id": project_id, "role": "member", "is_project_admin": False},
    )
    return Persona(
        user_id, passphrase, project_id, request_token(backend.address, user_id, passphrase)
    )


@pytest.fixture(scope="session")
def member(backend: Backend, admin: Persona) -> Persona:
    return _make_persona(backend, admin, "memberuser", "alphaproj")


@pytest.fixture(scope="session")
def outsider(backend: Backend, admin: Persona) -> Persona:
    return _make_persona(backend, admin, "outsideruser", "betaproj")
