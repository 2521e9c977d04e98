"""Projects: every operation's success and its failures, as typed values and typed errors."""

from __future__ import annotations

import re

import pytest

from hanami_client import BadRequest, Conflict, HanamiClient, NotFound, Project, Unauthorized
from tests.backend import free_port
from tests.hanami_client.support import fresh_id

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def test_create_returns_the_new_project(admin_client: HanamiClient) -> None:
    project_id = fresh_id("proj")

    project = admin_client.projects.create(project_id, "Cherry Blossom")

    assert isinstance(project, Project)
    assert (project.id, project.name, project.creator_id) == (project_id, "Cherry Blossom", "asdf")
    assert TIMESTAMP.fullmatch(project.created_at)


def test_get_returns_what_create_stored(admin_client: HanamiClient) -> None:
    created = admin_client.projects.create(fresh_id("proj"), "Stored Project")

    assert admin_client.projects.get(created.id) == created


def test_list_has_the_contract_columns_and_the_new_project(admin_client: HanamiClient) -> None:
    created = admin_client.projects.create(fresh_id("proj"), "Listed Project")

    table = admin_client.projects.list()

    assert table.header == ("created_at", "id", "name", "creator_id")
    row = next(row for row in table if row["id"] == created.id)
    assert (row["name"], row["creator_id"], row["created_at"]) == (
        "Listed Project",
        "asdf",
        created.created_at,
    )


def test_delete_removes_the_project(admin_client: HanamiClient) -> None:
    project_id = admin_client.projects.create(fresh_id("proj"), "Doomed Project").id

    assert admin_client.projects.delete(project_id) is None

    with pytest.raises(NotFound):
        admin_client.projects.get(project_id)
    assert project_id not in [row["id"] for row in admin_client.projects.list()]


def test_creating_a_project_twice_is_a_conflict(admin_client: HanamiClient) -> None:
    project_id = admin_client.projects.create(fresh_id("proj"), "Twin Project").id

    with pytest.raises(Conflict) as caught:
        admin_client.projects.create(project_id, "Twin Project")

    assert caught.value.status == 409
    assert caught.value.message == f"Project with id '{project_id}' already exist."
    assert caught.value.operation == "projects.create"


def test_an_id_starting_with_a_digit_is_a_bad_request(admin_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        admin_client.projects.create("1vec", "Vector Project")

    assert caught.value.status == 400
    assert (
        caught.value.message
        == "Given item 'id' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9]*$\""
    )


def test_a_too_short_name_is_a_bad_request(admin_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        admin_client.projects.create(fresh_id("proj"), "Vec")

    assert caught.value.message == "Given item 'name' is shorter than 4 characters"


def test_getting_an_unknown_project_is_not_found(admin_client: HanamiClient) -> None:
    with pytest.raises(NotFound) as caught:
        admin_client.projects.get("nosuchproject")

    assert caught.value.status == 404
    assert caught.value.message == "Project with id 'nosuchproject' not found"
    assert caught.value.operation == "projects.get"


def test_the_virtual_admin_project_cannot_be_read(admin_client: HanamiClient) -> None:
    with pytest.raises(NotFound, match="Project with id 'admin' not found"):
        admin_client.projects.get("admin")


def test_deleting_twice_is_not_found(admin_client: HanamiClient) -> None:
    project_id = admin_client.projects.create(fresh_id("proj"), "Once Project").id
    admin_client.projects.delete(project_id)

    with pytest.raises(NotFound) as caught:
        admin_client.projects.delete(project_id)

    assert caught.value.message == f"Project with id '{project_id}' not found"
    assert caught.value.operation == "projects.delete"


@pytest.mark.parametrize("operation", ["list", "get", "create", "delete"])
def test_member_cannot_manage_projects(member_client: HanamiClient, operation: str) -> None:
    calls = {
        "list": lambda: member_client.projects.list(),
        "get": lambda: member_client.projects.get("alphaproj"),
        "create": lambda: member_client.projects.create(fresh_id("proj"), "Member Project"),
        "delete": lambda: member_client.projects.delete("alphaproj"),
    }

    with pytest.raises(Unauthorized) as caught:
        calls[operation]()

    assert caught.value.status == 401
    assert caught.value.operation == f"projects.{operation}"


def test_an_id_that_needs_percent_encoding_is_refused_before_sending() -> None:
    # Nothing listens on this port: reaching the network would raise BackendUnavailable instead.
    with (
        HanamiClient(f"http://127.0.0.1:{free_port()}", "token") as client,
        pytest.raises(BadRequest) as caught,
    ):
        client.projects.get("a&b=c")

    assert caught.value.status is None
    assert caught.value.operation == "projects.get"
    assert "'id'" in caught.value.message
