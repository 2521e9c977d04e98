"""Project endpoints (contract 2.3): admin only, exact statuses and messages."""

from __future__ import annotations

import pytest

from tests.backend import ADMIN_ID
from tests.conftest import Persona
from tests.hanami_server.wire import assign, create_user, new_id, send

PROJECT_KEYS = ["created_at", "creator_id", "id", "name"]
ID_REGEX = '"^[a-zA-Z][a-zA-Z_0-9]*$"'
NAME_REGEX = '"^[a-zA-Z][a-zA-Z_0-9\\- ]*$"'


def _create(address: str, token: str, project_id: str, name: str = "Some Project"):
    return send(address, "POST", "/project", token=token, body={"id": project_id, "name": name})


def test_admin_creates_a_project(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    reply = _create(backend_address, admin.token, project_id, "My Project-1")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/json"
    assert list(reply.json()) == PROJECT_KEYS
    project = reply.json()
    assert (project["id"], project["name"], project["creator_id"]) == (
        project_id,
        "My Project-1",
        ADMIN_ID,
    )
    assert len(project["created_at"]) == len("2024-01-01 00:00:00")


def test_created_project_can_be_read_back(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    created = _create(backend_address, admin.token, project_id).json()
    reply = send(backend_address, "GET", "/project", token=admin.token, query={"id": project_id})
    assert reply.status_code == 200
    assert reply.json() == created


def test_duplicate_project_id_is_a_conflict(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    _create(backend_address, admin.token, project_id, "Original Name")
    reply = _create(backend_address, admin.token, project_id, "Another Name")
    assert (reply.status_code, reply.text) == (
        409,
        f"Project with id '{project_id}' already exist.",
    )
    kept = send(backend_address, "GET", "/project", token=admin.token, query={"id": project_id})
    assert kept.json()["name"] == "Original Name"


def test_the_admin_project_cannot_be_created(backend_address: str, admin: Persona) -> None:
    reply = _create(backend_address, admin.token, "admin")
    assert (reply.status_code, reply.text) == (409, "Project with id 'admin' already exist.")


def test_the_virtual_admin_project_is_not_found(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/project", token=admin.token, query={"id": "admin"})
    assert (reply.status_code, reply.text) == (404, "Project with id 'admin' not found")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "", "name": "Good Name"}, f"Given item 'id' doesn't match with regex {ID_REGEX}"),
        ({"id": "abc", "name": "Good Name"}, "Given item 'id' is shorter than 4 characters"),
        ({"id": "p" * 255, "name": "Good Name"}, "Given item 'id' is longer than 254 characters"),
        (
            {"id": "1vec", "name": "Good Name"},
            f"Given item 'id' doesn't match with regex {ID_REGEX}",
        ),
        (
            {"id": "has@at", "name": "Good Name"},
            f"Given item 'id' doesn't match with regex {ID_REGEX}",
        ),
        (
            {"id": ["list"], "name": "Good Name"},
            "Value-validation failed, because a item 'id'  has the false type: "
            "Exprect string-type.",
        ),
        ({"id": "goodid", "name": "Vec"}, "Given item 'name' is shorter than 4 characters"),
        ({"id": "goodid", "name": "N" * 255}, "Given item 'name' is longer than 254 characters"),
        (
            {"id": "goodid", "name": "Dr. Who"},
            f"Given item 'name' doesn't match with regex {NAME_REGEX}",
        ),
        (
            {"id": "goodid", "name": "Good Name", "owner": "me"},
            "Validation failed, because item 'owner' is not in the list of allowed keys",
        ),
        (
            {"id": "goodid"},
            "Validation failed, because variable 'name' is required, but is not set.",
        ),
        (
            {"name": "Good Name"},
            "Validation failed, because variable 'id' is required, but is not set.",
        ),
    ],
)
def test_project_creation_rejects_bad_fields(
    backend_address: str, admin: Persona, body: dict, message: str
) -> None:
    reply = send(backend_address, "POST", "/project", token=admin.token, body=body)
    assert (reply.status_code, reply.text) == (400, message)
    listed = send(backend_address, "GET", "/project/all", token=admin.token).json()["body"]
    assert "goodid" not in [row[1] for row in listed]


