"""JSON shapes of users and their project assignments in the portal API."""

from __future__ import annotations

from ninja import Field, Path, Schema
from pydantic import SecretStr, field_validator
from pydantic_core import PydanticCustomError

from hanami_client.rules import ID_EXT_RE, ID_LENGTH, ID_RE, PASSPHRASE_MIN_BYTES
from portal.core.schemas import rule_string
from portal.projects.schemas import DisplayName, ProjectId

__all__ = [
    "AssignmentIn",
    "AssignmentOut",
    "UserId",
    "UserIdPath",
    "UserIn",
    "UserOut",
]

#: The backend takes the passphrase base64-encoded in at most 4096 characters.
PASSPHRASE_MAX_BYTES = 4096 // 4 * 3
USER_ID_HELP = "A letter, then letters, digits, _ or @ (4 to 254 characters)."

UserId = rule_string(ID_EXT_RE, USER_ID_HELP, limits=ID_LENGTH)
UserIdPath = rule_string(ID_EXT_RE, USER_ID_HELP, limits=ID_LENGTH, source=Path)
RoleName = rule_string(
    ID_RE,
    "The user's role in the project, e.g. member (4 to 254 characters).",
    limits=ID_LENGTH,
)


class UserIn(Schema):
    """A user to create; the passphrase is sent to the backend and never returned."""

    id: UserId
    name: DisplayName
    passphrase: SecretStr = Field(
        description=f"{PASSPHRASE_MIN_BYTES} to {PASSPHRASE_MAX_BYTES} bytes of UTF-8."
    )
    is_admin: bool = False

    @field_validator("passphrase")
    @classmethod
    def passphrase_length(cls, value: SecretStr) -> SecretStr:
        """Refuse a passphrase the backend cannot store (the value is never echoed)."""
        size = len(value.get_secret_value().encode())
        if not PASSPHRASE_MIN_BYTES <= size <= PASSPHRASE_MAX_BYTES:
            raise PydanticCustomError(
                "passphrase_length",
                "Passphrase must be {min} to {max} bytes long",
                {"min": PASSPHRASE_MIN_BYTES, "max": PASSPHRASE_MAX_BYTES},
            )
        return value


class AssignmentIn(Schema):
    """A project to assign to a user, with the user's role in it."""

    project_id: ProjectId
    role: RoleName
    is_project_admin: bool = False


class AssignmentOut(Schema):
    """A user's membership in a project."""

    project_id: str
    role: str
    is_project_admin: bool


class UserOut(Schema):
    """A backend user with their project assignments."""

    id: str
    name: str
    is_admin: bool
    projects: list[AssignmentOut]
    creator_id: str
    created_at: str = Field(description="UTC, YYYY-MM-DD HH:MM:SS")
