"""Datasets shared by the dataset tests (uploaded once per session; never deleted by a test)."""

from __future__ import annotations

import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.uploads import sample_mnist, uploaded_mnist


@pytest.fixture(scope="session")
def member_digits(backend: Backend, member: Persona) -> str:
    """The member's finalized dataset of the repository's 1,000-image MNIST sample."""
    images, labels = sample_mnist()
    return uploaded_mnist(backend.address, member.token, images, labels, "Member Digits")


@pytest.fixture(scope="session")
def admin_token(admin: Persona) -> str:
    """The bootstrap admin's token."""
    return admin.token
