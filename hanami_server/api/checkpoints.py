"""Checkpoint get, list and delete (contract 2.7, R of 11 #3); save and load are cluster calls."""

from __future__ import annotations

from typing import Any

from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import checkpoints as store
from hanami_server.validation import UUID_PATTERN, string

router = Router()

LIST_HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
_FIELDS = ("uuid", "name", "created_at", "owner_id", "project_id", "visibility")
_UUID = string(UUID_PATTERN, 0, 0)


def not_found(checkpoint_uuid: str) -> ApiError:
    """Upstream's 404 for a checkpoint that does not exist or is not visible."""
    return ApiError(404, f"Checkpoint with uuid '{checkpoint_uuid}' not found")


@router.route("GET", "checkpoint", uuid=_UUID)
def get_checkpoint(call: Call) -> dict[str, Any]:
    """A visible checkpoint's row (never its path)."""
    checkpoint = store.get_checkpoint(call.state.db, call.inputs["uuid"], call.user)
    if checkpoint is None:
        raise not_found(call.inputs["uuid"])
    return {key: checkpoint[key] for key in _FIELDS}


@router.route("GET", "checkpoint/all")
def list_checkpoints(call: Call) -> dict[str, Any]:
    """The checkpoints the caller may see, in creation order."""
    rows = [
        [checkpoint[column] for column in LIST_HEADER]
        for checkpoint in store.list_checkpoints(call.state.db, call.user)
    ]
    return table(LIST_HEADER, rows)


@router.route("DELETE", "checkpoint", uuid=_UUID)
def delete_checkpoint(call: Call) -> dict[str, Any]:
    """Delete a checkpoint: soft in the database, its file from disk."""
    checkpoint_uuid = call.inputs["uuid"]
    if not store.delete_checkpoint(call.state.db, checkpoint_uuid, call.user):
        raise ApiError(404, f"Chekckpoint with uuid '{checkpoint_uuid}' not found")
    try:
        (call.state.config.checkpoints_dir / checkpoint_uuid).unlink(missing_ok=True)
    except OSError as error:
        raise ApiError(500) from error
    return {}
