"""Tolerance of upstream's quirks (contract section 11) that touch users, projects and datasets.

Our server gives the recommended answers, so upstream's replies are faked at the HTTP level with
``responses``; every other request (the client's re-read) passes through to the real backend.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator

import pytest
import requests
import responses

from hanami_client import BadRequest, HanamiClient, ProjectAssignment, ProtocolError, ServerError
from tests.hanami_client.support import fresh_id, raw_reply_server

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


STATUS_ONE = b"HTTP/1.1 001 Unknown\r\nContent-Length: 19\r\n\r\nrow_offset too high"


@pytest.fixture
def status_one_client() -> Iterator[HanamiClient]:
    """A client of a backend that answers everything with upstream's bogus status 1."""
    with raw_reply_server(STATUS_ONE) as address, HanamiClient(address, "token") as client:
        yield client


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("datasets.content", lambda client: client.datasets.content(str(uuid.uuid4()), "label")),
        ("datasets.check", lambda client: client.datasets.check(str(uuid.uuid4()), "a" * 36)),
    ],
)
def test_status_1_on_a_dataset_range_error_is_a_bad_request(
    status_one_client: HanamiClient, operation: str, call: Callable[[HanamiClient], object]
) -> None:
    with pytest.raises(BadRequest) as caught:
        call(status_one_client)

    assert (caught.value.status, caught.value.operation) == (1, operation)


def test_status_1_anywhere_else_stays_a_server_error(status_one_client: HanamiClient) -> None:
    with pytest.raises(ServerError) as caught:
        status_one_client.datasets.get(str(uuid.uuid4()))

    assert caught.value.status == 1


def test_dataset_replies_in_upstreams_shapes_are_typed() -> None:
    address = "http://hanami.test"
    dataset_uuid = str(uuid.uuid4())
    dataset = {
        "created_at": "2024-01-01 00:00:00",
        "description": {
            "label": {"column_end": 794, "column_start": 784},
            "picture": {"column_end": 784, "column_start": 0},
        },
        "name": "false",
        "number_of_columns": 794,
        "number_of_rows": 60000,
        "owner_id": "asdf",
        "project_id": "admin",
        "uuid": dataset_uuid,
        "version": "v1.0alpha",
        "visibility": "private",
    }
    datasets = {
        "body": [["2024-01-01 00:00:00", dataset_uuid, "admin", "asdf", "private", True]],
        "header": ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"],
    }
    with responses.RequestsMock() as upstream, HanamiClient(address, "token") as client:
        upstream.get(f"{address}{API}/dataset", body=json.dumps(dataset))
        upstream.get(f"{address}{API}/dataset/all", body=json.dumps(datasets))
        upstream.get(f"{address}{API}/dataset/content", body='{"data":[[0,1,0.5]]}')
        upstream.get(f"{address}{API}/dataset/check", body='{"accuracy":93.40999603271484}')

        read = client.datasets.get(dataset_uuid)
        row = client.datasets.list()[0]
        content = client.datasets.content(dataset_uuid, "label")
        accuracy = client.datasets.check(dataset_uuid, dataset_uuid)

    assert read.description == {"label": (784, 794), "picture": (0, 784)}
    assert (read.name, read.number_of_rows) == ("false", 60000)
    assert row["name"] == "true"
    assert content == [[0.0, 1.0, 0.5]]
    assert all(isinstance(value, float) for value in content[0])
    assert accuracy == pytest.approx(93.41)


@pytest.mark.parametrize(
    "body",
    ['{"data":[[1.0],[2.0]]}', '{"data":[["x"]]}', '{"data":{"0":[1.0]}}', '{"rows":[]}'],
    ids=["too-many-rows", "not-a-number", "not-a-list", "no-data"],
)
def test_content_that_breaks_the_contract_is_a_protocol_error(body: str) -> None:
    address = "http://hanami.test"
    with responses.RequestsMock() as upstream, HanamiClient(address, "token") as client:
        upstream.get(f"{address}{API}/dataset/content", body=body)

        with pytest.raises(ProtocolError) as caught:
            client.datasets.content(str(uuid.uuid4()), "label")

    assert caught.value.operation == "datasets.content"
