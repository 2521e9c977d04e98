"""Hosts: ``/v1.0alpha/host/all`` (contract 2.8). A host's uuid is what
``client.clusters.switch_host`` takes."""

from __future__ import annotations

from hanami_client import _parse
from hanami_client.resources._base import Resource
from hanami_client.types import Table

__all__ = ["Hosts"]

_LIST_CELLS = {"uuid": _parse.text, "type": _parse.text}


class Hosts(Resource):
    """List the hosts a cluster can be processed on."""

    def list(self) -> Table:
        """The backend's hosts: columns uuid, type (``cpu``; ``cuda`` where a GPU is used)."""
        data = self._transport.send_json("GET", "/host/all", operation="hosts.list")
        return self._read("hosts.list", lambda d: _parse.table(d, _LIST_CELLS), data)
