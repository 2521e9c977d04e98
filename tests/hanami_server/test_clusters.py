"""Cluster create, get, list and delete (contract 2.5) with the scoping of 1.11, their
persistence across a restart, and the websocket init of a cluster target (contract 3.1)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.conftest import Persona
from tests.hanami_server.wire import b64, new_id, query_db, send, token_for

TEMPLATE = """version: 1
settings:
  refractory_time: 2
hexagons:
  1,1,1
  2,1,1
inputs:
  sensor: 1,1,1
outputs:
  result: 2,1,1
"""
ROW_KEYS = {"created_at", "name", "owner_id", "project_id", "uuid", "visibility"}
HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _name() -> str:
    return f"Cluster {uuid.uuid4().hex[:10]}"


def _create(address: str, token: str, name: str, template: str | None = b64(TEMPLATE)):
    body = {"name": name} if template is None else {"name": name, "template": template}
    return send(address, "POST", "/cluster", token=token, body=body)


def _created(address: str, token: str, name: str | None = None) -> str:
    reply = _create(address, token, name or _name())
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def _get(address: str, token: str, cluster_uuid: str) -> requests.Response:
    return send(address, "GET", "/cluster", token=token, query={"uuid": cluster_uuid})


def _delete(address: str, token: str, cluster_uuid: str) -> requests.Response:
    return send(address, "DELETE", "/cluster", token=token, query={"uuid": cluster_uuid})


def _listed(address: str, token: str) -> list[str]:
    reply = send(address, "GET", "/cluster/all", token=token)
    assert reply.status_code == 200, reply.text
    assert reply.json()["header"] == HEADER
    return [row[1] for row in reply.json()["body"]]


def _user_in(backend: Backend, admin: Persona, project_id: str, *, is_project_admin: bool) -> str:
    user_id, passphrase = new_id("c"), "cluster-pass"
    body = {"id": user_id, "name": "Some User", "passphrase": b64(passphrase), "is_admin": False}
    assert send(backend.address, "POST", "/user", token=admin.token, body=body).ok
    assignment = {
        "id": user_id,
        "project_id": project_id,
        "role": "member",
        "is_project_admin": is_project_admin,
    }
    assert send(backend.address, "POST", "/user/project", token=admin.token, body=assignment).ok
    return token_for(backend.address, user_id, passphrase)


@pytest.fixture(scope="module")
def colleague(backend: Backend, admin: Persona, member: Persona) -> str:
    """Another plain member of the member's project; their token."""
    return _user_in(backend, admin, member.project_id, is_project_admin=False)


@pytest.fixture(scope="module")
def project_admin(backend: Backend, admin: Persona, member: Persona) -> str:
    """A project admin of the member's project; their token."""
    return _user_in(backend, admin, member.project_id, is_project_admin=True)


# --- create -------------------------------------------------------------------------------------


def test_create_returns_the_cluster_row_owned_by_the_caller(
    backend_address: str, member: Persona
) -> None:
    name = _name()
    reply = _create(backend_address, member.token, name)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "text/json"
    row = reply.json()
    assert set(row) == ROW_KEYS
    assert row["name"] == name
    assert row["owner_id"] == member.user_id
    assert row["project_id"] == member.project_id
    assert row["visibility"] == "private"
    assert TIMESTAMP.fullmatch(row["created_at"])
    assert str(uuid.UUID(row["uuid"], version=4)) == row["uuid"]


@pytest.mark.parametrize("template", [None, ""])
def test_absent_or_empty_template_creates_a_cluster_without_hexagons(
    backend: Backend, member: Persona, template: str | None
) -> None:
    reply = _create(backend.address, member.token, _name(), template)
    assert reply.status_code == 200, reply.text
    stored = query_db(
        backend.data_dir, "SELECT template FROM clusters WHERE uuid = ?", reply.json()["uuid"]
    )
    assert stored == [("",)]


def test_the_decoded_template_text_is_stored(backend: Backend, member: Persona) -> None:
    cluster_uuid = _created(backend.address, member.token)
    stored = query_db(
        backend.data_dir, "SELECT template FROM clusters WHERE uuid = ?", cluster_uuid
    )
    assert stored == [(TEMPLATE,)]


