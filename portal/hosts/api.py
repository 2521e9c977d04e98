"""JSON operations on hosts (mounted at /api/hosts): list them, move a cluster's hexagon."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hanami_client import Cluster
from portal.clusters.schemas import ClusterRowOut
from portal.hanami import get_hanami
from portal.hosts.schemas import HostOut, SwitchHostIn

__all__ = ["router"]

router = Router(tags=["hosts"])


@router.get("", response=list[HostOut], summary="List hosts")
def list_hosts(request: HttpRequest) -> list[dict[str, Any]]:
    """The backend's compute hosts."""
    return [dict(row) for row in get_hanami(request).hosts.list()]


@router.post("/switch", response=ClusterRowOut, summary="Move a hexagon to a host")
def switch_host(request: HttpRequest, body: SwitchHostIn) -> Cluster:
    """Process a hexagon of a visible cluster on the host (404: no such cluster, host, hexagon)."""
    return get_hanami(request).clusters.switch_host(
        body.cluster_uuid, body.host_uuid, body.hexagon_id
    )
