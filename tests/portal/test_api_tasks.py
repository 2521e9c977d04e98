"""The task operations of the JSON API, against the real embedded backend."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from hanami_client import Cluster, Dataset, HanamiClient, Task
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_api import sign_in_with_csrf
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    digits,
    member_hanami,
    outsider_web,
    trained,
)

MISSING = "0badc0de-0000-4000-8000-000000000000"
JSON = "application/json"
TASK_KEYS = {
    "uuid",
    "name",
    "state",
    "current_cycle",
    "total_number_of_cycles",
    "percentage",
    "queue_timestamp",
    "start_timestamp",
    "end_timestamp",
    "cluster_uuid",
}


def tasks_url(cluster_uuid: str) -> str:
    return f"/api/clusters/{cluster_uuid}/tasks"


def post(client: Client, path: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type=JSON, **extra)


def item(dataset: Dataset, column: str, hexagon: str) -> dict[str, str]:
    return {"dataset_uuid": dataset.uuid, "dataset_column": column, "hexagon_name": hexagon}


def train_body(digits: Dataset, name: str, hexagon: str = "label_hex") -> dict[str, Any]:  # noqa: F811
    return {
        "name": name,
        "inputs": [item(digits, "picture", "picture_hex")],
        "outputs": [item(digits, "label", hexagon)],
    }


def wait_done(client: Client, cluster_uuid: str, task_uuid: str) -> dict[str, Any]:
    """Poll the API until the task has ended."""
    deadline = time.monotonic() + 120
    while True:
        task = client.get(f"{tasks_url(cluster_uuid)}/{task_uuid}").json()
        if task["state"] in ("finished", "aborted"):
            return task
        assert time.monotonic() < deadline
        time.sleep(0.05)


OPERATIONS = [
    ("get", tasks_url(MISSING)),
    ("get", f"{tasks_url(MISSING)}/{MISSING}"),
    ("delete", f"{tasks_url(MISSING)}/{MISSING}"),
    ("post", f"{tasks_url(MISSING)}/train"),
    ("post", f"{tasks_url(MISSING)}/request"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_caller_gets_401_for_task_operations(web: str, method: str, path: str) -> None:
    response = getattr(Client(), method)(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first.", "code": "not_authenticated"}


def test_train_answers_201_with_the_queued_task_then_it_finishes(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    name = unique_id("Api train ")
    response = post(member_web, f"{tasks_url(cluster.uuid)}/train", train_body(digits, name))
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == TASK_KEYS
    assert (created["name"], created["state"], created["current_cycle"]) == (name, "queued", 0)
    assert created["start_timestamp"] is None
    assert created["total_number_of_cycles"] == 1000
    assert created["cluster_uuid"] == cluster.uuid
    done = wait_done(member_web, cluster.uuid, created["uuid"])
    assert (done["state"], done["current_cycle"], done["percentage"]) == ("finished", 1000, 1.0)
    assert done["end_timestamp"] is not None
    rows = member_web.get(tasks_url(cluster.uuid)).json()
    row = next(row for row in rows if row["uuid"] == created["uuid"])
    assert set(row) == {"uuid", "state", "percentage", "queued", "start", "end"}
    assert (row["state"], row["percentage"]) == ("finished", 1.0)


def test_request_writes_its_results_into_the_dataset_with_its_uuid(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    trained: Task,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    body = {
        "name": unique_id("Api request "),
        "inputs": [item(digits, "picture", "picture_hex")],
        "results": [{"dataset_column": "digit", "hexagon_name": "label_hex"}],
    }
    response = post(member_web, f"{tasks_url(cluster.uuid)}/request", body)
    assert response.status_code == 201, response.content
    task_uuid = response.json()["uuid"]
    try:
        assert wait_done(member_web, cluster.uuid, task_uuid)["state"] == "finished"
        result = member_web.get(f"/api/datasets/{task_uuid}").json()
        assert result["number_of_rows"] == 1000
        assert result["description"] == {"digit": {"column_start": 0, "column_end": 10}}
    finally:
        member_hanami.datasets.delete(task_uuid)


def test_delete_answers_204_and_the_task_is_gone(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    created = post(
        member_web, f"{tasks_url(cluster.uuid)}/train", train_body(digits, unique_id("Api gone "))
    ).json()
    wait_done(member_web, cluster.uuid, created["uuid"])
    url = f"{tasks_url(cluster.uuid)}/{created['uuid']}"
    assert member_web.delete(url).status_code == 204
    missing = member_web.get(url)
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": f"Task with UUID '{created['uuid']}' not found",
        "code": "not_found",
    }


def test_unknown_hexagon_answers_the_backends_404(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    body = train_body(digits, unique_id("Api lost "), hexagon="nowhere_hex")
    response = post(member_web, f"{tasks_url(cluster.uuid)}/train", body)
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Hexagon with name 'nowhere_hex' not found",
        "code": "not_found",
    }


def test_unknown_cluster_answers_404(
    member_web: Client,
    digits: Dataset,  # noqa: F811
) -> None:
    response = post(member_web, f"{tasks_url(MISSING)}/train", train_body(digits, "Nowhere"))
    assert response.status_code == 404
    assert response.json()["detail"] == f"Cluster with uuid '{MISSING}' not found"
    assert member_web.get(tasks_url(MISSING)).status_code == 404


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": "9lives"}, "name"),
        ({"inputs": []}, "inputs"),
        ({"time_length": 0}, "time_length"),
        ({"outputs": [{"dataset_uuid": "not-a-uuid", "dataset_column": "label"}]}, "dataset_uuid"),
    ],
)
def test_invalid_bodies_answer_422_before_asking_the_backend(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    change: dict[str, Any],
    problem: str,
) -> None:
    body = {**train_body(digits, unique_id("Api invalid ")), **change}
    response = post(member_web, f"{tasks_url(cluster.uuid)}/train", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert problem in response.json()["detail"]


def test_invalid_task_uuid_answers_422(member_web: Client, cluster: Cluster) -> None:  # noqa: F811
    response = member_web.get(f"{tasks_url(cluster.uuid)}/not-a-uuid")
    assert response.status_code == 422


def test_outsider_gets_404_for_another_projects_cluster(
    outsider_web: Client,  # noqa: F811
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    assert outsider_web.get(tasks_url(cluster.uuid)).status_code == 404
    assert outsider_web.get(f"{tasks_url(cluster.uuid)}/{trained.uuid}").status_code == 404
    assert outsider_web.delete(f"{tasks_url(cluster.uuid)}/{trained.uuid}").status_code == 404
    body = train_body(digits, unique_id("Intruder "))
    assert post(outsider_web, f"{tasks_url(cluster.uuid)}/train", body).status_code == 404


def test_train_needs_the_csrf_token(
    web: str,
    member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    client = sign_in_with_csrf(Client(enforce_csrf_checks=True), member.user_id, member.passphrase)
    name = unique_id("Api guarded ")
    refused = post(client, f"{tasks_url(cluster.uuid)}/train", train_body(digits, name))
    assert refused.status_code == 403
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value}
    created = post(
        client, f"{tasks_url(cluster.uuid)}/train", train_body(digits, name), headers=headers
    )
    assert created.status_code == 201


def test_openapi_schema_lists_every_task_operation(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if "/tasks" in path
    }
    assert operations == {
        ("get", "/api/clusters/{cluster_uuid}/tasks"),
        ("post", "/api/clusters/{cluster_uuid}/tasks/train"),
        ("post", "/api/clusters/{cluster_uuid}/tasks/request"),
        ("get", "/api/clusters/{cluster_uuid}/tasks/{task_uuid}"),
        ("delete", "/api/clusters/{cluster_uuid}/tasks/{task_uuid}"),
    }
