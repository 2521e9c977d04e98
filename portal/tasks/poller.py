"""One backend poller per watched cluster in this portal process, fanning progress out to a group.

The first websocket that watches a cluster starts the loop (``portal.core.polling``); the last one
to leave stops it. It asks the backend for the cluster's tasks (``tasks.list``, then ``tasks.get``
of the running task and of any task new to it or whose state moved; ended and still-queued tasks
have nothing new to tell) every 0.3 s while a task is queued or active and every 2 s otherwise (a
new watcher wakes it sooner), with the token of one of its subscribers (each of them may see the
cluster: the consumer asked the backend before accepting). It keeps a short history per running task
for the rate, the time left and the chart, and only when something changed it renders the fragments
once and sends them to the group ``cluster_<uuid>``.

Several portal processes (daphne workers sharing channels-redis and a Redis cache): each runs a
poller for the clusters its own sockets watch, but only the holder of the cluster's lease
(``portal.core.leases``) asks the backend; the group carries its messages to the sockets of every
process. A newcomer in a process that does not poll gets no snapshot: its page was rendered from
the backend a moment before and the next change reaches it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from hanami_client import HanamiClient, NotFound, Task
from portal.core.leases import Lease
from portal.core.polling import Poller, join, leave
from portal.tasks.fragments import live_context, render_gone, render_live, render_rows
from portal.tasks.progress import History, Sample, measure_progress
from portal.tasks.selectors import queue_order

__all__ = [
    "ACTIVE_INTERVAL",
    "IDLE_INTERVAL",
    "POLLERS",
    "ClusterPoller",
    "Snapshot",
    "group_name",
    "subscribe",
    "unsubscribe",
]

#: Seconds between polls while a task is queued or active, and while none is.
ACTIVE_INTERVAL = 0.3
IDLE_INTERVAL = 2.0
GONE = "This task no longer exists on the backend: it was deleted, or its cluster was."


def group_name(cluster_uuid: str) -> str:
    """The channel group of a cluster's watchers."""
    return f"cluster_{cluster_uuid}"


@dataclass
class Snapshot:
    """The fragments last sent: the list's rows and each task's progress, for newcomers."""

    rows: str = ""
    tasks: dict[str, str] = field(default_factory=dict)


class ClusterPoller(Poller):
    """The poll loop of one cluster and what it has seen of its tasks."""

    def __init__(self, cluster_uuid: str) -> None:
        super().__init__(
            f"task poller of cluster {cluster_uuid}",
            lease=Lease(f"poller:{group_name(cluster_uuid)}"),
            shortest=ACTIVE_INTERVAL,
            after_error=IDLE_INTERVAL,
        )
        self.cluster_uuid = cluster_uuid
        self.tasks: dict[str, Task] = {}
        self.histories: dict[str, History] = {}
        self.snapshot: Snapshot | None = None

    async def poll(self, layer: Any, token: str) -> float:
        """Ask the backend once; send what changed. Polls often while a task is queued or active."""
        fetched = await self.fetch(token, self._fetch)
        message = await asyncio.to_thread(self._merge, fetched, time.time())
        if message is not None:
            await layer.group_send(group_name(self.cluster_uuid), message)
        busy = any(not task.done for task in self.tasks.values())
        return ACTIVE_INTERVAL if busy else IDLE_INTERVAL

    def _fetch(self, client: HanamiClient) -> list[Task] | None:
        """The cluster's tasks in queue order (None once the cluster is gone); blocking."""
        try:
            rows = client.tasks.list(self.cluster_uuid)
        except NotFound:
            return None
        tasks = []
        for row in rows:
            known = self.tasks.get(row["uuid"])
            # Ended tasks never change, and a task still queued has nothing new to tell.
            if known is not None and (known.done or known.state == row["state"] == "queued"):
                tasks.append(known)
                continue
            try:
                tasks.append(client.tasks.get(row["uuid"], self.cluster_uuid))
            except NotFound:
                continue  # deleted since the list
        return queue_order(tasks)

    def _samples(self, uuid: str) -> list[Sample]:
        """The samples of a task seen running (none for one only seen queued)."""
        history = self.histories.get(uuid)
        return history.samples if history is not None else []

    def _merge(self, fetched: list[Task] | None, now: float) -> dict[str, Any] | None:
        """Take in a poll's tasks; the group message with what changed, or None."""
        current = {task.uuid: task for task in fetched or ()}
        changed = [uuid for uuid, task in current.items() if self.tasks.get(uuid) != task]
        vanished = [uuid for uuid in self.tasks if uuid not in current]
        reordered = list(current) != list(self.tasks)
        for uuid, task in current.items():
            # Samples of a queued task would stretch its rate over the time it waited, and one
            # of a task that had ended before this poller first saw it would put its end at now.
            ended_now = uuid in changed and task.done and uuid in self.tasks
            if task.state == "active" or ended_now:
                self.histories.setdefault(uuid, History()).add(Sample(now, task.current_cycle))
        for uuid in vanished:
            self.histories.pop(uuid, None)
        self.tasks = current
        if self.snapshot is not None and not (changed or vanished or reordered):
            return None
        progresses = {
            uuid: measure_progress(task, self._samples(uuid), now=now)
            for uuid, task in current.items()
        }
        rows = render_rows(self.cluster_uuid, list(progresses.values()))
        fragments = {
            uuid: render_live(live_context(self.cluster_uuid, progresses[uuid], now=now))
            for uuid in changed
        }
        fragments.update({uuid: render_gone(GONE) for uuid in vanished})
        known = self.snapshot.tasks if self.snapshot is not None else {}
        kept = {uuid: html for uuid, html in known.items() if uuid in current}
        self.snapshot = Snapshot(rows, {**kept, **fragments})
        for uuid in vanished:
            self.snapshot.tasks.pop(uuid, None)
        return {"type": "task.progress", "rows": rows, "tasks": fragments}


#: The pollers of this process, by cluster uuid.
POLLERS: dict[str, ClusterPoller] = {}


def subscribe(cluster_uuid: str, channel_name: str, token: str) -> ClusterPoller:
    """Watch a cluster: join its poller, starting one if none runs in this process."""
    return join(
        POLLERS, cluster_uuid, channel_name, token, create=lambda: ClusterPoller(cluster_uuid)
    )


async def unsubscribe(cluster_uuid: str, channel_name: str) -> None:
    """Stop watching; the last watcher to leave stops the poller."""
    await leave(POLLERS, cluster_uuid, channel_name)
