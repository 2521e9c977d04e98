"""The request pipeline of contract 1.5: raw target checks, methods, inputs, policy, routing."""

from __future__ import annotations

import threading

import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.wire import b64, new_id, query_db, send, send_raw

API = "/v1.0alpha"


@pytest.mark.parametrize(
    "target",
    [f"{API}/../v1.0alpha/user/all", f"{API}/user?id=a..b", f"{API}/project/all?x=..", "/.."],
)
def test_target_with_two_dots_is_refused_with_an_empty_400(
    backend_address: str, admin: Persona, target: str
) -> None:
    status, headers, body = send_raw(backend_address, "GET", target, token=admin.token)
    assert (status, body) == (400, b"")
    assert headers["Content-Type"] == "text/plain"


@pytest.mark.parametrize("method", ["OPTIONS", "PATCH", "TRACE", "PROPFIND"])
def test_other_methods_are_refused(backend_address: str, admin: Persona, method: str) -> None:
    status, _, body = send_raw(backend_address, method, f"{API}/project/all", token=admin.token)
    assert status == 400
    assert f"Invalid request-method '{method}'".encode() in body


def test_head_is_refused(backend_address: str, admin: Persona) -> None:
    status, _, _ = send_raw(backend_address, "HEAD", f"{API}/project/all", token=admin.token)
    assert status == 400


def test_two_dots_are_checked_before_the_method(backend_address: str) -> None:
    status, _, body = send_raw(backend_address, "PATCH", f"{API}/..")
    assert (status, body) == (400, b"")


@pytest.mark.parametrize("target", ["/v1", "/abcd", "/ab?x=1"])
def test_path_of_five_characters_or_less_cannot_be_parsed(
    backend_address: str, target: str
) -> None:
    status, _, body = send_raw(backend_address, "GET", target)
    assert (status, body.decode()) == (400, f"Failed to pasre uri: {target}")


@pytest.mark.parametrize(
    "body",
    ["not json", "", "[1, 2]", '"text"', "42", '{"id": NaN}', '{"id": "a"'],
)
def test_post_body_must_be_a_json_object(backend_address: str, admin: Persona, body: str) -> None:
    reply = send(backend_address, "POST", "/project", token=admin.token, body=body)
    assert (reply.status_code, reply.text) == (400, f"Failed to pasre uri: {API}/project")


def test_put_body_must_be_a_json_object(backend_address: str, member: Persona) -> None:
    reply = send(backend_address, "PUT", "/token", token=member.token, body="[]")
    assert (reply.status_code, reply.text) == (400, f"Failed to pasre uri: {API}/token")


def test_body_is_checked_before_the_token(backend_address: str) -> None:
    reply = send(backend_address, "POST", "/project", body="not json")
    assert (reply.status_code, reply.text) == (400, f"Failed to pasre uri: {API}/project")


def test_get_ignores_the_body(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/project/all", token=admin.token, body="not json")
    assert reply.status_code == 200


def test_missing_token_is_refused(backend_address: str) -> None:
    reply = send(backend_address, "GET", "/project/all")
    assert reply.status_code == 401
    assert reply.text == "Failed to validate JWT-Token with error: invalid token supplied"


def test_garbage_token_is_refused(backend_address: str) -> None:
    reply = send(backend_address, "GET", "/project/all", token="eyJhbGciOiJIUzI1NiJ9.e30.bogus")
    assert reply.status_code == 401
    assert reply.text.startswith("Failed to validate JWT-Token with error: ")


@pytest.mark.parametrize("path", ["/nothing/here", "/project/all/", "/users", "/token/x"])
def test_unregistered_path_is_denied_by_policy(
    backend_address: str, admin: Persona, path: str
) -> None:
    reply = send(backend_address, "GET", path, token=admin.token)
    assert (reply.status_code, reply.text) == (401, "Access denied by policy")


def test_unregistered_path_without_token_fails_on_the_token(backend_address: str) -> None:
    reply = send(backend_address, "GET", "/nothing/here")
    assert reply.text == "Failed to validate JWT-Token with error: invalid token supplied"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/auth"),
        ("GET", "/template/all"),
        ("POST", "/template/upload"),
        ("GET", "/request_result"),
        ("GET", "/documentation/api/rest"),
        ("GET", "/foreward"),
    ],
)
def test_path_in_the_policy_without_handler_has_no_endpoint(
    backend_address: str, admin: Persona, method: str, path: str
) -> None:
    body = {} if method == "POST" else None
    reply = send(backend_address, method, path, token=admin.token, body=body)
    assert reply.status_code == 400
    assert reply.text == f"No endpoint found for path 'v1.0alpha{path}' and type {method}"


