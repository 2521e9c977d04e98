"""The websocket helpers: URL derivation, TLS context, and the init handshake's failures."""

from __future__ import annotations

import ssl
import uuid

import pytest

from hanami_client import BackendUnavailable, BadRequest, NotFound, Unauthorized
from hanami_client._ws import init_target, open_websocket, ssl_context, ws_url
from tests.backend import free_port
from tests.conftest import Persona


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
