"""Clusters: create, get, list and delete as typed values, their failures as typed errors, and who
sees what; the failures of save and restore (their round trip is in test_checkpoints.py)."""

from __future__ import annotations

import re
import uuid

import pytest

from hanami_client import BadRequest, Cluster, Conflict, HanamiClient, NotFound
from tests.hanami_client.support import fresh_name

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
REPORT = "Uploaded template is not a valid cluster-template: \n"

# The wire vectors' templates: three hexagons in a row, and one whose input names no hexagon.
TEMPLATE = (
    "version: 1\nsettings:\n  neuron_cooldown: 100000.0\n  refractory_time: 1\n"
    "  max_connection_distance: 1\nhexagons:\n  1,1,1\n  2,1,1\n  3,1,1\n"
    "inputs:\n  pixels: 1,1,1\noutputs:\n  digit: 3,1,1\n"
)
BROKEN_TEMPLATE = (
    "version: 1\nsettings:\n  refractory_time: 1\nhexagons:\n  1,1,1\n"
    "inputs:\n  pixels: 9,9,9\noutputs:\n  digit: 1,1,1\n"
)


def test_create_returns_the_new_cluster_owned_by_the_caller(member_client: HanamiClient) -> None:
    name = fresh_name("Cluster")

    cluster = member_client.clusters.create(name, TEMPLATE)

    assert isinstance(cluster, Cluster)
    assert (cluster.name, cluster.owner_id, cluster.project_id, cluster.visibility) == (
        name,
        "memberuser",
        "alphaproj",
        "private",
    )
    assert uuid.UUID(cluster.uuid).version == 4
    assert TIMESTAMP.fullmatch(cluster.created_at)
    assert (cluster.number_of_blocks, cluster.number_of_sections) == (0, 0)


def test_get_returns_what_create_stored_with_untrained_counters(
    member_client: HanamiClient,
) -> None:
    created = member_client.clusters.create(fresh_name("Cluster"), TEMPLATE)

    assert member_client.clusters.get(created.uuid) == created


def test_list_has_the_contract_columns_and_the_new_cluster(member_client: HanamiClient) -> None:
    created = member_client.clusters.create(fresh_name("Cluster"), TEMPLATE)

    table = member_client.clusters.list()

    assert table.header == ("created_at", "uuid", "project_id", "owner_id", "visibility", "name")
    row = next(row for row in table if row["uuid"] == created.uuid)
    assert dict(row) == {
        "created_at": created.created_at,
        "uuid": created.uuid,
        "project_id": "alphaproj",
        "owner_id": "memberuser",
        "visibility": "private",
        "name": created.name,
    }


def test_delete_removes_the_cluster_and_a_second_delete_is_not_found(
    member_client: HanamiClient,
) -> None:
    cluster_uuid = member_client.clusters.create(fresh_name("Cluster"), TEMPLATE).uuid

    assert member_client.clusters.delete(cluster_uuid) is None

    with pytest.raises(NotFound) as caught:
        member_client.clusters.delete(cluster_uuid)
    assert caught.value.message == f"Cluster with uuid '{cluster_uuid}' not found"
    assert caught.value.operation == "clusters.delete"
    with pytest.raises(NotFound):
        member_client.clusters.get(cluster_uuid)
    assert cluster_uuid not in [row["uuid"] for row in member_client.clusters.list()]


def test_a_broken_template_is_a_bad_request_with_the_parser_report(
    member_client: HanamiClient,
) -> None:
    name = fresh_name("Broken")

    with pytest.raises(BadRequest) as caught:
        member_client.clusters.create(name, BROKEN_TEMPLATE)

    assert caught.value.status == 400
    assert caught.value.operation == "clusters.create"
    assert caught.value.message.startswith(REPORT)
    assert "Hexagon with the position [ 9 , 9 , 9 ] doesn't exist." in caught.value.message
    assert "line-number: 7" in caught.value.message
    assert name not in [row["name"] for row in member_client.clusters.list()]


