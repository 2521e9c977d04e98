"""The SDK facade's ``cluster`` module: the official names, signatures, return types and
exceptions of create, get, list and delete, over our client (save and restore are exercised in
test_sdk_checkpoint.py)."""

from __future__ import annotations

import inspect
import json
import uuid

import pytest

from hanami_client.sdk import cluster, hanami_exceptions
from tests.backend import free_port
from tests.conftest import Persona
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import BROKEN_TEMPLATE, TEMPLATE

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    cluster.create_cluster: ["token", "address", "name", "template", V],
    cluster.get_cluster: ["token", "address", "cluster_uuid", V],
    cluster.list_clusters: ["token", "address", V],
    cluster.delete_cluster: ["token", "address", "cluster_uuid", V],
    cluster.save_cluster: ["token", "address", "name", "cluster_uuid", V],
    cluster.restore_cluster: ["token", "address", "checkpoint_uuid", "cluster_uuid", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


def test_a_non_ascii_template_raises_locally_before_anything_is_sent() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(UnicodeEncodeError):
        cluster.create_cluster("token", nowhere, "Umlaut Cluster", TEMPLATE.replace("s", "ß"))


def test_create_get_list_delete_return_the_raw_replies(
    backend_address: str, member: Persona
) -> None:
    token = member.token
    name = fresh_name("SDK Cluster")

    created = cluster.create_cluster(token, backend_address, name, TEMPLATE)
    cluster_uuid = json.loads(created)["uuid"]
    fetched = cluster.get_cluster(token, backend_address, cluster_uuid)
    listed = cluster.list_clusters(token, backend_address)
    deleted = cluster.delete_cluster(token, backend_address, cluster_uuid)

    assert isinstance(created, bytes)
    assert json.loads(created)["name"] == name
    assert json.loads(fetched)["number_of_blocks"] == 0
    assert json.loads(fetched)["number_of_sections"] == 0
    assert [name, cluster_uuid] in [[row[-1], row[1]] for row in json.loads(listed)["body"]]
    assert deleted == b"{}"


def test_get_cluster_of_a_malformed_uuid_raises_bad_request(
    backend_address: str, member: Persona
) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException):
        cluster.get_cluster(member.token, backend_address, "fail_cluster")


def test_delete_cluster_twice_raises_not_found(backend_address: str, member: Persona) -> None:
    created = cluster.create_cluster(member.token, backend_address, fresh_name("SDK"), TEMPLATE)
    cluster_uuid = json.loads(created)["uuid"]
    cluster.delete_cluster(member.token, backend_address, cluster_uuid)

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        cluster.delete_cluster(member.token, backend_address, cluster_uuid)

    assert caught.value.message == f"Cluster with uuid '{cluster_uuid}' not found".encode()


def test_create_cluster_twice_raises_conflict(backend_address: str, member: Persona) -> None:
    name = fresh_name("SDK Twin")
    cluster.create_cluster(member.token, backend_address, name, TEMPLATE)

    with pytest.raises(hanami_exceptions.ConflictException) as caught:
        cluster.create_cluster(member.token, backend_address, name, TEMPLATE)

    assert caught.value.message == f"Cluster with name '{name}' already exist.".encode()


def test_a_broken_template_raises_bad_request_with_the_report(
    backend_address: str, member: Persona
) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException) as caught:
        cluster.create_cluster(member.token, backend_address, fresh_name("SDK"), BROKEN_TEMPLATE)

    assert caught.value.message.startswith(b"Uploaded template is not a valid cluster-template:")


def test_an_unknown_cluster_raises_not_found(backend_address: str, member: Persona) -> None:
    with pytest.raises(hanami_exceptions.NotFoundException):
        cluster.get_cluster(member.token, backend_address, str(uuid.uuid4()))
