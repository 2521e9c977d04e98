"""A cluster's runtime in process (hanami_server.tasks.runtime): what a closing direct-IO socket
does while a task holds the network, which no wire-level timing can catch reliably."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from hanami_server.config import Config
from hanami_server.db import Database
from hanami_server.store import clusters as cluster_store
from hanami_server.store import tasks as task_store
from hanami_server.tasks.model import Task
from hanami_server.tasks.runtime import ClusterRuntime, state_path
from hanami_server.tasks.sizes import Sizes
from tests.hanami_server.task_helpers import SERIES_TEMPLATE

OWNER = {"id": "runtimeuser", "project_id": "runtimeproj", "is_admin": False}


@pytest.fixture
def runtime(tmp_path: Path) -> ClusterRuntime:
    """The runtime of a fresh SERIES_TEMPLATE cluster in its own data dir."""
    config = Config(data_dir=tmp_path)
    config.clusters_dir.mkdir()
    config.checkpoints_dir.mkdir()
    db = Database(config.db_path)
    cluster = cluster_store.create_cluster(
        db, name="Runtime Cluster", template=SERIES_TEMPLATE, user=OWNER
    )
    assert cluster is not None
    return ClusterRuntime(db, config, cluster)


def _save_task(runtime: ClusterRuntime) -> Task:
    """Queue a save task (it does not save the cluster's own state) and return it."""

    def build(_: Sizes) -> Task:
        task = Task(
            uuid=str(uuid.uuid4()),
            cluster_uuid=runtime.uuid,
            name="Runtime Save",
            kind="save",
            total_number_of_cycles=1,
            spec={},
            owner_id=OWNER["id"],
            project_id=OWNER["project_id"],
        )
        task_store.insert_task(runtime.db, task.row())
        return task

    task, _ = runtime.submit(build)
    return task


def test_a_closing_socket_leaves_the_save_to_the_task_holding_the_network(
    runtime: ClusterRuntime,
) -> None:
    ticket = runtime.attach_direct()
    runtime.direct_pass(ticket, lambda network: network.train_one({"x": [1.0]}, {"y": [1.0]}))
    state_file = state_path(runtime.config, runtime.uuid)
    with runtime.engine_lock:  # as a running task holds it
        closing = threading.Thread(target=runtime.save_direct_learning, kwargs={"wait": False})
        closing.start()
        closing.join(timeout=10)
        assert not closing.is_alive(), "the closing socket waited for the task"
        assert not state_file.exists()
        task = _save_task(runtime)
    assert task.ended.wait(30)
    assert task.state == "finished"
    assert state_file.exists(), "the worker saved what direct IO learned before the task"
