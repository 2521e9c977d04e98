"""Checkpoints: saving a cluster into one, reading, listing and deleting it, restoring it into a
cluster (which then answers exactly as the saved one did), and who sees what."""

from __future__ import annotations

import re
import uuid

import pytest
import responses

from hanami_client import (
    BadRequest,
    Checkpoint,
    Cluster,
    Dataset,
    HanamiClient,
    NotFound,
    ServerError,
)
from tests.hanami_client.learning import (
    OTHER_TEMPLATE,
    TEST_ROWS,
    deleted_after,
    new_cluster,
    request_digits,
    start_training,
    trained_cluster,
)
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
LIST_HEADER = ("created_at", "uuid", "project_id", "owner_id", "visibility", "name")


def save(client: HanamiClient, cluster: Cluster, name: str | None = None) -> str:
    """Save a cluster and wait for the save task; returns the checkpoint's uuid."""
    task_uuid = client.clusters.save(cluster.uuid, name or fresh_name("Checkpoint"))
    saved = client.tasks.get(task_uuid, cluster.uuid)
    assert client.tasks.wait(saved, interval=0.05).state == "finished"
    return task_uuid


def restore(client: HanamiClient, cluster: Cluster, checkpoint_uuid: str) -> None:
    """Restore a checkpoint into a cluster and wait for the restore task."""
    task_uuid = client.clusters.restore(cluster.uuid, checkpoint_uuid)
    restored = client.tasks.get(task_uuid, cluster.uuid)
    assert client.tasks.wait(restored, interval=0.05).state == "finished"


# -- save, get, list ---------------------------------------------------------------------------


def test_save_runs_a_task_whose_uuid_becomes_the_checkpoints(
    client: HanamiClient, trained: Cluster
) -> None:
    name = fresh_name("Snapshot")

    task_uuid = client.clusters.save(trained.uuid, name)
    task = client.tasks.wait(client.tasks.get(task_uuid, trained.uuid), interval=0.05)

    assert uuid.UUID(task_uuid).version == 4
    assert (task.uuid, task.name, task.state) == (task_uuid, name, "finished")
    assert (task.current_cycle, task.total_number_of_cycles, task.fraction) == (0, 1, 1.0)
    assert client.checkpoints.get(task_uuid).name == name


def test_get_returns_the_checkpoint_owned_by_the_saver(
    client: HanamiClient, trained: Cluster
) -> None:
    name = fresh_name("Snapshot")
    checkpoint_uuid = save(client, trained, name)

    checkpoint = client.checkpoints.get(checkpoint_uuid)

    assert isinstance(checkpoint, Checkpoint)
    assert (checkpoint.uuid, checkpoint.name) == (checkpoint_uuid, name)
    assert (checkpoint.owner_id, checkpoint.project_id, checkpoint.visibility) == (
        "memberuser",
        "alphaproj",
        "private",
    )
    assert TIMESTAMP.fullmatch(checkpoint.created_at)


def test_list_has_the_contract_columns_and_the_checkpoint(
    client: HanamiClient, trained: Cluster
) -> None:
    checkpoint = client.checkpoints.get(save(client, trained))

    table = client.checkpoints.list()

    assert table.header == LIST_HEADER
    row = next(row for row in table if row["uuid"] == checkpoint.uuid)
    assert dict(row) == {
        "created_at": checkpoint.created_at,
        "uuid": checkpoint.uuid,
        "project_id": "alphaproj",
        "owner_id": "memberuser",
        "visibility": "private",
        "name": checkpoint.name,
    }


