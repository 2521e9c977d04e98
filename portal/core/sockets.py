"""What every websocket consumer checks before it accepts (the session's backend context and
whether the backend shows the socket's cluster to that user), and how it lives no longer than
that session."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from hanami_client import HanamiError
from portal.core.aio import cancel_and_wait
from portal.core.session import SESSION_ENDED_EVENT, SESSION_KEY, session_group, token_expired
from portal.hanami import new_hanami

__all__ = [
    "EXPIRING",
    "SESSION_ENDED",
    "SessionConsumer",
    "sees_cluster",
    "session_context",
    "session_token",
]

#: Close code when the watcher's session ended (signed out, or its backend token expired or was
#: refused) while the socket was open.
SESSION_ENDED = 4001
#: The reason a ``session.ended`` event gives when the token is (about to be) out of date.
EXPIRING = "expiring"


class SessionConsumer(AsyncWebsocketConsumer):
    """A websocket that lives no longer than the signed-in session that opened it.

    ``follow_session`` (once accepted) joins the session's group, to which signing out sends
    ``session.ended`` (``portal.core.session.end_session``), and sends the socket itself
    ``session.ended`` with the reason ``expiring`` ``expiry_margin`` seconds before the backend
    token expires. ``session_ended`` closes the socket; a consumer that holds something for the
    session overrides it to let go first.
    """

    #: Seconds before the token's expiry at which the socket ends.
    expiry_margin = 0.0
    _session_group: str | None = None
    _expiry: asyncio.Task[None] | None = None

    async def follow_session(self, context: dict[str, Any]) -> None:
        """Close this socket when its session ends: on sign-out or at the token's expiry."""
        self._session_group = session_group(self.scope["session"].session_key)
        await self.channel_layer.group_add(self._session_group, self.channel_name)
        self._expiry = asyncio.get_running_loop().create_task(self._end_at(context["expires_at"]))

    async def unfollow_session(self) -> None:
        """Stop following the session (the socket is closing)."""
        expiry, self._expiry = self._expiry, None
        await cancel_and_wait(expiry)
        group, self._session_group = self._session_group, None
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def session_ended(self, event: dict[str, Any]) -> None:
        """The session ended: close."""
        await self.close(code=SESSION_ENDED)

    async def _end_at(self, expires_at: float) -> None:
        await asyncio.sleep(max(expires_at - self.expiry_margin - time.time(), 0.0))
        # Through the socket's own channel, so that it comes between two handled messages.
        await self.channel_layer.send(
            self.channel_name, {**SESSION_ENDED_EVENT, "reason": EXPIRING}
        )


@database_sync_to_async
def session_context(scope: dict[str, Any]) -> dict[str, Any] | None:
    """The backend context of the socket's signed-in session; None when absent or expired."""
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    context = session.get(SESSION_KEY)
    if context is None or token_expired(context):
        return None
    return context


async def session_token(scope: dict[str, Any]) -> str | None:
    """The backend token of the socket's signed-in session, None when there is none (or stale)."""
    context = await session_context(scope)
    return None if context is None else context["token"]


def sees_cluster(token: str, cluster_uuid: str) -> bool:
    """Whether the backend shows the cluster to the token's user (blocking)."""
    with new_hanami(token) as client:
        try:
            client.clusters.get(cluster_uuid)
        except HanamiError:
            return False
    return True
