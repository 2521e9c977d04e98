"""The transport: what goes on the wire, and how every kind of failure becomes a typed error."""

from __future__ import annotations

import json

import pytest
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from hanami_client import (
    ApiError,
    BackendUnavailable,
    BadRequest,
    Conflict,
    Forbidden,
    HanamiClient,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)
from hanami_client._http import error_for_status, query_string, retry_policy
from tests.backend import free_port
from tests.hanami_client.support import raw_reply_server, silent_server

API = "/v1.0alpha"
FAKE = "http://hanami.test"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (500, ServerError),
        (503, ServerError),
        (1, ServerError),
        (418, ApiError),
        (302, ProtocolError),
        (204, ProtocolError),
    ],
)
def test_each_status_maps_to_its_error(status: int, kind: type) -> None:
    error = error_for_status(status, "the server's words", "users.delete")

    assert type(error) is kind
    assert (error.status, error.message, error.operation) == (
        status,
        "the server's words",
        "users.delete",
    )


def test_query_string_is_built_plainly_in_the_given_order() -> None:
    query = {"project_id": "alphaproj", "id": "ann@lab", "row_offset": 0, "flag": True}

    assert query_string(query, "x") == "project_id=alphaproj&id=ann@lab&row_offset=0&flag=true"


@pytest.mark.parametrize("value", ["a b", "a&b", "a=b", "a%20b", "a#b", "a+b", "a?b", "ü", "a..b"])
def test_query_values_that_need_encoding_are_refused(value: str) -> None:
    with pytest.raises(BadRequest) as caught:
        query_string({"id": value}, "users.get")

    assert caught.value.status is None
    assert caught.value.operation == "users.get"


def test_post_sends_compact_json_with_the_token_header() -> None:
    reply = {
        "created_at": "2024-01-01 00:00:00",
        "creator_id": "asdf",
        "id": "alphaproj",
        "name": "Alpha",
    }
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "the-token") as client:
        backend.post(f"{FAKE}{API}/project", body=json.dumps(reply))

        client.projects.create("alphaproj", "Alpha Project")
        sent = backend.calls[0].request

    assert sent.body == b'{"id":"alphaproj","name":"Alpha Project"}'
    assert sent.headers["X-Auth-Token"] == "the-token"


def test_delete_sends_its_inputs_unencoded_in_the_query_string() -> None:
    reply = {
        "created_at": "2024-01-01 00:00:00",
        "creator_id": "asdf",
        "id": "ann@lab",
        "is_admin": False,
        "name": "Ann",
        "projects": [],
    }
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "the-token") as client:
        backend.delete(f"{FAKE}{API}/user/project", body=json.dumps(reply))

        client.users.remove_project("ann@lab", "alphaproj")
        sent = backend.calls[0].request

    assert sent.url == f"{FAKE}{API}/user/project?id=ann@lab&project_id=alphaproj"
    assert sent.body is None


def test_login_sends_the_passphrase_base64_encoded() -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE) as client:
        backend.post(f"{FAKE}{API}/token", status=401, body="ACCESS DENIED!")

        with pytest.raises(Unauthorized):
            client.login("asdf", "asdfasdf")
        sent = backend.calls[0].request

    assert json.loads(sent.body) == {"id": "asdf", "passphrase": "YXNkZmFzZGY="}
    assert "X-Auth-Token" not in sent.headers


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_closed_port_is_backend_unavailable(method: str) -> None:
    address = f"http://127.0.0.1:{free_port()}"
    with HanamiClient(address, "token", timeout=2) as client:
        call = client.projects.list if method == "GET" else lambda: client.login("asdf", "asdf1")
        with pytest.raises(BackendUnavailable) as caught:
            call()

    assert caught.value.status is None
    assert "refused" in caught.value.message.lower()
    assert caught.value.operation == ("projects.list" if method == "GET" else "token.login")


def test_an_unknown_host_is_backend_unavailable() -> None:
    with (
        HanamiClient("http://hanami-backend.invalid", "token", timeout=2) as client,
        pytest.raises(BackendUnavailable) as caught,
    ):
        client.users.list()

    assert caught.value.operation == "users.list"


def test_a_backend_that_never_answers_is_backend_unavailable() -> None:
    with (
        silent_server() as address,
        HanamiClient(address, "token", timeout=0.3) as client,
        pytest.raises(BackendUnavailable) as caught,
    ):
        client.projects.get("alphaproj")

    assert caught.value.message == f"no reply from {address} within 0.3 s"
    assert caught.value.operation == "projects.get"


def test_upstreams_status_one_is_a_server_error() -> None:
    reply = b"HTTP/1.1 001 Unknown\r\nContent-Length: 19\r\n\r\nrow_offset too high"
    with (
        raw_reply_server(reply) as address,
        HanamiClient(address, "token") as client,
        pytest.raises(ServerError) as caught,
    ):
        client.projects.list()

    assert caught.value.status == 1
    assert caught.value.operation == "projects.list"


def test_a_reply_that_is_not_http_is_a_protocol_error() -> None:
    with (
        raw_reply_server(b"SSH-2.0-OpenSSH_9.6\r\n") as address,
        HanamiClient(address) as client,
        pytest.raises(ProtocolError) as caught,
    ):
        client.login("asdf", "asdfasdf")

    assert caught.value.operation == "token.login"


def test_a_200_that_is_not_json_is_a_protocol_error() -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}{API}/project/all", body="<html>proxy login</html>")

        with pytest.raises(ProtocolError) as caught:
            client.projects.list()

    assert (caught.value.status, caught.value.operation) == (200, "projects.list")
    assert "not JSON" in caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '{"id": "alphaproj"}',
        '{"created_at": "x", "creator_id": "asdf", "id": ["alphaproj"], "name": "Alpha"}',
    ],
)
def test_a_200_that_misses_fields_is_a_protocol_error(body: str) -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}{API}/project", body=body)

        with pytest.raises(ProtocolError) as caught:
            client.projects.get("alphaproj")

    assert (caught.value.status, caught.value.operation) == (200, "projects.get")


@pytest.mark.parametrize(
    "body",
    [
        {"header": ["created_at", "id"], "body": []},
        {"header": ["created_at", "id", "name", "creator_id"], "body": [["x", "y"]]},
        {"rows": []},
    ],
)
def test_a_table_that_breaks_the_contract_is_a_protocol_error(body: dict) -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}{API}/project/all", body=json.dumps(body))

        with pytest.raises(ProtocolError):
            client.projects.list()


def test_a_login_reply_without_a_usable_token_is_a_protocol_error() -> None:
    reply = {"id": "asdf", "is_admin": True, "name": "asdf", "token": "not-a-jwt"}
    with responses.RequestsMock() as backend, HanamiClient(FAKE) as client:
        backend.post(f"{FAKE}{API}/token", body=json.dumps(reply))

        with pytest.raises(ProtocolError):
            client.login("asdf", "asdfasdf")

    assert client.token is None


def test_a_500_carries_the_servers_empty_message() -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}{API}/user/all", status=500, body="")

        with pytest.raises(ServerError) as caught:
            client.users.list()

    assert (caught.value.status, caught.value.message) == (500, "")


def test_only_get_is_retried_after_a_failed_connect() -> None:
    refused = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    policy = retry_policy()

    assert policy.increment("GET", "/v1.0alpha/user/all", error=refused).connect == 1
    for method in ("POST", "PUT", "DELETE"):
        with pytest.raises(MaxRetryError):
            policy.increment(method, "/v1.0alpha/user", error=refused)
