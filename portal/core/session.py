"""The backend context kept in the server-side session (never in a cookie, page or script)."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import login, logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from hanami_client import TokenInfo

SESSION_KEY = "hanami"
PROJECTS_KEY = "hanami_projects"
#: The event that closes a session's websockets (see ``portal.core.sockets.SessionConsumer``).
SESSION_ENDED_EVENT = {"type": "session.ended"}

logger = logging.getLogger(__name__)


def store_token(request: HttpRequest, info: TokenInfo) -> None:
    """Keep a (new) token and the context it carries in the session."""
    request.session[SESSION_KEY] = {
        "token": info.token,
        "user_id": info.id,
        "name": info.name,
        "is_admin": info.is_admin,
        "project_id": info.project_id,
        "role": info.role,
        "is_project_admin": info.is_project_admin,
        "expires_at": info.expires_at,
    }
    known = request.session.get(PROJECTS_KEY, [])
    if info.project_id not in known:
        request.session[PROJECTS_KEY] = [*known, info.project_id]


def start_session(request: HttpRequest, user: AbstractBaseUser, info: TokenInfo) -> None:
    """Sign the shadow user in and remember the token."""
    login(request, user, backend="portal.accounts.backends.HanamiBackend")
    store_token(request, info)


def remember_projects(request: HttpRequest, project_ids: list[str]) -> None:
    """Offer these projects (and the current one) in the project switcher."""
    request.session[PROJECTS_KEY] = list(
        dict.fromkeys([*switchable_projects(request), *project_ids])
    )


def end_session(request: HttpRequest) -> None:
    """Forget everything about the backend, sign the shadow user out and close the session's
    websockets (a Try-it page hands its cluster back)."""
    session_key = request.session.session_key
    logout(request)
    if session_key:
        close_session_sockets(session_key)


def session_group(session_key: str) -> str:
    """The channel group of the websockets a session opened (the key itself stays secret)."""
    return "session_" + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def close_session_sockets(session_key: str) -> None:
    """Tell the session's websockets, in whichever portal process, that it has ended."""
    try:
        async_to_sync(get_channel_layer().group_send)(
            session_group(session_key), SESSION_ENDED_EVENT
        )
    except Exception:
        # The channel layer is away: the sockets still close when the backend token expires.
        logger.exception("could not close the websockets of an ended session")


def hanami_session(request: HttpRequest) -> dict[str, Any] | None:
    """The backend context of a signed-in user, or None."""
    if not request.user.is_authenticated:
        return None
    return request.session.get(SESSION_KEY)


def session_token(request: HttpRequest) -> str | None:
    """The backend token of the signed-in user (for building a client, never for a page)."""
    context = hanami_session(request)
    return context["token"] if context else None


def token_expired(context: dict[str, Any]) -> bool:
    """True once the backend token's expiry time has passed."""
    return context["expires_at"] <= time.time()


def public_context(request: HttpRequest) -> dict[str, Any] | None:
    """The signed-in user's context without the token, safe to hand to templates."""
    context = hanami_session(request)
    if context is None:
        return None
    return {key: value for key, value in context.items() if key != "token"}


def switchable_projects(request: HttpRequest) -> list[str]:
    """Project ids the signed-in user is known to be able to switch to."""
    return list(request.session.get(PROJECTS_KEY, []))