def test_a_save_queued_behind_training_writes_its_checkpoint_in_turn(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    start_training(client, cluster, train_set)
    start_training(client, cluster, train_set)

    task_uuid = client.clusters.save(cluster.uuid, fresh_name("Later"))
    queued = client.tasks.get(task_uuid, cluster.uuid)

    assert queued.state == "queued"
    with pytest.raises(NotFound):
        client.checkpoints.get(task_uuid)
    assert client.tasks.wait(queued, interval=0.05).state == "finished"
    assert client.checkpoints.get(task_uuid).uuid == task_uuid


# -- restore -----------------------------------------------------------------------------------


def test_a_restored_cluster_answers_exactly_as_the_saved_one(
    client: HanamiClient, trained: Cluster, cluster: Cluster, test_set: Dataset
) -> None:
    before = request_digits(client, trained, test_set)
    checkpoint_uuid = save(client, trained)

    restore(client, cluster, checkpoint_uuid)
    after = request_digits(client, cluster, test_set)

    expected = client.datasets.content(before.uuid, "digit", number_of_rows=TEST_ROWS)
    assert client.datasets.content(after.uuid, "digit", number_of_rows=TEST_ROWS) == expected
    assert client.datasets.check(after.uuid, test_set.uuid) > 80.0


def test_a_cluster_deleted_and_created_again_is_restored_from_its_checkpoint(
    client: HanamiClient, train_set: Dataset, test_set: Dataset
) -> None:
    with deleted_after(client, trained_cluster(client, train_set)) as original:
        before = request_digits(client, original, test_set)
        checkpoint_uuid = save(client, original)
        client.clusters.delete(original.uuid)

    with deleted_after(client, client.clusters.create(original.name, TEMPLATE)) as again:
        restore(client, again, checkpoint_uuid)
        after = request_digits(client, again, test_set)

        assert client.datasets.content(
            after.uuid, "digit", number_of_rows=TEST_ROWS
        ) == client.datasets.content(before.uuid, "digit", number_of_rows=TEST_ROWS)


def test_the_restore_task_is_listed_with_no_name(
    client: HanamiClient, trained: Cluster, cluster: Cluster
) -> None:
    checkpoint_uuid = save(client, trained)

    task_uuid = client.clusters.restore(cluster.uuid, checkpoint_uuid)
    task = client.tasks.wait(client.tasks.get(task_uuid, cluster.uuid), interval=0.05)

    assert (task.name, task.state, task.total_number_of_cycles) == ("", "finished", 1)
    assert [row["uuid"] for row in client.tasks.list(cluster.uuid)] == [task_uuid]


def test_a_checkpoint_of_another_shape_is_a_bad_request_and_changes_nothing(
    client: HanamiClient, trained: Cluster
) -> None:
    checkpoint_uuid = save(client, trained)

    with deleted_after(client, new_cluster(client, OTHER_TEMPLATE)) as other:
        with pytest.raises(BadRequest) as caught:
            client.clusters.restore(other.uuid, checkpoint_uuid)

        assert caught.value.operation == "clusters.restore"
        assert len(client.tasks.list(other.uuid)) == 0
        assert client.clusters.get(other.uuid).number_of_blocks == 0


def test_an_unknown_checkpoint_is_not_found(client: HanamiClient, cluster: Cluster) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        client.clusters.restore(cluster.uuid, missing)

    assert caught.value.message == f"Checkpoint with uuid '{missing}' not found"
    assert caught.value.operation == "clusters.restore"


def test_restoring_into_an_unknown_cluster_is_not_found(
    client: HanamiClient, trained: Cluster
) -> None:
    checkpoint_uuid = save(client, trained)
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        client.clusters.restore(missing, checkpoint_uuid)

    assert caught.value.message == f"Cluster with uuid '{missing}' not found"


# -- delete ------------------------------------------------------------------------------------


def test_delete_removes_the_checkpoint_and_a_second_delete_is_not_found(
    client: HanamiClient, trained: Cluster
) -> None:
    checkpoint_uuid = save(client, trained)

    assert client.checkpoints.delete(checkpoint_uuid) is None

    with pytest.raises(NotFound) as caught:
        client.checkpoints.delete(checkpoint_uuid)
    assert caught.value.message == f"Chekckpoint with uuid '{checkpoint_uuid}' not found"
    assert caught.value.operation == "checkpoints.delete"
    with pytest.raises(NotFound):
        client.checkpoints.get(checkpoint_uuid)
    assert checkpoint_uuid not in [row["uuid"] for row in client.checkpoints.list()]


def test_a_restored_cluster_keeps_its_state_when_the_checkpoint_goes(
    client: HanamiClient, trained: Cluster, cluster: Cluster, test_set: Dataset
) -> None:
    checkpoint_uuid = save(client, trained)
    restore(client, cluster, checkpoint_uuid)

    client.checkpoints.delete(checkpoint_uuid)

    assert client.datasets.check(request_digits(client, cluster, test_set).uuid, test_set.uuid) > 80


def test_an_unknown_checkpoint_uuid_is_not_found(client: HanamiClient) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        client.checkpoints.get(missing)

    assert caught.value.message == f"Checkpoint with uuid '{missing}' not found"
    assert caught.value.operation == "checkpoints.get"


def test_upstreams_checkpoint_get_that_always_fails_is_a_server_error() -> None:
    address = "http://hanami.test"
    with responses.RequestsMock() as upstream, HanamiClient(address, "token") as faked:
        upstream.get(f"{address}/v1.0alpha/checkpoint", status=500, body="")

        with pytest.raises(ServerError) as caught:
            faked.checkpoints.get(str(uuid.uuid4()))

    assert (caught.value.status, caught.value.operation) == (500, "checkpoints.get")


def test_a_malformed_checkpoint_uuid_is_a_bad_request(client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.checkpoints.get("fail_checkpoint")

    assert caught.value.message.startswith("Given item 'uuid' doesn't match with regex")


# -- who sees what -----------------------------------------------------------------------------


def test_an_outsider_neither_sees_nor_uses_a_members_checkpoint(
    client: HanamiClient, outsider_client: HanamiClient, trained: Cluster
) -> None:
    checkpoint_uuid = save(client, trained)

    with (
        deleted_after(outsider_client, new_cluster(outsider_client)) as foreign,
        pytest.raises(NotFound),
    ):
        outsider_client.clusters.restore(foreign.uuid, checkpoint_uuid)
    with pytest.raises(NotFound):
        outsider_client.checkpoints.get(checkpoint_uuid)
    with pytest.raises(NotFound):
        outsider_client.checkpoints.delete(checkpoint_uuid)
    with pytest.raises(NotFound):
        outsider_client.clusters.save(trained.uuid, fresh_name("Stolen"))
    assert checkpoint_uuid not in [row["uuid"] for row in outsider_client.checkpoints.list()]
    assert client.checkpoints.get(checkpoint_uuid).uuid == checkpoint_uuid


def test_the_admin_sees_every_projects_checkpoints(
    client: HanamiClient, admin_client: HanamiClient, trained: Cluster
) -> None:
    checkpoint = client.checkpoints.get(save(client, trained))

    assert admin_client.checkpoints.get(checkpoint.uuid) == checkpoint
    assert checkpoint.uuid in [row["uuid"] for row in admin_client.checkpoints.list()]
