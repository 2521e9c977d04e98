"""The SDK facade's ``task`` module: the official names, signatures, return types and exceptions
of creating, reading, listing and deleting tasks, over our client."""

from __future__ import annotations

import inspect
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from hanami_client import Cluster, Dataset, HanamiClient
from hanami_client.sdk import dataset, hanami_exceptions, task
from tests.conftest import Persona
from tests.hanami_client.learning import (
    TEST_ROWS,
    TRAIN_ROWS,
    deleted_after,
    new_cluster,
    trained_cluster,
    upload_test_set,
    upload_train_set,
)
from tests.hanami_client.support import fresh_name

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    task.create_train_task: [
        "token",
        "address",
        "name",
        "cluster_uuid",
        "inputs",
        "outputs",
        ("timeLength", 1),
        V,
    ],
    task.create_request_task: [
        "token",
        "address",
        "name",
        "cluster_uuid",
        "inputs",
        "results",
        ("timeLength", 1),
        V,
    ],
    task.get_task: ["token", "address", "task_uuid", "cluster_uuid", V],
    task.list_tasks: ["token", "address", "cluster_uuid", V],
    task.delete_task: ["token", "address", "task_uuid", "cluster_uuid", V],
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
def train_set(client: HanamiClient) -> Dataset:
    return upload_train_set(client)


@pytest.fixture(scope="module")
def test_set(client: HanamiClient) -> Dataset:
    return upload_test_set(client)


@pytest.fixture
def cluster(client: HanamiClient) -> Iterator[Cluster]:
    with deleted_after(client, new_cluster(client)) as created:
        yield created


def items(dataset_uuid: str, column: str, hexagon: str) -> list[dict[str, str]]:
    return [{"dataset_uuid": dataset_uuid, "dataset_column": column, "hexagon_name": hexagon}]


def poll(token: str, address: str, task_uuid: str, cluster_uuid: str) -> dict[str, Any]:
    """Poll get_task until finished, as the official test does (faster than its 1 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = json.loads(task.get_task(token, address, task_uuid, cluster_uuid))
        if current["state"] == "finished":
            return current
        time.sleep(0.05)
    raise AssertionError(f"task {task_uuid} did not finish")


def test_train_get_list_delete_return_the_raw_replies(
    backend_address: str, member: Persona, cluster: Cluster, train_set: Dataset
) -> None:
    token = member.token
    name = fresh_name("SDK Train")

    created = task.create_train_task(
        token,
        backend_address,
        name,
        cluster.uuid,
        items(train_set.uuid, "picture", "pixels"),
        items(train_set.uuid, "label", "digit"),
    )
    task_uuid = json.loads(created)["uuid"]
    finished = poll(token, backend_address, task_uuid, cluster.uuid)
    listed = task.list_tasks(token, backend_address, cluster.uuid)
    deleted = task.delete_task(token, backend_address, task_uuid, cluster.uuid)

    assert isinstance(created, bytes)
    assert json.loads(created) | {"queue_timestamp": "t"} == {
        "current_cycle": 0,
        "end_timestamp": "-",
        "name": name,
        "queue_timestamp": "t",
        "start_timestamp": "-",
        "state": "queued",
        "total_number_of_cycles": TRAIN_ROWS,
        "uuid": task_uuid,
    }
    assert finished["current_cycle"] == finished["total_number_of_cycles"] == TRAIN_ROWS
    assert json.loads(listed)["header"] == ["uuid", "state", "percentage", "queued", "start", "end"]
    assert [task_uuid, "finished", "1.000000"] in [row[:3] for row in json.loads(listed)["body"]]
    assert deleted == b"{}"


def test_a_request_writes_the_result_dataset_named_by_its_uuid(
    backend_address: str,
    member: Persona,
    client: HanamiClient,
    train_set: Dataset,
    test_set: Dataset,
) -> None:
    token = member.token
    with deleted_after(client, trained_cluster(client, train_set)) as trained:
        created = task.create_request_task(
            token,
            backend_address,
            fresh_name("SDK Request"),
            trained.uuid,
            items(test_set.uuid, "picture", "pixels"),
            [{"dataset_column": "test_output", "hexagon_name": "digit"}],
            1,
            True,
        )
        task_uuid = json.loads(created)["uuid"]
        poll(token, backend_address, task_uuid, trained.uuid)

    content = json.loads(
        dataset.download_dataset_content(token, backend_address, task_uuid, "test_output", 10, 100)
    )
    checked = json.loads(
        dataset.check_mnist_dataset(token, backend_address, task_uuid, test_set.uuid)
    )
    assert json.loads(created)["total_number_of_cycles"] == TEST_ROWS
    assert [len(row) for row in content["data"]] == [10] * 10
    assert checked["accuracy"] > 80.0


def test_time_length_travels_as_time_length(
    backend_address: str, member: Persona, cluster: Cluster, train_set: Dataset
) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException) as caught:
        task.create_train_task(
            member.token,
            backend_address,
            fresh_name("SDK Zero"),
            cluster.uuid,
            items(train_set.uuid, "picture", "pixels"),
            items(train_set.uuid, "label", "digit"),
            timeLength=0,
        )

    assert b"time_length" in caught.value.message


def test_a_missing_item_key_raises_bad_request_with_upstreams_words(
    backend_address: str, member: Persona, cluster: Cluster, train_set: Dataset
) -> None:
    inputs = [{"dataset_uuid": train_set.uuid, "dataset_column": "picture"}]

    with pytest.raises(hanami_exceptions.BadRequestException) as caught:
        task.create_train_task(
            member.token, backend_address, fresh_name("SDK"), cluster.uuid, inputs, []
        )

    assert caught.value.message == b"'hexagon_name' is missing"


def test_unknown_tasks_and_clusters_raise_not_found(
    backend_address: str, member: Persona, cluster: Cluster
) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        task.get_task(member.token, backend_address, missing, cluster.uuid)
    assert caught.value.message == f"Task with UUID '{missing}' not found".encode()
    with pytest.raises(hanami_exceptions.NotFoundException):
        task.list_tasks(member.token, backend_address, missing)
    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        task.delete_task(member.token, backend_address, missing, cluster.uuid)
    assert (
        caught.value.message
        == (f"Task with UUID '{missing}'not found in Cluster with UUID '{cluster.uuid}").encode()
    )
    with pytest.raises(hanami_exceptions.NotFoundException):
        task.create_request_task(member.token, backend_address, "SDK Lost", missing, [], [])


def test_a_malformed_task_uuid_raises_bad_request(
    backend_address: str, member: Persona, cluster: Cluster
) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException):
        task.get_task(member.token, backend_address, "fail_task", cluster.uuid)
