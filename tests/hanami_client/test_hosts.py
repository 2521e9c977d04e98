"""Hosts and switch_host through the client: the host table, and switching a hexagon as a typed
cluster or a typed error."""

from __future__ import annotations

import uuid

import pytest

from hanami_client import Cluster, HanamiClient, NotFound, Table
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE


@pytest.fixture
def cluster(member_client: HanamiClient) -> Cluster:
    """A member's cluster of three hexagons."""
    return member_client.clusters.create(fresh_name("Host Cluster"), TEMPLATE)


def test_list_has_one_cpu_host(member_client: HanamiClient) -> None:
    hosts = member_client.hosts.list()

    assert isinstance(hosts, Table)
    assert hosts.header == ("uuid", "type")
    [host] = hosts
    assert host.type == "cpu"
    assert str(uuid.UUID(host.uuid)) == host["uuid"]


def test_switch_host_moves_hexagon_one_by_default(
    member_client: HanamiClient, cluster: Cluster
) -> None:
    host_uuid = member_client.hosts.list()[0].uuid

    switched = member_client.clusters.switch_host(cluster.uuid, host_uuid)

    assert switched == cluster


def test_switch_host_takes_any_hexagon_of_the_template(
    member_client: HanamiClient, cluster: Cluster
) -> None:
    host_uuid = member_client.hosts.list()[0].uuid

    assert member_client.clusters.switch_host(cluster.uuid, host_uuid, hexagon_id=3) == cluster
    with pytest.raises(NotFound) as caught:
        member_client.clusters.switch_host(cluster.uuid, host_uuid, hexagon_id=4)

    assert caught.value.message == (
        f"Cluster with UUID '{cluster.uuid}' does not contain a hexagon with ID '4'"
    )
    assert caught.value.operation == "clusters.switch_host"


def test_switch_to_an_unknown_host_is_not_found(
    member_client: HanamiClient, cluster: Cluster
) -> None:
    unknown = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        member_client.clusters.switch_host(cluster.uuid, unknown)

    assert caught.value.message == f"Host with uuid '{unknown}' not found"


def test_another_users_cluster_cannot_be_switched(
    outsider_client: HanamiClient, cluster: Cluster
) -> None:
    host_uuid = outsider_client.hosts.list()[0].uuid

    with pytest.raises(NotFound) as caught:
        outsider_client.clusters.switch_host(cluster.uuid, host_uuid)

    assert caught.value.message == f"Cluster with uuid '{cluster.uuid}' not found"
