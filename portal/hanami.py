"""The only way views reach the backend: a HanamiClient for the signed-in user's session."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from hanami_client import HanamiClient
from portal.core.session import session_token

_ATTRIBUTE = "_hanami_client"


def new_hanami(token: str | None = None) -> HanamiClient:
    """A client for the configured backend (address, TLS verification, timeout from settings)."""
    return HanamiClient(
        settings.HANAMI_ADDRESS,
        token,
        verify=settings.HANAMI_VERIFY_TLS,
        timeout=settings.HANAMI_TIMEOUT,
    )


def get_hanami(request: HttpRequest) -> HanamiClient:
    """The request's client, carrying the session's token; one per request, closed after it."""
    client = getattr(request, _ATTRIBUTE, None)
    if client is None:
        client = new_hanami(session_token(request))
        setattr(request, _ATTRIBUTE, client)
    return client


def close_hanami(request: HttpRequest) -> None:
    """Close the request's client, if one was made."""
    client = getattr(request, _ATTRIBUTE, None)
    if client is not None:
        client.close()
        delattr(request, _ATTRIBUTE)
