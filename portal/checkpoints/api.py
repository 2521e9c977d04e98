"""JSON operations on checkpoints (mounted at /api/checkpoints, for every signed-in user).

Checkpoints are made by saving a cluster (``POST /api/clusters/{uuid}/save``) and restored
into one (``POST /api/clusters/{uuid}/restore``); here they are read and deleted.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hanami_client import Checkpoint
from portal.checkpoints.schemas import CheckpointOut, CheckpointUuidPath
from portal.hanami import get_hanami

__all__ = ["router"]

router = Router(tags=["checkpoints"])


@router.get("", response=list[CheckpointOut], summary="List checkpoints")
def list_checkpoints(request: HttpRequest) -> list[dict[str, Any]]:
    """The checkpoints the signed-in user may see, in the order the backend stores them."""
    return [dict(row) for row in get_hanami(request).checkpoints.list()]


@router.get("/{checkpoint_uuid}", response=CheckpointOut, summary="Get a checkpoint")
def get_checkpoint(request: HttpRequest, checkpoint_uuid: CheckpointUuidPath) -> Checkpoint:
    """One checkpoint; 404 when it is missing or not visible."""
    return get_hanami(request).checkpoints.get(checkpoint_uuid)


@router.delete("/{checkpoint_uuid}", response={204: None}, summary="Delete a checkpoint")
def delete_checkpoint(request: HttpRequest, checkpoint_uuid: CheckpointUuidPath) -> None:
    """Delete a checkpoint and its file; 404 when it is missing or not visible."""
    get_hanami(request).checkpoints.delete(checkpoint_uuid)
