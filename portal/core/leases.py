"""Which portal process polls the backend for a watched thing: a short lease in Django's cache.

Portals of several daphne processes share one channel layer (channels-redis) and one cache
(Redis, see ``CACHES`` in the settings). A group then spans the processes, so one poller in one
of them is enough to feed every socket watching the thing, wherever it is attached. The process
holding the lease polls and renews it at every poll; the others wait, and take it over within
``LEASE_SECONDS`` when the holder stops (it releases the lease) or dies (the lease expires).

With the default in-memory cache there is one process, which always holds its leases.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache

__all__ = ["LEASE_SECONDS", "PROCESS", "Lease"]

#: Seconds a lease lasts unless renewed: the longest a dead holder's watchers wait for another.
LEASE_SECONDS = 5
#: This process's name as a lease holder.
PROCESS = uuid4().hex


@dataclass(frozen=True)
class Lease:
    """The lease of one watched thing, held (or wanted) by one process."""

    key: str
    owner: str = PROCESS

    async def hold(self) -> bool:
        """Take the lease or renew it; False while another process holds it."""
        holder = await cache.aget(self.key)
        if holder == self.owner:
            return await cache.atouch(self.key, LEASE_SECONDS) or await self._take()
        return holder is None and await self._take()

    async def release(self) -> None:
        """Give the lease up, if it is still ours, so that another process takes it at once."""
        if await cache.aget(self.key) == self.owner:
            await cache.adelete(self.key)

    async def _take(self) -> bool:
        return await cache.aadd(self.key, self.owner, LEASE_SECONDS)
