"""Clients acting as the session's personas against the shared embedded backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from hanami_client import HanamiClient

if TYPE_CHECKING:
    from tests.conftest import Persona


@pytest.fixture
def admin_client(backend_address: str, admin: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, admin.token) as client:
        yield client


@pytest.fixture
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture
def outsider_client(backend_address: str, outsider: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, outsider.token) as client:
        yield client
