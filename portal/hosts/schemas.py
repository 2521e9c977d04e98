"""JSON shapes of hosts in the portal API."""

from __future__ import annotations

from ninja import Field, Schema

from hanami_client.rules import UUID_RE
from portal.core.schemas import rule_string
from portal.hosts.forms import MAX_HEXAGON_ID

__all__ = ["HostOut", "SwitchHostIn"]

ResourceUuid = rule_string(UUID_RE, "A uuid (8-4-4-4-12 hexadecimal digits).")


class HostOut(Schema):
    """A compute host of the backend."""

    uuid: str
    type: str = Field(description="cpu (or cuda).")


class SwitchHostIn(Schema):
    """Which hexagon of which cluster moves to which host."""

    cluster_uuid: ResourceUuid
    host_uuid: ResourceUuid
    hexagon_id: int = Field(
        1, ge=0, le=MAX_HEXAGON_ID, description="The hexagon, from 1 in template order."
    )
