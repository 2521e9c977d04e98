"""JSON operations on a cluster's tasks (mounted at /api/clusters, for every signed-in user).

Tasks are visible to whoever the backend shows their cluster; a cluster or task outside that
scope answers 404 as a missing one does. Creating a task answers at once with the task queued
(the backend says ``queued`` even when it already runs): follow it with ``GET``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hanami_client import Task, TaskInput, TaskResult
from portal.hanami import get_hanami
from portal.tasks.schemas import (
    ClusterUuidPath,
    RequestTaskIn,
    TaskInputIn,
    TaskOut,
    TaskRowOut,
    TaskUuidPath,
    TrainTaskIn,
)

__all__ = ["router"]

router = Router(tags=["tasks"])


def task_inputs(items: list[TaskInputIn]) -> list[TaskInput]:
    """Input or output items for the client."""
    return [TaskInput(i.dataset_uuid, i.dataset_column, i.hexagon_name) for i in items]


@router.get("/{cluster_uuid}/tasks", response=list[TaskRowOut], summary="List a cluster's tasks")
def list_tasks(request: HttpRequest, cluster_uuid: ClusterUuidPath) -> list[dict[str, Any]]:
    """The cluster's tasks in queue order; 404 when the cluster is missing or not visible."""
    return [dict(row) for row in get_hanami(request).tasks.list(cluster_uuid)]


@router.post("/{cluster_uuid}/tasks/train", response={201: TaskOut}, summary="Start a train task")
def train(request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: TrainTaskIn) -> Task:
    """Queue a training pass; 404 for an unknown cluster, dataset, column or hexagon."""
    return get_hanami(request).tasks.train(
        payload.name,
        cluster_uuid,
        task_inputs(payload.inputs),
        task_inputs(payload.outputs),
        payload.time_length,
    )


@router.post(
    "/{cluster_uuid}/tasks/request", response={201: TaskOut}, summary="Start a request task"
)
def request_task(
    request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: RequestTaskIn
) -> Task:
    """Queue a request; its results land in the dataset with the task's uuid."""
    results = [TaskResult(r.dataset_column, r.hexagon_name) for r in payload.results]
    return get_hanami(request).tasks.request(
        payload.name, cluster_uuid, task_inputs(payload.inputs), results, payload.time_length
    )


@router.get("/{cluster_uuid}/tasks/{task_uuid}", response=TaskOut, summary="Get a task")
def get_task(request: HttpRequest, cluster_uuid: ClusterUuidPath, task_uuid: TaskUuidPath) -> Task:
    """One task with its progress; 404 when it or its cluster is missing or not visible."""
    return get_hanami(request).tasks.get(task_uuid, cluster_uuid)


@router.delete("/{cluster_uuid}/tasks/{task_uuid}", response={204: None}, summary="Delete a task")
def delete_task(
    request: HttpRequest, cluster_uuid: ClusterUuidPath, task_uuid: TaskUuidPath
) -> None:
    """Delete a task: a queued one never runs, an active one stops; 404 when unknown."""
    get_hanami(request).tasks.delete(task_uuid, cluster_uuid)
