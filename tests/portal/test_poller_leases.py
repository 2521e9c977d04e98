"""One poller across portal processes: the lease in the cache, and two pollers sharing a group.

Two pollers of the same cluster with leases of different owners stand for the pollers of two
portal processes: they share the cache and the channel layer as processes share Redis.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from channels.layers import get_channel_layer

from hanami_client import Cluster, Dataset, HanamiClient
from portal.core.leases import PROCESS, Lease
from portal.tasks.poller import ClusterPoller, group_name
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    digits,
    io,
    member_hanami,
)

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60.0


async def test_a_lease_is_held_by_one_owner_until_released() -> None:
    ours = Lease(unique_id("poller:test-"))
    theirs = dataclasses.replace(ours, owner="another process")
    assert ours.owner == PROCESS
    assert await ours.hold()
    assert await ours.hold()  # renewed
    assert not await theirs.hold()
    await theirs.release()  # not theirs to release
    assert not await theirs.hold()
    await ours.release()
    assert await theirs.hold()
    assert not await ours.hold()
    await theirs.release()


async def finished_rows(layer: object, channel: str, task_uuid: str) -> str:
    """The group message that shows the task finished, as one channel receives it."""
    wanted = rf'data-task="{task_uuid}" data-state="finished"'
    async with asyncio.timeout(WAIT):
        while True:
            message = await layer.receive(channel)
            if re.search(wanted, message["rows"]):
                return message["rows"]


async def test_of_two_processes_one_polls_and_both_sockets_see_the_task_finish(
    web: str,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
    member: Persona,
) -> None:
    layer = get_channel_layer()
    group = group_name(cluster.uuid)
    pollers = [ClusterPoller(cluster.uuid), ClusterPoller(cluster.uuid)]
    pollers[1].lease = dataclasses.replace(pollers[1].lease, owner="another process")
    channels = [await layer.new_channel(), await layer.new_channel()]
    for poller, channel in zip(pollers, channels, strict=True):
        await layer.group_add(group, channel)
        poller.tokens[channel] = member.token
        poller.start()
    try:
        inputs, outputs = io(digits)
        task = await asyncio.to_thread(
            member_hanami.tasks.train, unique_id("Leased "), cluster.uuid, inputs, outputs
        )
        seen = [await finished_rows(layer, channel, task.uuid) for channel in channels]
        assert seen[0] == seen[1]
        polled = [poller.polls for poller in pollers]
        assert sorted(polled)[0] == 0, f"both processes polled the backend: {polled}"
        assert sorted(polled)[1] >= 1
        # The polling process stops (its last socket left): the other takes over.
        leader, follower = pollers if polled[0] else pollers[::-1]
        await leader.stop()
        async with asyncio.timeout(WAIT):
            while follower.polls == 0:
                await asyncio.sleep(0.05)
        assert follower.snapshot is not None
        assert f'data-task="{task.uuid}"' in follower.snapshot.rows
    finally:
        for poller, channel in zip(pollers, channels, strict=True):
            await poller.stop()
            await layer.group_discard(group, channel)
