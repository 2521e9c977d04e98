"""The websocket of the system page: live measurement charts.

Before accepting, the socket's session must be signed in with a backend token that has not
expired; anyone else is refused. Accepted sockets join the group ``system_measurements`` and the
process's poller (see ``poller``), and forward the chart fragments it sends.
"""

from __future__ import annotations

from typing import Any

from portal.core.sockets import SessionConsumer, session_context
from portal.system.poller import GROUP, subscribe, unsubscribe

__all__ = ["SystemConsumer"]


class SystemConsumer(SessionConsumer):
    """Forwards the system page's charts whenever their drawing changes."""

    watching = False

    async def connect(self) -> None:
        """Accept a signed-in user; refuse everyone else."""
        context = await session_context(self.scope)
        if context is None:
            await self.close()
            return
        await self.channel_layer.group_add(GROUP, self.channel_name)
        self.watching = True
        await self.accept()
        await self.follow_session(context)
        snapshot = subscribe(self.channel_name, context["token"]).snapshot
        if snapshot:
            await self.send(text_data=snapshot)

    async def disconnect(self, code: int) -> None:
        """Leave the group and the poller."""
        if self.watching:
            self.watching = False
            await self.channel_layer.group_discard(GROUP, self.channel_name)
            await unsubscribe(self.channel_name)
            await self.unfollow_session()

    async def system_charts(self, event: dict[str, Any]) -> None:
        """The poller's changed charts."""
        await self.send(text_data=event["html"])
