"""Cluster save and load (contract 2.5) and checkpoint get/list/delete (2.7, R of 11 #3):
save tasks write checkpoint files, restores give back exactly the saved network."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import (
    OTHER_TEMPLATE,
    SERIES_TEMPLATE,
    content,
    create_cluster,
    delete_task,
    list_tasks,
    long_dataset,
    request_digits,
    restore,
    save,
    task_state,
    train_digits,
    train_long,
    unique,
    wait_for,
    wait_gone,
    wait_task,
)
from tests.hanami_server.wire import send

HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _answers(address: str, token: str, cluster_uuid: str, dataset_uuid: str) -> list:
    """The cluster's `digit` outputs for the first 200 pictures of the dataset."""
    task_uuid = request_digits(address, token, cluster_uuid, dataset_uuid)
    wait_task(address, token, cluster_uuid, task_uuid)
    return content(address, token, task_uuid, "digit", 200)


def _trained(address: str, token: str, dataset_uuid: str, template: str | None = None) -> str:
    cluster_uuid = (
        create_cluster(address, token, template) if template else create_cluster(address, token)
    )
    wait_task(
        address, token, cluster_uuid, train_digits(address, token, cluster_uuid, dataset_uuid)
    )
    return cluster_uuid


def _saved(address: str, token: str, cluster_uuid: str) -> str:
    reply = save(address, token, cluster_uuid)
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def _get(address: str, token: str, checkpoint_uuid: str):
    return send(address, "GET", "/checkpoint", token=token, query={"uuid": checkpoint_uuid})


def _delete(address: str, token: str, checkpoint_uuid: str):
    return send(address, "DELETE", "/checkpoint", token=token, query={"uuid": checkpoint_uuid})


def _listed(address: str, token: str) -> list[list]:
    reply = send(address, "GET", "/checkpoint/all", token=token)
    assert reply.status_code == 200, reply.text
    assert reply.json()["header"] == HEADER
    return reply.json()["body"]


@pytest.fixture(scope="module")
def trained(backend: Backend, member: Persona, member_digits: str) -> str:
    """A digits cluster of the member trained once on the 1,000 sample pictures."""
    return _trained(backend.address, member.token, member_digits)


@pytest.fixture(scope="module")
def checkpoint(backend: Backend, member: Persona, trained: str) -> str:
    """A checkpoint of `trained`."""
    return _saved(backend.address, member.token, trained)


# --- save ----------------------------------------------------------------------------------------


def test_save_on_an_idle_cluster_is_done_before_the_reply(
    backend: Backend, member: Persona, trained: str
) -> None:
    name = unique("Checkpoint")
    reply = save(backend.address, member.token, trained, name)
    assert reply.status_code == 200, reply.text
    assert list(reply.json()) == ["name", "uuid"]
    checkpoint_uuid = reply.json()["uuid"]
    assert reply.json()["name"] == name
    task = task_state(backend.address, member.token, trained, checkpoint_uuid)
    assert (task["state"], task["name"]) == ("finished", name)
    assert (task["current_cycle"], task["total_number_of_cycles"]) == (0, 1)
    listed = {row[0]: row for row in list_tasks(backend.address, member.token, trained)["body"]}
    assert listed[checkpoint_uuid][1:3] == ["finished", "0.000000"]

    got = _get(backend.address, member.token, checkpoint_uuid)
    assert got.status_code == 200, got.text
    row = got.json()
    assert sorted(row) == ["created_at", "name", "owner_id", "project_id", "uuid", "visibility"]
    assert (row["uuid"], row["name"], row["visibility"]) == (checkpoint_uuid, name, "private")
    assert (row["owner_id"], row["project_id"]) == (member.user_id, member.project_id)
    assert TIMESTAMP.fullmatch(row["created_at"])
    assert [row[column] for column in HEADER] in _listed(backend.address, member.token)


def test_the_checkpoint_file_has_the_upstream_header(
    backend: Backend, member: Persona, checkpoint: str
) -> None:
    head = (backend.data_dir / "checkpoints" / checkpoint).read_bytes()[:64]
    assert head[0:8] == b"hanami\0\0"
    assert head[8:18] == b"checkpoint"
    assert head[40:42] == b"v1"
    assert head[48:54] == b"0alpha"
    assert not [
        path.name for path in (backend.data_dir / "checkpoints").iterdir() if "partial" in path.name
    ]


def test_save_on_a_busy_cluster_waits_in_the_queue(backend: Backend, member: Persona) -> None:
    address, token = backend.address, member.token
    table = long_dataset(address, token)
    cluster_uuid = create_cluster(address, token, SERIES_TEMPLATE)
    long_uuid = train_long(address, token, cluster_uuid, table)
    wait_for(
        lambda: task_state(address, token, cluster_uuid, long_uuid),
        lambda task: task["state"] == "active",
    )
    checkpoint_uuid = _saved(address, token, cluster_uuid)
    assert task_state(address, token, cluster_uuid, checkpoint_uuid)["state"] == "queued"
    assert _get(address, token, checkpoint_uuid).status_code == 404
    assert delete_task(address, token, cluster_uuid, long_uuid).status_code == 200
    wait_gone(address, token, cluster_uuid, long_uuid)
    wait_task(address, token, cluster_uuid, checkpoint_uuid)
    assert _get(address, token, checkpoint_uuid).status_code == 200


