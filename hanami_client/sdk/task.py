"""``hanami_sdk.task``: tasks. Each returns the raw JSON reply as bytes.

``inputs``, ``outputs`` and ``results`` are the wire's item lists, sent as given (contract 2.6);
``timeLength`` keeps the official SDK's spelling and travels as ``time_length``.
"""

from __future__ import annotations

from typing import Any

from hanami_client.sdk._shim import request

__all__ = ["create_request_task", "create_train_task", "delete_task", "get_task", "list_tasks"]


def create_train_task(
    token: str,
    address: str,
    name: str,
    cluster_uuid: str,
    inputs: list[Any],
    outputs: list[Any],
    timeLength: int = 1,
    verify_connection: bool = True,
) -> bytes | None:
    """POST /task/train."""
    body = {
        "name": name,
        "cluster_uuid": cluster_uuid,
        "inputs": inputs,
        "outputs": outputs,
        "time_length": timeLength,
    }
    return request(token, address, verify_connection, "POST", "/task/train", body=body)


def create_request_task(
    token: str,
    address: str,
    name: str,
    cluster_uuid: str,
    inputs: list[Any],
    results: list[Any],
    timeLength: int = 1,
    verify_connection: bool = True,
) -> bytes | None:
    """POST /task/request."""
    body = {
        "name": name,
        "cluster_uuid": cluster_uuid,
        "inputs": inputs,
        "results": results,
        "time_length": timeLength,
    }
    return request(token, address, verify_connection, "POST", "/task/request", body=body)


def get_task(
    token: str, address: str, task_uuid: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """GET /task."""
    query = {"uuid": task_uuid, "cluster_uuid": cluster_uuid}
    return request(token, address, verify_connection, "GET", "/task", query=query)


def list_tasks(
    token: str, address: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """GET /task/all."""
    query = {"cluster_uuid": cluster_uuid}
    return request(token, address, verify_connection, "GET", "/task/all", query=query)


def delete_task(
    token: str, address: str, task_uuid: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /task."""
    query = {"uuid": task_uuid, "cluster_uuid": cluster_uuid}
    return request(token, address, verify_connection, "DELETE", "/task", query=query)
