"""One backend poller per watched cluster in this portal process, fanning progress out to a group.

The first websocket that watches a cluster starts an asyncio task; the last one to leave stops
it. It asks the backend for the cluster's tasks (``tasks.list``, then ``tasks.get`` of the running
task and of any task new to it or whose state moved; ended and still-queued tasks have nothing new
to tell) every 0.3 s while a task is queued or active and every 2 s otherwise (a new watcher wakes
it sooner), with the token of one of its subscribers (each of them may see the cluster: the
consumer asked the backend before accepting). It keeps a short history per running task for the
rate, the time left and the chart, and only when something changed it renders the fragments once
and sends them to the group ``cluster_<uuid>``.

Several portal processes (daphne workers sharing channels-redis): the registry is per process,
so each process polls the backend once per cluster its own sockets watch, and since a group
spans processes a browser then receives each change once per polling process. The swaps are
idempotent, so the pages stay right; only the traffic grows with the number of processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from channels.layers import get_channel_layer

from hanami_client import HanamiClient, HanamiError, NotFound, Task, Unauthorized
from portal.hanami import new_hanami
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

logger = logging.getLogger(__name__)

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


class ClusterPoller:
    """The poll loop of one cluster, its subscribers' tokens and what it has seen."""

    def __init__(self, cluster_uuid: str) -> None:
        self.cluster_uuid = cluster_uuid
        #: Backend token of each subscribed channel.
        self.tokens: dict[str, str] = {}
        self.tasks: dict[str, Task] = {}
        self.histories: dict[str, History] = {}
        self.snapshot: Snapshot | None = None
        #: Polls made so far (one ``tasks.list`` each, plus the ``get`` of the running task).
        self.polls = 0
        self._client: HanamiClient | None = None
        self._runner: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @property
    def running(self) -> bool:
        """Whether its loop runs, in the event loop of the caller."""
        runner = self._runner
        if runner is None or runner.done():
            return False
        return runner.get_loop() is asyncio.get_running_loop()

    def start(self) -> None:
        """Start polling in the running event loop."""
        self._runner = asyncio.get_running_loop().create_task(
            self._run(), name=f"task poller of cluster {self.cluster_uuid}"
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

    def wake(self) -> None:
        """Poll soon (a new page may show a task started a moment ago), not waiting while idle."""
        self._wake.set()

    async def _run(self) -> None:
        layer = get_channel_layer()
        while self.tokens:
            token = next(iter(self.tokens.values()))
            polled = time.monotonic()
            self._wake.clear()
            try:
                busy = await self.poll(layer, token)
            except Unauthorized:
                await self._drop_token(layer, token)
                continue
            except HanamiError as error:
                logger.warning("polling the tasks of cluster %s: %s", self.cluster_uuid, error)
                busy = False
            # The next poll is an interval after this one began, or sooner when woken...
            next_poll = polled + (ACTIVE_INTERVAL if busy else IDLE_INTERVAL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=max(next_poll - time.monotonic(), 0.0)
                )
            # ...but however often it is woken, at most once per ACTIVE_INTERVAL.
            await asyncio.sleep(max(polled + ACTIVE_INTERVAL - time.monotonic(), 0.0))

    async def _drop_token(self, layer: Any, token: str) -> None:
        """A subscriber's backend session ended: close its sockets, go on with another token."""
        for channel, held in list(self.tokens.items()):
            if held == token:
                del self.tokens[channel]
                await layer.send(channel, {"type": "watch.close"})

    async def poll(self, layer: Any, token: str) -> bool:
        """Ask the backend once; send what changed. True while a task is queued or active."""
        fetched = await asyncio.to_thread(self._fetch, token)
        self.polls += 1
        message = await asyncio.to_thread(self._merge, fetched, time.time())
        if message is not None:
            await layer.group_send(group_name(self.cluster_uuid), message)
        return any(not task.done for task in self.tasks.values())

    def _fetch(self, token: str) -> list[Task] | None:
        """The cluster's tasks in queue order (None once the cluster is gone); blocking."""
        if self._client is None:
            self._client = new_hanami(token)
        client = self._client
        client.token = token
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
    poller = POLLERS.get(cluster_uuid)
    if poller is None or not poller.running:
        poller = ClusterPoller(cluster_uuid)
        POLLERS[cluster_uuid] = poller
        poller.tokens[channel_name] = token
        poller.start()
    else:
        poller.tokens[channel_name] = token
        poller.wake()
    return poller


async def unsubscribe(cluster_uuid: str, channel_name: str) -> None:
    """Stop watching; the last watcher to leave stops the poller."""
    poller = POLLERS.get(cluster_uuid)
    if poller is None:
        return
    poller.tokens.pop(channel_name, None)
    if not poller.tokens:
        del POLLERS[cluster_uuid]
        await poller.stop()
