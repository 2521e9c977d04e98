"""What the portal's backend pollers share: one loop per watched thing, fed by its watchers' tokens.

A poller asks the backend with the token of one of its subscribers (the channels of the sockets
watching the same thing) and sends what changed to their group over the channel layer. When the
backend no longer accepts that token, the poller closes the sockets that gave it and goes on
with another; other errors (the backend's, the channel layer's) are logged and the next poll
tries again. ``join`` and ``leave`` keep one poller per key in each process: the first
subscriber starts it, the last one to leave stops it. Of the processes that run a poller for the
same key, only the holder of its lease (``portal.core.leases``) asks the backend; the group
carries its news to the sockets of the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from channels.layers import get_channel_layer

from hanami_client import HanamiClient, HanamiError, Unauthorized
from portal.core.leases import Lease
from portal.core.session import SESSION_ENDED_EVENT
from portal.hanami import new_hanami

__all__ = ["Poller", "join", "leave"]

logger = logging.getLogger(__name__)

#: Seconds between two looks at a lease another process holds.
LEASE_RETRY = 1.0

T = TypeVar("T")
P = TypeVar("P", bound="Poller")


class Poller(ABC):
    """A poll loop, its subscribers' backend tokens and the client it asks the backend with."""

    def __init__(self, name: str, *, lease: Lease, shortest: float, after_error: float) -> None:
        #: Names the loop's asyncio task and its log lines.
        self.name = name
        #: Whose turn it is to poll, among the portal processes watching the same thing.
        self.lease = lease
        #: Seconds from the start of one poll to the next at the least, however often woken.
        self.shortest = shortest
        #: Seconds from the start of a poll the backend failed to the next.
        self.after_error = after_error
        #: Backend token of each subscribed channel.
        self.tokens: dict[str, str] = {}
        #: Polls made so far (counted when the backend has answered).
        self.polls = 0
        self._client: HanamiClient | None = None
        self._runner: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @abstractmethod
    async def poll(self, layer: Any, token: str) -> float:
        """Ask the backend once and send what changed; the seconds until the next poll."""

    @property
    def running(self) -> bool:
        """Whether its loop runs, in the event loop of the caller."""
        runner = self._runner
        if runner is None or runner.done():
            return False
        return runner.get_loop() is asyncio.get_running_loop()

    def start(self) -> None:
        """Start polling in the running event loop."""
        self._runner = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Stop polling, hand the lease on and close the backend connection."""
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            runner.cancel()
            if runner.get_loop() is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
        if self._client is not None:
            self._client.close()
            self._client = None
        try:
            await self.lease.release()
        except Exception:
            # The cache is away: the lease expires by itself.
            logger.exception("%s: could not release its lease", self.name)

    def wake(self) -> None:
        """Poll soon (a newcomer may want news of a moment ago), not waiting out a long interval."""
        self._wake.set()

    async def fetch(self, token: str, read: Callable[[HanamiClient], T]) -> T:
        """``read(client)`` in a worker thread, the client carrying ``token``; counts the poll."""
        answer = await asyncio.to_thread(self._read, token, read)
        self.polls += 1
        return answer

    def _read(self, token: str, read: Callable[[HanamiClient], T]) -> T:
        if self._client is None:
            self._client = new_hanami(token)
        self._client.token = token
        return read(self._client)

    async def _run(self) -> None:
        layer = get_channel_layer()
        while self.tokens:
            token = next(iter(self.tokens.values()))
            polled = time.monotonic()
            self._wake.clear()
            try:
                # Another process holding the lease polls: its news reaches our sockets too.
                leased = await self.lease.hold()
                interval = await self.poll(layer, token) if leased else LEASE_RETRY
            except Unauthorized:
                await self._drop_token(layer, token)
                continue
            except HanamiError as error:
                logger.warning("%s: %s", self.name, error)
                interval = self.after_error
            except Exception:
                # A slip of the channel layer, the cache or rendering must not leave the watchers
                # unfed.
                logger.exception("%s: poll failed", self.name)
                interval = self.after_error
            # The next poll is an interval after this one began, or sooner when woken...
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=max(polled + interval - time.monotonic(), 0.0)
                )
            # ...but however often it is woken, at most once per ``shortest`` seconds.
            await asyncio.sleep(max(polled + self.shortest - time.monotonic(), 0.0))

    async def _drop_token(self, layer: Any, token: str) -> None:
        """A subscriber's backend session ended: close its sockets, go on with another token."""
        for channel, held in list(self.tokens.items()):
            if held == token:
                del self.tokens[channel]
                await layer.send(channel, SESSION_ENDED_EVENT)


def join(
    pollers: dict[str, P], key: str, channel_name: str, token: str, *, create: Callable[[], P]
) -> P:
    """Subscribe a channel to the poller of ``key``, starting one if none runs in this loop."""
    poller = pollers.get(key)
    if poller is None or not poller.running:
        poller = pollers[key] = create()
        poller.tokens[channel_name] = token
        poller.start()
    else:
        poller.tokens[channel_name] = token
        poller.wake()
    return poller


async def leave(pollers: dict[str, P], key: str, channel_name: str) -> None:
    """Unsubscribe a channel; the last one to leave stops the poller."""
    poller = pollers.get(key)
    if poller is None:
        return
    poller.tokens.pop(channel_name, None)
    if not poller.tokens:
        del pollers[key]
        await poller.stop()
