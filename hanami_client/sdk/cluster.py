"""``hanami_sdk.cluster``: clusters. Each returns the raw JSON reply as bytes.

``create_cluster`` encodes the template as ASCII like the official SDK, so non-ASCII text raises
``UnicodeEncodeError`` before anything is sent. ``save_cluster`` and ``restore_cluster`` queue a
task and answer its uuid (a save's is also the new checkpoint's); poll ``task.get_task`` for it.
"""

from __future__ import annotations

import base64

from hanami_client.sdk._shim import request

__all__ = [
    "create_cluster",
    "delete_cluster",
    "get_cluster",
    "list_clusters",
    "restore_cluster",
    "save_cluster",
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