@pytest.mark.parametrize("path", ["/cluster/save", "/cluster/load"])
def test_save_and_load_of_an_unknown_cluster_are_not_found(
    backend: Backend, member: Persona, checkpoint: str, path: str
) -> None:
    cluster_uuid = str(uuid.uuid4())
    body = {"cluster_uuid": cluster_uuid}
    body |= {"name": "Some Name"} if path.endswith("save") else {"checkpoint_uuid": checkpoint}
    reply = send(backend.address, "POST", path, token=member.token, body=body)
    assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{cluster_uuid}' not found")


def test_saving_a_cluster_without_hexagons_is_refused(backend: Backend, member: Persona) -> None:
    body = {"name": unique("Empty"), "template": ""}
    cluster_uuid = send(backend.address, "POST", "/cluster", token=member.token, body=body)
    cluster_uuid = cluster_uuid.json()["uuid"]
    reply = save(backend.address, member.token, cluster_uuid)
    assert reply.status_code == 400
    assert "has no hexagons" in reply.text
    assert list_tasks(backend.address, member.token, cluster_uuid)["body"] == []


# --- restore -------------------------------------------------------------------------------------


def test_restore_gives_back_exactly_the_saved_network(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid = _trained(address, token, member_digits)
    saved_answers = _answers(address, token, cluster_uuid, member_digits)
    checkpoint_uuid = _saved(address, token, cluster_uuid)
    wait_task(
        address, token, cluster_uuid, train_digits(address, token, cluster_uuid, member_digits)
    )
    assert _answers(address, token, cluster_uuid, member_digits) != saved_answers

    reply = restore(address, token, cluster_uuid, checkpoint_uuid)
    assert reply.status_code == 200, reply.text
    assert list(reply.json()) == ["uuid"]
    done = task_state(address, token, cluster_uuid, reply.json()["uuid"])
    assert (done["state"], done["name"], done["current_cycle"]) == ("finished", "", 0)
    assert _answers(address, token, cluster_uuid, member_digits) == saved_answers


def test_a_checkpoint_restores_into_a_fresh_cluster_of_the_same_template(
    backend: Backend, member: Persona, member_digits: str, trained: str, checkpoint: str
) -> None:
    address, token = backend.address, member.token
    fresh = create_cluster(address, token)
    assert restore(address, token, fresh, checkpoint).status_code == 200
    # the request is accepted at once: the restore gave the outputs their sizes
    assert _answers(address, token, fresh, member_digits) == _answers(
        address, token, trained, member_digits
    )


def test_a_checkpoint_of_another_template_is_refused_and_changes_nothing(
    backend: Backend, member: Persona, member_digits: str, trained: str
) -> None:
    address, token = backend.address, member.token
    other = _trained(address, token, member_digits, OTHER_TEMPLATE)
    foreign = _saved(address, token, other)
    before = _answers(address, token, trained, member_digits)
    tasks_before = list_tasks(address, token, trained)["body"]
    reply = restore(address, token, trained, foreign)
    assert reply.status_code == 400
    assert reply.text.startswith(f"Checkpoint with uuid '{foreign}' does not fit cluster")
    assert list_tasks(address, token, trained)["body"] == tasks_before
    assert _answers(address, token, trained, member_digits) == before


def test_restoring_an_unknown_checkpoint_is_not_found(
    backend: Backend, member: Persona, trained: str
) -> None:
    unknown = str(uuid.uuid4())
    reply = restore(backend.address, member.token, trained, unknown)
    assert (reply.status_code, reply.text) == (404, f"Checkpoint with uuid '{unknown}' not found")


# --- get, list, delete, visibility ---------------------------------------------------------------


def test_delete_removes_the_row_and_the_file(
    backend: Backend, member: Persona, trained: str
) -> None:
    address, token = backend.address, member.token
    checkpoint_uuid = _saved(address, token, trained)
    assert (backend.data_dir / "checkpoints" / checkpoint_uuid).exists()
    reply = _delete(address, token, checkpoint_uuid)
    assert (reply.status_code, reply.text) == (200, "{}")
    assert not (backend.data_dir / "checkpoints" / checkpoint_uuid).exists()
    again = _delete(address, token, checkpoint_uuid)
    assert (again.status_code, again.text) == (
        404,
        f"Chekckpoint with uuid '{checkpoint_uuid}' not found",
    )
    gone = _get(address, token, checkpoint_uuid)
    assert (gone.status_code, gone.text) == (
        404,
        f"Checkpoint with uuid '{checkpoint_uuid}' not found",
    )
    assert checkpoint_uuid not in [row[1] for row in _listed(address, token)]
    assert restore(address, token, trained, checkpoint_uuid).status_code == 404


def test_a_checkpoint_is_invisible_to_another_project(
    backend: Backend, member: Persona, outsider: Persona, admin: Persona, checkpoint: str
) -> None:
    address = backend.address
    assert _get(address, outsider.token, checkpoint).status_code == 404
    assert checkpoint not in [row[1] for row in _listed(address, outsider.token)]
    assert _delete(address, outsider.token, checkpoint).status_code == 404
    outsider_cluster = create_cluster(address, outsider.token)
    assert restore(address, outsider.token, outsider_cluster, checkpoint).status_code == 404
    assert _get(address, admin.token, checkpoint).status_code == 200
    assert _get(address, member.token, checkpoint).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Validation failed, because variable 'uuid' is required, but is not set."),
        (
            {"uuid": "nope"},
            "Given item 'uuid' doesn't match with regex \"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-"
            '[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"',
        ),
    ],
)
def test_checkpoint_calls_validate_the_uuid(
    backend: Backend, member: Persona, query: dict, message: str
) -> None:
    for method in ("GET", "DELETE"):
        reply = send(backend.address, method, "/checkpoint", token=member.token, query=query)
        assert (reply.status_code, reply.text) == (400, message)
