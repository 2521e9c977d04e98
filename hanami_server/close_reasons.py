"""Websocket close frames that carry the ASGI close `reason`, which daphne 4.2 drops.

Direct IO closes a socket with a code and a reason (``4404 unknown buffer name 'x'``); daphne
sends only the code (django/daphne#374), so clients would have to guess the cause.
"""

from __future__ import annotations

from typing import Any

from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol


class CloseWithReason(WebSocketProtocol):
    """daphne's websocket protocol, sending the reason along with the close code."""

    def handle_reply(self, message: dict[str, Any]) -> None:
        """Close with code and reason; everything else as daphne does it."""
        if message.get("type") == "websocket.close" and self.state == self.STATE_OPEN:
            self.sendClose(code=message.get("code") or 1000, reason=message.get("reason") or None)
        else:
            super().handle_reply(message)


def send_close_reasons(server: Server) -> None:
    """Make the running server's new websocket connections use CloseWithReason."""
    server.ws_factory.protocol = CloseWithReason
