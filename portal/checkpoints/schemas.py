"""JSON shapes of checkpoints in the portal API."""

from __future__ import annotations

from ninja import Field, Path, Schema

from hanami_client.rules import UUID_RE
from portal.core.schemas import rule_string

__all__ = ["CheckpointOut", "CheckpointUuidPath"]

CheckpointUuidPath = rule_string(
    UUID_RE, "A checkpoint's uuid (8-4-4-4-12 hexadecimal digits).", source=Path
)


class CheckpointOut(Schema):
    """A saved cluster state; its uuid is the uuid of the task that saved it."""

    uuid: str
    name: str
    owner_id: str
    project_id: str
    visibility: str
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")