def test_member_is_denied_the_error_log_by_policy(backend_address: str, member: Persona) -> None:
    reply = send(backend_address, "GET", "/error_log", token=member.token, query={"page": 0})
    assert (reply.status_code, reply.text) == (401, "Access denied by policy")


def test_policy_is_per_method(backend_address: str, member: Persona) -> None:
    reply = send(backend_address, "POST", "/token/x", token=member.token, body={})
    assert reply.text == "Access denied by policy"
    reply = send(backend_address, "POST", "/user/project", token=member.token, body={})
    assert reply.status_code == 400  # admitted by the policy, then refused by validation


def test_query_values_are_not_percent_decoded(backend_address: str, admin: Persona) -> None:
    target = f"{API}/project?id=alpha%41proj"  # sent raw: requests would decode %41 itself
    status, _, body = send_raw(backend_address, "GET", target, token=admin.token)
    assert status == 400
    assert body.decode().startswith("Given item 'id' doesn't match with regex")


@pytest.mark.parametrize(("value", "kind"), [("1234", "int"), ("-7", "int"), ("12.5", "float")])
def test_numeric_query_values_arrive_as_numbers(
    backend_address: str, admin: Persona, value: str, kind: str
) -> None:
    reply = send(backend_address, "GET", "/project", token=admin.token, query={"id": value})
    assert reply.status_code == 400
    assert reply.text == (
        "Value-validation failed, because a item 'id'  has the false type: Exprect string-type."
    ), kind


def test_query_pair_without_equals_is_its_own_key(backend_address: str, admin: Persona) -> None:
    status, _, body = send_raw(
        backend_address, "GET", f"{API}/project?alphaproj", token=admin.token
    )
    assert (status, body.decode()) == (
        400,
        "Validation failed, because item 'alphaproj' is not in the list of allowed keys",
    )


def test_token_query_key_is_dropped(backend_address: str, admin: Persona, member: Persona) -> None:
    query = {"id": member.project_id, "token": "whatever"}
    reply = send(backend_address, "GET", "/project", token=admin.token, query=query)
    assert reply.status_code == 200


def test_query_wins_over_the_body(backend_address: str, admin: Persona) -> None:
    project_id = new_id("p")
    status, _, body = send_raw(
        backend_address,
        "POST",
        f"{API}/project?name=QueryName",
        token=admin.token,
        body=f'{{"id":"{project_id}","name":"Body Name"}}'.encode(),
    )
    assert status == 200, body
    reply = send(backend_address, "GET", "/project", token=admin.token, query={"id": project_id})
    assert reply.json()["name"] == "QueryName"


def test_replies_name_the_server_hanami(backend_address: str, admin: Persona) -> None:
    ok = send(backend_address, "GET", "/project/all", token=admin.token)
    error = send(backend_address, "GET", "/project/all")
    assert ok.headers["Server"] == error.headers["Server"] == "Hanami"
    assert (ok.headers["Content-Type"], error.headers["Content-Type"]) == (
        "text/json",
        "text/plain",
    )


