"""One measurement poller per portal process for the system page, fanning charts out to a group.

The first websocket that watches the system page starts an asyncio task; the last one to leave
stops it. Once a second it reads the three measurement series from the backend (with the token
of one of its watchers: any signed-in user may read them), renders the nine charts and sends to
the group ``system_measurements`` only those whose drawing changed: the minute charts move every
second, the hour charts once a minute, the day charts once an hour. A newcomer gets the charts
last rendered at once.

Several portal processes (daphne workers sharing channels-redis): the poller is per process, so
each process with watchers polls once a second, and a browser receives a change once per polling
process. The swaps are idempotent, so the page stays right; only the traffic grows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.layers import get_channel_layer

from hanami_client import HanamiClient, HanamiError, Series, Unauthorized
from portal.hanami import new_hanami
from portal.system.fragments import render_charts
from portal.system.selectors import read_measurements

__all__ = [
    "GROUP",
    "INTERVAL",
    "MeasurementPoller",
    "current_poller",
    "subscribe",
    "unsubscribe",
]

logger = logging.getLogger(__name__)

#: The channel group of the system page's watchers.
GROUP = "system_measurements"
#: Seconds between polls: the backend samples once a second.
INTERVAL = 1.0


class MeasurementPoller:
    """The poll loop, its subscribers' tokens and the charts it last sent."""

    def __init__(self) -> None:
        #: Backend token of each subscribed channel.
        self.tokens: dict[str, str] = {}
        #: The out-of-band fragment last sent of each chart, by chart id.
        self.charts: dict[str, str] = {}
        #: Polls made so far (three backend reads each).
        self.polls = 0
        self._client: HanamiClient | None = None
        self._runner: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether its loop runs, in the event loop of the caller."""
        runner = self._runner
        if runner is None or runner.done():
            return False
        return runner.get_loop() is asyncio.get_running_loop()

    @property
    def snapshot(self) -> str:
        """Every chart as last sent, for a newcomer (empty before the first poll)."""
        return "".join(self.charts.values())

    def start(self) -> None:
        """Start polling in the running event loop."""
        self._runner = asyncio.get_running_loop().create_task(
            self._run(), name="system measurement poller"
        )

    async def stop(self) -> None:
        """Stop polling and close the backend connection."""
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            runner.cancel()
            if runner.get_loop() is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
        if self._client is not None:
            self._client.close()
            self._client = None

    async def _run(self) -> None:
        layer = get_channel_layer()
        while self.tokens:
            token = next(iter(self.tokens.values()))
            polled = time.monotonic()
            try:
                await self.poll(layer, token)
            except Unauthorized:
                await self._drop_token(layer, token)
                continue
            except HanamiError as error:
                logger.warning("polling the measurements: %s", error)
            await asyncio.sleep(max(polled + INTERVAL - time.monotonic(), 0.0))

    async def _drop_token(self, layer: Any, token: str) -> None:
        """A subscriber's backend session ended: close its sockets, go on with another token."""
        for channel, held in list(self.tokens.items()):
            if held == token:
                del self.tokens[channel]
                await layer.send(channel, {"type": "watch.close"})

    async def poll(self, layer: Any, token: str) -> None:
        """Read the series once; send the charts whose drawing changed."""
        series = await asyncio.to_thread(self._fetch, token)
        self.polls += 1
        changed = await asyncio.to_thread(self.merge, series)
        if changed:
            await layer.group_send(GROUP, {"type": "system.charts", "html": changed})

    def _fetch(self, token: str) -> dict[str, Series]:
        """The three measurement series (blocking)."""
        if self._client is None:
            self._client = new_hanami(token)
        self._client.token = token
        return read_measurements(client=self._client)

    def merge(self, series: dict[str, Series]) -> str:
        """Render the charts; the fragments that differ from those last sent, joined."""
        rendered = render_charts(series)
        changed = [html for chart_id, html in rendered.items() if self.charts.get(chart_id) != html]
        self.charts = rendered
        return "".join(changed)


_POLLERS: dict[str, MeasurementPoller] = {}


def current_poller() -> MeasurementPoller | None:
    """The poller of this process, while someone watches."""
    return _POLLERS.get(GROUP)


def subscribe(channel_name: str, token: str) -> MeasurementPoller:
    """Watch the measurements: join the poller, starting it if none runs in this process."""
    poller = _POLLERS.get(GROUP)
    if poller is None or not poller.running:
        poller = MeasurementPoller()
        _POLLERS[GROUP] = poller
        poller.tokens[channel_name] = token
        poller.start()
    else:
        poller.tokens[channel_name] = token
    return poller


async def unsubscribe(channel_name: str) -> None:
    """Stop watching; the last watcher to leave stops the poller."""
    poller = _POLLERS.get(GROUP)
    if poller is None:
        return
    poller.tokens.pop(channel_name, None)
    if not poller.tokens:
        del _POLLERS[GROUP]
        await poller.stop()