def test_unknown_project_is_not_found(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/project", token=admin.token, query={"id": "nope"})
    assert (reply.status_code, reply.text) == (404, "Project with id 'nope' not found")


def test_get_project_rejects_unknown_query_keys(backend_address: str, admin: Persona) -> None:
    query = {"id": "alphaproj", "x": "y"}
    reply = send(backend_address, "GET", "/project", token=admin.token, query=query)
    assert reply.status_code == 400
    assert reply.text == "Validation failed, because item 'x' is not in the list of allowed keys"


def test_project_list_has_the_contract_header_in_creation_order(
    backend_address: str, admin: Persona
) -> None:
    first, second = new_id("p"), new_id("p")
    _create(backend_address, admin.token, first, "First One")
    _create(backend_address, admin.token, second, "Second One")
    reply = send(backend_address, "GET", "/project/all", token=admin.token)
    assert reply.status_code == 200
    table = reply.json()
    assert table["header"] == ["created_at", "id", "name", "creator_id"]
    ids = [row[1] for row in table["body"]]
    assert ids.index(first) < ids.index(second)
    assert table["body"][ids.index(second)][2:] == ["Second One", ADMIN_ID]
    assert "admin" not in ids


def test_project_named_false_stays_a_string(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    _create(backend_address, admin.token, project_id, "false")
    table = send(backend_address, "GET", "/project/all", token=admin.token).json()
    assert next(row for row in table["body"] if row[1] == project_id)[2] == "false"


def test_admin_deletes_a_project(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    _create(backend_address, admin.token, project_id)
    reply = send(backend_address, "DELETE", "/project", token=admin.token, query={"id": project_id})
    assert (reply.status_code, reply.text) == (200, "{}")
    again = send(backend_address, "DELETE", "/project", token=admin.token, query={"id": project_id})
    assert (again.status_code, again.text) == (404, f"Project with id '{project_id}' not found")
    listed = send(backend_address, "GET", "/project/all", token=admin.token).json()["body"]
    assert project_id not in [row[1] for row in listed]


def test_deleting_a_project_keeps_user_assignments(backend_address: str, admin: Persona) -> None:
    project_id, user_id = new_id("p"), new_id()
    _create(backend_address, admin.token, project_id)
    create_user(backend_address, admin.token, user_id, "assigned-pass")
    assign(backend_address, admin.token, user_id, project_id)
    send(backend_address, "DELETE", "/project", token=admin.token, query={"id": project_id})
    user = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id}).json()
    assert [entry["project_id"] for entry in user["projects"]] == [project_id]


def test_deleted_project_id_can_be_created_again(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    _create(backend_address, admin.token, project_id, "Old Name")
    send(backend_address, "DELETE", "/project", token=admin.token, query={"id": project_id})
    reply = _create(backend_address, admin.token, project_id, "New Name")
    assert reply.status_code == 200
    assert reply.json()["name"] == "New Name"


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("GET", "/project/all", None, None),
        ("GET", "/project", {"id": "alphaproj"}, None),
        ("POST", "/project", None, {"id": "memberproj", "name": "Member Project"}),
        ("DELETE", "/project", {"id": "alphaproj"}, None),
    ],
)
def test_member_is_denied_project_management(
    backend_address: str,
    admin: Persona,
    member: Persona,
    method: str,
    path: str,
    query: dict,
    body: dict,
) -> None:
    reply = send(backend_address, method, path, token=member.token, query=query, body=body)
    assert (reply.status_code, reply.text) == (401, "Access denied by policy")
    still = send(backend_address, "GET", "/project", token=admin.token, query={"id": "alphaproj"})
    assert still.status_code == 200


def test_outsider_is_denied_the_project_list(backend_address: str, outsider: Persona) -> None:
    reply = send(backend_address, "GET", "/project/all", token=outsider.token)
    assert (reply.status_code, reply.text) == (401, "Access denied by policy")
