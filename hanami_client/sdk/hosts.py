"""``hanami_sdk.hosts``: the backend's hosts. Returns the raw JSON reply as bytes."""

from __future__ import annotations

from hanami_client.sdk._shim import request

__all__ = ["list_hosts"]


def list_hosts(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /host/all."""
    return request(token, address, verify_connection, "GET", "/host/all")
