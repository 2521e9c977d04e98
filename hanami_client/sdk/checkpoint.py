"""``hanami_sdk.checkpoint``: checkpoints. Each returns the raw JSON reply as bytes.

The official SDK has no function to read one checkpoint; ``HanamiClient.checkpoints.get`` does.
"""

from __future__ import annotations

from hanami_client.sdk._shim import request

__all__ = ["delete_checkpoint", "list_checkpoints"]


def list_checkpoints(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /checkpoint/all."""
    return request(token, address, verify_connection, "GET", "/checkpoint/all")


def delete_checkpoint(
    token: str, address: str, checkpoint_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /checkpoint."""
    query = {"uuid": checkpoint_uuid}
    return request(token, address, verify_connection, "DELETE", "/checkpoint", query=query)
