"""Clusters: ``/v1.0alpha/cluster``, ``/cluster/all``, ``/cluster/save`` and ``/cluster/load``
(contract 2.5).

``create`` takes the template as text and sends it base64-encoded as UTF-8. The official SDK
refuses non-ASCII text locally; we let the backend judge it, so the caller gets the parser's
report with its line and position (``hanami_client.sdk.cluster`` keeps the SDK's local refusal).

``save`` and ``restore`` queue a task on the cluster and return its uuid; follow it with
``client.tasks.get``/``wait``. A save task's uuid is also the uuid of the checkpoint it writes.

``set_mode`` switches a cluster between TASK and DIRECT mode (``/cluster/set_mode``); ``direct``
returns the async direct-IO session of ``hanami_client.direct``, which switches by itself.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from hanami_client import _parse
from hanami_client.direct import DirectSession, Mode, ModeChange, parse_mode_change
from hanami_client.resources._base import Resource
from hanami_client.types import Cluster, Table

__all__ = ["Clusters", "encode_template"]

_LIST_CELLS = {
    "created_at": _parse.text,
    "uuid": _parse.text,
    "project_id": _parse.text,
    "owner_id": _parse.text,
    "visibility": _parse.text,
    "name": _parse.text,
}


def encode_template(template: str) -> str:
    """A template as ``POST /cluster`` expects it: base64 of its UTF-8 bytes."""
    return base64.b64encode(template.encode()).decode("ascii")


class Clusters(Resource):
    """Create, read, list, delete, save and restore clusters."""

    def create(self, name: str, template: str = "") -> Cluster:
        """Create a cluster from a template's text (its counters start at 0)."""
        body = {"name": name, "template": encode_template(template)}
        data = self._transport.send_json("POST", "/cluster", operation="clusters.create", body=body)
        return self._read("clusters.create", _parse.cluster, data)

    def get(self, uuid: str) -> Cluster:
        """One cluster with its block and section counters."""
        query = {"uuid": uuid}
        data = self._transport.send_json("GET", "/cluster", operation="clusters.get", query=query)
        return self._read("clusters.get", _parse.cluster, data)

    def list(self) -> Table:
        """Visible clusters: columns created_at, uuid, project_id, owner_id, visibility, name."""
        data = self._transport.send_json("GET", "/cluster/all", operation="clusters.list")
        return self._read("clusters.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def delete(self, uuid: str) -> None:
        """Delete a cluster (its queued and running tasks go with it)."""
        query = {"uuid": uuid}
        self._transport.send_json("DELETE", "/cluster", operation="clusters.delete", query=query)

    def save(self, cluster_uuid: str, name: str) -> str:
        """Queue a save into a new checkpoint ``name``; returns the task (= checkpoint) uuid."""
        body = {"name": name, "cluster_uuid": cluster_uuid}
        data = self._transport.send_json(
            "POST", "/cluster/save", operation="clusters.save", body=body
        )
        return self._read("clusters.save", _task_uuid, data)

    def restore(self, cluster_uuid: str, checkpoint_uuid: str) -> str:
        """Queue a restore of a checkpoint into the cluster; returns the restore task's uuid."""
        body = {"cluster_uuid": cluster_uuid, "checkpoint_uuid": checkpoint_uuid}
        data = self._transport.send_json(
            "POST", "/cluster/load", operation="clusters.restore", body=body
        )
        return self._read("clusters.restore", _task_uuid, data)

    def switch_host(self, cluster_uuid: str, host_uuid: str, hexagon_id: int = 1) -> Cluster:
        """Process a hexagon of the cluster on a host of ``client.hosts.list()``; our backend
        counts hexagons from 1 in template order (upstream from 0; the SDK always sends 1)."""
        body = {"cluster_uuid": cluster_uuid, "host_uuid": host_uuid, "hexagon_id": hexagon_id}
        data = self._transport.send_json(
            "PUT", "/cluster/switch_host", operation="clusters.switch_host", body=body
        )
        return self._read("clusters.switch_host", _parse.cluster, data)

    def set_mode(self, uuid: str, mode: Mode) -> ModeChange:
        """Switch to DIRECT mode (from idle TASK mode) or back to TASK mode (409 otherwise)."""
        body = {"uuid": uuid, "new_state": mode}
        data = self._transport.send_json(
            "PUT", "/cluster/set_mode", operation="clusters.set_mode", body=body
        )
        return self._read("clusters.set_mode", parse_mode_change, data)

    def direct(self, uuid: str, *, outputs: Sequence[str] | None = None) -> DirectSession:
        """A direct-IO session with the cluster (not yet open: ``async with`` it)."""
        return DirectSession(
            uuid, transport=self._transport, set_mode=self.set_mode, outputs=outputs
        )


def _task_uuid(data: dict[str, Any]) -> str:
    return _parse.text(data["uuid"])
