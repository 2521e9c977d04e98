"""Hosts (contract 2.8) and moving a cluster's hexagon to a host (2.5 `switch_host`).

The embedded server offers one `cpu` host, so a switch only checks what it is asked: the
cluster, the host and the hexagon. Hexagon ids count from 1 in template order (upstream counts
from 0), so the SDK's fixed `hexagon_id: 1` (11 #36) names the first hexagon and works on every
cluster that has one.
"""

from __future__ import annotations

from typing import Any

from hanami_client.template import parse_template
from hanami_server.api.clusters import LIST_HEADER, visible_cluster
from hanami_server.measure.host import HOST_TYPE
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.validation import UUID_PATTERN, integer, string

router = Router()

HOST_HEADER = ["uuid", "type"]
_UUID = string(UUID_PATTERN, 0, 0)


@router.route("GET", "host/all")
def list_hosts(call: Call) -> dict[str, Any]:
    """The one host: this machine's CPUs."""
    return table(HOST_HEADER, [[call.state.host_uuid, HOST_TYPE]])


@router.route(
    "PUT",
    "cluster/switch_host",
    cluster_uuid=_UUID,
    hexagon_id=integer(0, 1_000_000_000),
    host_uuid=_UUID,
)
def switch_host(call: Call) -> dict[str, Any]:
    """Process a hexagon of a visible cluster on the host; answers the cluster's row."""
    cluster_uuid, host_uuid = call.inputs["cluster_uuid"], call.inputs["host_uuid"]
    hexagon_id = call.inputs["hexagon_id"]
    cluster = visible_cluster(call, cluster_uuid)
    if host_uuid != call.state.host_uuid:
        raise ApiError(404, f"Host with uuid '{host_uuid}' not found")
    template = cluster["template"]
    hexagons = len(parse_template(template).hexagons) if template else 0
    if not 1 <= hexagon_id <= hexagons:
        raise ApiError(
            404,
            f"Cluster with UUID '{cluster_uuid}' does not contain a hexagon with ID '{hexagon_id}'",
        )
    return {key: cluster[key] for key in LIST_HEADER}
