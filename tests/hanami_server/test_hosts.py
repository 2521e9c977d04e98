"""Hosts (contract 2.8) and switch_host (2.5): one `cpu` host whose uuid survives a restart;
switching checks the cluster, the host and the hexagon (counted from 1) and changes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import create_cluster
from tests.hanami_server.wire import query_db, send, token_for

ROW_KEYS = {"created_at", "uuid", "project_id", "owner_id", "visibility", "name"}


def _hosts(address: str, token: str) -> dict:
    reply = send(address, "GET", "/host/all", token=token)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _host_uuid(address: str, token: str) -> str:
    return _hosts(address, token)["body"][0][0]


def _switch(address: str, token: str, cluster_uuid: str, host_uuid: str, hexagon_id: object):
    body = {"cluster_uuid": cluster_uuid, "host_uuid": host_uuid, "hexagon_id": hexagon_id}
    return send(address, "PUT", "/cluster/switch_host", token=token, body=body)


def _cluster_without_hexagons(address: str, token: str) -> str:
    body = {"name": f"Empty {uuid.uuid4().hex[:8]}", "template": ""}
    reply = send(address, "POST", "/cluster", token=token, body=body)
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


@pytest.fixture(scope="module")
def cluster(backend: Backend, member: Persona) -> str:
    """A member's cluster of the digits template: hexagons 1,1,1 2,1,1 3,1,1 (ids 1 to 3)."""
    return create_cluster(backend.address, member.token)


def test_host_list_has_one_cpu_host(backend: Backend, member: Persona) -> None:
    listed = _hosts(backend.address, member.token)

    assert listed["header"] == ["uuid", "type"]
    [[host_uuid, kind]] = listed["body"]
    assert kind == "cpu"
    assert str(uuid.UUID(host_uuid)) == host_uuid


def test_every_user_sees_the_same_host(
    backend: Backend, admin: Persona, member: Persona, outsider: Persona
) -> None:
    seen = {_host_uuid(backend.address, persona.token) for persona in (admin, member, outsider)}

    assert len(seen) == 1


def test_host_list_needs_a_token(backend: Backend) -> None:
    reply = send(backend.address, "GET", "/host/all")

    assert reply.status_code == 401


def test_host_uuid_stays_the_same_after_a_restart(tmp_path: Path) -> None:
    first = start_backend(tmp_path / "data")
    try:
        before = _host_uuid(first.address, token_for(first.address, ADMIN_ID, ADMIN_PASSPHRASE))
    finally:
        first.stop()
    second = start_backend(tmp_path / "data")
    try:
        after = _host_uuid(second.address, token_for(second.address, ADMIN_ID, ADMIN_PASSPHRASE))
    finally:
        second.stop()

    assert after == before
    assert (tmp_path / "data" / "host.uuid").read_text() == before


@pytest.mark.parametrize("hexagon_id", [1, 2, 3])
def test_switching_any_hexagon_answers_the_cluster_row(
    backend: Backend, member: Persona, cluster: str, hexagon_id: int
) -> None:
    host_uuid = _host_uuid(backend.address, member.token)

    reply = _switch(backend.address, member.token, cluster, host_uuid, hexagon_id)

    assert reply.status_code == 200, reply.text
    assert set(reply.json()) == ROW_KEYS
    assert reply.json()["uuid"] == cluster
    assert reply.json()["owner_id"] == member.user_id


def test_switching_leaves_the_cluster_usable(
    backend: Backend, member: Persona, cluster: str
) -> None:
    host_uuid = _host_uuid(backend.address, member.token)
    _switch(backend.address, member.token, cluster, host_uuid, 1)

    reply = send(backend.address, "GET", "/cluster", token=member.token, query={"uuid": cluster})

    assert reply.status_code == 200
    assert reply.json()["uuid"] == cluster


@pytest.mark.parametrize("hexagon_id", [0, 4, 1_000_000_000])
def test_a_hexagon_outside_the_template_is_not_found(
    backend: Backend, member: Persona, cluster: str, hexagon_id: int
) -> None:
    host_uuid = _host_uuid(backend.address, member.token)

    reply = _switch(backend.address, member.token, cluster, host_uuid, hexagon_id)

    assert reply.status_code == 404
    assert reply.text == (
        f"Cluster with UUID '{cluster}' does not contain a hexagon with ID '{hexagon_id}'"
    )


def test_a_cluster_without_hexagons_has_no_hexagon_one(backend: Backend, member: Persona) -> None:
    empty = _cluster_without_hexagons(backend.address, member.token)
    host_uuid = _host_uuid(backend.address, member.token)

    reply = _switch(backend.address, member.token, empty, host_uuid, 1)

    assert reply.status_code == 404
    assert reply.text == f"Cluster with UUID '{empty}' does not contain a hexagon with ID '1'"


def test_an_unknown_host_is_not_found(backend: Backend, member: Persona, cluster: str) -> None:
    unknown = str(uuid.uuid4())

    reply = _switch(backend.address, member.token, cluster, unknown, 1)

    assert reply.status_code == 404
    assert reply.text == f"Host with uuid '{unknown}' not found"


def test_an_unknown_cluster_is_reported_before_the_host(backend: Backend, member: Persona) -> None:
    unknown = str(uuid.uuid4())

    reply = _switch(backend.address, member.token, unknown, str(uuid.uuid4()), 1)

    assert reply.status_code == 404
    assert reply.text == f"Cluster with uuid '{unknown}' not found"


def test_another_users_cluster_is_not_found(
    backend: Backend, member: Persona, outsider: Persona, cluster: str
) -> None:
    host_uuid = _host_uuid(backend.address, outsider.token)

    reply = _switch(backend.address, outsider.token, cluster, host_uuid, 1)

    assert reply.status_code == 404
    assert reply.text == f"Cluster with uuid '{cluster}' not found"


@pytest.mark.parametrize(
    ("hexagon_id", "message"),
    [
        (-1, "Given item 'hexagon_id' is smaller than 0"),
        (1_000_000_001, "Given item 'hexagon_id' is bigger than 1000000000"),
        (
            "1",
            "Value-validation failed, because a item 'hexagon_id'  has the false type: "
            "Exprect int-type.",
        ),
    ],
)
def test_hexagon_id_is_validated(
    backend: Backend, member: Persona, cluster: str, hexagon_id: object, message: str
) -> None:
    host_uuid = _host_uuid(backend.address, member.token)

    reply = _switch(backend.address, member.token, cluster, host_uuid, hexagon_id)

    assert reply.status_code == 400
    assert reply.text == message


def test_every_field_is_required(backend: Backend, member: Persona, cluster: str) -> None:
    body = {"cluster_uuid": cluster, "host_uuid": _host_uuid(backend.address, member.token)}

    reply = send(backend.address, "PUT", "/cluster/switch_host", token=member.token, body=body)

    assert reply.status_code == 400
    assert (
        reply.text
        == "Validation failed, because variable 'hexagon_id' is required, but is not set."
    )


def test_a_switch_is_audited(backend: Backend, member: Persona, cluster: str) -> None:
    sql = "SELECT COUNT(*) FROM audit_log WHERE user_id = ? AND endpoint = ?"
    endpoint = "v1.0alpha/cluster/switch_host"
    [(before,)] = query_db(backend.data_dir, sql, member.user_id, endpoint)

    _switch(backend.address, member.token, cluster, _host_uuid(backend.address, member.token), 9)

    [(after,)] = query_db(backend.data_dir, sql, member.user_id, endpoint)
    assert after == before + 1
