"""The SDK facade: the official names, signatures, return types and exceptions, over our client."""

from __future__ import annotations

import inspect
import json

import pytest
import requests
import responses

from hanami_client._token import decode_token
from hanami_client.sdk import hanami_exceptions, hanami_token, project, user
from tests.backend import free_port
from tests.conftest import Persona
from tests.hanami_client.support import fresh_id

API = "/v1.0alpha"
V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    hanami_token.request_token: ["address", "user_id", "passphrase", V],
    user.create_user: ["token", "address", "user_id", "user_name", "passphrase", "is_admin", V],
    user.get_user: ["token", "address", "user_id", V],
    user.list_users: ["token", "address", V],
    user.delete_user: ["token", "address", "user_id", V],
    user.add_roject_to_user: [
        "token",
        "address",
        "user_id",
        "project_id",
        "role",
        "is_project_admin",
        V,
    ],
    user.remove_project_fromUser: ["token", "address", "user_id", "project_id", V],
    user.list_projects_of_user: ["token", "address", V],
    user.switch_project: ["token", "address", "project_id", V],
    project.create_project: ["token", "address", "project_id", "project_name", V],
    project.get_project: ["token", "address", "project_id", V],
    project.list_projects: ["token", "address", V],
    project.delete_project: ["token", "address", "project_id", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


def test_request_token_returns_the_token_string(backend_address: str) -> None:
    token = hanami_token.request_token(backend_address, "asdf", "asdfasdf")

    assert isinstance(token, str)
    assert token.count(".") == 2


def test_request_token_with_a_wrong_passphrase_raises_unauthorized(backend_address: str) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException) as caught:
        hanami_token.request_token(backend_address, "asdf", "wrong passphrase", False)

    assert caught.value.message == b"ACCESS DENIED!\nUser or passphrase is incorrect."


def test_project_functions_return_the_raw_reply_bytes(backend_address: str, admin: Persona) -> None:
    project_id = fresh_id("sdkproj")

    created = project.create_project(admin.token, backend_address, project_id, "SDK Project")
    fetched = project.get_project(admin.token, backend_address, project_id)
    listed = project.list_projects(admin.token, backend_address)
    deleted = project.delete_project(admin.token, backend_address, project_id)

    assert isinstance(created, bytes)
    assert created == fetched
    assert list(json.loads(created)) == ["created_at", "creator_id", "id", "name"]
    assert json.loads(listed)["header"] == ["created_at", "id", "name", "creator_id"]
    assert deleted == b"{}"


def test_user_functions_return_the_raw_reply_bytes(backend_address: str, admin: Persona) -> None:
    user_id = fresh_id("sdkuser")

    created = user.create_user(admin.token, backend_address, user_id, "SDK User", "sdk-pass", False)
    assigned = user.add_roject_to_user(
        admin.token, backend_address, user_id, "alphaproj", "member", True
    )
    removed = user.remove_project_fromUser(admin.token, backend_address, user_id, "alphaproj")

    assert json.loads(created)["projects"] == []
    assert json.loads(assigned)["projects"] == [
        {"is_project_admin": True, "project_id": "alphaproj", "role": "member"}
    ]
    assert json.loads(removed)["projects"] == []
    assert user.get_user(admin.token, backend_address, user_id) == removed
    assert user_id in [
        row[1] for row in json.loads(user.list_users(admin.token, backend_address))["body"]
    ]
    assert user.delete_user(admin.token, backend_address, user_id) == b"{}"


def test_duplicates_raise_conflict(backend_address: str, admin: Persona) -> None:
    project_id = fresh_id("sdkproj")
    project.create_project(admin.token, backend_address, project_id, "Twin Project", False)

    with pytest.raises(hanami_exceptions.ConflictException) as caught:
        project.create_project(admin.token, backend_address, project_id, "Twin Project", False)

    assert caught.value.message == f"Project with id '{project_id}' already exist.".encode()


def test_missing_things_raise_not_found(backend_address: str, admin: Persona) -> None:
    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        user.get_user(admin.token, backend_address, "fail_user", False)

    assert caught.value.message == b"User with id 'fail_user' not found"
    with pytest.raises(hanami_exceptions.NotFoundException):
        project.delete_project(admin.token, backend_address, "fail_project", False)


def test_deleting_oneself_raises_conflict(backend_address: str, admin: Persona) -> None:
    with pytest.raises(hanami_exceptions.ConflictException):
        user.delete_user(admin.token, backend_address, admin.user_id, False)


@pytest.mark.parametrize("project_id", ["1bad", "fail project"])
def test_invalid_ids_raise_bad_request(
    backend_address: str, admin: Persona, project_id: str
) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException):
        project.get_project(admin.token, backend_address, project_id, False)


def test_a_member_is_unauthorized_for_admin_functions(
    backend_address: str, member: Persona
) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException) as caught:
        user.list_users(member.token, backend_address)

    assert caught.value.message == b"Access denied by policy"


def test_switch_project_renews_the_token_with_put(backend_address: str, member: Persona) -> None:
    reply = json.loads(user.switch_project(member.token, backend_address, member.project_id))

    assert list(reply) == ["id", "is_admin", "name", "token"]
    assert reply["id"] == member.user_id
    assert decode_token(reply["token"]).project_id == member.project_id


def test_switch_project_into_a_foreign_project_is_unauthorized(
    backend_address: str, member: Persona, outsider: Persona
) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException):
        user.switch_project(member.token, backend_address, outsider.project_id)


def test_list_projects_of_user_asks_for_the_tokens_own_user(
    backend_address: str, admin: Persona
) -> None:
    reply = user.list_projects_of_user(admin.token, backend_address)

    assert reply == b'{"projects":[{"is_project_admin":true,"project_id":"admin","role":"admin"}]}'


def test_unmapped_statuses_return_none() -> None:
    address = "http://hanami.test"
    with responses.RequestsMock() as backend:
        backend.get(f"{address}{API}/project/all", status=418, body="teapot")
        backend.post(f"{address}{API}/token", status=503, body="")

        assert project.list_projects("token", address) is None
        assert hanami_token.request_token(address, "asdf", "asdfasdf") is None


def test_status_500_raises_internal_server_error() -> None:
    address = "http://hanami.test"
    with responses.RequestsMock() as backend:
        backend.get(f"{address}{API}/user/all", status=500, body="")

        with pytest.raises(hanami_exceptions.InternalServerErrorException) as caught:
            user.list_users("token", address)

    assert str(caught.value) == "Server internal error appeared."


def test_an_unreachable_backend_raises_requests_connection_error() -> None:
    with pytest.raises(requests.ConnectionError):
        project.list_projects("token", f"http://127.0.0.1:{free_port()}")


def test_exceptions_keep_the_official_names() -> None:
    names = {
        "BadRequestException",
        "ConflictException",
        "InternalServerErrorException",
        "NotFoundException",
        "UnauthorizedException",
    }

    assert set(hanami_exceptions.__all__) == names
    assert all(issubclass(getattr(hanami_exceptions, name), Exception) for name in names)
