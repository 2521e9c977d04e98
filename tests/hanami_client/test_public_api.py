"""The names the portal codes against: pinned, importable, and arranged in the documented tree."""

from __future__ import annotations

import hanami_client
from hanami_client import (
    ApiError,
    BackendUnavailable,
    BadRequest,
    Conflict,
    DirectIOError,
    Forbidden,
    HanamiClient,
    HanamiError,
    NotFound,
    ProtocolError,
    ServerError,
    TaskTimeout,
    TokenInfo,
    Unauthorized,
)

PUBLIC_NAMES = [
    "ApiError",
    "BackendUnavailable",
    "BadRequest",
    "Checkpoint",
    "Cluster",
    "Conflict",
    "CpuCore",
    "CpuPackage",
    "Dataset",
    "DirectIOError",
    "DirectSession",
    "Forbidden",
    "HanamiClient",
    "HanamiError",
    "ModeChange",
    "NotFound",
    "Project",
    "ProjectAssignment",
    "ProtocolError",
    "Row",
    "Series",
    "ServerError",
    "SystemInfo",
    "Table",
    "Task",
    "TaskInput",
    "TaskResult",
    "TaskTimeout",
    "TokenInfo",
    "Unauthorized",
    "UploadTicket",
    "User",
]


def test_public_names_are_pinned() -> None:
    assert hanami_client.__all__ == PUBLIC_NAMES


def test_every_public_name_is_importable() -> None:
    missing = [name for name in PUBLIC_NAMES if not hasattr(hanami_client, name)]
    assert missing == []


def test_api_errors_share_one_base_and_connection_errors_stand_apart() -> None:
    for kind in (BadRequest, Unauthorized, Forbidden, NotFound, Conflict, ServerError):
        assert issubclass(kind, ApiError)
    for kind in (ApiError, BackendUnavailable, ProtocolError, TaskTimeout, DirectIOError):
        assert issubclass(kind, HanamiError)
    assert not issubclass(BackendUnavailable, ApiError)
    assert not issubclass(ProtocolError, ApiError)
    assert not issubclass(TaskTimeout, ApiError)


def test_error_text_names_operation_status_and_message() -> None:
    error = NotFound("User with id 'x' not found", status=404, operation="users.get")
    assert (error.status, error.message, error.operation) == (
        404,
        "User with id 'x' not found",
        "users.get",
    )
    assert str(error) == "users.get: status 404: User with id 'x' not found"


def test_address_loses_its_trailing_slash() -> None:
    with HanamiClient("http://127.0.0.1:11418/", verify=False, timeout=2.5) as client:
        assert client.address == "http://127.0.0.1:11418"
        assert client.verify is False
        assert client.timeout == 2.5
        assert client.token is None


def test_repr_never_shows_the_token() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln"
    client = HanamiClient("http://127.0.0.1:11418", token)
    info = TokenInfo(token, "asdf", "asdf", True, "admin", "admin", True, 0)
    assert token not in repr(client)
    assert token not in repr(info)