def _audit_rows(backend: Backend, user_id: str) -> list[tuple[str, str]]:
    sql = "SELECT endpoint, request_type FROM audit_log WHERE user_id = ? ORDER BY row"
    return query_db(backend.data_dir, sql, user_id)


def test_every_authenticated_mutating_request_is_audited(backend: Backend, member: Persona) -> None:
    before = _audit_rows(backend, member.user_id)
    address, token = backend.address, member.token
    send(address, "PUT", "/token", token=token, body={"project_id": member.project_id})
    send(address, "PUT", "/token", token=token, body={"project_id": "nowhere"})  # 401 in handler
    send(address, "DELETE", "/user/project", token=token, query={"id": "x"})  # 400 validation
    send(address, "POST", "/template/upload", token=token, body={})  # 400 no endpoint
    send(address, "GET", "/user/project", token=token, query={"user_id": "memberuser"})  # GET
    send(address, "POST", "/user", token=token, body={})  # refused by the policy: no row
    added = _audit_rows(backend, member.user_id)[len(before) :]
    assert added == [
        ("v1.0alpha/token", "PUT"),
        ("v1.0alpha/token", "PUT"),
        ("v1.0alpha/user/project", "DELETE"),
        ("v1.0alpha/template/upload", "POST"),
    ]


def test_sign_in_and_anonymous_requests_are_not_audited(backend: Backend, admin: Persona) -> None:
    user_id = new_id()
    send(backend.address, "POST", "/token", body={"id": user_id, "passphrase": b64("whatever")})
    send(backend.address, "DELETE", "/user", query={"id": user_id})
    assert _audit_rows(backend, user_id) == []
    assert _audit_rows(backend, "") == []


def test_admin_actions_are_audited_with_the_router_key(backend: Backend, admin: Persona) -> None:
    project_id = new_id("p")
    before = len(_audit_rows(backend, admin.user_id))
    body = {"id": project_id, "name": "Audited One"}
    send(backend.address, "POST", "/project", token=admin.token, body=body)
    send(backend.address, "POST", "/project", token=admin.token, body=body)  # 409, still audited
    send(backend.address, "DELETE", "/project", token=admin.token, query={"id": project_id})
    assert _audit_rows(backend, admin.user_id)[before:] == [
        ("v1.0alpha/project", "POST"),
        ("v1.0alpha/project", "POST"),
        ("v1.0alpha/project", "DELETE"),
    ]
    stamps = query_db(
        backend.data_dir, "SELECT created_at FROM audit_log ORDER BY row DESC LIMIT 1"
    )
    assert len(stamps[0][0]) == len("2024-01-01 00:00:00")


def test_concurrent_creates_of_one_id_give_one_success(
    backend_address: str, admin: Persona
) -> None:
    project_id, statuses = new_id("p"), []

    def create() -> None:
        body = {"id": project_id, "name": "Raced Project"}
        statuses.append(
            send(backend_address, "POST", "/project", token=admin.token, body=body).status_code
        )

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7


def test_concurrent_sign_ins_and_user_creations_all_succeed(
    backend_address: str, admin: Persona, member: Persona
) -> None:
    user_ids, results = [new_id() for _ in range(6)], []

    def create(user_id: str) -> None:
        body = {
            "id": user_id,
            "name": "Parallel User",
            "passphrase": b64("parallel"),
            "is_admin": False,
        }
        results.append(
            send(backend_address, "POST", "/user", token=admin.token, body=body).status_code
        )

    def sign_in() -> None:
        body = {"id": member.user_id, "passphrase": b64(member.passphrase)}
        results.append(send(backend_address, "POST", "/token", body=body).status_code)

    threads = [threading.Thread(target=create, args=(user_id,)) for user_id in user_ids]
    threads += [threading.Thread(target=sign_in) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 12
    listed = send(backend_address, "GET", "/user/all", token=admin.token).json()["body"]
    assert set(user_ids) <= {row[1] for row in listed}
