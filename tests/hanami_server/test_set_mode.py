"""PUT /cluster/set_mode (contract 2.5, 7): TASK and DIRECT, the 409s, and tasks that wait while
a cluster is in DIRECT mode."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.conftest import Persona
from tests.hanami_server.direct_helpers import set_mode
from tests.hanami_server.task_helpers import (
    SERIES_TEMPLATE,
    create_cluster,
    delete_task,
    long_dataset,
    task_state,
    train_digits,
    train_long,
    wait_task,
)
from tests.hanami_server.wire import send, token_for

UUID_RE = "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"


@pytest.fixture
def cluster(backend: Backend, member: Persona) -> str:
    """A fresh digits cluster of the member, in TASK mode."""
    return create_cluster(backend.address, member.token)


def _cluster_row(address: str, token: str, cluster_uuid: str) -> dict:
    reply = send(address, "GET", "/cluster", token=token, query={"uuid": cluster_uuid})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_direct_then_task_answer_the_cluster_and_its_new_state(
    backend: Backend, member: Persona, cluster: str
) -> None:
    row = _cluster_row(backend.address, member.token, cluster)
    direct = set_mode(backend.address, member.token, cluster, "DIRECT")
    task = set_mode(backend.address, member.token, cluster, "TASK")
    assert direct.status_code == 200, direct.text
    assert direct.headers["Content-Type"] == "text/json"
    assert direct.text == (
        f'{{"created_at":"{row["created_at"]}","name":"{row["name"]}","new_state":"DIRECT",'
        f'"uuid":"{cluster}"}}'
    )
    assert task.status_code == 200, task.text
    assert task.json() == {**direct.json(), "new_state": "TASK"}


@pytest.mark.parametrize(("first", "again"), [("DIRECT", "DIRECT"), (None, "TASK")])
def test_switching_to_the_mode_it_is_in_is_a_conflict(
    backend: Backend, member: Persona, cluster: str, first: str | None, again: str
) -> None:
    if first:
        assert set_mode(backend.address, member.token, cluster, first).status_code == 200
    reply = set_mode(backend.address, member.token, cluster, again)
    assert (reply.status_code, reply.text) == (409, f"Can not switch cluster to '{again}'")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"new_state": "direct"},
            "Given item 'new_state' doesn't match with regex \"^^(TASK|DIRECT)$$\"",
        ),
        (
            {"new_state": 1},
            "Value-validation failed, because a item 'new_state'  has the false type:"
            " Exprect string-type.",
        ),
        ({}, "Validation failed, because variable 'new_state' is required, but is not set."),
        (
            {"new_state": "TASK", "connection_uuid": "nope"},
            f"Given item 'connection_uuid' doesn't match with regex \"^{UUID_RE}$\"",
        ),
        (
            {"new_state": "TASK", "mode": "x"},
            "Validation failed, because item 'mode' is not in the list of allowed keys",
        ),
    ],
)
def test_bad_input_is_a_400(
    backend: Backend, member: Persona, cluster: str, body: dict, message: str
) -> None:
    reply = send(
        backend.address,
        "PUT",
        "/cluster/set_mode",
        token=member.token,
        body={"uuid": cluster, **body},
    )
    assert (reply.status_code, reply.text) == (400, message)


def test_a_connection_uuid_is_accepted_and_ignored(
    backend: Backend, member: Persona, cluster: str
) -> None:
    body = {"uuid": cluster, "new_state": "DIRECT", "connection_uuid": str(uuid.uuid4())}
    reply = send(backend.address, "PUT", "/cluster/set_mode", token=member.token, body=body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["new_state"] == "DIRECT"


def test_a_cluster_the_caller_cannot_see_is_not_found(
    backend: Backend, member: Persona, outsider: Persona, cluster: str
) -> None:
    unknown = str(uuid.uuid4())
    hidden = set_mode(backend.address, outsider.token, cluster, "DIRECT")
    missing = set_mode(backend.address, member.token, unknown, "DIRECT")
    assert (hidden.status_code, hidden.text) == (404, f"Cluster with uuid '{cluster}' not found")
    assert (missing.status_code, missing.text) == (404, f"Cluster with uuid '{unknown}' not found")
    assert set_mode(backend.address, member.token, cluster, "TASK").status_code == 409


def test_a_deleted_cluster_is_not_found(backend: Backend, member: Persona, cluster: str) -> None:
    assert set_mode(backend.address, member.token, cluster, "DIRECT").status_code == 200
    deleted = send(
        backend.address, "DELETE", "/cluster", token=member.token, query={"uuid": cluster}
    )
    assert deleted.status_code == 200, deleted.text
    reply = set_mode(backend.address, member.token, cluster, "TASK")
    assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{cluster}' not found")


def test_direct_mode_is_refused_while_a_task_runs(backend: Backend, member: Persona) -> None:
    cluster_uuid = create_cluster(backend.address, member.token, SERIES_TEMPLATE)
    table = long_dataset(backend.address, member.token)
    task_uuid = train_long(backend.address, member.token, cluster_uuid, table)
    try:
        assert task_state(backend.address, member.token, cluster_uuid, task_uuid)["state"] == (
            "active"
        )
        reply = set_mode(backend.address, member.token, cluster_uuid, "DIRECT")
        assert (reply.status_code, reply.text) == (409, "Can not switch cluster to 'DIRECT'")
    finally:
        delete_task(backend.address, member.token, cluster_uuid, task_uuid)


def test_tasks_created_in_direct_mode_wait_for_task_mode(
    backend: Backend, member: Persona, cluster: str, member_digits: str
) -> None:
    assert set_mode(backend.address, member.token, cluster, "DIRECT").status_code == 200
    first = train_digits(backend.address, member.token, cluster, member_digits)
    save = send(
        backend.address,
        "POST",
        "/cluster/save",
        token=member.token,
        body={"name": "Direct Save", "cluster_uuid": cluster},
    )
    assert save.status_code == 200, save.text
    time.sleep(0.5)
    waiting = [
        task_state(backend.address, member.token, cluster, task_uuid)
        for task_uuid in (first, save.json()["uuid"])
    ]
    back = set_mode(backend.address, member.token, cluster, "TASK")
    assert [(task["state"], task["start_timestamp"]) for task in waiting] == [("queued", "-")] * 2
    assert back.status_code == 200, back.text
    assert wait_task(backend.address, member.token, cluster, first)["current_cycle"] == 1000
    wait_task(backend.address, member.token, cluster, save.json()["uuid"])


def test_a_restart_is_in_task_mode(tmp_path: Path) -> None:
    server = start_backend(tmp_path / "data")
    try:
        token = token_for(server.address, ADMIN_ID, ADMIN_PASSPHRASE)
        cluster_uuid = create_cluster(server.address, token)
        assert set_mode(server.address, token, cluster_uuid, "DIRECT").status_code == 200
        server.stop()
        server = start_backend(server.data_dir)
        token = token_for(server.address, ADMIN_ID, ADMIN_PASSPHRASE)
        again = set_mode(server.address, token, cluster_uuid, "TASK")
        direct = set_mode(server.address, token, cluster_uuid, "DIRECT")
    finally:
        server.stop()
    assert (again.status_code, again.text) == (409, "Can not switch cluster to 'TASK'")
    assert direct.status_code == 200, direct.text
