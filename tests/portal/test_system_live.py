"""Live system charts over Channels, against the real embedded backend: one poller per process."""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from hanami_client import HanamiClient, Series
from portal.asgi import application
from portal.system.poller import MeasurementPoller, current_poller
from tests.conftest import Persona
from tests.portal.test_task_progress import cookie_of, expired_web  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/system/"
CHART_IDS = {
    f"{measure}-{span}"
    for measure in ("power", "speed", "temperature")
    for span in ("minute", "hour", "day")
}
#: Plenty for a few polls on a busy machine.
WAIT = 30.0


async def watch(cookie: bytes | None) -> tuple[WebsocketCommunicator, bool]:
    """Open the system socket as a browser of the portal's own origin would."""
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    connected, _ = await communicator.connect(timeout=10)
    return communicator, connected


def swapped(html: str) -> set[str]:
    """The ids of the charts an out-of-band message swaps."""
    return set(re.findall(r'<div id="chart-([a-z]+-[a-z]+)" hx-swap-oob="innerHTML">', html))


def poller_loops() -> int:
    """How many measurement poll loops run in this event loop."""
    return sum(
        1
        for task in asyncio.all_tasks()
        if task.get_name() == "system measurement poller" and not task.done()
    )


async def test_a_watcher_gets_every_chart_and_the_poller_keeps_polling(member_web: Client) -> None:
    watcher, connected = await watch(cookie_of(member_web))
    assert connected
    first = await watcher.receive_from(timeout=WAIT)
    assert swapped(first) == CHART_IDS
    assert '<title id="chart-power-minute-title">Power, last minute</title>' in first
    poller = current_poller()
    assert poller is not None
    async with asyncio.timeout(WAIT):
        while poller.polls < 3:
            await asyncio.sleep(0.1)
    assert poller_loops() == 1
    await watcher.disconnect()
    assert current_poller() is None
    assert poller_loops() == 0


async def test_a_newcomer_gets_the_last_charts_at_once_from_the_same_poller(
    member_web: Client, admin_web: Client
) -> None:
    first, _ = await watch(cookie_of(member_web))
    await first.receive_from(timeout=WAIT)
    poller = current_poller()
    second, connected = await watch(cookie_of(admin_web))
    assert connected
    snapshot = await second.receive_from(timeout=5)
    assert swapped(snapshot) == CHART_IDS
    assert current_poller() is poller
    assert len(poller.tokens) == 2
    assert poller_loops() == 1
    await first.disconnect()
    assert current_poller() is poller
    assert len(poller.tokens) == 1
    await second.disconnect()
    assert current_poller() is None
    assert not poller.running


async def test_an_anonymous_socket_is_refused(web: str) -> None:
    watcher, connected = await watch(None)
    assert connected is False
    assert current_poller() is None
    await watcher.disconnect()


async def test_a_socket_with_an_expired_backend_session_is_refused(
    expired_web: Client,  # noqa: F811
) -> None:
    watcher, connected = await watch(cookie_of(expired_web))
    assert connected is False
    assert current_poller() is None
    await watcher.disconnect()


def test_only_charts_whose_drawing_changed_are_sent_again(
    web: str, backend_address: str, member: Persona
) -> None:
    with HanamiClient(backend_address, member.token) as client:
        series = {
            "power": client.measurements.power(),
            "speed": client.measurements.speed(),
            "temperature": client.measurements.temperature(),
        }
    poller = MeasurementPoller()
    assert swapped(poller.merge(series)) == CHART_IDS
    assert poller.merge(series) == ""
    hotter: Series = dataclasses.replace(
        series["temperature"], seconds=(*series["temperature"].seconds[1:], 1000.0)
    )
    changed = poller.merge({**series, "temperature": hotter})
    assert swapped(changed) == {"temperature-minute"}
    assert "latest 1000 °C" in changed
