"""The websocket of the system page: live measurement charts.

Before accepting, the socket's session must be signed in with a backend token that has not
expired; anyone else is refused. Accepted sockets join the group ``system_measurements`` and the
process's poller (see ``poller``), and forward the chart fragments it sends.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from portal.core.sockets import SESSION_ENDED, session_token
from portal.system.poller import GROUP, subscribe, unsubscribe

__all__ = ["SystemConsumer"]


class SystemConsumer(AsyncWebsocketConsumer):
    """Forwards the system page's charts whenever their drawing changes."""

    watching = False

    async def connect(self) -> None:
        """Accept a signed-in user; refuse everyone else."""
        token = await session_token(self.scope)
        if token is None:
            await self.close()
            return
        await self.channel_layer.group_add(GROUP, self.channel_name)
        self.watching = True
        await self.accept()
        snapshot = subscribe(self.channel_name, token).snapshot
        if snapshot:
            await self.send(text_data=snapshot)

    async def disconnect(self, code: int) -> None:
        """Leave the group and the poller."""
        if self.watching:
            self.watching = False
            await self.channel_layer.group_discard(GROUP, self.channel_name)
            await unsubscribe(self.channel_name)

    async def system_charts(self, event: dict[str, Any]) -> None:
        """The poller's changed charts."""
        await self.send(text_data=event["html"])

    async def watch_close(self, event: dict[str, Any]) -> None:
        """The backend no longer accepts this watcher's token."""
        await self.close(code=SESSION_ENDED)
