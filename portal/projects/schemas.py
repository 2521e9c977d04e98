"""JSON shapes of projects in the portal API, checked with the wire contract's field rules."""

from __future__ import annotations

from ninja import Field, Path, Schema

from hanami_client.rules import ID_LENGTH, ID_RE, NAME_LENGTH, NAME_RE
from portal.core.schemas import rule_string

__all__ = ["DisplayName", "ProjectId", "ProjectIdPath", "ProjectIn", "ProjectOut"]


ID_HELP = "A letter, then letters, digits or _ (4 to 254 characters)."
NAME_HELP = "A letter, then letters, digits, _, - or spaces (4 to 254 characters)."

ProjectId = rule_string(ID_RE, ID_HELP, limits=ID_LENGTH)
ProjectIdPath = rule_string(ID_RE, ID_HELP, limits=ID_LENGTH, source=Path)
DisplayName = rule_string(NAME_RE, NAME_HELP, limits=NAME_LENGTH)


class ProjectIn(Schema):
    """A project to create."""

    id: ProjectId
    name: DisplayName


class ProjectOut(Schema):
    """A project as the backend stores it."""

    id: str
    name: str
    creator_id: str
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")
