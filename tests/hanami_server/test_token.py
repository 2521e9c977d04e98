"""POST /token and PUT /token (contract 2.1) and the JWT of contract 8.3."""

from __future__ import annotations

import json
import stat
import time

import jwt
import pytest

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import Persona
from tests.hanami_server.wire import assign, b64, create_user, new_id, send, token_for

DENIED = "ACCESS DENIED!\nUser or passphrase is incorrect."
USER_CLAIM_KEYS = {
    "created_at",
    "creator_id",
    "id",
    "is_admin",
    "is_project_admin",
    "name",
    "project_id",
    "role",
}


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _user_claim(token: str) -> dict:
    return json.loads(_claims(token)["user"])


def _key(backend: Backend) -> bytes:
    return (backend.data_dir / "token.key").read_bytes()


def test_admin_signs_in_to_the_admin_project(backend_address: str) -> None:
    reply = send(
        backend_address,
        "POST",
        "/token",
        body={"id": ADMIN_ID, "passphrase": b64(ADMIN_PASSPHRASE)},
    )
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/json"
    body = reply.json()
    assert list(body) == ["id", "is_admin", "name", "token"]
    assert (body["id"], body["is_admin"], body["name"]) == (ADMIN_ID, True, "asdf")
    user = _user_claim(body["token"])
    assert (user["project_id"], user["role"], user["is_project_admin"]) == ("admin", "admin", True)
    assert user["creator_id"] == "HANAMI_INIT"


def test_token_has_exactly_exp_and_a_compact_sorted_user_string(admin: Persona) -> None:
    claims = _claims(admin.token)
    assert set(claims) == {"exp", "user"}
    assert isinstance(claims["user"], str)
    user = json.loads(claims["user"])
    assert set(user) == USER_CLAIM_KEYS
    assert claims["user"] == json.dumps(user, separators=(",", ":"), sort_keys=True)
    assert jwt.get_unverified_header(admin.token) == {"alg": "HS256", "typ": "JWT"}


def test_token_expires_one_hour_after_issue(backend_address: str) -> None:
    before = int(time.time())
    token = token_for(backend_address, ADMIN_ID, ADMIN_PASSPHRASE)
    after = int(time.time())
    assert before + 3600 <= _claims(token)["exp"] <= after + 3600


def test_member_token_carries_the_first_assigned_project(member: Persona) -> None:
    user = _user_claim(member.token)
    assert (user["id"], user["project_id"], user["role"]) == ("memberuser", "alphaproj", "member")
    assert user["is_admin"] is False
    assert user["is_project_admin"] is False


def test_wrong_passphrase_is_refused(backend_address: str) -> None:
    body = {"id": ADMIN_ID, "passphrase": b64("not-the-passphrase")}
    reply = send(backend_address, "POST", "/token", body=body)
    assert (reply.status_code, reply.text) == (401, DENIED)
    assert reply.headers["Content-Type"] == "text/plain"


def test_unknown_user_gets_the_same_answer_as_a_wrong_passphrase(backend_address: str) -> None:
    body = {"id": "nobodyhere", "passphrase": b64(ADMIN_PASSPHRASE)}
    reply = send(backend_address, "POST", "/token", body=body)
    assert (reply.status_code, reply.text) == (401, DENIED)


def test_user_without_project_cannot_sign_in(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "lonely-pass")
    body = {"id": user_id, "passphrase": b64("lonely-pass")}
    reply = send(backend_address, "POST", "/token", body=body)
    assert (reply.status_code, reply.text) == (
        401,
        f"User with id '{user_id}' has no project assigned.",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"id": ADMIN_ID},
            "Validation failed, because variable 'passphrase' is required, but is not set.",
        ),
        (
            {"id": ADMIN_ID, "passphrase": b64("asdfasdf"), "extra": 1},
            "Validation failed, because item 'extra' is not in the list of allowed keys",
        ),
        (
            {"id": "abc", "passphrase": b64("asdfasdf")},
            "Given item 'id' is shorter than 4 characters",
        ),
        (
            {"id": "a" * 255, "passphrase": b64("asdfasdf")},
            "Given item 'id' is longer than 254 characters",
        ),
        (
            {"id": 1234, "passphrase": b64("asdfasdf")},
            "Value-validation failed, because a item 'id'  has the false type: "
            "Exprect string-type.",
        ),
        (
            {"id": ADMIN_ID, "passphrase": b64("abc")},
            "Given item 'passphrase' is shorter than 8 characters",
        ),
    ],
)
def test_token_request_validation(backend_address: str, body: dict, message: str) -> None:
    reply = send(backend_address, "POST", "/token", body=body)
    assert (reply.status_code, reply.text) == (400, message)


def test_passphrase_must_be_base64(backend_address: str) -> None:
    reply = send(
        backend_address, "POST", "/token", body={"id": ADMIN_ID, "passphrase": "no base64!"}
    )
    assert reply.status_code == 400
    assert reply.text == (
        "Given item 'passphrase' doesn't match with regex "
        '"^^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$$"'
    )


def test_member_renews_into_an_assigned_project(backend_address: str, member: Persona) -> None:
    reply = send(
        backend_address, "PUT", "/token", token=member.token, body={"project_id": "alphaproj"}
    )
    assert reply.status_code == 200
    assert _user_claim(reply.json()["token"])["project_id"] == "alphaproj"


