"""Endpoint registration: each API module declares its endpoints with field specs and a handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hanami_server.responses import ApiError
from hanami_server.validation import Field

if TYPE_CHECKING:
    from hanami_server.state import ServerState

API_PREFIX = "v1.0alpha/"


@dataclass(frozen=True)
class Call:
    """One validated request as a handler sees it."""

    state: ServerState
    user: dict[str, Any]
    inputs: dict[str, Any]

    def require_admin(self) -> None:
        """Upstream's hard-coded check: only a global admin passes; others get an empty 401."""
        if self.user.get("is_admin") is not True:
            raise ApiError(401)


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Endpoint:
    """A handler for one router key (path without leading slash) and method."""

    path: str
    method: str
    fields: dict[str, Field]
    handler: Handler


class Router:
    """The endpoints of one resource group."""

    def __init__(self) -> None:
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, sub_path: str, **fields: Field) -> Callable[[Handler], Handler]:
        """Register the decorated function for `v1.0alpha/<sub_path>` and method."""

        def register(handler: Handler) -> Handler:
            self.endpoints.append(Endpoint(API_PREFIX + sub_path, method, fields, handler))
            return handler

        return register


class Routes:
    """Exact-match lookup of endpoints by router key and method."""

    def __init__(self, routers: list[Router]) -> None:
        self._table: dict[tuple[str, str], Endpoint] = {}
        for router in routers:
            for endpoint in router.endpoints:
                key = (endpoint.path, endpoint.method)
                if key in self._table:
                    raise ValueError(f"endpoint registered twice: {key}")
                self._table[key] = endpoint

    def find(self, path: str, method: str) -> Endpoint | None:
        """The endpoint for exactly this path and method, or None."""
        return self._table.get((path, method))