@pytest.mark.parametrize("template", ["abc", "====", "ab$=", b64(TEMPLATE)[:-1]])
def test_template_that_is_not_base64_is_refused(
    backend_address: str, member: Persona, template: str
) -> None:
    name = _name()
    reply = _create(backend_address, member.token, name, template)
    assert (reply.status_code, reply.text) == (
        400,
        "Uploaded template is not a valid base64-String.",
    )
    assert reply.headers["Content-Type"] == "text/plain"
    assert name not in _listed_names(backend_address, member.token)


def test_broken_template_gets_the_parser_report(backend_address: str, member: Persona) -> None:
    broken = TEMPLATE.replace("result: 2,1,1", "result: 9,9,9")
    name = _name()
    reply = _create(backend_address, member.token, name, b64(broken))
    assert reply.status_code == 400
    assert reply.text.startswith("Uploaded template is not a valid cluster-template: \n+---")
    assert "parser-message: Hexagon with the position [ 9 , 9 , 9 ] doesn't exist." in reply.text
    assert "line-number: 10 " in reply.text
    assert name not in _listed_names(backend_address, member.token)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"template": ""},
            "Validation failed, because variable 'name' is required, but is not set.",
        ),
        (
            {"name": "Valid Name", "size": 3},
            "Validation failed, because item 'size' is not in the list of allowed keys",
        ),
        ({"name": "abc"}, "Given item 'name' is shorter than 4 characters"),
        ({"name": "a" * 255}, "Given item 'name' is longer than 254 characters"),
        (
            {"name": "1abc"},
            "Given item 'name' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9\\- ]*$\"",
        ),
        (
            {"name": 1234},
            "Value-validation failed, because a item 'name'  has the false type: "
            "Exprect string-type.",
        ),
        (
            {"name": "Valid Name", "template": 5},
            "Value-validation failed, because a item 'template'  has the false type: "
            "Exprect string-type.",
        ),
    ],
)
def test_create_validates_its_inputs(
    backend_address: str, member: Persona, body: dict, message: str
) -> None:
    reply = send(backend_address, "POST", "/cluster", token=member.token, body=body)
    assert (reply.status_code, reply.text) == (400, message)


def test_same_name_twice_is_a_conflict(backend_address: str, member: Persona) -> None:
    name = _name()
    _created(backend_address, member.token, name)
    reply = _create(backend_address, member.token, name)
    assert (reply.status_code, reply.text) == (409, f"Cluster with name '{name}' already exist.")
    assert _listed_names(backend_address, member.token).count(name) == 1


def test_names_are_unique_only_among_visible_clusters(
    backend_address: str, member: Persona, outsider: Persona, colleague: str
) -> None:
    name = _name()
    _created(backend_address, member.token, name)
    assert _create(backend_address, outsider.token, name).status_code == 200
    assert _create(backend_address, colleague, name).status_code == 200


def test_admins_see_the_name_of_clusters_they_can_see(
    backend_address: str, member: Persona, admin: Persona, project_admin: str
) -> None:
    name = _name()
    _created(backend_address, member.token, name)
    assert _create(backend_address, project_admin, name).status_code == 409
    assert _create(backend_address, admin.token, name).status_code == 409


def test_a_deleted_cluster_frees_its_name(backend_address: str, member: Persona) -> None:
    name = _name()
    cluster_uuid = _created(backend_address, member.token, name)
    assert _delete(backend_address, member.token, cluster_uuid).status_code == 200
    assert _create(backend_address, member.token, name).status_code == 200


# --- get, list, delete --------------------------------------------------------------------------


def test_get_adds_the_counters(backend_address: str, member: Persona) -> None:
    created = _create(backend_address, member.token, _name()).json()
    reply = _get(backend_address, member.token, created["uuid"])
    assert reply.status_code == 200, reply.text
    assert reply.json() == {**created, "number_of_blocks": 0, "number_of_sections": 0}


