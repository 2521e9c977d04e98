"""Direct IO for the JSON API: one message in a backend session of its own, and mode switches.

Each call takes the cluster's lock like a page does (a browser driving the cluster makes it
``InUse``), switches the cluster to DIRECT mode, relays the message and switches back.
"""

from __future__ import annotations

import uuid

from hanami_client import HanamiClient, ModeChange
from hanami_client.direct import Mode, Outputs
from portal.directio.locks import Holder, claim, current_holder, release
from portal.directio.messages import DirectMessage
from portal.hanami import new_hanami

__all__ = ["InUse", "direct_once", "set_mode"]


class InUse(Exception):
    """A browser drives the cluster through the portal; the text says who."""

    def __init__(self, holder: Holder) -> None:
        who = holder.name or "another browser"
        if holder.user_id:
            who += f" ({holder.user_id})"
        super().__init__(
            f"In use by {who}: only one browser or call may drive a cluster at a time."
        )


async def direct_once(
    *,
    token: str,
    user: tuple[str, str],
    cluster_uuid: str,
    outputs: tuple[str, ...] | None,
    message: DirectMessage,
) -> Outputs | None:
    """Relay one message in a session of its own: a request's outputs, None after training.

    ``user`` is the caller's id and name, shown to others while the call holds the cluster.
    """
    channel = f"api.{uuid.uuid4()}"
    holder = await claim(cluster_uuid, user_id=user[0], name=user[1], channel=channel)
    if holder is not None:
        raise InUse(holder)
    client = new_hanami(token)
    try:
        async with client.clusters.direct(cluster_uuid, outputs=outputs) as io:
            if message.kind == "train":
                await io.train(message.inputs, message.expected)
                return None
            return await io.request(message.inputs)
    finally:
        client.close()
        await release(cluster_uuid, channel)


def set_mode(*, client: HanamiClient, cluster_uuid: str, mode: Mode) -> ModeChange:
    """Switch the cluster's mode; never to TASK under a browser that drives it (``InUse``)."""
    if mode == "TASK":
        # ``InUse`` names who drives the cluster: only for one the backend shows (else NotFound).
        client.clusters.get(cluster_uuid)
    holder = current_holder(cluster_uuid)
    if mode == "TASK" and holder is not None:
        raise InUse(holder)
    return client.clusters.set_mode(cluster_uuid, mode)
