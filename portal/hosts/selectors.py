"""Read-only questions about hosts: the choices of the switch-host form."""

from __future__ import annotations

from hanami_client import HanamiClient

__all__ = ["host_choices"]


def host_choices(*, client: HanamiClient) -> list[tuple[str, str]]:
    """The backend's hosts as choices of a select: uuid, then type and uuid."""
    return [(row["uuid"], f"{row['type']} ({row['uuid']})") for row in client.hosts.list()]
