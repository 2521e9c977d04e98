"""The websocket of contract 3.1: a JSON init message binds the socket to a target session
(direct IO with a cluster, `direct_io`; a file upload, `upload`)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from hanami_server.auth import TokenInvalid, read_token
from hanami_server.direct_io import CloseSocket, DirectSession, SessionUnbound
from hanami_server.responses import dump_json
from hanami_server.state import ServerState
from hanami_server.store.clusters import get_cluster
from hanami_server.tasks.runtime import ClusterClosed
from hanami_server.upload import FileUploadSession


class Session(Protocol):
    """What an initialised socket talks to: one reply per message (strictly half-duplex)."""

    def handle(self, message: bytes) -> bytes | list[bytes]:
        """The reply (or replies, sent in a row) to one client frame; may raise CloseSocket or
        SessionUnbound instead."""

    def close(self) -> None:
        """The socket is gone: release what the session holds."""


class InitFailure(Exception):
    """The init message was understood but refused; the text goes into the reply's `error`."""


Opener = Callable[[ServerState, dict[str, Any], str], Session]


def _open_cluster(state: ServerState, user: dict[str, Any], target_uuid: str) -> Session:
    """Direct IO with a cluster the token's user may see (contract 1.11); no mode is needed
    to attach (contract 11 #43)."""
    cluster = get_cluster(state.db, target_uuid, user)
    try:
        if cluster is None:
            raise ClusterClosed(target_uuid)
        return DirectSession(state.runtimes.of(cluster))
    except ClusterClosed as error:
        raise InitFailure(f"Cluster with UUID '{target_uuid}' not found") from error


def _open_file_upload(state: ServerState, user: dict[str, Any], target_uuid: str) -> Session:
    """File upload into an open temp file the token's user may see (contract 1.11)."""
    tempfile = state.uploads.attach(state.db, target_uuid, user)
    if tempfile is None:
        raise InitFailure(f"Tempfile with UUID '{target_uuid}' not found")
    try:
        return FileUploadSession(state, tempfile)
    except OSError as error:
        state.uploads.detach(state.db, target_uuid)
        raise InitFailure("Internal error") from error


TARGETS: dict[str, Opener] = {"cluster": _open_cluster, "file_upload": _open_file_upload}


def init_session(state: ServerState, frame: bytes) -> tuple[bytes, Session | None]:
    """The init reply for one client frame, and the session when the init succeeded."""
    try:
        message = json.loads(frame.decode())
    except (UnicodeDecodeError, ValueError) as error:
        return _failure(f"json-parser error: {error}"), None
    if not isinstance(message, dict) or "token" not in message or "uuid" not in message:
        return _failure("the init message needs the keys 'token', 'target' and 'uuid'"), None
    try:
        user = read_token(str(message["token"]), state.token_key)
    except TokenInvalid:
        return _failure("Token invalid"), None
    opener = TARGETS.get(str(message.get("target", "")))
    if opener is None:
        return _failure(""), None
    try:
        session = opener(state, user, str(message["uuid"]))
    except InitFailure as error:
        return _failure(str(error)), None
    return dump_json({"success": True, "uuid": str(uuid.uuid4())}).encode(), session


def _failure(text: str) -> bytes:
    return dump_json({"success": False, "error": text}).encode()


async def serve_websocket(state: ServerState, receive: Callable, send: Callable) -> None:
    """Accept, then answer every client frame with its binary reply frames (or close)."""
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    session: Session | None = None
    try:
        while True:
            event = await receive()
            if event["type"] != "websocket.receive":
                return
            frame = event.get("bytes") or (event.get("text") or "").encode()
            if session is not None:
                try:
                    reply = await _session_reply(session, frame, is_text=event.get("bytes") is None)
                except SessionUnbound:
                    await asyncio.shield(asyncio.to_thread(session.close))
                    session = None
                except CloseSocket as error:
                    # daphne drops the reason (django/daphne#374); the code tells the kind
                    await send(
                        {"type": "websocket.close", "code": error.code, "reason": error.reason}
                    )
                    return
            if session is None:
                reply, session = await asyncio.to_thread(init_session, state, frame)
            for part in [reply] if isinstance(reply, bytes) else reply:
                await send({"type": "websocket.send", "bytes": part})
    finally:
        if session is not None:
            await asyncio.shield(asyncio.to_thread(session.close))


async def _session_reply(session: Session, frame: bytes, *, is_text: bool) -> bytes | list[bytes]:
    """The session's reply to a frame, off the event loop; direct IO refuses text frames."""
    if is_text and isinstance(session, DirectSession):
        return await asyncio.to_thread(session.refuse_text)
    return await asyncio.to_thread(session.handle, frame)
