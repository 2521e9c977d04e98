"""Websockets live no longer than their session and open only from the portal's own pages."""

from __future__ import annotations

import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from hanami_client import Cluster, HanamiClient
from portal.asgi import application
from portal.core.origins import same_origin
from portal.core.session import SESSION_KEY
from portal.core.sockets import SESSION_ENDED
from portal.directio.consumers import EXPIRED
from portal.directio.locks import holder_of
from tests.portal.test_directio_relay import (  # noqa: F401 - fixtures
    WAIT,
    digits_path,
    ended,
    fresh_lock,
    in_direct_mode,
    in_task_mode,
    ready,
)
from tests.portal.test_task_progress import cookie_of, list_path, watch
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    known_cluster,
    member_hanami,
    outsider_web,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """The close code of the socket, skipping the messages before it."""
    while True:
        output = await communicator.receive_output(timeout=WAIT)
        if output["type"] == "websocket.close":
            return output["code"]


async def still_open(communicator: WebsocketCommunicator) -> bool:
    """Whether the socket stays open for half a second (what it receives meanwhile is read)."""
    while not await communicator.receive_nothing(timeout=0.5):
        if (await communicator.receive_output())["type"] == "websocket.close":
            return False
    return True


async def sign_out(client: Client) -> None:
    reply = await database_sync_to_async(client.post)("/accounts/logout/")
    assert reply.status_code == 302


async def test_signing_out_closes_the_sessions_task_watchers(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    first, connected = await watch(list_path(cluster), cookie_of(member_web))
    assert connected
    second, connected = await watch("/ws/system/", cookie_of(member_web))
    assert connected
    await sign_out(member_web)
    assert await closed_with(first) == SESSION_ENDED
    assert await closed_with(second) == SESSION_ENDED
    await first.disconnect()
    await second.disconnect()


async def test_signing_out_leaves_other_sessions_watching(
    member_web: Client,
    admin_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    mine, _ = await watch(list_path(cluster), cookie_of(member_web))
    theirs, _ = await watch(list_path(cluster), cookie_of(admin_web))
    await sign_out(member_web)
    assert await closed_with(mine) == SESSION_ENDED
    assert await still_open(theirs)
    await theirs.disconnect()
    await mine.disconnect()


async def test_signing_out_hands_a_driven_cluster_back(
    member_web: Client,
    fresh_lock: Cluster,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    socket = await ready(digits_path(fresh_lock), cookie_of(member_web))
    assert await in_direct_mode(member_hanami, fresh_lock.uuid)
    await sign_out(member_web)
    signed_out = "Your sign-in has ended, so the cluster went back to task mode."
    assert await ended(socket, "expired", signed_out) == EXPIRED
    assert await holder_of(fresh_lock.uuid) is None
    assert await in_task_mode(member_hanami, fresh_lock.uuid)
    await socket.disconnect()


async def test_a_watcher_closes_when_its_backend_token_expires(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    def expire_soon() -> None:
        session = member_web.session
        session[SESSION_KEY] = {**session[SESSION_KEY], "expires_at": time.time() + 1}
        session.save()

    await database_sync_to_async(expire_soon)()
    watcher, connected = await watch(list_path(cluster), cookie_of(member_web))
    assert connected
    assert await closed_with(watcher) == SESSION_ENDED
    await watcher.disconnect()


@pytest.mark.parametrize(
    ("origin", "host", "accepted"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000", True),
        (b"http://127.0.0.1:9999", b"127.0.0.1:8000", False),  # another app on the same host
        (b"http://localhost:8000", b"127.0.0.1:8000", False),  # another allowed host's page
    ],
)
async def test_a_socket_opens_only_from_the_portals_own_origin(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    origin: bytes,
    host: bytes,
    accepted: bool,
) -> None:
    headers = [(b"origin", origin), (b"host", host), (b"cookie", cookie_of(member_web))]
    communicator = WebsocketCommunicator(application, list_path(cluster), headers=headers)
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected is accepted
    await communicator.disconnect()


def scope(origin: str | None, host: str) -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "headers": headers}


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://portal.example", "portal.example", True),
        ("https://portal.example", "portal.example", True),  # TLS ends at a proxy
        ("https://portal.example", "portal.example:443", True),
        ("http://PORTAL.example:80", "portal.example", True),
        ("http://[::1]:8000", "[::1]:8000", True),
        ("http://portal.example:8080", "portal.example", False),
        ("http://evil.example", "portal.example", False),
        ("null", "portal.example", False),
        ("http://portal.example:99999", "portal.example", False),
        (None, "portal.example", False),
    ],
)
def test_same_origin_compares_host_and_port(origin: str | None, host: str, same: bool) -> None:
    assert same_origin(scope(origin, host)) is same


def test_a_trusted_origin_passes(settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://portal.example"]
    assert same_origin(scope("https://portal.example", "internal:8000"))
