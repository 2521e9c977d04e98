"""Live task progress over Channels, against the real embedded backend: one poller per cluster."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from hanami_client import Cluster, Dataset, HanamiClient
from portal.asgi import application
from portal.core.session import SESSION_KEY
from portal.tasks.poller import POLLERS
from tests.conftest import Persona
from tests.portal.conftest import sign_in_page, unique_id
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    digits,
    io,
    member_hanami,
    outsider_web,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: Plenty for a 1,000-row train task and a few polls on a busy machine.
WAIT = 60.0


def cookie_of(client: Client) -> bytes:
    """The session cookie header of a signed-in test client."""
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def watch(path: str, cookie: bytes | None) -> tuple[WebsocketCommunicator, bool]:
    """Open a progress socket as a browser of the portal's own origin would."""
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=10)
    return communicator, connected


async def receive_until(
    communicator: WebsocketCommunicator, wanted: Callable[[str], bool]
) -> list[str]:
    """The messages received until one is wanted (fails after ``WAIT`` seconds)."""
    messages: list[str] = []
    async with asyncio.timeout(WAIT):
        while not messages or not wanted(messages[-1]):
            messages.append(await communicator.receive_from(timeout=WAIT))
    return messages


def list_path(cluster: Cluster) -> str:  # noqa: F811 - the fixture's name
    return f"/ws/clusters/{cluster.uuid}/tasks/"


def poller_loops(cluster: Cluster) -> int:  # noqa: F811 - the fixture's name
    """How many poll loops of the cluster run in this event loop."""
    name = f"task poller of cluster {cluster.uuid}"
    return sum(1 for task in asyncio.all_tasks() if task.get_name() == name and not task.done())


def finished_row(task_uuid: str) -> Callable[[str], bool]:
    return lambda html: f'data-task="{task_uuid}" data-state="finished"' in html


async def test_two_watchers_share_one_poller_and_both_see_the_task_finish(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    cookie = cookie_of(member_web)
    first, first_connected = await watch(list_path(cluster), cookie)
    assert first_connected
    poller = POLLERS[cluster.uuid]
    second, second_connected = await watch(list_path(cluster), cookie)
    assert second_connected
    assert POLLERS[cluster.uuid] is poller
    assert len(poller.tokens) == 2
    assert poller_loops(cluster) == 1
    inputs, outputs = io(digits)
    task = await asyncio.to_thread(
        member_hanami.tasks.train, unique_id("Watched "), cluster.uuid, inputs, outputs
    )
    seen_first = await receive_until(first, finished_row(task.uuid))
    seen_second = await receive_until(second, finished_row(task.uuid))
    # One poller rendered the update once; both sockets got the same fragment.
    assert POLLERS[cluster.uuid] is poller
    assert poller_loops(cluster) == 1
    assert seen_first[-1] == seen_second[-1]
    assert seen_first[-1].startswith('<tbody id="task-rows" hx-swap-oob="innerHTML">')
    assert re.search(rf'data-task="{task.uuid}"[^>]*data-cycle="1000"', seen_first[-1])
    assert poller.polls >= 1
    await first.disconnect()
    assert POLLERS[cluster.uuid] is poller
    assert len(poller.tokens) == 1
    await second.disconnect()
    assert cluster.uuid not in POLLERS
    assert not poller.running
    assert poller_loops(cluster) == 0


async def test_a_task_watcher_gets_its_progress_and_final_state(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    inputs, outputs = io(digits)
    task = await asyncio.to_thread(
        member_hanami.tasks.train, unique_id("Followed "), cluster.uuid, inputs, outputs
    )
    watcher, connected = await watch(f"{list_path(cluster)}{task.uuid}/", cookie_of(member_web))
    assert connected
    messages = await receive_until(watcher, lambda html: "Finished" in html)
    final = messages[-1]
    assert final.startswith('<p id="task-summary" hx-swap-oob="innerHTML">')
    assert '<div id="task-live" hx-swap-oob="innerHTML">' in final
    assert 'value="100.0" data-cycle="1000"' in final
    assert "<tbody" not in final
    await watcher.disconnect()


async def test_a_newcomer_gets_the_current_state_at_once(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    inputs, outputs = io(digits)
    task = await asyncio.to_thread(
        member_hanami.tasks.train, unique_id("Ended "), cluster.uuid, inputs, outputs
    )
    await asyncio.to_thread(member_hanami.tasks.wait, task, interval=0.05, timeout=WAIT)
    cookie = cookie_of(member_web)
    first, _ = await watch(list_path(cluster), cookie)
    await receive_until(first, finished_row(task.uuid))
    # Nothing changes any more: the second socket is served from the poller's last render.
    second, _ = await watch(f"{list_path(cluster)}{task.uuid}/", cookie)
    snapshot = await second.receive_from(timeout=5)
    assert "Finished" in snapshot
    assert 'data-cycle="1000"' in snapshot
    await first.disconnect()
    await second.disconnect()


async def test_a_deleted_task_is_reported_gone(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    inputs, outputs = io(digits)
    task = await asyncio.to_thread(
        member_hanami.tasks.train, unique_id("Vanishing "), cluster.uuid, inputs, outputs
    )
    await asyncio.to_thread(member_hanami.tasks.wait, task, interval=0.05, timeout=WAIT)
    watcher, _ = await watch(f"{list_path(cluster)}{task.uuid}/", cookie_of(member_web))
    await receive_until(watcher, lambda html: "Finished" in html)
    await asyncio.to_thread(member_hanami.tasks.delete, task.uuid, cluster.uuid)
    messages = await receive_until(watcher, lambda html: "no longer exists" in html)
    assert '<div id="task-live" hx-swap-oob="innerHTML"></div>' in messages[-1]
    await watcher.disconnect()


async def test_an_outsiders_socket_is_refused(
    outsider_web: Client,  # noqa: F811
    cluster: Cluster,  # noqa: F811
) -> None:
    watcher, connected = await watch(list_path(cluster), cookie_of(outsider_web))
    assert connected is False
    assert cluster.uuid not in POLLERS
    await watcher.disconnect()


async def test_an_anonymous_socket_is_refused(web: str, cluster: Cluster) -> None:  # noqa: F811
    watcher, connected = await watch(list_path(cluster), None)
    assert connected is False
    assert cluster.uuid not in POLLERS
    await watcher.disconnect()


@pytest.fixture
def expired_web(web: str, member: Persona) -> Client:
    """A member's session whose backend token has expired (the portal would sign it out)."""
    browser = Client()
    assert sign_in_page(browser, member.user_id, member.passphrase).status_code == 302
    session = browser.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "expires_at": 0}
    session.save()
    return browser


async def test_a_session_whose_backend_token_expired_is_refused(
    expired_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    watcher, connected = await watch(list_path(cluster), cookie_of(expired_web))
    assert connected is False
    await watcher.disconnect()


async def test_a_socket_from_another_site_is_refused(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    communicator = WebsocketCommunicator(
        application,
        list_path(cluster),
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie_of(member_web))],
    )
    connected, _ = await communicator.connect(timeout=10)
    assert connected is False
    await communicator.disconnect()
