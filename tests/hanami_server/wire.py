"""Plain-HTTP helpers for talking to the embedded server the way upstream clients do."""

from __future__ import annotations

import base64
import http.client
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

API = "/v1.0alpha"


def b64(text: str) -> str:
    """The wire form of a passphrase."""
    return base64.b64encode(text.encode()).decode()


def new_id(prefix: str = "u") -> str:
    """A fresh id that matches ID_RE/ID_EXT_RE, so tests sharing a server never collide."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def send(
    address: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    query: dict[str, Any] | None = None,
    body: Any = None,
) -> requests.Response:
    """One request under /v1.0alpha: query values unencoded, body as compact JSON or raw text."""
    url = address + API + path
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    headers = {"X-Auth-Token": token} if token else {}
    return requests.request(method, url, headers=headers, data=data, timeout=30)


def send_raw(
    address: str, method: str, target: str, *, token: str | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """A request with the target exactly as given (no client-side normalisation of `..`)."""
    parts = urlsplit(address)
    with closing(http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)) as conn:
        headers = {"X-Auth-Token": token} if token else {}
        conn.request(method, target, body=body or None, headers=headers)
        reply = conn.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()


def token_for(address: str, user_id: str, passphrase: str) -> str:
    """POST /token and return the JWT."""
    reply = send(address, "POST", "/token", body={"id": user_id, "passphrase": b64(passphrase)})
    assert reply.status_code == 200, reply.text
    return reply.json()["token"]


def create_user(
    address: str, admin_token: str, user_id: str, passphrase: str, *, is_admin: bool = False
) -> dict[str, Any]:
    """POST /user as an admin; fails the test unless it answers 200."""
    body = {"id": user_id, "name": f"User {user_id}", "passphrase": b64(passphrase)}
    reply = send(address, "POST", "/user", token=admin_token, body={**body, "is_admin": is_admin})
    assert reply.status_code == 200, reply.text
    return reply.json()


def assign(
    address: str, admin_token: str, user_id: str, project_id: str, role: str = "member"
) -> None:
    """POST /user/project as an admin; fails the test unless it answers 200."""
    body = {"id": user_id, "project_id": project_id, "role": role, "is_project_admin": False}
    reply = send(address, "POST", "/user/project", token=admin_token, body=body)
    assert reply.status_code == 200, reply.text


def query_db(data_dir: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the server's database directly (read-only), as an operator inspecting it would."""
    uri = f"file:{data_dir / 'hanami.db'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return conn.execute(sql, params).fetchall()
