"""Cluster create, get, list, delete and set_mode (contract 2.5); the template is parsed, then
stored. A cluster's tasks, mode and network live in its runtime (`hanami_server.tasks`)."""

from __future__ import annotations

from typing import Any

from hanami_client.template import (
    TemplateDecodeError,
    TemplateError,
    decode_template,
    parse_template,
)
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import clusters as store
from hanami_server.tasks.runtime import ClusterClosed, ClusterRuntime
from hanami_server.validation import NAME_PATTERN, UUID_PATTERN, Field, string

router = Router()

LIST_HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
TEMPLATE_ERROR = "Uploaded template is not a valid cluster-template: \n"
_NAME = string(NAME_PATTERN, 4, 254)
_TEMPLATE = Field("string", required=False, default="")
_UUID = string(UUID_PATTERN, 0, 0)
_OPTIONAL_UUID = string(UUID_PATTERN, 0, 0, required=False)
# registered with its anchors upstream, so the regex error prints "^^(TASK|DIRECT)$$"
_MODE = string(r"^(TASK|DIRECT)$", 0, 0)


def not_found(cluster_uuid: str) -> ApiError:
    """Upstream's 404 for a cluster that does not exist or is not visible."""
    return ApiError(404, f"Cluster with uuid '{cluster_uuid}' not found")


def visible_cluster(call: Call, cluster_uuid: str) -> dict[str, Any]:
    """The cluster row the caller may see, or the 404."""
    cluster = store.get_cluster(call.state.db, cluster_uuid, call.user)
    if cluster is None:
        raise not_found(cluster_uuid)
    return cluster


def runtime_of(call: Call, cluster: dict[str, Any]) -> ClusterRuntime:
    """The runtime of a visible cluster; the 404 when it was deleted a moment ago."""
    try:
        return call.state.runtimes.of(cluster)
    except ClusterClosed as error:
        raise not_found(cluster["uuid"]) from error


def require_hexagons(cluster: dict[str, Any]) -> None:
    """R of contract 2.6: a cluster created without a template has nothing to run tasks on."""
    if not cluster["template"]:
        raise ApiError(
            400,
            f"Cluster with uuid '{cluster['uuid']}' has no hexagons: it was created without a"
            " template",
        )


def _row(cluster: dict[str, Any]) -> dict[str, Any]:
    return {key: cluster[key] for key in LIST_HEADER}


def _template_text(b64: str) -> str:
    """The checked template text; `""` is a cluster without hexagons (contract 2.5 R)."""
    if b64 == "":
        return ""
    try:
        text = decode_template(b64)
        parse_template(text)
    except TemplateDecodeError as error:
        raise ApiError(400, error.message) from error
    except TemplateError as error:
        raise ApiError(400, TEMPLATE_ERROR + error.report()) from error
    return text


def _conflict(name: str) -> ApiError:
    return ApiError(409, f"Cluster with name '{name}' already exist.")


@router.route("POST", "cluster", name=_NAME, template=_TEMPLATE)
def create_cluster(call: Call) -> dict[str, Any]:
    """Create a cluster from a base64 template; names are unique among what the caller sees."""
    name = call.inputs["name"]
    if store.name_taken(call.state.db, name, call.user):
        raise _conflict(name)
    text = _template_text(call.inputs["template"])
    cluster = store.create_cluster(call.state.db, name=name, template=text, user=call.user)
    if cluster is None:
        raise _conflict(name)
    return _row(cluster)


@router.route("GET", "cluster", uuid=_UUID)
def get_cluster(call: Call) -> dict[str, Any]:
    """A cluster with its counters (0 until the engine trains it; live while it does)."""
    cluster = visible_cluster(call, call.inputs["uuid"])
    runtime = call.state.runtimes.loaded(cluster["uuid"])
    if runtime is None:
        blocks, sections = cluster["number_of_blocks"], cluster["number_of_sections"]
    else:
        blocks, sections = runtime.counters()
    return {**_row(cluster), "number_of_blocks": blocks, "number_of_sections": sections}


@router.route("GET", "cluster/all")
def list_clusters(call: Call) -> dict[str, Any]:
    """The clusters the caller may see, in creation order."""
    rows = [
        [cluster[column] for column in LIST_HEADER]
        for cluster in store.list_clusters(call.state.db, call.user)
    ]
    return table(LIST_HEADER, rows)


@router.route("DELETE", "cluster", uuid=_UUID)
def delete_cluster(call: Call) -> dict[str, Any]:
    """Delete a cluster (soft in the database): its running task stops, its queue, task history
    and learned state go; result datasets and checkpoints stay."""
    cluster_uuid = call.inputs["uuid"]
    if not store.delete_cluster(call.state.db, cluster_uuid, call.user):
        raise not_found(cluster_uuid)
    call.state.runtimes.drop(cluster_uuid)
    return {}


@router.route(
    "PUT", "cluster/set_mode", uuid=_UUID, new_state=_MODE, connection_uuid=_OPTIONAL_UUID
)
def set_cluster_mode(call: Call) -> dict[str, Any]:
    """Switch between TASK and DIRECT mode (`connection_uuid` is accepted and ignored, as
    upstream does); 409 when the switch is not allowed now."""
    cluster = visible_cluster(call, call.inputs["uuid"])
    new_state = call.inputs["new_state"]
    try:
        switched = runtime_of(call, cluster).set_mode(new_state)
    except ClusterClosed as error:
        raise not_found(cluster["uuid"]) from error
    if not switched:
        raise ApiError(409, f"Can not switch cluster to '{new_state}'")
    return {
        "created_at": cluster["created_at"],
        "name": cluster["name"],
        "new_state": new_state,
        "uuid": cluster["uuid"],
    }
