"""Replies as upstream shapes them: compact sorted JSON as `text/json`, errors as `text/plain`."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    """One HTTP reply: status, content type and the body bytes."""

    status: int
    content_type: str
    body: bytes


class ApiError(Exception):
    """A handled failure: the status and the message upstream sends (may be empty)."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def dump_json(value: object) -> str:
    """Compact JSON with sorted keys, as nlohmann's `dump()` of a std::map-backed object."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class JsonText:
    """A reply value already serialized as compact sorted JSON (large numeric payloads)."""

    text: str


def json_reply(value: object) -> Response:
    """A 200 with the value as compact sorted JSON."""
    text = value.text if isinstance(value, JsonText) else dump_json(value)
    return Response(200, "text/json", text.encode())


def text_reply(status: int, message: str = "") -> Response:
    """An error reply: the message only, not JSON."""
    return Response(status, "text/plain", message.encode())


def table(header: list[str], rows: list[list[object]]) -> dict[str, object]:
    """A list ("table") response body."""
    return {"header": header, "body": rows}
