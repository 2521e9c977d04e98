"""The websocket helpers: URL derivation, TLS context, the init handshake's failures, and what
an upload makes of each kind of reply to a chunk."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from websockets.sync.server import ServerConnection

from hanami_client import (
    BackendUnavailable,
    BadRequest,
    HanamiClient,
    NotFound,
    ProtocolError,
    Unauthorized,
)
from hanami_client._proto.hanami_messages import proto3_pb2
from hanami_client._source import CHUNK_BYTES
from hanami_client._ws import init_target, open_websocket, ssl_context, ws_url
from tests.backend import free_port
from tests.conftest import Persona
from tests.hanami_client.support import websocket_server


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("http://127.0.0.1:11418", "ws://127.0.0.1:11418"),
        ("https://hanami.example.org", "wss://hanami.example.org"),
        ("https://hanami.example.org:8443/some/prefix", "wss://hanami.example.org:8443"),
    ],
)
def test_websocket_url_is_derived_from_the_rest_address(address: str, url: str) -> None:
    assert ws_url(address) == url


def test_tls_context_follows_verify() -> None:
    assert ssl_context("http://127.0.0.1:11418", True) is None
    assert ssl_context("https://hanami.example.org", True).verify_mode == ssl.CERT_REQUIRED
    unverified = ssl_context("https://hanami.example.org", False)
    assert (unverified.verify_mode, unverified.check_hostname) == (ssl.CERT_NONE, False)


async def test_opening_on_a_closed_port_is_backend_unavailable() -> None:
    with pytest.raises(BackendUnavailable) as caught:
        await open_websocket(f"http://127.0.0.1:{free_port()}", timeout=2)

    assert caught.value.operation == "websocket.open"


async def test_an_unknown_target_is_refused_with_an_empty_message(
    backend_address: str, member: Persona
) -> None:
    websocket = await open_websocket(backend_address)
    try:
        with pytest.raises(BadRequest) as caught:
            await init_target(websocket, member.token, "nothing", str(uuid.uuid4()))
    finally:
        await websocket.close()

    assert (caught.value.message, caught.value.operation) == ("", "websocket.init")


async def test_a_bad_token_is_unauthorized(backend_address: str) -> None:
    websocket = await open_websocket(backend_address)
    try:
        with pytest.raises(Unauthorized, match="Token invalid"):
            await init_target(websocket, "bogus", "cluster", str(uuid.uuid4()))
    finally:
        await websocket.close()


@pytest.mark.parametrize(("target", "kind"), [("cluster", "Cluster"), ("file_upload", "Tempfile")])
async def test_an_unknown_uuid_is_not_found(
    backend_address: str, member: Persona, target: str, kind: str
) -> None:
    missing = str(uuid.uuid4())
    websocket = await open_websocket(backend_address)
    try:
        with pytest.raises(NotFound) as caught:
            await init_target(websocket, member.token, target, missing)
    finally:
        await websocket.close()

    assert caught.value.message == f"{kind} with UUID '{missing}' not found"


async def test_a_failed_init_can_be_retried_on_the_same_connection(backend_address: str) -> None:
    websocket = await open_websocket(backend_address)
    try:
        for _ in range(2):
            with pytest.raises(Unauthorized):
                await init_target(websocket, "bogus", "cluster", str(uuid.uuid4()))
    finally:
        await websocket.close()


Answer = Callable[[ServerConnection, bytes], None]


def acknowledge(connection: ServerConnection, message: bytes) -> None:
    connection.send(proto3_pb2.FileUploadResponse_Message(success=True).SerializeToString())


def refuse(connection: ServerConnection, message: bytes) -> None:
    reply = proto3_pb2.FileUploadResponse_Message(success=False, errorMessage="disk full")
    connection.send(reply.SerializeToString())


def hang_up(connection: ServerConnection, message: bytes) -> None:
    connection.close()


def answer_text(connection: ServerConnection, message: bytes) -> None:
    connection.send("ok")


def answer_json(connection: ServerConnection, message: bytes) -> None:
    connection.send(b'{"success":true}')


@contextmanager
def fake_backend(answer: Answer) -> Iterator[HanamiClient]:
    """A client of a websocket server that accepts any init and answers chunks with ``answer``."""
    with websocket_server(answer) as address, HanamiClient(address, "token") as client:
        yield client


def test_every_chunk_waits_for_its_acknowledgement() -> None:
    received: list[tuple[int, int]] = []

    def record(connection: ServerConnection, message: bytes) -> None:
        chunk = proto3_pb2.FileUpload_Message.FromString(message)
        received.append((chunk.position, len(chunk.data)))
        acknowledge(connection, message)

    with fake_backend(record) as client:
        sent = client.datasets.send_file(str(uuid.uuid4()), b"x" * (CHUNK_BYTES + 3))

    assert sent == CHUNK_BYTES + 3
    assert received == [(0, CHUNK_BYTES), (CHUNK_BYTES, 3)]


def test_a_refused_chunk_is_a_bad_request_with_the_servers_words() -> None:
    with fake_backend(refuse) as client, pytest.raises(BadRequest) as caught:
        client.datasets.send_file(str(uuid.uuid4()), b"data")

    assert (caught.value.message, caught.value.operation) == ("disk full", "websocket.file_upload")


def test_a_connection_lost_mid_upload_is_backend_unavailable() -> None:
    with fake_backend(hang_up) as client, pytest.raises(BackendUnavailable) as caught:
        client.datasets.send_file(str(uuid.uuid4()), b"data")

    assert caught.value.operation == "websocket.file_upload"


@pytest.mark.parametrize("answer", [answer_text, answer_json], ids=["text", "json"])
def test_a_reply_that_is_not_protobuf_is_a_protocol_error(answer: Answer) -> None:
    with fake_backend(answer) as client, pytest.raises(ProtocolError) as caught:
        client.datasets.send_file(str(uuid.uuid4()), b"data")

    assert caught.value.operation == "websocket.file_upload"


@pytest.mark.parametrize(
    ("answer", "kind"),
    [(refuse, BadRequest), (hang_up, BackendUnavailable), (answer_text, ProtocolError)],
)
async def test_the_async_upload_reports_the_same_errors(answer: Answer, kind: type) -> None:
    with fake_backend(answer) as client, pytest.raises(kind) as caught:
        await client.datasets.send_file_async(str(uuid.uuid4()), b"data")

    assert caught.value.operation == "websocket.file_upload"


def test_sending_to_a_closed_port_is_backend_unavailable() -> None:
    address = f"http://127.0.0.1:{free_port()}"
    with HanamiClient(address, "token") as client, pytest.raises(BackendUnavailable) as caught:
        client.datasets.send_file(str(uuid.uuid4()), b"data")

    assert caught.value.operation == "websocket.open"
