"""Checkpoints: ``/v1.0alpha/checkpoint`` and ``/checkpoint/all`` (contract 2.7).

A checkpoint is written by ``client.clusters.save`` and read back by ``client.clusters.restore``;
its content never travels over the API.
"""

from __future__ import annotations

from hanami_client import _parse
from hanami_client.resources._base import Resource
from hanami_client.types import Checkpoint, Table

__all__ = ["Checkpoints"]

_LIST_CELLS = {
    "created_at": _parse.text,
    "uuid": _parse.text,
    "project_id": _parse.text,
    "owner_id": _parse.text,
    "visibility": _parse.text,
    "name": _parse.text,
}


class Checkpoints(Resource):
    """Read, list and delete checkpoints."""

    def get(self, uuid: str) -> Checkpoint:
        """One checkpoint (upstream always answers 500 here: ServerError there)."""
        query = {"uuid": uuid}
        data = self._transport.send_json(
            "GET", "/checkpoint", operation="checkpoints.get", query=query
        )
        return self._read("checkpoints.get", _parse.checkpoint, data)

    def list(self) -> Table:
        """Visible checkpoints: columns created_at, uuid, project_id, owner_id, visibility, name."""
        data = self._transport.send_json("GET", "/checkpoint/all", operation="checkpoints.list")
        return self._read("checkpoints.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def delete(self, uuid: str) -> None:
        """Delete a checkpoint (its row and its file)."""
        query = {"uuid": uuid}
        self._transport.send_json(
            "DELETE", "/checkpoint", operation="checkpoints.delete", query=query
        )