def test_member_switches_between_assigned_projects(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "switch-pass")
    assign(backend_address, admin.token, user_id, "alphaproj")
    assign(backend_address, admin.token, user_id, "betaproj", role="reader")
    token = token_for(backend_address, user_id, "switch-pass")
    assert _user_claim(token)["project_id"] == "alphaproj"
    reply = send(backend_address, "PUT", "/token", token=token, body={"project_id": "betaproj"})
    assert reply.status_code == 200
    user = _user_claim(reply.json()["token"])
    assert (user["project_id"], user["role"]) == ("betaproj", "reader")


def test_member_cannot_switch_to_a_foreign_project(backend_address: str, member: Persona) -> None:
    reply = send(
        backend_address, "PUT", "/token", token=member.token, body={"project_id": "betaproj"}
    )
    assert reply.status_code == 401
    assert (
        reply.text == "User with id 'memberuser' is not assigned to the project with id 'betaproj'."
    )


def test_member_cannot_switch_to_the_admin_project(backend_address: str, member: Persona) -> None:
    reply = send(backend_address, "PUT", "/token", token=member.token, body={"project_id": "admin"})
    assert reply.status_code == 401


def test_admin_renews_into_the_admin_project(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "PUT", "/token", token=admin.token, body={"project_id": "admin"})
    assert reply.status_code == 200
    assert _user_claim(reply.json()["token"])["role"] == "admin"


def test_admin_in_an_assigned_project_keeps_is_admin(backend_address: str, admin: Persona) -> None:
    admin_id = new_id("a")
    create_user(backend_address, admin.token, admin_id, "second-admin", is_admin=True)
    assign(backend_address, admin.token, admin_id, "alphaproj", role="member")
    token = token_for(backend_address, admin_id, "second-admin")
    reply = send(backend_address, "PUT", "/token", token=token, body={"project_id": "alphaproj"})
    assert reply.status_code == 200
    user = _user_claim(reply.json()["token"])
    assert (user["project_id"], user["role"], user["is_admin"]) == ("alphaproj", "member", True)


def test_renewal_after_the_user_was_deleted_is_refused(
    backend_address: str, admin: Persona
) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "short-lived")
    assign(backend_address, admin.token, user_id, "alphaproj")
    token = token_for(backend_address, user_id, "short-lived")
    assert send(backend_address, "DELETE", "/user", token=admin.token, query={"id": user_id}).ok
    reply = send(backend_address, "PUT", "/token", token=token, body={"project_id": "alphaproj"})
    assert (reply.status_code, reply.text) == (401, DENIED)


def test_put_token_needs_a_token(backend_address: str) -> None:
    reply = send(backend_address, "PUT", "/token", body={"project_id": "alphaproj"})
    assert reply.status_code == 401
    assert reply.text == "Failed to validate JWT-Token with error: invalid token supplied"


def test_expired_token_is_refused(backend: Backend, admin: Persona) -> None:
    claims = {"exp": int(time.time()) - 5, "user": _claims(admin.token)["user"]}
    expired = jwt.encode(claims, _key(backend), algorithm="HS256")
    reply = send(backend.address, "GET", "/project/all", token=expired)
    assert reply.status_code == 401
    assert reply.text.startswith("Failed to validate JWT-Token with error: ")
    assert "expired" in reply.text


def test_token_signed_with_the_whole_key_file_is_accepted(backend: Backend, admin: Persona) -> None:
    claims = {"exp": int(time.time()) + 60, "user": _claims(admin.token)["user"]}
    token = jwt.encode(claims, _key(backend), algorithm="HS256")
    assert send(backend.address, "GET", "/project/all", token=token).status_code == 200


def test_trailing_newline_of_the_key_file_is_part_of_the_secret(
    backend: Backend, admin: Persona
) -> None:
    key = _key(backend)
    assert key.endswith(b"\n")
    claims = {"exp": int(time.time()) + 60, "user": _claims(admin.token)["user"]}
    token = jwt.encode(claims, key.rstrip(b"\n"), algorithm="HS256")
    reply = send(backend.address, "GET", "/project/all", token=token)
    assert reply.status_code == 401
    assert reply.text.startswith("Failed to validate JWT-Token with error: ")


def test_tampered_token_is_refused(backend_address: str, member: Persona) -> None:
    header, _payload, signature = member.token.split(".")
    claims = _claims(member.token)
    user = json.loads(claims["user"])
    user.update(is_admin=True, role="admin", project_id="admin")
    forged = jwt.encode({**claims, "user": json.dumps(user)}, "g" * 32, algorithm="HS256")
    forged_payload = forged.split(".")[1]
    reply = send(
        backend_address, "GET", "/user/all", token=f"{header}.{forged_payload}.{signature}"
    )
    assert reply.status_code == 401
    assert reply.text.startswith("Failed to validate JWT-Token with error: ")


def test_token_without_role_is_refused(backend: Backend, admin: Persona) -> None:
    user = _user_claim(admin.token)
    del user["role"]
    claims = {"exp": int(time.time()) + 60, "user": json.dumps(user)}
    token = jwt.encode(claims, _key(backend), algorithm="HS256")
    reply = send(backend.address, "GET", "/project/all", token=token)
    assert (reply.status_code, reply.text) == (401, "Role is missing in token")


def test_key_file_is_private_to_the_server_user(backend: Backend) -> None:
    mode = stat.S_IMODE((backend.data_dir / "token.key").stat().st_mode)
    assert mode == 0o600