def test_list_shows_rows_in_creation_order(backend_address: str, colleague: str) -> None:
    first = _create(backend_address, colleague, _name()).json()
    second_uuid = _created(backend_address, colleague)
    reply = send(backend_address, "GET", "/cluster/all", token=colleague)
    rows = reply.json()["body"]
    assert [row[1] for row in rows][-2:] == [first["uuid"], second_uuid]
    assert rows[-2] == [first[column] for column in HEADER]


def test_unknown_cluster_is_not_found(backend_address: str, member: Persona) -> None:
    unknown = str(uuid.uuid4())
    for reply in (
        _get(backend_address, member.token, unknown),
        _delete(backend_address, member.token, unknown),
    ):
        assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{unknown}' not found")


def test_upper_cased_uuid_is_not_found(backend_address: str, member: Persona) -> None:
    cluster_uuid = _created(backend_address, member.token).upper()
    reply = _get(backend_address, member.token, cluster_uuid)
    assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{cluster_uuid}' not found")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Validation failed, because variable 'uuid' is required, but is not set."),
        (
            {"uuid": "not-a-uuid"},
            "Given item 'uuid' doesn't match with regex \"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-"
            '[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"',
        ),
    ],
)
def test_get_and_delete_validate_the_uuid(
    backend_address: str, member: Persona, method: str, query: dict, message: str
) -> None:
    reply = send(backend_address, method, "/cluster", token=member.token, query=query)
    assert (reply.status_code, reply.text) == (400, message)


def test_list_takes_no_inputs(backend_address: str, member: Persona) -> None:
    reply = send(backend_address, "GET", "/cluster/all", token=member.token, query={"uuid": "x"})
    assert (reply.status_code, reply.text) == (
        400,
        "Validation failed, because item 'uuid' is not in the list of allowed keys",
    )


def test_delete_removes_the_cluster(backend_address: str, member: Persona) -> None:
    cluster_uuid = _created(backend_address, member.token)
    reply = _delete(backend_address, member.token, cluster_uuid)
    assert (reply.status_code, reply.text) == (200, "{}")
    assert _get(backend_address, member.token, cluster_uuid).status_code == 404
    assert cluster_uuid not in _listed(backend_address, member.token)
    again = _delete(backend_address, member.token, cluster_uuid)
    assert (again.status_code, again.text) == (404, f"Cluster with uuid '{cluster_uuid}' not found")


# --- visibility ---------------------------------------------------------------------------------


def _access(address: str, token: str, cluster_uuid: str) -> dict[str, int]:
    return {
        "get": _get(address, token, cluster_uuid).status_code,
        "listed": int(cluster_uuid in _listed(address, token)),
    }


NOT_VISIBLE = {"get": 404, "listed": 0}
VISIBLE = {"get": 200, "listed": 1}


@pytest.mark.parametrize("viewer", ["outsider", "colleague"])
def test_a_member_cluster_is_invisible_to_others(
    backend_address: str, member: Persona, viewer: str, request: pytest.FixtureRequest
) -> None:
    token = request.getfixturevalue(viewer)
    token = token.token if isinstance(token, Persona) else token
    cluster_uuid = _created(backend_address, member.token)
    assert _access(backend_address, token, cluster_uuid) == NOT_VISIBLE
    assert _delete(backend_address, token, cluster_uuid).status_code == 404
    assert _access(backend_address, member.token, cluster_uuid) == VISIBLE


@pytest.mark.parametrize("viewer", ["admin", "project_admin"])
def test_admins_see_and_delete_a_member_cluster(
    backend_address: str, member: Persona, viewer: str, request: pytest.FixtureRequest
) -> None:
    token = request.getfixturevalue(viewer)
    token = token.token if isinstance(token, Persona) else token
    cluster_uuid = _created(backend_address, member.token)
    assert _access(backend_address, token, cluster_uuid) == VISIBLE
    assert _delete(backend_address, token, cluster_uuid).status_code == 200
    assert _access(backend_address, member.token, cluster_uuid) == NOT_VISIBLE


