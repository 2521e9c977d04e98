"""Cluster save and load (contract 2.5): queued as tasks on the cluster's runtime; when the
cluster is idle they complete before the reply."""

from __future__ import annotations

from typing import Any

from hanami_server.api.checkpoints import not_found as checkpoint_not_found
from hanami_server.api.clusters import require_hexagons, runtime_of, visible_cluster
from hanami_server.api.tasks import new_task, submit
from hanami_server.responses import ApiError
from hanami_server.routing import Call, Router
from hanami_server.store import checkpoints as checkpoint_store
from hanami_server.store import tasks as store
from hanami_server.tasks.model import Task
from hanami_server.tasks.sizes import Sizes
from hanami_server.validation import NAME_PATTERN, UUID_PATTERN, string

router = Router()

_NAME = string(NAME_PATTERN, 4, 254)
_UUID = string(UUID_PATTERN, 0, 0)
# how long a call on an idle cluster waits for its save or restore before answering anyway:
# well inside the clients' usual 10 s timeout, so that a slow save never looks like a dead server
IDLE_WAIT_SECONDS = 5.0


@router.route("POST", "cluster/save", name=_NAME, cluster_uuid=_UUID)
def save_cluster(call: Call) -> dict[str, Any]:
    """Queue a save task; its uuid is the uuid of the checkpoint it will write."""
    cluster = visible_cluster(call, call.inputs["cluster_uuid"])
    require_hexagons(cluster)
    runtime = runtime_of(call, cluster)

    def build(planned: Sizes) -> Task:
        name = call.inputs["name"]
        task = new_task(call, cluster["uuid"], name=name, kind="save", total=1, spec={})
        store.insert_task(call.state.db, task.row())
        return task

    task, idle = submit(runtime, build)
    if idle:
        task.ended.wait(IDLE_WAIT_SECONDS)
    return {"name": task.name, "uuid": task.uuid}


@router.route("POST", "cluster/load", cluster_uuid=_UUID, checkpoint_uuid=_UUID)
def restore_cluster(call: Call) -> dict[str, Any]:
    """Queue a restore task after checking the checkpoint fits the cluster's template."""
    cluster = visible_cluster(call, call.inputs["cluster_uuid"])
    checkpoint_uuid = call.inputs["checkpoint_uuid"]
    checkpoint = checkpoint_store.get_checkpoint(call.state.db, checkpoint_uuid, call.user)
    if checkpoint is None:
        raise checkpoint_not_found(checkpoint_uuid)
    runtime = runtime_of(call, cluster)
    if checkpoint["layout"] != runtime.layout:
        raise ApiError(
            400,
            f"Checkpoint with uuid '{checkpoint_uuid}' does not fit cluster '{cluster['uuid']}':"
            " it was saved from a cluster whose template has other inputs, outputs or hexagons",
        )

    def build(planned: Sizes) -> Task:
        spec = {"checkpoint_uuid": checkpoint_uuid, "sizes": checkpoint["sizes"]}
        task = new_task(call, cluster["uuid"], name="", kind="restore", total=1, spec=spec)
        store.insert_task(call.state.db, task.row())
        return task

    task, idle = submit(runtime, build)
    if idle:
        task.ended.wait(IDLE_WAIT_SECONDS)
    return {"uuid": task.uuid}
