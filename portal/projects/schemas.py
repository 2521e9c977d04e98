"""JSON shapes of projects in the portal API, checked with the wire contract's field rules."""

from __future__ import annotations

import re
from typing import Annotated

from ninja import Field, Path, Schema

from hanami_client.rules import ID_LENGTH, ID_RE, NAME_LENGTH, NAME_RE

__all__ = ["DisplayName", "ProjectId", "ProjectIdPath", "ProjectIn", "ProjectOut", "anchored"]


def anchored(pattern: re.Pattern[str]) -> str:
    """The rule's regex matching the whole value, as the backend applies it."""
    return f"^(?:{pattern.pattern})$"


ID_HELP = "A letter, then letters, digits or _ (4 to 254 characters)."
NAME_HELP = "A letter, then letters, digits, _, - or spaces (4 to 254 characters)."

ProjectId = Annotated[
    str,
    Field(
        pattern=anchored(ID_RE),
        min_length=ID_LENGTH[0],
        max_length=ID_LENGTH[1],
        description=ID_HELP,
    ),
]
ProjectIdPath = Annotated[
    str,
    Path(
        pattern=anchored(ID_RE),
        min_length=ID_LENGTH[0],
        max_length=ID_LENGTH[1],
        description=ID_HELP,
    ),
]
DisplayName = Annotated[
    str,
    Field(
        pattern=anchored(NAME_RE),
        min_length=NAME_LENGTH[0],
        max_length=NAME_LENGTH[1],
        description=NAME_HELP,
    ),
]


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
