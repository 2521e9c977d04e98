"""Tolerance of upstream's quirks (contract section 11) that touch users and projects.

Our server gives the recommended answers, so upstream's replies are faked at the HTTP level with
``responses``; every other request (the client's re-read) passes through to the real backend.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
import requests
import responses

from hanami_client import HanamiClient, ProjectAssignment, ServerError
from tests.hanami_client.support import fresh_id

API = "/v1.0alpha"


@pytest.fixture
def upstream(backend_address: str) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add_passthru(backend_address)
        yield mock


@pytest.fixture
def user_id(admin_client: HanamiClient) -> str:
    return admin_client.users.create(fresh_id("quirk"), "Quirk User", "quirk-pass").id


def forward_then_fail(request: requests.PreparedRequest) -> tuple[int, dict, str]:
    """Do what upstream does: apply the change on the real backend, then answer 500."""
    forwarded = urllib.request.Request(  # outside requests, so `responses` lets it through
        request.url, data=request.body, method=request.method, headers=dict(request.headers)
    )
    with urllib.request.urlopen(forwarded, timeout=10) as reply:
        assert reply.status == 200
    return 500, {}, ""


def fail(request: requests.PreparedRequest) -> tuple[int, dict, str]:
    return 500, {}, ""


def test_assignment_answered_500_but_stored_returns_the_user(
    admin_client: HanamiClient, upstream: responses.RequestsMock, user_id: str
) -> None:
    upstream.add_callback("POST", f"{admin_client.address}{API}/user/project", forward_then_fail)

    user = admin_client.users.add_project(user_id, "alphaproj", "member")

    assert user.projects == (ProjectAssignment("alphaproj", "member", False),)


def test_assignment_answered_500_and_not_stored_is_a_server_error(
    admin_client: HanamiClient, upstream: responses.RequestsMock, user_id: str
) -> None:
    upstream.add_callback("POST", f"{admin_client.address}{API}/user/project", fail)

    with pytest.raises(ServerError) as caught:
        admin_client.users.add_project(user_id, "alphaproj", "member")

    assert (caught.value.status, caught.value.operation) == (500, "users.add_project")


def test_removal_answered_500_but_done_returns_the_user(
    admin_client: HanamiClient, upstream: responses.RequestsMock, user_id: str
) -> None:
    admin_client.users.add_project(user_id, "alphaproj", "member")
    upstream.add_callback("DELETE", f"{admin_client.address}{API}/user/project", forward_then_fail)

    user = admin_client.users.remove_project(user_id, "alphaproj")

    assert user.projects == ()


def test_removal_answered_500_and_not_done_is_a_server_error(
    admin_client: HanamiClient, upstream: responses.RequestsMock, user_id: str
) -> None:
    admin_client.users.add_project(user_id, "alphaproj", "member")
    upstream.add_callback("DELETE", f"{admin_client.address}{API}/user/project", fail)

    with pytest.raises(ServerError) as caught:
        admin_client.users.remove_project(user_id, "alphaproj")

    assert caught.value.operation == "users.remove_project"


def test_project_list_of_an_admin_answered_500_is_the_admin_project(
    admin_client: HanamiClient, upstream: responses.RequestsMock
) -> None:
    upstream.add_callback("GET", f"{admin_client.address}{API}/user/project", fail)

    assert admin_client.users.list_projects("asdf") == [ProjectAssignment("admin", "admin", True)]


def test_project_list_of_a_non_admin_answered_500_is_a_server_error(
    admin_client: HanamiClient, upstream: responses.RequestsMock, user_id: str
) -> None:
    upstream.add_callback("GET", f"{admin_client.address}{API}/user/project", fail)

    with pytest.raises(ServerError) as caught:
        admin_client.users.list_projects(user_id)

    assert caught.value.operation == "users.list_projects"


def test_names_that_come_back_as_booleans_are_read_as_text() -> None:
    address = "http://hanami.test"
    user = {
        "created_at": "2024-01-01 00:00:00",
        "creator_id": "asdf",
        "id": "true",
        "is_admin": False,
        "name": True,
        "projects": [{"is_project_admin": False, "project_id": False, "role": True}],
    }
    projects = {
        "body": [["2024-01-01 00:00:00", "false", False, "asdf"]],
        "header": ["created_at", "id", "name", "creator_id"],
    }
    with responses.RequestsMock() as upstream, HanamiClient(address, "token") as client:
        upstream.get(f"{address}{API}/user", body=json.dumps(user))
        upstream.get(f"{address}{API}/project/all", body=json.dumps(projects))

        read = client.users.get("true")
        row = client.projects.list()[0]

    assert (read.id, read.name) == ("true", "true")
    assert read.projects == (ProjectAssignment("false", "true", False),)
    assert (row["id"], row["name"]) == ("false", "false")


def test_table_cells_in_their_text_form_are_typed() -> None:
    address = "http://hanami.test"
    users = {
        "body": [
            [
                "2024-01-01 00:00:00",
                "ann",
                "Ann",
                "asdf",
                '[{"is_project_admin":true,"project_id":"alphaproj","role":"member"}]',
                "TRUE",
            ]
        ],
        "header": ["created_at", "id", "name", "creator_id", "projects", "is_admin"],
    }
    with responses.RequestsMock() as upstream, HanamiClient(address, "token") as client:
        upstream.get(f"{address}{API}/user/all", body=json.dumps(users))

        row = client.users.list()[0]

    assert row["projects"] == (ProjectAssignment("alphaproj", "member", True),)
    assert row["is_admin"] is True
