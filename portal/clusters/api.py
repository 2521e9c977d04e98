"""JSON operations on clusters (mounted at /api/clusters, for every signed-in user).

The backend scopes what a caller sees: a cluster outside that scope answers 404 as a missing
one does. Save and restore queue tasks; their uuids lead to the task (and checkpoint) endpoints.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from hanami_client import BadRequest, Cluster
from portal.clusters.schemas import (
    ClusterIn,
    ClusterOut,
    ClusterRowOut,
    ClusterUuidPath,
    RestoreIn,
    RestoreOut,
    SaveIn,
    SaveOut,
)
from portal.clusters.services import (
    TEMPLATE_REFUSAL,
    cluster_create,
    cluster_delete,
    normalise_template,
    refused_template,
)
from portal.hanami import get_hanami

__all__ = ["router"]

router = Router(tags=["clusters"])


@router.get("", response=list[ClusterRowOut], summary="List clusters")
def list_clusters(request: HttpRequest) -> list[dict[str, Any]]:
    """The clusters the signed-in user may see, in the order the backend stores them."""
    return [dict(row) for row in get_hanami(request).clusters.list()]


@router.post("", response={201: ClusterOut}, summary="Create a cluster")
def create_cluster(request: HttpRequest, payload: ClusterIn) -> Cluster:
    """Create a cluster; 400 names the line and position of a template error, 409 a taken name."""
    text = normalise_template(payload.template)
    try:
        return cluster_create(
            client=get_hanami(request),
            name=payload.name,
            text=text,
            created_by=request.auth["user_id"],
        )
    except BadRequest as error:
        problem = refused_template(error, text)
        if problem is None:
            raise
        raise HttpError(400, f"{TEMPLATE_REFUSAL} {problem.describe()}") from None


@router.get("/{cluster_uuid}", response=ClusterOut, summary="Get a cluster")
def get_cluster(request: HttpRequest, cluster_uuid: ClusterUuidPath) -> Cluster:
    """One cluster with its counters; 404 when it is missing or not visible."""
    return get_hanami(request).clusters.get(cluster_uuid)


@router.delete("/{cluster_uuid}", response={204: None}, summary="Delete a cluster")
def delete_cluster(request: HttpRequest, cluster_uuid: ClusterUuidPath) -> None:
    """Delete a cluster with its queued and running tasks; 404 when missing or not visible."""
    cluster_delete(client=get_hanami(request), uuid=cluster_uuid)


@router.post("/{cluster_uuid}/save", response={202: SaveOut}, summary="Save a checkpoint")
def save_cluster(
    request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: SaveIn
) -> dict[str, str]:
    """Queue a save of the cluster's state; the checkpoint appears under that uuid when done."""
    uuid = get_hanami(request).clusters.save(cluster_uuid, payload.name)
    return {"uuid": uuid, "name": payload.name}


@router.post("/{cluster_uuid}/restore", response={202: RestoreOut}, summary="Restore a checkpoint")
def restore_cluster(request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: RestoreIn) -> Any:
    """Queue a restore of a checkpoint; 400 when it was saved from another template."""
    uuid = get_hanami(request).clusters.restore(cluster_uuid, payload.checkpoint_uuid)
    return {"uuid": uuid}
