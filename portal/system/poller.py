"""One measurement poller per portal process for the system page, fanning charts out to a group.

The first websocket that watches the system page starts the loop (``portal.core.polling``); the
last one to leave stops it. Once a second it reads the three measurement series from the backend
(with the token of one of its watchers: any signed-in user may read them), renders the nine charts
and sends to the group ``system_measurements`` only those whose drawing changed: the minute charts
move every second, the hour charts once a minute, the day charts once an hour. A newcomer gets the
charts last rendered at once.

Several portal processes (daphne workers sharing channels-redis and a Redis cache): each process
with watchers runs a poller, but only the holder of the lease (``portal.core.leases``) reads the
backend; the group carries its charts to the sockets of every process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hanami_client import Series
from portal.core.leases import Lease
from portal.core.polling import Poller, join, leave
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

#: The channel group of the system page's watchers.
GROUP = "system_measurements"
#: Seconds between polls: the backend samples once a second.
INTERVAL = 1.0


class MeasurementPoller(Poller):
    """The measurement poll loop and the charts it last sent."""

    def __init__(self) -> None:
        super().__init__(
            "system measurement poller",
            lease=Lease(f"poller:{GROUP}"),
            shortest=INTERVAL,
            after_error=INTERVAL,
        )
        #: The out-of-band fragment last sent of each chart, by chart id.
        self.charts: dict[str, str] = {}

    @property
    def snapshot(self) -> str:
        """Every chart as last sent, for a newcomer (empty before the first poll)."""
        return "".join(self.charts.values())

    async def poll(self, layer: Any, token: str) -> float:
        """Read the series once (three backend reads); send the charts whose drawing changed."""
        series = await self.fetch(token, lambda client: read_measurements(client=client))
        changed = await asyncio.to_thread(self.merge, series)
        if changed:
            await layer.group_send(GROUP, {"type": "system.charts", "html": changed})
        return INTERVAL

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
    return join(_POLLERS, GROUP, channel_name, token, create=MeasurementPoller)


async def unsubscribe(channel_name: str) -> None:
    """Stop watching; the last watcher to leave stops the poller."""
    await leave(_POLLERS, GROUP, channel_name)