def test_a_non_ascii_template_travels_as_utf8_and_the_parser_refuses_it(
    member_client: HanamiClient,
) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.clusters.create(fresh_name("Umlaut"), TEMPLATE.replace("pixels", "pixël"))

    assert caught.value.message.startswith(REPORT)
    assert "invalid character" in caught.value.message


def test_a_name_starting_with_a_digit_is_a_bad_request(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.clusters.create("1 Cluster", TEMPLATE)

    assert caught.value.message.startswith("Given item 'name' doesn't match with regex")


def test_a_too_short_name_is_a_bad_request(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.clusters.create("Clu", TEMPLATE)

    assert caught.value.message == "Given item 'name' is shorter than 4 characters"


def test_creating_a_cluster_name_twice_is_a_conflict(member_client: HanamiClient) -> None:
    name = member_client.clusters.create(fresh_name("Twin"), TEMPLATE).name

    with pytest.raises(Conflict) as caught:
        member_client.clusters.create(name, TEMPLATE)

    assert caught.value.status == 409
    assert caught.value.message == f"Cluster with name '{name}' already exist."
    assert caught.value.operation == "clusters.create"


def test_a_malformed_uuid_is_a_bad_request(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.clusters.get("fail_cluster")

    assert caught.value.message.startswith("Given item 'uuid' doesn't match with regex")


def test_an_unknown_uuid_is_not_found(member_client: HanamiClient) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        member_client.clusters.get(missing)

    assert caught.value.message == f"Cluster with uuid '{missing}' not found"


def test_an_outsider_neither_sees_nor_deletes_a_members_cluster(
    member_client: HanamiClient, outsider_client: HanamiClient
) -> None:
    cluster_uuid = member_client.clusters.create(fresh_name("Private"), TEMPLATE).uuid

    with pytest.raises(NotFound):
        outsider_client.clusters.get(cluster_uuid)
    with pytest.raises(NotFound):
        outsider_client.clusters.delete(cluster_uuid)
    assert cluster_uuid not in [row["uuid"] for row in outsider_client.clusters.list()]
    assert member_client.clusters.get(cluster_uuid).uuid == cluster_uuid


def test_the_admin_sees_every_projects_clusters(
    member_client: HanamiClient, admin_client: HanamiClient
) -> None:
    created = member_client.clusters.create(fresh_name("Seen"), TEMPLATE)

    assert admin_client.clusters.get(created.uuid) == created
    assert created.uuid in [row["uuid"] for row in admin_client.clusters.list()]


def test_a_name_taken_in_another_project_is_free(
    member_client: HanamiClient, outsider_client: HanamiClient
) -> None:
    name = member_client.clusters.create(fresh_name("Shared"), TEMPLATE).name

    twin = outsider_client.clusters.create(name, TEMPLATE)

    assert (twin.name, twin.project_id) == (name, "betaproj")


def test_saving_an_unknown_cluster_is_not_found(member_client: HanamiClient) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        member_client.clusters.save(missing, "Lost Checkpoint")

    assert caught.value.message == f"Cluster with uuid '{missing}' not found"
    assert caught.value.operation == "clusters.save"


def test_a_checkpoint_name_starting_with_a_digit_is_a_bad_request(
    member_client: HanamiClient,
) -> None:
    cluster_uuid = member_client.clusters.create(fresh_name("Saved"), TEMPLATE).uuid

    with pytest.raises(BadRequest) as caught:
        member_client.clusters.save(cluster_uuid, "1 Checkpoint")

    assert caught.value.message.startswith("Given item 'name' doesn't match with regex")
    assert len(member_client.tasks.list(cluster_uuid)) == 0


def test_restoring_a_malformed_checkpoint_uuid_is_a_bad_request(
    member_client: HanamiClient,
) -> None:
    cluster_uuid = member_client.clusters.create(fresh_name("Restored"), TEMPLATE).uuid

    with pytest.raises(BadRequest) as caught:
        member_client.clusters.restore(cluster_uuid, "fail_checkpoint")

    assert caught.value.message.startswith("Given item 'checkpoint_uuid' doesn't match with regex")
    assert caught.value.operation == "clusters.restore"
