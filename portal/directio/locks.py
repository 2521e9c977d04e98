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

import time
from dataclasses import asdict, dataclass

from django.core.cache import cache

__all__ = [
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
    """Take the cluster's lock: None when taken, else who holds it (maybe another tab)."""
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
