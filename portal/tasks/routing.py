"""Websocket routes of the task pages: live progress of a cluster's tasks (all, or one)."""

from __future__ import annotations

from django.urls import path

from portal.tasks.consumers import TaskProgressConsumer

__all__ = ["socket_path", "websocket_urlpatterns"]

websocket_urlpatterns = [
    path("ws/clusters/<uuid:cluster_uuid>/tasks/", TaskProgressConsumer.as_asgi()),
    path("ws/clusters/<uuid:cluster_uuid>/tasks/<uuid:task_uuid>/", TaskProgressConsumer.as_asgi()),
]


def socket_path(cluster_uuid: object, task_uuid: object | None = None) -> str:
    """The path of the progress socket of a cluster's list, or of one of its tasks."""
    if task_uuid is None:
        return f"/ws/clusters/{cluster_uuid}/tasks/"
    return f"/ws/clusters/{cluster_uuid}/tasks/{task_uuid}/"
