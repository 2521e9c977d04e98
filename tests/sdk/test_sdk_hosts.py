"""The SDK facade's ``hosts`` module and ``cluster.switch_host``: the official names,
signatures, raw replies and exceptions, over our client."""

from __future__ import annotations

import inspect
import json
import uuid

import pytest

from hanami_client.sdk import cluster, hanami_exceptions, hosts
from tests.conftest import Persona
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    hosts.list_hosts: ["token", "address", V],
    cluster.switch_host: ["token", "address", "cluster_uuid", "host_uuid", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


def _host_uuid(token: str, address: str) -> str:
    return json.loads(hosts.list_hosts(token, address))["body"][0][0]


def test_list_hosts_returns_the_raw_reply(backend_address: str, member: Persona) -> None:
    reply = hosts.list_hosts(member.token, backend_address)

    assert isinstance(reply, bytes)
    listed = json.loads(reply)
    assert listed["header"] == ["uuid", "type"]
    assert [row[1] for row in listed["body"]] == ["cpu"]


def test_switch_host_sends_hexagon_one_and_returns_the_cluster_row(
    backend_address: str, member: Persona
) -> None:
    created = json.loads(
        cluster.create_cluster(member.token, backend_address, fresh_name("Switch"), TEMPLATE)
    )

    reply = cluster.switch_host(
        member.token, backend_address, created["uuid"], _host_uuid(member.token, backend_address)
    )

    assert isinstance(reply, bytes)
    assert json.loads(reply) == created


def test_switch_host_to_an_unknown_host_raises_not_found(
    backend_address: str, member: Persona
) -> None:
    created = json.loads(
        cluster.create_cluster(member.token, backend_address, fresh_name("Switch"), TEMPLATE)
    )
    unknown = str(uuid.uuid4())

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        cluster.switch_host(member.token, backend_address, created["uuid"], unknown)

    assert f"Host with uuid '{unknown}' not found" in str(caught.value)


def test_list_hosts_with_a_bad_token_raises_unauthorized(backend_address: str) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException):
        hosts.list_hosts("not-a-token", backend_address)
