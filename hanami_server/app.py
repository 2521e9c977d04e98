"""The ASGI application: HTTP requests go through the pipeline, websockets to their handler."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from hanami_server.pipeline import RawRequest, handle
from hanami_server.state import ServerState
from hanami_server.websocket import serve_websocket


class HanamiApp:
    """ASGI 3 entry point; blocking work (database, hashing) runs in worker threads."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            await self._serve_http(scope, receive, send)
        elif scope["type"] == "websocket":
            await serve_websocket(self.state, receive, send)

    async def _serve_http(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        body = bytearray()
        while True:
            event = await receive()
            if event["type"] == "http.disconnect":
                return
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        headers = dict(scope["headers"])
        request = RawRequest(
            method=scope["method"],
            target=target,
            token=headers.get(b"x-auth-token", b"").decode("latin-1"),
            body=bytes(body),
        )
        response = await asyncio.to_thread(handle, self.state, request)
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [
                    (b"content-type", response.content_type.encode()),
                    (b"content-length", str(len(response.body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": response.body})
