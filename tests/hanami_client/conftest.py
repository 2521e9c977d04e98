"""Clients acting as the session's personas against the shared embedded backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from hanami_client import Cluster, Dataset, HanamiClient
from tests.hanami_client.learning import (
    deleted_after,
    new_cluster,
    trained_cluster,
    upload_test_set,
    upload_train_set,
)

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


# --- the task and checkpoint modules: one member client, the MNIST sample, trained clusters ---


@pytest.fixture(scope="module")
def client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as module_client:
        yield module_client


@pytest.fixture(scope="module")
def train_set(client: HanamiClient) -> Dataset:
    return upload_train_set(client)


@pytest.fixture(scope="module")
def test_set(client: HanamiClient) -> Dataset:
    return upload_test_set(client)


@pytest.fixture(scope="module")
def trained(client: HanamiClient, train_set: Dataset) -> Iterator[Cluster]:
    """A cluster after one pass over the 4,000 training digits (only requests run on it)."""
    with deleted_after(client, trained_cluster(client, train_set)) as cluster:
        yield cluster


@pytest.fixture
def cluster(client: HanamiClient) -> Iterator[Cluster]:
    """A new untrained cluster, deleted afterwards with whatever still runs on it."""
    with deleted_after(client, new_cluster(client)) as created:
        yield created
