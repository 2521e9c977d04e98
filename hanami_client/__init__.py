"""A client for the OpenHanami API: ``HanamiClient``, its typed errors and typed values."""

from __future__ import annotations

from hanami_client._client import HanamiClient
from hanami_client._errors import (
    ApiError,
    BackendUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    HanamiError,
    NotFound,
    ProtocolError,
    ServerError,
    TaskTimeout,
    Unauthorized,
)
from hanami_client.types import (
    Checkpoint,
    Cluster,
    Dataset,
    Project,
    ProjectAssignment,
    Row,
    Table,
    Task,
    TaskInput,
    TaskResult,
    TokenInfo,
    UploadTicket,
    User,
)

__all__ = [
    "ApiError",
    "BackendUnavailable",
    "BadRequest",
    "Checkpoint",
    "Cluster",
    "Conflict",
    "Dataset",
    "Forbidden",
    "HanamiClient",
    "HanamiError",
    "NotFound",
    "Project",
    "ProjectAssignment",
    "ProtocolError",
    "Row",
    "ServerError",
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
