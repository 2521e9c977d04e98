"""The shared poll loop of portal.core.polling through both pollers: refused tokens, errors."""

from __future__ import annotations

import asyncio
import logging

import pytest
from channels.layers import get_channel_layer

from portal.core import polling
from portal.core.leases import Lease
from portal.system import poller as system_poller
from portal.tasks import poller as task_poller
from tests.conftest import Persona

pytestmark = pytest.mark.django_db(transaction=True)


async def test_refused_token_closes_its_sockets_and_the_poller_goes_on(
    web: str, member: Persona
) -> None:
    layer = get_channel_layer()
    bad = await layer.new_channel()
    good = await layer.new_channel()
    poller = system_poller.subscribe(bad, "not-a-token")
    system_poller.subscribe(good, member.token)
    message = await asyncio.wait_for(layer.receive(bad), 10)
    assert message == {"type": "session.ended"}
    async with asyncio.timeout(10):
        while poller.polls < 2:
            await asyncio.sleep(0.05)
    assert list(poller.tokens) == [good]
    await system_poller.unsubscribe(good)
    assert system_poller.current_poller() is None
    assert not poller.running


async def test_only_refused_tokens_end_the_loop(web: str) -> None:
    layer = get_channel_layer()
    bad = await layer.new_channel()
    poller = system_poller.subscribe(bad, "not-a-token")
    assert await asyncio.wait_for(layer.receive(bad), 10) == {"type": "session.ended"}
    async with asyncio.timeout(5):
        while poller.running:
            await asyncio.sleep(0.05)
    assert poller.tokens == {}
    await system_poller.unsubscribe(bad)


async def test_an_unreachable_backend_is_logged_and_retried(
    settings, db, member: Persona, caplog
) -> None:
    settings.HANAMI_ADDRESS = "http://127.0.0.1:9"
    layer = get_channel_layer()
    channel = await layer.new_channel()
    with caplog.at_level(logging.WARNING):
        poller = task_poller.subscribe("some-cluster", channel, member.token)

        def warnings() -> list[str]:
            texts = [record.getMessage() for record in caplog.records]
            return [text for text in texts if "task poller of cluster some-cluster" in text]

        async with asyncio.timeout(10):
            while len(warnings()) < 2:
                await asyncio.sleep(0.05)
        assert poller.running
        assert poller.polls == 0
    await task_poller.unsubscribe("some-cluster", channel)
    assert not poller.running


async def test_a_newcomer_wakes_an_idle_task_poller(
    web: str, member: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Idle, the poller would wait an hour: only a wake-up lets it poll again within the test.
    monkeypatch.setattr(task_poller, "IDLE_INTERVAL", 3600.0)
    layer = get_channel_layer()
    first = await layer.new_channel()
    second = await layer.new_channel()
    # A cluster uuid that does not exist: each poll answers quickly, nothing busy, idle interval.
    poller = task_poller.subscribe("00000000-0000-0000-0000-000000000000", first, member.token)
    async with asyncio.timeout(5):
        while poller.polls < 1:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    assert poller.polls == 1
    task_poller.subscribe("00000000-0000-0000-0000-000000000000", second, member.token)
    async with asyncio.timeout(30):
        while poller.polls < 2:
            await asyncio.sleep(0.01)
    await task_poller.unsubscribe("00000000-0000-0000-0000-000000000000", first)
    await task_poller.unsubscribe("00000000-0000-0000-0000-000000000000", second)
    assert not poller.running


class Flaky(polling.Poller):
    """A poller whose first poll fails with an error that is not the backend's."""

    def __init__(self) -> None:
        super().__init__(
            "flaky poller", lease=Lease("poller:flaky"), shortest=0.01, after_error=0.01
        )
        self.calls = 0

    async def poll(self, layer: object, token: str) -> float:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("the channel layer hiccuped")
        return 0.01


async def test_an_unexpected_error_is_logged_and_the_loop_goes_on(caplog) -> None:
    pollers: dict[str, Flaky] = {}
    with caplog.at_level(logging.ERROR):
        poller = polling.join(pollers, "key", "a-channel", "a-token", create=Flaky)
        async with asyncio.timeout(5):
            while poller.calls < 3:
                await asyncio.sleep(0.01)
    assert poller.running
    failures = [record for record in caplog.records if record.exc_info]
    assert [str(record.exc_info[1]) for record in failures] == ["the channel layer hiccuped"]
    await polling.leave(pollers, "key", "a-channel")
    assert not poller.running
