"""Websocket init handshake (contract 3.1): binary JSON replies, one per client frame."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import create_cluster


def _ws_url(address: str, path: str = "/") -> str:
    return address.replace("http", "ws", 1) + path


def _init(conn: ClientConnection, message: object) -> dict:
    conn.send(message if isinstance(message, str | bytes) else json.dumps(message))
    frame = conn.recv(timeout=10)
    assert isinstance(frame, bytes), "the server answers with binary frames"
    return json.loads(frame)


def test_unknown_cluster_is_reported(backend_address: str, member: Persona) -> None:
    target = str(uuid.uuid4())
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, {"token": member.token, "target": "cluster", "uuid": target})
    assert reply == {"success": False, "error": f"Cluster with UUID '{target}' not found"}


def test_a_visible_cluster_binds_without_direct_mode(
    backend_address: str, member: Persona, outsider: Persona
) -> None:
    """Contract 11 #43: attaching needs no DIRECT mode; visibility (1.11) still applies."""
    cluster_uuid = create_cluster(backend_address, member.token)
    with connect(_ws_url(backend_address)) as conn:
        refused = _init(conn, {"token": outsider.token, "target": "cluster", "uuid": cluster_uuid})
        bound = _init(conn, {"token": member.token, "target": "cluster", "uuid": cluster_uuid})
    assert refused == {"success": False, "error": f"Cluster with UUID '{cluster_uuid}' not found"}
    assert bound["success"] is True
    assert uuid.UUID(bound["uuid"]).version == 4


def test_unknown_temp_file_is_reported(backend_address: str, member: Persona) -> None:
    target = str(uuid.uuid4())
    with connect(_ws_url(backend_address)) as conn:
        conn.send(json.dumps({"token": member.token, "target": "file_upload", "uuid": target}))
        frame = conn.recv(timeout=10)
    assert frame == (
        f'{{"error":"Tempfile with UUID \'{target}\' not found","success":false}}'.encode()
    )


def test_unknown_target_gets_an_empty_error(backend_address: str, admin: Persona) -> None:
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, {"token": admin.token, "target": "nothing", "uuid": str(uuid.uuid4())})
    assert reply == {"success": False, "error": ""}


@pytest.mark.parametrize("token", ["bogus", "", "eyJhbGciOiJIUzI1NiJ9.e30.bogus"])
def test_invalid_token_is_refused(backend_address: str, token: str) -> None:
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, {"token": token, "target": "cluster", "uuid": str(uuid.uuid4())})
    assert reply == {"success": False, "error": "Token invalid"}


def test_expired_token_is_refused(backend: Backend, admin: Persona) -> None:
    user = jwt.decode(admin.token, options={"verify_signature": False})["user"]
    key = (backend.data_dir / "token.key").read_bytes()
    expired = jwt.encode({"exp": int(time.time()) - 5, "user": user}, key, algorithm="HS256")
    with connect(_ws_url(backend.address)) as conn:
        reply = _init(conn, {"token": expired, "target": "cluster", "uuid": str(uuid.uuid4())})
    assert reply == {"success": False, "error": "Token invalid"}


def test_message_that_is_not_json_is_a_parser_error(backend_address: str) -> None:
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, "{not json")
    assert reply["success"] is False
    assert reply["error"].startswith("json-parser error: ")


@pytest.mark.parametrize(
    "message", [{"target": "cluster", "uuid": "x"}, {"token": "t", "target": "cluster"}, [1, 2]]
)
def test_missing_token_or_uuid_gets_a_failure_reply(backend_address: str, message: object) -> None:
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, message)
    assert reply["success"] is False
    assert "'token'" in reply["error"]
    assert "'uuid'" in reply["error"]


def test_after_a_failed_init_the_next_message_is_an_init_again(
    backend_address: str, member: Persona
) -> None:
    target = str(uuid.uuid4())
    with connect(_ws_url(backend_address)) as conn:
        first = _init(conn, {"token": "bogus", "target": "cluster", "uuid": target})
        second = _init(conn, {"token": member.token, "target": "cluster", "uuid": target})
        third = _init(conn, "garbage")
    assert first["error"] == "Token invalid"
    assert second["error"] == f"Cluster with UUID '{target}' not found"
    assert third["error"].startswith("json-parser error: ")


def test_binary_init_frames_are_accepted_on_any_path(backend_address: str, member: Persona) -> None:
    target = str(uuid.uuid4())
    message = json.dumps({"token": member.token, "target": "file_upload", "uuid": target})
    with connect(_ws_url(backend_address, "/any/path")) as conn:
        reply = _init(conn, message.encode())
    assert reply == {"success": False, "error": f"Tempfile with UUID '{target}' not found"}
