"""What every websocket consumer checks before it accepts: the session's backend context and
whether the backend shows the socket's cluster to that user."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from hanami_client import HanamiError
from portal.core.session import SESSION_KEY, token_expired
from portal.hanami import new_hanami

__all__ = ["SESSION_ENDED", "sees_cluster", "session_context", "session_token"]

#: Close code when the watcher's backend session ended while the socket was open.
SESSION_ENDED = 4001


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
