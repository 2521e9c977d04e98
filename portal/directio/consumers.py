"""The Try-it page's websocket: the browser drives a cluster through the portal.

Before accepting, the socket's session must be signed in with a backend token that has not
expired, and the backend must show the cluster to that user; anyone else is refused. Once
accepted, the socket takes the cluster's lock (``locks``: one browser at a time; a second one is
told who drives it and closed with ``IN_USE``), then opens the backend session (``relay``; a busy
cluster closes with ``BUSY``). Each text frame is one message (``messages``); its reply is one
rendered fragment (``fragments``): the outputs, a note, or why the message was refused. When the
socket closes, for whatever reason, the backend session ends, the cluster goes back to TASK
mode and the lock is freed. The backend token never leaves the portal. A minute before that
token expires the socket hands the cluster back by itself (``EXPIRED``), while the token can
still switch it to TASK mode; after that, nobody but an admin could. Signing out does the same
at once (``SessionConsumer``).

The routes set ``view``: ``digits`` (the 28x28 canvas: 784 pixels in, ten scores out) or
``values`` (any shape).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer

from hanami_client import Conflict, HanamiError
from portal.core.aio import cancel_and_wait
from portal.core.sockets import EXPIRING, SessionConsumer, sees_cluster, session_context
from portal.directio.fragments import (
    State,
    render_outputs,
    render_problem,
    render_status,
    render_trained,
)
from portal.directio.layout import Layout, View, known_hexagons
from portal.directio.locks import REFRESH_SECONDS, claim, refresh, release
from portal.directio.messages import MessageError, Rules, parse_message
from portal.directio.relay import Lost, Refused, Relay, describe_failure

__all__ = ["BUSY", "EXPIRED", "EXPIRY_MARGIN", "FAILED", "IN_USE", "DirectIOConsumer"]

logger = logging.getLogger(__name__)

#: Close codes (with the status fragment sent just before): another browser drives the
#: cluster; the backend would not switch it to direct mode; the backend session was lost; the
#: user's backend token is about to expire.
IN_USE = 4409
BUSY = 4423
FAILED = 4502
EXPIRED = 4401
#: Seconds before the backend token expires at which the socket hands the cluster back.
EXPIRY_MARGIN = 60.0
SIGN_IN_AGAIN = "Your sign-in is about to expire, so the cluster went back to task mode."
SIGNED_OUT = "Your sign-in has ended, so the cluster went back to task mode."
BACKEND_CLOSED = (
    "The backend ended the session: it stopped, or another connection took the cluster over."
)
CLOSE_CODES = {"busy": BUSY, "expired": EXPIRED}


class DirectIOConsumer(SessionConsumer):
    """Relays one browser's messages to a backend direct-IO session it holds."""

    expiry_margin = EXPIRY_MARGIN

    cluster_uuid = ""
    relay: Relay | None = None
    rules: Rules
    holding = False
    keeper: asyncio.Task[None] | None = None
    watcher: asyncio.Task[None] | None = None

    def __init__(self, *args: Any, view: View = "values", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = view

    async def connect(self) -> None:
        """Accept a signed-in user who may see the cluster; then take it, or say who has it."""
        self.cluster_uuid = str(self.scope["url_route"]["kwargs"]["cluster_uuid"])
        context = await session_context(self.scope)
        if context is None or not await asyncio.to_thread(
            sees_cluster, context["token"], self.cluster_uuid
        ):
            await self.close()
            return
        await self.accept()
        await self.follow_session(context)
        holder = await claim(
            self.cluster_uuid,
            user_id=context["user_id"],
            name=context["name"],
            channel=self.channel_name,
        )
        if holder is not None:
            await self.send(render_status("in_use", holder=holder, user_id=context["user_id"]))
            await self.close(code=IN_USE, reason="in use by another browser")
            return
        self.holding = True
        hexagons = await database_sync_to_async(known_hexagons)(self.cluster_uuid)
        inputs, outputs = hexagons if hexagons is not None else ((), ())
        layout = Layout(inputs=inputs, outputs=outputs, known=hexagons is not None, view=self.view)
        self.rules = Rules.of(layout)
        relay = Relay(
            token=context["token"],
            cluster_uuid=self.cluster_uuid,
            outputs=outputs if hexagons is not None else None,
        )
        try:
            await relay.open()
        except HanamiError as error:
            await relay.close()
            await self.end(
                "busy" if isinstance(error, Conflict) else "failed", describe_failure(error)
            )
            return
        self.relay = relay
        self.keeper = asyncio.get_running_loop().create_task(self.keep_lock())
        self.watch_relay()
        await self.send(render_status("ready"))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Relay one message and send its reply (or why it was refused)."""
        if self.relay is None:
            return
        try:
            message = parse_message(text_data, self.rules)
            outputs = await self.relay.send(message)
        except (MessageError, Refused) as error:
            await self.send(render_problem(str(error)))
            return
        except Lost as error:
            await self.end("failed", str(error))
            return
        self.rules.learn(message)
        if outputs is None:
            await self.send(render_trained(message, view=self.view))
        else:
            await self.send(render_outputs(outputs, view=self.view))

    async def disconnect(self, code: int) -> None:
        """Whatever closed the socket: end the backend session and free the cluster."""
        await self.release()
        await self.unfollow_session()

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Handle one event; an unexpected error still frees the cluster before it propagates."""
        try:
            await super().dispatch(message)
        except StopConsumer:
            raise
        except Exception:
            await self.release()
            raise

    async def end(self, state: State, detail: str) -> None:
        """Say why this socket no longer drives the cluster, free it and close."""
        await self.send(render_status(state, detail=detail))
        await self.release()
        await self.close(code=CLOSE_CODES.get(state, FAILED), reason=state)

    async def keep_lock(self) -> None:
        """Refresh the lock while the socket lives."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            await refresh(self.cluster_uuid)

    def watch_relay(self) -> None:
        """Be told when the backend closes the session, also between two messages."""
        self.watcher = asyncio.get_running_loop().create_task(self._relay_closed())

    async def _relay_closed(self) -> None:
        if self.relay is not None:
            await self.relay.wait_closed()
            # Through the socket's own channel, so that it comes between two relayed messages.
            await self.channel_layer.send(self.channel_name, {"type": "relay.closed"})

    async def relay_closed(self, event: dict[str, Any]) -> None:
        """The backend session's socket closed: a refused message's session was replaced by
        then (watch the new one); otherwise the backend ended it, and the page learns so now."""
        if self.relay is None:
            return
        if self.relay.is_open:
            self.watch_relay()
            return
        await self.end("failed", BACKEND_CLOSED)

    async def session_ended(self, event: dict[str, Any]) -> None:
        """Signed out, or the token is about to expire (while it can still switch the cluster
        back to task mode): hand the cluster back and close."""
        expiring = event.get("reason") == EXPIRING
        await self.end("expired", SIGN_IN_AGAIN if expiring else SIGNED_OUT)

    async def release(self) -> None:
        """End the backend session (back to TASK mode) and free the lock; safe to call twice."""
        keeper, self.keeper = self.keeper, None
        await cancel_and_wait(keeper)
        watcher, self.watcher = self.watcher, None
        await cancel_and_wait(watcher)
        relay, self.relay = self.relay, None
        if relay is not None:
            await relay.close()
        if self.holding:
            self.holding = False
            await release(self.cluster_uuid, self.channel_name)
