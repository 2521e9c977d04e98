"""Websockets only from the portal's own pages: the Origin must be the Host the socket came to.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host name with
``ALLOWED_HOSTS`` only, so a page of another web application on the same host name (another
port, or http beside https) could open a socket with the user's cookies. This validator wants
the Origin's host and port to be the socket's own ``Host`` header (a proxy in front of the
portal must pass that header on, as it must for Django's CSRF check), or an origin listed in
``CSRF_TRUSTED_ORIGINS``. It runs inside ``AllowedHostsOriginValidator``, which keeps checking
the host name against ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings

__all__ = ["SameOriginValidator", "same_origin"]

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return ""


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    """A netloc as (lower-case host, port), the scheme's default port where none is given."""
    parts = urlsplit(f"//{netloc}")
    try:
        port = parts.port
    except ValueError:
        return "", None
    return (parts.hostname or ""), port if port is not None else DEFAULT_PORTS.get(scheme)


def same_origin(scope: dict[str, Any]) -> bool:
    """Whether the socket's Origin is its own Host (or a trusted origin)."""
    origin = _header(scope, b"origin")
    if not origin:
        return False
    if origin.rstrip("/") in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https"):
        return False
    page = _host_and_port(parts.netloc, parts.scheme)
    # The Host header carries no scheme: a default port is the page's scheme's.
    socket = _host_and_port(_header(scope, b"host"), parts.scheme)
    return bool(page[0]) and page == socket


class SameOriginValidator:
    """ASGI middleware: refuses a websocket whose Origin is not the socket's own host and port."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
