"""Direct IO and mode switches in the JSON API, against the real embedded backend."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hanami_client import Cluster, Conflict, HanamiClient, Task
from portal.directio.locks import current_holder
from tests.portal.test_directio_relay import mnist_row, someone_drives
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    digits,
    known_cluster,
    member_hanami,
    outsider_web,
    trained,
)

MISSING = "0badc0de-0000-4000-8000-000000000000"
JSON = "application/json"


def url(cluster_uuid: str, path: str) -> str:
    return f"/api/clusters/{cluster_uuid}/{path}"


def send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(path, data=json.dumps(body), content_type=JSON)


@pytest.fixture(autouse=True)
def no_locks() -> Iterator[None]:
    """No lock of an earlier test (the cache outlives them)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def back_to_task_mode(
    known_cluster: Cluster,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> Iterator[Cluster]:
    """The known cluster, put back in task mode after the test whatever it did."""
    yield known_cluster
    with contextlib.suppress(Conflict):
        member_hanami.clusters.set_mode(known_cluster.uuid, "TASK")


def test_request_answers_the_ten_outputs_and_leaves_task_mode(
    member_web: Client,
    back_to_task_mode: Cluster,
    trained: Task,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    picture, label = mnist_row(0)
    body = {"inputs": {"picture_hex": picture}}
    response = send(member_web, "post", url(back_to_task_mode.uuid, "direct/request"), body)
    assert response.status_code == 200, response.content
    outputs = response.json()["outputs"]
    assert list(outputs) == ["label_hex"]
    scores = outputs["label_hex"]
    assert len(scores) == 10
    assert scores.index(max(scores)) == label
    assert current_holder(back_to_task_mode.uuid) is None
    with pytest.raises(Conflict):
        member_hanami.clusters.set_mode(back_to_task_mode.uuid, "TASK")


def test_train_is_one_pass_and_answers_204(
    member_web: Client,
    back_to_task_mode: Cluster,
    trained: Task,  # noqa: F811
) -> None:
    picture, label = mnist_row(5)
    one_hot = [1.0 if digit == label else 0.0 for digit in range(10)]
    body = {"inputs": {"picture_hex": picture}, "expected": {"label_hex": one_hot}}
    response = send(member_web, "post", url(back_to_task_mode.uuid, "direct/train"), body)
    assert response.status_code == 204, response.content


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"inputs": {"pixels": [1.0]}},
            "“pixels” is not an input hexagon of this cluster (its inputs: picture_hex).",
        ),
        ({"inputs": {}}, "Give values for at least one input hexagon."),
    ],
)
def test_a_bad_message_is_400_and_nothing_is_switched(
    member_web: Client,
    back_to_task_mode: Cluster,
    member_hanami: HanamiClient,  # noqa: F811
    body: dict[str, Any],
    detail: str,
) -> None:
    response = send(member_web, "post", url(back_to_task_mode.uuid, "direct/request"), body)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "bad_request"}
    with pytest.raises(Conflict):
        member_hanami.clusters.set_mode(back_to_task_mode.uuid, "TASK")


def test_values_that_are_not_numbers_are_422(
    member_web: Client,
    back_to_task_mode: Cluster,
) -> None:
    body = {"inputs": {"picture_hex": ["a"]}}
    response = send(member_web, "post", url(back_to_task_mode.uuid, "direct/request"), body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_a_cluster_a_browser_drives_is_409_in_use(
    member_web: Client,
    back_to_task_mode: Cluster,
) -> None:
    someone_drives(back_to_task_mode.uuid)
    body = {"inputs": {"picture_hex": [0.0] * 784}}
    response = send(member_web, "post", url(back_to_task_mode.uuid, "direct/request"), body)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("In use by Some One (someone)")
    response = send(member_web, "put", url(back_to_task_mode.uuid, "mode"), {"mode": "TASK"})
    assert response.status_code == 409
    assert current_holder(back_to_task_mode.uuid).channel == "elsewhere"


def test_mode_switches_and_a_busy_cluster_refuses_direct_io(
    member_web: Client,
    back_to_task_mode: Cluster,
) -> None:
    mode = url(back_to_task_mode.uuid, "mode")
    response = send(member_web, "put", mode, {"mode": "DIRECT"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "uuid": back_to_task_mode.uuid,
        "name": back_to_task_mode.name,
        "created_at": back_to_task_mode.created_at,
        "mode": "DIRECT",
    }
    again = send(member_web, "put", mode, {"mode": "DIRECT"})
    assert again.status_code == 409
    assert again.json()["detail"] == "Can not switch cluster to 'DIRECT'"
    body = {"inputs": {"picture_hex": [0.0] * 784}}
    busy = send(member_web, "post", url(back_to_task_mode.uuid, "direct/request"), body)
    assert busy.status_code == 409
    assert busy.json()["detail"].startswith("The cluster is busy")
    assert current_holder(back_to_task_mode.uuid) is None
    back = send(member_web, "put", mode, {"mode": "TASK"})
    assert back.status_code == 200
    assert back.json()["mode"] == "TASK"
    assert send(member_web, "put", mode, {"mode": "SOMETHING"}).status_code == 422


def test_unknown_and_invisible_clusters_are_404(
    member_web: Client,
    outsider_web: Client,  # noqa: F811
    known_cluster: Cluster,  # noqa: F811
) -> None:
    body = {"inputs": {"picture_hex": [0.0] * 784}}
    assert send(member_web, "post", url(MISSING, "direct/request"), body).status_code == 404
    assert send(member_web, "put", url(MISSING, "mode"), {"mode": "TASK"}).status_code == 404
    response = send(outsider_web, "post", url(known_cluster.uuid, "direct/request"), body)
    assert response.status_code == 404
    # Not even a refusal that would name the cluster's hexagons.
    wrong = {"inputs": {"pixels": [1.0]}}
    response = send(outsider_web, "post", url(known_cluster.uuid, "direct/request"), wrong)
    assert response.status_code == 404
    assert current_holder(known_cluster.uuid) is None
    response = send(outsider_web, "put", url(known_cluster.uuid, "mode"), {"mode": "DIRECT"})
    assert response.status_code == 404


def test_anonymous_is_401(web: str, known_cluster: Cluster) -> None:  # noqa: F811
    body = {"inputs": {"picture_hex": [0.0] * 784}}
    response = send(Client(), "post", url(known_cluster.uuid, "direct/request"), body)
    assert response.status_code == 401


def test_an_outsiders_switch_to_task_mode_is_404_and_names_no_driver(
    outsider_web: Client,  # noqa: F811
    known_cluster: Cluster,  # noqa: F811
) -> None:
    someone_drives(known_cluster.uuid)
    response = send(outsider_web, "put", url(known_cluster.uuid, "mode"), {"mode": "TASK"})
    assert response.status_code == 404
    assert "Some One" not in response.content.decode()
