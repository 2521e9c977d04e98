"""What survives a restart of the server (R of contract 11 #40: we keep it): clusters, their
learned state and counters, task history and checkpoints; unfinished tasks read `aborted`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.hanami_server.task_helpers import (
    SERIES_TEMPLATE,
    content,
    create_cluster,
    list_tasks,
    long_dataset,
    request_digits,
    restore,
    save,
    task_state,
    train_digits,
    train_long,
    wait_for,
    wait_task,
)
from tests.hanami_server.uploads import sample_mnist, uploaded_mnist
from tests.hanami_server.wire import send, token_for


@pytest.fixture
def server(tmp_path: Path) -> Iterator[list[Backend]]:
    """A fresh server; a test appends the restarted ones, and all are stopped at the end."""
    started = [start_backend(tmp_path / "data")]
    yield started
    for backend in started:
        backend.stop()


def _restart(started: list[Backend], *, kill: bool = False) -> tuple[str, str]:
    """Stop the last server (SIGTERM, or SIGKILL) and start one on its data dir; its address
    and an admin token."""
    last = started[-1]
    if kill:
        last.process.kill()
        last.process.wait()
    else:
        last.stop()
    started.append(start_backend(last.data_dir))
    address = started[-1].address
    return address, token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)


def _login(backend: Backend) -> tuple[str, str]:
    return backend.address, token_for(backend.address, ADMIN_ID, ADMIN_PASSPHRASE)


def _cluster(address: str, token: str, cluster_uuid: str) -> dict:
    reply = send(address, "GET", "/cluster", token=token, query={"uuid": cluster_uuid})
    assert reply.status_code == 200, reply.text
    return reply.json()


def _answers(address: str, token: str, cluster_uuid: str, digits: str) -> list:
    task_uuid = request_digits(address, token, cluster_uuid, digits)
    wait_task(address, token, cluster_uuid, task_uuid)
    return content(address, token, task_uuid, "digit", 100)


def test_learned_state_and_task_history_survive_a_restart(server: list[Backend]) -> None:
    address, token = _login(server[0])
    digits = uploaded_mnist(address, token, *sample_mnist())
    cluster_uuid = create_cluster(address, token)
    train_uuid = train_digits(address, token, cluster_uuid, digits)
    wait_task(address, token, cluster_uuid, train_uuid)
    answers = _answers(address, token, cluster_uuid, digits)
    cluster = _cluster(address, token, cluster_uuid)
    assert cluster["number_of_blocks"] > 0
    history = list_tasks(address, token, cluster_uuid)
    trained = task_state(address, token, cluster_uuid, train_uuid)

    address, token = _restart(server)
    assert _cluster(address, token, cluster_uuid) == cluster
    assert list_tasks(address, token, cluster_uuid) == history
    assert task_state(address, token, cluster_uuid, train_uuid) == trained
    assert _answers(address, token, cluster_uuid, digits) == answers


def test_checkpoints_survive_a_restart(server: list[Backend]) -> None:
    address, token = _login(server[0])
    digits = uploaded_mnist(address, token, *sample_mnist())
    cluster_uuid = create_cluster(address, token)
    wait_task(address, token, cluster_uuid, train_digits(address, token, cluster_uuid, digits))
    answers = _answers(address, token, cluster_uuid, digits)
    checkpoint_uuid = save(address, token, cluster_uuid).json()["uuid"]

    address, token = _restart(server)
    listed = send(address, "GET", "/checkpoint/all", token=token).json()["body"]
    assert [row[1] for row in listed] == [checkpoint_uuid]
    fresh = create_cluster(address, token)
    assert restore(address, token, fresh, checkpoint_uuid).status_code == 200
    assert _answers(address, token, fresh, digits) == answers


@pytest.mark.parametrize("kill", [False, True], ids=["terminated", "killed"])
def test_tasks_unfinished_at_shutdown_read_aborted(server: list[Backend], kill: bool) -> None:
    address, token = _login(server[0])
    table = long_dataset(address, token)
    cluster_uuid = create_cluster(address, token, SERIES_TEMPLATE)
    active = train_long(address, token, cluster_uuid, table)
    wait_for(
        lambda: task_state(address, token, cluster_uuid, active),
        lambda task: task["state"] == "active" and task["current_cycle"] > 0,
    )
    queued = train_long(address, token, cluster_uuid, table)

    address, token = _restart(server, kill=kill)
    for task_uuid in (active, queued):
        task = task_state(address, token, cluster_uuid, task_uuid)
        assert task["state"] == "aborted"
        assert task["end_timestamp"] != "-"
        assert task["current_cycle"] < task["total_number_of_cycles"]
    if not kill:
        assert server[0].process.returncode == 0
        # a clean stop records how far the active task got
        assert task_state(address, token, cluster_uuid, active)["current_cycle"] > 0
    # the cluster takes new work after the restart
    follow = train_long(address, token, cluster_uuid, table)
    wait_for(
        lambda: task_state(address, token, cluster_uuid, follow),
        lambda task: task["current_cycle"] > 0,
    )
    reply = send(
        address,
        "DELETE",
        "/task",
        token=token,
        query={"uuid": follow, "cluster_uuid": cluster_uuid},
    )
    assert reply.status_code == 200
