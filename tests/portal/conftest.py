"""Fixtures of the page tests: the portal pointed at the embedded backend, signed-in clients."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Persona

HTMX = {"HTTP_HX_REQUEST": "true"}


def unique_id(prefix: str) -> str:
    """An id no other test uses, valid as a project id and as a user id."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def sign_in_page(client: Client, user_id: str, passphrase: str, next_url: str = "") -> Any:
    """Post the sign-in form and return the response."""
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"user_id": user_id, "passphrase": passphrase})


@pytest.fixture
def web(settings: Any, db: None, backend_address: str) -> str:
    """The portal pointed at the shared embedded backend."""
    settings.HANAMI_ADDRESS = backend_address
    return backend_address


@pytest.fixture
def admin_web(web: str, admin: Persona) -> Client:
    """A browser session signed in as the bootstrap admin."""
    client = Client()
    assert sign_in_page(client, admin.user_id, admin.passphrase).status_code == 302
    return client


@pytest.fixture
def member_web(web: str, member: Persona) -> Client:
    """A browser session signed in as a plain member of project alphaproj."""
    client = Client()
    assert sign_in_page(client, member.user_id, member.passphrase).status_code == 302
    return client
