"""The websocket of the task pages: live rows of a cluster's tasks, or one task's progress.

Before accepting, the socket's session must be signed in with a backend token that has not
expired, and the backend must show the cluster to that user; anyone else is refused. Accepted
sockets join the group ``cluster_<uuid>`` and the cluster's poller (see ``poller``), and forward
the fragments their page shows.
"""

from __future__ import annotations

import asyncio
from typing import Any

from portal.core.sockets import SessionConsumer, sees_cluster, session_context
from portal.tasks.poller import group_name, subscribe, unsubscribe

__all__ = ["TaskProgressConsumer"]


class TaskProgressConsumer(SessionConsumer):
    """Forwards the cluster's live rows, or with a task in the path that task's progress."""

    cluster_uuid = ""
    task_uuid: str | None = None
    watching = False

    async def connect(self) -> None:
        """Accept a signed-in user who may see the cluster; refuse everyone else."""
        route = self.scope["url_route"]["kwargs"]
        self.cluster_uuid = str(route["cluster_uuid"])
        self.task_uuid = str(route["task_uuid"]) if "task_uuid" in route else None
        context = await session_context(self.scope)
        if context is None or not await asyncio.to_thread(
            sees_cluster, context["token"], self.cluster_uuid
        ):
            await self.close()
            return
        await self.channel_layer.group_add(group_name(self.cluster_uuid), self.channel_name)
        self.watching = True
        await self.accept()
        await self.follow_session(context)
        snapshot = subscribe(self.cluster_uuid, self.channel_name, context["token"]).snapshot
        if snapshot is not None:
            await self.forward(snapshot.rows, snapshot.tasks)

    async def disconnect(self, code: int) -> None:
        """Leave the group and the poller."""
        if self.watching:
            self.watching = False
            await self.channel_layer.group_discard(group_name(self.cluster_uuid), self.channel_name)
            await unsubscribe(self.cluster_uuid, self.channel_name)
            await self.unfollow_session()

    async def task_progress(self, event: dict[str, Any]) -> None:
        """A poller's update: send the part this page shows."""
        await self.forward(event["rows"], event["tasks"])

    async def forward(self, rows: str, tasks: dict[str, str]) -> None:
        """Send the rows (list page) or this task's fragment (detail page), if there is one."""
        html = rows if self.task_uuid is None else tasks.get(self.task_uuid)
        if html:
            await self.send(text_data=html)
