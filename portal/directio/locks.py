"""One browser drives a cluster at a time: a lock per cluster in Django's cache.

``cache.add`` stores a key only when it is absent, atomically in every cache backend Django
ships (the default in-memory cache within one process; Redis and Memcached across processes).
The portal runs one process by default, so the default cache is enough; portals of several
daphne processes must point ``CACHES`` at a shared cache (Redis), or two browsers attached to
different processes could both take the lock. Even then the backend keeps them apart: its
``set_mode DIRECT`` answers 409 while the cluster is already in direct mode, and the second
browser is told the cluster is busy, only without the name of who holds it.

A holder refreshes its lock while its socket lives (every ``REFRESH_SECONDS``); a process that
dies holding one frees it after ``LOCK_SECONDS``. Releasing compares the holder's channel
first, so a socket never frees a lock another one took after its own expired.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass

from django.core.cache import cache

__all__ = [
    "HANDOVER_SECONDS",
    "LOCK_SECONDS",
    "REFRESH_SECONDS",
    "Holder",
    "claim",
    "current_holder",
    "holder_of",
    "refresh",
    "release",
]

LOCK_SECONDS = 60
REFRESH_SECONDS = 20
#: How long a page waits for a lock its own user holds, and how often it asks meanwhile.
HANDOVER_SECONDS = 3.0
HANDOVER_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Holder:
    """Who drives a cluster: the portal user, and the socket (channel) they drive it from."""

    user_id: str
    name: str
    channel: str
    since: float


def _key(cluster_uuid: str) -> str:
    return f"directio:driver:{cluster_uuid}"


def current_holder(cluster_uuid: str) -> Holder | None:
    """Who drives the cluster now, if anyone (for views)."""
    stored = cache.get(_key(cluster_uuid))
    return Holder(**stored) if stored else None


async def holder_of(cluster_uuid: str) -> Holder | None:
    """Who drives the cluster now, if anyone."""
    stored = await cache.aget(_key(cluster_uuid))
    return Holder(**stored) if stored else None


async def claim(cluster_uuid: str, *, user_id: str, name: str, channel: str) -> Holder | None:
    """Take the cluster's lock: None when taken, else who holds it (maybe another tab).

    A lock of the same user is waited for, up to ``HANDOVER_SECONDS``: most likely it is the
    page this one replaces (a reload, the other view of the page), still closing its socket.
    """
    deadline = time.monotonic() + HANDOVER_SECONDS
    while True:
        holder = await _claim_once(cluster_uuid, user_id=user_id, name=name, channel=channel)
        if holder is None or holder.user_id != user_id or time.monotonic() >= deadline:
            return holder
        await asyncio.sleep(HANDOVER_POLL_SECONDS)


async def _claim_once(cluster_uuid: str, *, user_id: str, name: str, channel: str) -> Holder | None:
    mine = Holder(user_id=user_id, name=name, channel=channel, since=time.time())
    for _ in range(2):
        if await cache.aadd(_key(cluster_uuid), asdict(mine), LOCK_SECONDS):
            return None
        current = await holder_of(cluster_uuid)
        if current is not None:
            return current
        # Freed between the two questions: try once more.
    return Holder(user_id="", name="", channel="", since=time.time())


async def refresh(cluster_uuid: str) -> None:
    """Keep a held lock for another ``LOCK_SECONDS``."""
    await cache.atouch(_key(cluster_uuid), LOCK_SECONDS)


async def release(cluster_uuid: str, channel: str) -> None:
    """Free the lock, if this channel holds it."""
    current = await holder_of(cluster_uuid)
    if current is not None and current.channel == channel:
        await cache.adelete(_key(cluster_uuid))
