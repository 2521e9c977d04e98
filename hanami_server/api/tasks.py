"""Train and request tasks, task get, list and delete (contract 2.6, 7). A task is checked
completely, then stored and queued on its cluster's runtime; its worker does the work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from hanami_server.api.clusters import require_hexagons, runtime_of, visible_cluster
from hanami_server.api.task_items import (
    REQUEST_COLUMN_MISSING,
    TRAIN_COLUMN_MISSING,
    DatasetHeaders,
    check_io_items,
    check_result_items,
    claimed_sizes,
    stored_items,
)
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import tasks as store
from hanami_server.tasks.model import LIST_HEADER, NO_TIME, Task
from hanami_server.tasks.request import result_writer
from hanami_server.tasks.runtime import ClusterClosed, ClusterRuntime
from hanami_server.tasks.sizes import Sizes
from hanami_server.validation import NAME_PATTERN, UUID_PATTERN, Field, string

router = Router()

_NAME = string(NAME_PATTERN, 4, 254)
_UUID = string(UUID_PATTERN, 0, 0)
_ARRAY = Field("array")
_TIME_LENGTH = Field("int", required=False, low=1, high=1000, default=1)


def queued_reply(task: Task) -> dict[str, Any]:
    """The TaskObj a create call answers: always queued and not started (contract 11 #13)."""
    return {
        **task.wire(),
        "current_cycle": 0,
        "end_timestamp": NO_TIME,
        "start_timestamp": NO_TIME,
        "state": "queued",
    }


def submit(runtime: ClusterRuntime, build: Callable[[Sizes], Task]) -> tuple[Task, bool]:
    """Queue the task `build(planned sizes)` checks and stores; 404 if the cluster just went."""
    try:
        return runtime.submit(build)
    except ClusterClosed as error:
        raise ApiError(404, f"Cluster with uuid '{runtime.uuid}' not found") from error


def new_task(
    call: Call, cluster_uuid: str, *, name: str, kind: str, total: int, spec: dict[str, Any]
) -> Task:
    """A task owned by the caller, not stored yet."""
    return Task(
        uuid=str(uuid.uuid4()),
        cluster_uuid=cluster_uuid,
        name=name,
        kind=kind,
        total_number_of_cycles=total,
        spec=spec,
        owner_id=str(call.user.get("id", "")),
        project_id=str(call.user.get("project_id", "")),
    )


def _cycles(total: int, time_length: int) -> int:
    """Upstream stops after total - (time_length - 1) cycles (contract 7)."""
    return max(0, total - (time_length - 1))


@router.route(
    "POST",
    "task/train",
    name=_NAME,
    cluster_uuid=_UUID,
    inputs=_ARRAY,
    outputs=_ARRAY,
    time_length=_TIME_LENGTH,
)
def create_train_task(call: Call) -> dict[str, Any]:
    """Queue one pass of learning: inputs into input hexagons, expected values into outputs."""
    cluster = visible_cluster(call, call.inputs["cluster_uuid"])
    require_hexagons(cluster)
    runtime = runtime_of(call, cluster)

    def build(planned: Sizes) -> Task:
        datasets = DatasetHeaders(call)
        inputs = check_io_items(
            call.inputs["inputs"],
            kind="input",
            sizes=planned["inputs"],
            datasets=datasets,
            column_missing=TRAIN_COLUMN_MISSING,
        )
        outputs = check_io_items(
            call.inputs["outputs"],
            kind="output",
            sizes=planned["outputs"],
            datasets=datasets,
            column_missing=TRAIN_COLUMN_MISSING,
        )
        if not inputs:
            raise ApiError(400, "A train task needs at least one input")
        named = {item["hexagon_name"] for item in outputs}
        for hexagon in planned["outputs"]:
            if hexagon not in named:
                raise ApiError(
                    400, f"A train task needs expected values for the output hexagon '{hexagon}'"
                )
        total = min(item["rows"] for item in [*inputs, *outputs])
        spec = {
            "inputs": stored_items(inputs),
            "outputs": stored_items(outputs),
            "time_length": call.inputs["time_length"],
            "cycles": _cycles(total, call.inputs["time_length"]),
            "sizes": {"inputs": claimed_sizes(inputs), "outputs": claimed_sizes(outputs)},
        }
        task = new_task(
            call, cluster["uuid"], name=call.inputs["name"], kind="train", total=total, spec=spec
        )
        store.insert_task(call.state.db, task.row())
        return task

    task, _ = submit(runtime, build)
    return queued_reply(task)


@router.route(
    "POST",
    "task/request",
    name=_NAME,
    cluster_uuid=_UUID,
    inputs=_ARRAY,
    results=_ARRAY,
    time_length=_TIME_LENGTH,
)
def create_request_task(call: Call) -> dict[str, Any]:
    """Queue a forward pass whose outputs become a new dataset (uuid and name of the task)."""
    cluster = visible_cluster(call, call.inputs["cluster_uuid"])
    require_hexagons(cluster)
    runtime = runtime_of(call, cluster)

    def build(planned: Sizes) -> Task:
        inputs = check_io_items(
            call.inputs["inputs"],
            kind="input",
            sizes=planned["inputs"],
            datasets=DatasetHeaders(call),
            column_missing=REQUEST_COLUMN_MISSING,
        )
        results = check_result_items(call.inputs["results"], sizes=planned["outputs"])
        if not inputs:
            raise ApiError(400, "A request task needs at least one input")
        if not results:
            raise ApiError(400, "A request task needs at least one result")
        for hexagon, size in planned["outputs"].items():
            if not size:
                raise ApiError(
                    400,
                    f"The output hexagon '{hexagon}' has no size yet: train the cluster first",
                )
        total = min(item["rows"] for item in inputs)
        spec = {
            "inputs": stored_items(inputs),
            "results": results,
            "time_length": call.inputs["time_length"],
            "cycles": _cycles(total, call.inputs["time_length"]),
            "sizes": {"inputs": claimed_sizes(inputs), "outputs": {}},
        }
        task = new_task(
            call, cluster["uuid"], name=call.inputs["name"], kind="request", total=total, spec=spec
        )
        _store_with_result_dataset(call, task)
        return task

    task, _ = submit(runtime, build)
    return queued_reply(task)


def _store_with_result_dataset(call: Call, task: Task) -> None:
    """The task row, its result dataset row and the dataset's empty file (contract 6.4): all of
    them, or none."""
    writer = result_writer(call.state.config.datasets_dir, task)
    try:
        writer.finish()
        writer.commit()
        store.insert_task(call.state.db, task.row(), result_owner=call.user)
    except BaseException:
        writer.path.unlink(missing_ok=True)
        raise
    finally:
        writer.discard()


def _visible_runtime(call: Call) -> ClusterRuntime:
    return runtime_of(call, visible_cluster(call, call.inputs["cluster_uuid"]))


@router.route("GET", "task", uuid=_UUID, cluster_uuid=_UUID)
def get_task(call: Call) -> dict[str, Any]:
    """A task of a visible cluster, with its live cycle count."""
    task = _visible_runtime(call).task(call.inputs["uuid"])
    if task is None:
        raise ApiError(404, f"Task with UUID '{call.inputs['uuid']}' not found")
    return task.wire()


@router.route("GET", "task/all", cluster_uuid=_UUID)
def list_tasks(call: Call) -> dict[str, Any]:
    """The cluster's tasks sorted by uuid, every cell a string."""
    return table(LIST_HEADER, [task.list_row() for task in _visible_runtime(call).tasks()])


@router.route("DELETE", "task", uuid=_UUID, cluster_uuid=_UUID)
def delete_task(call: Call) -> dict[str, Any]:
    """Remove a task; an active one is stopped first (R of contract 7). Datasets stay."""
    task_uuid, cluster_uuid = call.inputs["uuid"], call.inputs["cluster_uuid"]
    if not _visible_runtime(call).delete(task_uuid):
        raise ApiError(
            404, f"Task with UUID '{task_uuid}'not found in Cluster with UUID '{cluster_uuid}"
        )
    return {}
