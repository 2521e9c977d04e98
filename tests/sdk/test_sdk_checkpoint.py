"""The SDK facade's ``checkpoint`` module and ``cluster.save_cluster``/``restore_cluster``: the
official names, signatures, return types and exceptions, over our client."""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Iterator

import pytest

from hanami_client import Cluster, HanamiClient
from hanami_client.sdk import checkpoint, cluster, hanami_exceptions, task
from tests.conftest import Persona
from tests.hanami_client.learning import (
    OTHER_TEMPLATE,
    deleted_after,
    new_cluster,
    trained_cluster,
    upload_train_set,
)
from tests.hanami_client.support import fresh_name

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    checkpoint.list_checkpoints: ["token", "address", V],
    checkpoint.delete_checkpoint: ["token", "address", "checkpoint_uuid", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


@pytest.fixture(scope="module")
def client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as module_client:
        yield module_client


@pytest.fixture(scope="module")
def trained(client: HanamiClient) -> Iterator[Cluster]:
    with deleted_after(client, trained_cluster(client, upload_train_set(client))) as created:
        yield created


@pytest.fixture
def empty(client: HanamiClient) -> Iterator[Cluster]:
    with deleted_after(client, new_cluster(client)) as created:
        yield created


def test_save_list_restore_delete_return_the_raw_replies(
    backend_address: str, member: Persona, client: HanamiClient, trained: Cluster, empty: Cluster
) -> None:
    token = member.token
    name = fresh_name("SDK Checkpoint")

    saved = cluster.save_cluster(token, backend_address, name, trained.uuid)
    checkpoint_uuid = json.loads(saved)["uuid"]
    client.tasks.wait(client.tasks.get(checkpoint_uuid, trained.uuid), interval=0.05)
    listed = checkpoint.list_checkpoints(token, backend_address)
    restored = cluster.restore_cluster(token, backend_address, checkpoint_uuid, empty.uuid)
    restore_uuid = json.loads(restored)["uuid"]
    restore_task = json.loads(task.get_task(token, backend_address, restore_uuid, empty.uuid))
    deleted = checkpoint.delete_checkpoint(token, backend_address, checkpoint_uuid)

    assert isinstance(saved, bytes)
    assert json.loads(saved) == {"name": name, "uuid": checkpoint_uuid}
    assert json.loads(listed)["header"] == [
        "created_at",
        "uuid",
        "project_id",
        "owner_id",
        "visibility",
        "name",
    ]
    assert [checkpoint_uuid, name] in [[row[1], row[-1]] for row in json.loads(listed)["body"]]
    assert list(json.loads(restored)) == ["uuid"]
    assert (restore_task["name"], restore_task["total_number_of_cycles"]) == ("", 1)
    assert deleted == b"{}"


def test_delete_checkpoint_twice_raises_not_found(
    backend_address: str, member: Persona, client: HanamiClient, trained: Cluster
) -> None:
    saved = cluster.save_cluster(member.token, backend_address, fresh_name("SDK"), trained.uuid)
    checkpoint_uuid = json.loads(saved)["uuid"]
    client.tasks.wait(client.tasks.get(checkpoint_uuid, trained.uuid), interval=0.05)
    checkpoint.delete_checkpoint(member.token, backend_address, checkpoint_uuid)

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        checkpoint.delete_checkpoint(member.token, backend_address, checkpoint_uuid)

    assert caught.value.message == f"Chekckpoint with uuid '{checkpoint_uuid}' not found".encode()


def test_restoring_an_unknown_checkpoint_raises_not_found(
    backend_address: str, member: Persona, empty: Cluster
) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        cluster.restore_cluster(member.token, backend_address, missing, empty.uuid)

    assert caught.value.message == f"Checkpoint with uuid '{missing}' not found".encode()


def test_restoring_into_another_shape_raises_bad_request(
    backend_address: str, member: Persona, client: HanamiClient, trained: Cluster
) -> None:
    saved = cluster.save_cluster(member.token, backend_address, fresh_name("SDK"), trained.uuid)
    checkpoint_uuid = json.loads(saved)["uuid"]
    client.tasks.wait(client.tasks.get(checkpoint_uuid, trained.uuid), interval=0.05)

    with (
        deleted_after(client, new_cluster(client, OTHER_TEMPLATE)) as other,
        pytest.raises(hanami_exceptions.BadRequestException),
    ):
        cluster.restore_cluster(member.token, backend_address, checkpoint_uuid, other.uuid)


def test_saving_an_unknown_cluster_raises_not_found(backend_address: str, member: Persona) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        cluster.save_cluster(member.token, backend_address, "SDK Lost", missing)

    assert caught.value.message == f"Cluster with uuid '{missing}' not found".encode()
