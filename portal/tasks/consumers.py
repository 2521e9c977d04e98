"""The websocket of the task pages: live rows of a cluster's tasks, or one task's progress.

Before accepting, the socket's session must be signed in with a backend token that has not
expired, and the backend must show the cluster to that user; anyone else is refused. Accepted
sockets join the group ``cluster_<uuid>`` and the cluster's poller (see ``poller``), and forward
the fragments their page shows.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from hanami_client import HanamiError
from portal.core.session import SESSION_KEY, token_expired
from portal.hanami import new_hanami
from portal.tasks.poller import group_name, subscribe, unsubscribe

__all__ = ["TaskProgressConsumer"]

#: Close code when the watcher's backend session ended while watching.
SESSION_ENDED = 4001


@database_sync_to_async
def session_token(scope: dict[str, Any]) -> str | None:
    """The backend token of the socket's signed-in session, None when there is none (or stale)."""
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    context = session.get(SESSION_KEY)
    if context is None or token_expired(context):
        return None
    return context["token"]


def sees_cluster(token: str, cluster_uuid: str) -> bool:
    """Whether the backend shows the cluster to the token's user (blocking)."""
    with new_hanami(token) as client:
        try:
            client.clusters.get(cluster_uuid)
        except HanamiError:
            return False
    return True


class TaskProgressConsumer(AsyncWebsocketConsumer):
    """Forwards the cluster's live rows, or with a task in the path that task's progress."""

    cluster_uuid = ""
    task_uuid: str | None = None
    watching = False

    async def connect(self) -> None:
        """Accept a signed-in user who may see the cluster; refuse everyone else."""
        route = self.scope["url_route"]["kwargs"]
        self.cluster_uuid = str(route["cluster_uuid"])
        self.task_uuid = str(route["task_uuid"]) if "task_uuid" in route else None
        token = await session_token(self.scope)
        if token is None or not await asyncio.to_thread(sees_cluster, token, self.cluster_uuid):
            await self.close()
            return
        await self.channel_layer.group_add(group_name(self.cluster_uuid), self.channel_name)
        self.watching = True
        await self.accept()
        snapshot = subscribe(self.cluster_uuid, self.channel_name, token).snapshot
        if snapshot is not None:
            await self.forward(snapshot.rows, snapshot.tasks)

    async def disconnect(self, code: int) -> None:
        """Leave the group and the poller."""
        if self.watching:
            self.watching = False
            await self.channel_layer.group_discard(group_name(self.cluster_uuid), self.channel_name)
            await unsubscribe(self.cluster_uuid, self.channel_name)

    async def task_progress(self, event: dict[str, Any]) -> None:
        """A poller's update: send the part this page shows."""
        await self.forward(event["rows"], event["tasks"])

    async def watch_close(self, event: dict[str, Any]) -> None:
        """The backend no longer accepts this watcher's token."""
        await self.close(code=SESSION_ENDED)

    async def forward(self, rows: str, tasks: dict[str, str]) -> None:
        """Send the rows (list page) or this task's fragment (detail page), if there is one."""
        html = rows if self.task_uuid is None else tasks.get(self.task_uuid)
        if html:
            await self.send(text_data=html)
