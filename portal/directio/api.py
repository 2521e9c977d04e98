"""Direct IO in the JSON API (mounted at /api/clusters): mode switches, one message at a time.

``request`` and ``train`` each run in a backend session of their own (switch to DIRECT mode,
one message, back to TASK mode); the Try-it page keeps one open instead. A cluster that a
browser drives, or that runs a task, answers 409.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from hanami_client import Conflict, DirectIOError, ModeChange, ProtocolError
from hanami_client.direct import Outputs
from portal.clusters.schemas import ClusterUuidPath
from portal.directio.layout import known_hexagons
from portal.directio.messages import MessageError, Rules, check_message
from portal.directio.relay import BUSY_MESSAGE
from portal.directio.schemas import (
    DirectOutputsOut,
    DirectRequestIn,
    DirectTrainIn,
    ModeIn,
    ModeOut,
)
from portal.directio.services import InUse, direct_once, set_mode
from portal.hanami import get_hanami

__all__ = ["router"]

router = Router(tags=["direct io"])


@router.put("/{cluster_uuid}/mode", response=ModeOut, summary="Switch a cluster's mode")
def switch_mode(request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: ModeIn) -> ModeChange:
    """DIRECT stops the cluster's task queue for direct IO; TASK lets its tasks run again.

    409 when the switch is not possible now (DIRECT while a task runs, TASK while in task
    mode), or when a browser drives the cluster from its Try-it page.
    """
    try:
        return set_mode(client=get_hanami(request), cluster_uuid=cluster_uuid, mode=payload.mode)
    except InUse as error:
        raise HttpError(409, str(error)) from None


def relay_once(request: HttpRequest, cluster_uuid: str, data: dict[str, Any]) -> Outputs | None:
    """Check a message against the cluster's template and relay it in a session of its own."""
    # Only for a cluster the caller may see (404 otherwise): a refusal names its hexagons.
    get_hanami(request).clusters.get(cluster_uuid)
    hexagons = known_hexagons(cluster_uuid)
    inputs, outputs = hexagons if hexagons is not None else (None, None)
    rules = Rules(
        inputs=frozenset(inputs) if inputs is not None else None,
        outputs=frozenset(outputs) if outputs is not None else None,
    )
    try:
        message = check_message(data, rules)
    except MessageError as error:
        raise HttpError(400, str(error)) from None
    context = request.auth
    try:
        return async_to_sync(direct_once)(
            token=context["token"],
            user=(context["user_id"], context["name"]),
            cluster_uuid=cluster_uuid,
            outputs=outputs,
            message=message,
        )
    except InUse as error:
        raise HttpError(409, str(error)) from None
    except Conflict:
        raise HttpError(409, BUSY_MESSAGE) from None
    except (DirectIOError, ProtocolError) as error:
        raise HttpError(400, f"The backend refused this message: {error.message}") from None


@router.post(
    "/{cluster_uuid}/direct/request", response=DirectOutputsOut, summary="Ask a cluster directly"
)
def direct_request(
    request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: DirectRequestIn
) -> dict[str, Outputs]:
    """One forward pass with these inputs; answers every output hexagon's values."""
    outputs = relay_once(request, cluster_uuid, {"kind": "request", "inputs": payload.inputs})
    return {"outputs": outputs or {}}


@router.post(
    "/{cluster_uuid}/direct/train", response={204: None}, summary="Train a cluster directly"
)
def direct_train(
    request: HttpRequest, cluster_uuid: ClusterUuidPath, payload: DirectTrainIn
) -> None:
    """One training pass (forward and backward) with these inputs and expected outputs."""
    relay_once(
        request,
        cluster_uuid,
        {"kind": "train", "inputs": payload.inputs, "expected": payload.expected},
    )