def test_a_project_admin_does_not_see_other_projects(
    backend_address: str, outsider: Persona, project_admin: str
) -> None:
    cluster_uuid = _created(backend_address, outsider.token)
    assert _access(backend_address, project_admin, cluster_uuid) == NOT_VISIBLE


# --- restart ------------------------------------------------------------------------------------


def test_clusters_survive_a_restart(fresh_backend: Backend) -> None:
    token = token_for(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    kept = _create(fresh_backend.address, token, "Kept Cluster").json()
    gone = _created(fresh_backend.address, token, "Gone Cluster")
    assert _delete(fresh_backend.address, token, gone).status_code == 200
    fresh_backend.stop()
    restarted = start_backend(fresh_backend.data_dir)
    try:
        token = token_for(restarted.address, ADMIN_ID, ADMIN_PASSPHRASE)
        reply = _get(restarted.address, token, kept["uuid"])
        assert reply.json() == {**kept, "number_of_blocks": 0, "number_of_sections": 0}
        assert _listed(restarted.address, token) == [kept["uuid"]]
        assert _get(restarted.address, token, gone).status_code == 404
        assert _create(restarted.address, token, "Kept Cluster").status_code == 409
    finally:
        restarted.stop()


# --- websocket init -----------------------------------------------------------------------------


def _ws_url(address: str) -> str:
    return address.replace("http", "ws", 1) + "/"


def _init(conn: ClientConnection, token: str, cluster_uuid: str) -> dict:
    conn.send(json.dumps({"token": token, "target": "cluster", "uuid": cluster_uuid}))
    frame = conn.recv(timeout=10)
    assert isinstance(frame, bytes)
    return json.loads(frame)


def test_websocket_init_binds_a_visible_cluster(backend_address: str, member: Persona) -> None:
    cluster_uuid = _created(backend_address, member.token)
    with connect(_ws_url(backend_address)) as first, connect(_ws_url(backend_address)) as second:
        replies = [
            _init(first, member.token, cluster_uuid),
            _init(second, member.token, cluster_uuid),
        ]
    assert [reply["success"] for reply in replies] == [True, True]
    connection_uuids = {reply["uuid"] for reply in replies}
    assert len(connection_uuids) == 2
    assert cluster_uuid not in connection_uuids
    assert all(str(uuid.UUID(value, version=4)) == value for value in connection_uuids)


def test_websocket_init_refuses_a_cluster_of_another_project(
    backend_address: str, member: Persona, outsider: Persona
) -> None:
    cluster_uuid = _created(backend_address, member.token)
    with connect(_ws_url(backend_address)) as conn:
        reply = _init(conn, outsider.token, cluster_uuid)
    assert reply == {"success": False, "error": f"Cluster with UUID '{cluster_uuid}' not found"}


def test_a_frame_after_a_cluster_init_closes_the_socket(
    backend_address: str, member: Persona
) -> None:
    cluster_uuid = _created(backend_address, member.token)
    with connect(_ws_url(backend_address)) as conn:
        assert _init(conn, member.token, cluster_uuid)["success"] is True
        conn.send(b"\x08\x01")
        with pytest.raises(ConnectionClosed):
            conn.recv(timeout=10)


def test_after_the_cluster_is_deleted_the_next_frame_is_an_init_again(
    backend_address: str, member: Persona
) -> None:
    cluster_uuid = _created(backend_address, member.token)
    other_uuid = _created(backend_address, member.token)
    with connect(_ws_url(backend_address)) as conn:
        assert _init(conn, member.token, cluster_uuid)["success"] is True
        assert _delete(backend_address, member.token, cluster_uuid).status_code == 200
        assert _init(conn, member.token, cluster_uuid) == {
            "success": False,
            "error": f"Cluster with UUID '{cluster_uuid}' not found",
        }
        assert _init(conn, member.token, other_uuid)["success"] is True


def _listed_names(address: str, token: str) -> list[str]:
    reply = send(address, "GET", "/cluster/all", token=token)
    return [row[-1] for row in reply.json()["body"]]
