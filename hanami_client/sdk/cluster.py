"""``hanami_sdk.cluster``: clusters. Each returns the raw JSON reply as bytes.

``create_cluster`` encodes the template as ASCII like the official SDK, so non-ASCII text raises
``UnicodeEncodeError`` before anything is sent. ``save_cluster`` and ``restore_cluster`` queue a
task and answer its uuid (a save's is also the new checkpoint's); poll ``task.get_task`` for it.

``switch_to_direct_mode`` returns the open ``websockets`` connection bound to the cluster for
``direct_io``, or None when the backend refuses the init (the cluster then stays in DIRECT mode,
as upstream); close it, then call ``switch_to_task_mode``.
"""

from __future__ import annotations

import asyncio
import base64

from websockets.asyncio.client import ClientConnection

from hanami_client import _ws
from hanami_client._errors import ApiError, HanamiError
from hanami_client.sdk._shim import request, translate
from hanami_client.sdk.direct_io import REPLY_TIMEOUT_SECONDS

__all__ = [
    "create_cluster",
    "delete_cluster",
    "get_cluster",
    "list_clusters",
    "restore_cluster",
    "save_cluster",
    "switch_host",
    "switch_to_direct_mode",
    "switch_to_task_mode",
]


def create_cluster(
    token: str, address: str, name: str, template: str, verify_connection: bool = True
) -> bytes | None:
    """POST /cluster."""
    body = {"name": name, "template": base64.b64encode(template.encode("ascii")).decode("ascii")}
    return request(token, address, verify_connection, "POST", "/cluster", body=body)


def get_cluster(
    token: str, address: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """GET /cluster."""
    query = {"uuid": cluster_uuid}
    return request(token, address, verify_connection, "GET", "/cluster", query=query)


def list_clusters(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /cluster/all."""
    return request(token, address, verify_connection, "GET", "/cluster/all")


def delete_cluster(
    token: str, address: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /cluster."""
    query = {"uuid": cluster_uuid}
    return request(token, address, verify_connection, "DELETE", "/cluster", query=query)


def save_cluster(
    token: str, address: str, name: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """POST /cluster/save."""
    body = {"name": name, "cluster_uuid": cluster_uuid}
    return request(token, address, verify_connection, "POST", "/cluster/save", body=body)


def restore_cluster(
    token: str,
    address: str,
    checkpoint_uuid: str,
    cluster_uuid: str,
    verify_connection: bool = True,
) -> bytes | None:
    """POST /cluster/load."""
    body = {"checkpoint_uuid": checkpoint_uuid, "cluster_uuid": cluster_uuid}
    return request(token, address, verify_connection, "POST", "/cluster/load", body=body)


def switch_host(
    token: str, address: str, cluster_uuid: str, host_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """PUT /cluster/switch_host, always for hexagon 1 as the official SDK does."""
    body = {"cluster_uuid": cluster_uuid, "host_uuid": host_uuid, "hexagon_id": 1}
    return request(token, address, verify_connection, "PUT", "/cluster/switch_host", body=body)


def switch_to_task_mode(
    token: str, address: str, cluster_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """PUT /cluster/set_mode to TASK."""
    body = {"new_state": "TASK", "uuid": cluster_uuid}
    return request(token, address, verify_connection, "PUT", "/cluster/set_mode", body=body)


async def switch_to_direct_mode(
    token: str, address: str, cluster_uuid: str, verify_connection: bool = True
) -> ClientConnection | None:
    """PUT /cluster/set_mode to DIRECT, then a websocket bound to the cluster (None if refused)."""
    body = {"new_state": "DIRECT", "uuid": cluster_uuid}
    path = "/cluster/set_mode"
    await asyncio.to_thread(request, token, address, verify_connection, "PUT", path, body=body)
    timeout = REPLY_TIMEOUT_SECONDS
    try:
        websocket = await _ws.open_websocket(address, verify=verify_connection, timeout=timeout)
    except HanamiError as error:
        translate(error)
        raise
    try:
        await _ws.init_target(websocket, token, "cluster", cluster_uuid, timeout=timeout)
    except HanamiError as error:
        await websocket.close()
        if isinstance(error, ApiError):
            return None
        translate(error)
        raise
    return websocket
