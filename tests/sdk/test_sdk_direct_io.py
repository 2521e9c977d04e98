"""The SDK facade's direct IO: ``cluster.switch_to_direct_mode``/``switch_to_task_mode`` and
``direct_io.send_train_input``/``send_request_input``, with the official names, signatures, return
shapes and exceptions, against the embedded backend."""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from hanami_client.sdk import cluster, direct_io, hanami_exceptions
from tests.conftest import Persona
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE
from tests.hanami_client.test_direct_io import (
    acknowledge,
    argmax,
    fake_backend,
    one_hot,
    picture_of,
)

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    cluster.switch_to_task_mode: ["token", "address", "cluster_uuid", V],
    cluster.switch_to_direct_mode: ["token", "address", "cluster_uuid", V],
    direct_io.send_train_input: ["ws", "hexagon_name", "values", "is_input", "is_last", V],
    direct_io.send_request_input: ["ws", "hexagon_name", "values", "is_last", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]
    assert inspect.iscoroutinefunction(function) == (function is not cluster.switch_to_task_mode)


@pytest.fixture
def cluster_uuid(backend_address: str, member: Persona) -> Iterator[str]:
    """An untrained cluster of TEMPLATE (``pixels`` -> ``digit``), deleted afterwards."""
    created = cluster.create_cluster(member.token, backend_address, fresh_name("SDK IO"), TEMPLATE)
    uuid = json.loads(created)["uuid"]
    yield uuid
    with contextlib.suppress(hanami_exceptions.NotFoundException):
        cluster.delete_cluster(member.token, backend_address, uuid)


async def test_the_official_pattern_teaches_a_digit(
    backend_address: str, member: Persona, cluster_uuid: str
) -> None:
    token, five = member.token, picture_of(5)

    ws = await cluster.switch_to_direct_mode(token, backend_address, cluster_uuid)
    assert isinstance(ws, ClientConnection)
    for _ in range(100):
        await direct_io.send_train_input(ws, "pixels", five, True, False)
        await direct_io.send_train_input(ws, "digit", one_hot(5), False, True)
    ack = await direct_io.send_request_input(ws, "pixels", five, False)
    output_values = await direct_io.send_request_input(ws, "pixels", five, True)
    await ws.close()
    switched = cluster.switch_to_task_mode(token, backend_address, cluster_uuid)

    assert ack is None
    assert len(output_values) == 10
    assert argmax(output_values) == 5
    assert isinstance(switched, bytes)
    assert json.loads(switched)["new_state"] == "TASK"
    assert json.loads(switched)["uuid"] == cluster_uuid


def test_switching_to_task_mode_twice_raises_conflict(
    backend_address: str, member: Persona, cluster_uuid: str
) -> None:
    with pytest.raises(hanami_exceptions.ConflictException) as caught:
        cluster.switch_to_task_mode(member.token, backend_address, cluster_uuid)

    assert caught.value.message == b"Can not switch cluster to 'TASK'"


async def test_switching_to_direct_mode_twice_raises_conflict(
    backend_address: str, member: Persona, cluster_uuid: str
) -> None:
    ws = await cluster.switch_to_direct_mode(member.token, backend_address, cluster_uuid)
    try:
        with pytest.raises(hanami_exceptions.ConflictException):
            await cluster.switch_to_direct_mode(member.token, backend_address, cluster_uuid)
    finally:
        await ws.close()
        cluster.switch_to_task_mode(member.token, backend_address, cluster_uuid)


async def test_an_outsiders_switch_raises_not_found(
    backend_address: str, outsider: Persona, cluster_uuid: str
) -> None:
    with pytest.raises(hanami_exceptions.NotFoundException):
        await cluster.switch_to_direct_mode(outsider.token, backend_address, cluster_uuid)


async def test_an_unknown_hexagon_closes_the_socket_with_the_backends_reason(
    backend_address: str, member: Persona, cluster_uuid: str
) -> None:
    ws = await cluster.switch_to_direct_mode(member.token, backend_address, cluster_uuid)
    try:
        with pytest.raises(ConnectionClosed) as caught:
            await direct_io.send_request_input(ws, "nowhere", [1.0], True)
    finally:
        await ws.close()
        cluster.switch_to_task_mode(member.token, backend_address, cluster_uuid)

    assert caught.value.rcvd is not None
    assert caught.value.rcvd.code == 4404


async def test_a_refused_init_answers_none() -> None:
    with fake_backend(acknowledge, init_error="Token invalid") as (client, modes):
        ws = await cluster.switch_to_direct_mode("token", client.address, "c")

    assert ws is None
    assert modes == ["DIRECT"]
