"""User endpoints (contract 2.2): admin only, exact statuses and messages."""

from __future__ import annotations

import pytest

from tests.backend import ADMIN_ID
from tests.conftest import Persona
from tests.hanami_server.wire import assign, b64, create_user, new_id, send, token_for

USER_KEYS = ["created_at", "creator_id", "id", "is_admin", "name", "projects"]
LIST_HEADER = ["created_at", "id", "name", "creator_id", "projects", "is_admin"]
ADMIN_PSEUDO_PROJECT = {"is_project_admin": True, "project_id": "admin", "role": "admin"}


def _user_body(user_id: str, **overrides: object) -> dict:
    body = {"id": user_id, "name": "Some User", "passphrase": b64("some-pass"), "is_admin": False}
    return {**body, **overrides}


def test_admin_creates_a_user(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    reply = send(backend_address, "POST", "/user", token=admin.token, body=_user_body(user_id))
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/json"
    assert list(reply.json()) == USER_KEYS
    user = reply.json()
    assert (user["id"], user["name"], user["creator_id"]) == (user_id, "Some User", ADMIN_ID)
    assert (user["is_admin"], user["projects"]) == (False, [])
    assert '"projects":[]' in reply.text  # compact JSON, as upstream dumps it


def test_created_user_can_be_read_back(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    created = create_user(backend_address, admin.token, user_id, "read-back")
    reply = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id})
    assert reply.status_code == 200
    assert reply.json() == created


def test_duplicate_user_id_is_a_conflict(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "first-pass")
    body = _user_body(user_id, name="Other Name")
    reply = send(backend_address, "POST", "/user", token=admin.token, body=body)
    assert (reply.status_code, reply.text) == (409, f"User with id '{user_id}' already exist.")
    kept = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id}).json()
    assert kept["name"] == f"User {user_id}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": ""}, "Given item 'id' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9@]*$\""),
        ({"id": "abc"}, "Given item 'id' is shorter than 4 characters"),
        ({"id": "a" * 255}, "Given item 'id' is longer than 254 characters"),
        ({"id": "bad-id"}, "Given item 'id' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9@]*$\""),
        ({"id": "9lives"}, "Given item 'id' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9@]*$\""),
        (
            {"id": 12345},
            "Value-validation failed, because a item 'id'  has the false type: "
            "Exprect string-type.",
        ),
        (
            {"name": ""},
            "Given item 'name' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9\\- ]*$\"",
        ),
        ({"name": "Bob"}, "Given item 'name' is shorter than 4 characters"),
        ({"name": "N" * 255}, "Given item 'name' is longer than 254 characters"),
        (
            {"name": "Bob <script>"},
            "Given item 'name' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9\\- ]*$\"",
        ),
        ({"passphrase": b64("abc")}, "Given item 'passphrase' is shorter than 8 characters"),
        ({"passphrase": "x" * 4100}, "Given item 'passphrase' is longer than 4096 characters"),
        (
            {"is_admin": "false"},
            "Value-validation failed, because a item 'is_admin'  has the false type: "
            "Exprect bool-type.",
        ),
        (
            {"colour": "blue"},
            "Validation failed, because item 'colour' is not in the list of allowed keys",
        ),
    ],
)
def test_user_creation_rejects_bad_fields(
    backend_address: str, admin: Persona, overrides: dict, message: str
) -> None:
    user_id = new_id()
    body = _user_body(user_id, **overrides)
    reply = send(backend_address, "POST", "/user", token=admin.token, body=body)
    assert (reply.status_code, reply.text) == (400, message)
    assert (
        send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id}).status_code
        == 404
    )


@pytest.mark.parametrize("missing", ["id", "is_admin", "name", "passphrase"])
def test_user_creation_requires_every_field(
    backend_address: str, admin: Persona, missing: str
) -> None:
    body = _user_body(new_id())
    del body[missing]
    reply = send(backend_address, "POST", "/user", token=admin.token, body=body)
    assert reply.status_code == 400
    assert (
        reply.text
        == f"Validation failed, because variable '{missing}' is required, but is not set."
    )


def test_validation_reports_the_alphabetically_first_problem(
    backend_address: str, admin: Persona
) -> None:
    body = _user_body(new_id(), name="Bob", passphrase="???")
    reply = send(backend_address, "POST", "/user", token=admin.token, body=body)
    assert reply.text == "Given item 'name' is shorter than 4 characters"


def test_unknown_user_is_not_found(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/user", token=admin.token, query={"id": "nobody"})
    assert (reply.status_code, reply.text) == (404, "User with id 'nobody' not found")


def test_get_user_accepts_ids_up_to_256_bytes(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/user", token=admin.token, query={"id": "a" * 256})
    assert reply.status_code == 404
    reply = send(backend_address, "GET", "/user", token=admin.token, query={"id": "a" * 257})
    assert (reply.status_code, reply.text) == (400, "Given item 'id' is longer than 256 characters")


def test_user_list_has_the_contract_header_in_creation_order(
    backend_address: str, admin: Persona
) -> None:
    first, second = new_id(), new_id()
    create_user(backend_address, admin.token, first, "first-pass")
    create_user(backend_address, admin.token, second, "second-pass", is_admin=True)
    reply = send(backend_address, "GET", "/user/all", token=admin.token)
    assert reply.status_code == 200
    table = reply.json()
    assert list(table) == ["body", "header"]
    assert table["header"] == LIST_HEADER
    ids = [row[1] for row in table["body"]]
    assert ids[0] == ADMIN_ID
    assert ids.index(first) < ids.index(second)
    row = table["body"][ids.index(second)]
    assert row[2:] == [f"User {second}", ADMIN_ID, [], True]


def test_names_true_and_false_stay_strings(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    body = _user_body(user_id, name="true")
    assert send(backend_address, "POST", "/user", token=admin.token, body=body).status_code == 200
    table = send(backend_address, "GET", "/user/all", token=admin.token).json()
    row = next(row for row in table["body"] if row[1] == user_id)
    assert row[2] == "true"


def test_admin_deletes_a_user(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "doomed-pass")
    reply = send(backend_address, "DELETE", "/user", token=admin.token, query={"id": user_id})
    assert (reply.status_code, reply.text) == (200, "{}")
    gone = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id})
    assert gone.status_code == 404
    listed = send(backend_address, "GET", "/user/all", token=admin.token).json()["body"]
    assert user_id not in [row[1] for row in listed]


def test_deleted_user_cannot_sign_in(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "doomed-pass")
    assign(backend_address, admin.token, user_id, "alphaproj")
    send(backend_address, "DELETE", "/user", token=admin.token, query={"id": user_id})
    body = {"id": user_id, "passphrase": b64("doomed-pass")}
    assert send(backend_address, "POST", "/token", body=body).status_code == 401


def test_deleted_user_id_can_be_created_again(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "old-passphrase")
    send(backend_address, "DELETE", "/user", token=admin.token, query={"id": user_id})
    again = create_user(backend_address, admin.token, user_id, "new-passphrase")
    assert again["projects"] == []
    assign(backend_address, admin.token, user_id, "alphaproj")
    assert token_for(backend_address, user_id, "new-passphrase")
    old = send(
        backend_address, "POST", "/token", body={"id": user_id, "passphrase": b64("old-passphrase")}
    )
    assert old.status_code == 401


def test_admin_cannot_delete_himself(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "DELETE", "/user", token=admin.token, query={"id": ADMIN_ID})
    assert reply.status_code == 409
    assert reply.text == f"User with id '{ADMIN_ID}' tries to delete himself, which is not allowed."
    assert send(backend_address, "GET", "/user", token=admin.token, query={"id": ADMIN_ID}).ok


def test_deleting_an_unknown_user_is_not_found(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "DELETE", "/user", token=admin.token, query={"id": "nobody"})
    assert (reply.status_code, reply.text) == (404, "User with id 'nobody' not found")


def test_digit_only_query_value_fails_as_a_number(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "DELETE", "/user", token=admin.token, query={"id": "12345"})
    assert reply.status_code == 400
    assert reply.text == (
        "Value-validation failed, because a item 'id'  has the false type: Exprect string-type."
    )


def test_admin_assigns_a_project(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "assigned-pass")
    body = {"id": user_id, "project_id": "alphaproj", "role": "member", "is_project_admin": True}
    reply = send(backend_address, "POST", "/user/project", token=admin.token, body=body)
    assert reply.status_code == 200
    assert list(reply.json()) == USER_KEYS
    assert reply.json()["projects"] == [
        {"is_project_admin": True, "project_id": "alphaproj", "role": "member"}
    ]
    listed = send(
        backend_address, "GET", "/user/project", token=admin.token, query={"user_id": user_id}
    )
    assert listed.text == (
        '{"projects":[{"is_project_admin":true,"project_id":"alphaproj","role":"member"}]}'
    )


def test_assignments_keep_their_order(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "ordered-pass")
    for project_id in ("betaproj", "alphaproj", "gammaproj"):
        assign(backend_address, admin.token, user_id, project_id)
    user = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id}).json()
    assert [entry["project_id"] for entry in user["projects"]] == [
        "betaproj",
        "alphaproj",
        "gammaproj",
    ]


def test_assigning_the_same_project_twice_is_a_conflict(
    backend_address: str, admin: Persona
) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "twice-pass")
    assign(backend_address, admin.token, user_id, "alphaproj")
    body = {"id": user_id, "project_id": "alphaproj", "role": "other", "is_project_admin": False}
    reply = send(backend_address, "POST", "/user/project", token=admin.token, body=body)
    assert reply.status_code == 409
    assert (
        reply.text
        == f"Project with ID 'alphaproj' is already assigned to user with id '{user_id}'."
    )
    user = send(backend_address, "GET", "/user", token=admin.token, query={"id": user_id}).json()
    assert [entry["role"] for entry in user["projects"]] == ["member"]


def test_assigning_to_an_unknown_user_is_not_found(backend_address: str, admin: Persona) -> None:
    body = {"id": "nobody", "project_id": "alphaproj", "role": "member", "is_project_admin": False}
    reply = send(backend_address, "POST", "/user/project", token=admin.token, body=body)
    assert (reply.status_code, reply.text) == (404, "User with id 'nobody' not found")


def test_assignment_requires_is_project_admin(backend_address: str, admin: Persona) -> None:
    body = {"id": "memberuser", "project_id": "gammaproj", "role": "member"}
    reply = send(backend_address, "POST", "/user/project", token=admin.token, body=body)
    assert reply.status_code == 400
    assert reply.text == (
        "Validation failed, because variable 'is_project_admin' is required, but is not set."
    )


def test_role_must_be_an_id(backend_address: str, admin: Persona) -> None:
    body = {
        "id": "memberuser",
        "project_id": "gammaproj",
        "role": "no way",
        "is_project_admin": False,
    }
    reply = send(backend_address, "POST", "/user/project", token=admin.token, body=body)
    assert reply.status_code == 400
    assert reply.text == "Given item 'role' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9]*$\""


def test_admin_removes_a_project(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "removed-pass")
    assign(backend_address, admin.token, user_id, "alphaproj")
    assign(backend_address, admin.token, user_id, "betaproj")
    query = {"id": user_id, "project_id": "alphaproj"}
    reply = send(backend_address, "DELETE", "/user/project", token=admin.token, query=query)
    assert reply.status_code == 200
    assert [entry["project_id"] for entry in reply.json()["projects"]] == ["betaproj"]


def test_removing_an_unassigned_project_is_not_found(backend_address: str, admin: Persona) -> None:
    user_id = new_id()
    create_user(backend_address, admin.token, user_id, "removed-pass")
    query = {"id": user_id, "project_id": "alphaproj"}
    reply = send(backend_address, "DELETE", "/user/project", token=admin.token, query=query)
    assert reply.status_code == 404
    assert reply.text == (
        f"Project with ID 'alphaproj' is not assigned to user with id '{user_id}' "
        "and so it can not be removed from the user."
    )


def test_removing_from_an_unknown_user_is_not_found(backend_address: str, admin: Persona) -> None:
    query = {"id": "nobody", "project_id": "alphaproj"}
    reply = send(backend_address, "DELETE", "/user/project", token=admin.token, query=query)
    assert (reply.status_code, reply.text) == (404, "User with id 'nobody' not found")


def test_projects_of_an_admin_are_the_admin_pseudo_project(
    backend_address: str, admin: Persona
) -> None:
    query = {"user_id": ADMIN_ID}
    reply = send(backend_address, "GET", "/user/project", token=admin.token, query=query)
    assert reply.status_code == 200
    assert reply.json() == {"projects": [ADMIN_PSEUDO_PROJECT]}


def test_projects_of_a_user_require_user_id(backend_address: str, admin: Persona) -> None:
    reply = send(backend_address, "GET", "/user/project", token=admin.token)
    assert reply.status_code == 400
    assert (
        reply.text == "Validation failed, because variable 'user_id' is required, but is not set."
    )


def test_projects_of_an_unknown_user_are_not_found(backend_address: str, admin: Persona) -> None:
    query = {"user_id": "nobody"}
    reply = send(backend_address, "GET", "/user/project", token=admin.token, query=query)
    assert (reply.status_code, reply.text) == (404, "User with id 'nobody' not found")


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("GET", "/user/all", None, None),
        ("GET", "/user", {"id": "memberuser"}, None),
        ("DELETE", "/user", {"id": "outsideruser"}, None),
        (
            "POST",
            "/user",
            None,
            {"id": "sneaky", "name": "Sneaky", "passphrase": b64("sneaky-pass"), "is_admin": True},
        ),
    ],
)
def test_member_is_denied_user_management_by_policy(
    backend_address: str, member: Persona, method: str, path: str, query: dict, body: dict
) -> None:
    reply = send(backend_address, method, path, token=member.token, query=query, body=body)
    assert (reply.status_code, reply.text) == (401, "Access denied by policy")


@pytest.mark.parametrize(
    ("method", "query", "body"),
    [
        ("GET", {"user_id": "memberuser"}, None),
        (
            "POST",
            None,
            {
                "id": "memberuser",
                "project_id": "betaproj",
                "role": "member",
                "is_project_admin": True,
            },
        ),
        ("DELETE", {"id": "outsideruser", "project_id": "betaproj"}, None),
    ],
)
def test_outsider_is_refused_user_projects_with_an_empty_401(
    backend_address: str,
    admin: Persona,
    member: Persona,
    outsider: Persona,
    method: str,
    query: dict,
    body: dict,
) -> None:
    reply = send(
        backend_address, method, "/user/project", token=outsider.token, query=query, body=body
    )
    assert (reply.status_code, reply.text) == (401, "")
    for persona in (member, outsider):
        user = send(
            backend_address, "GET", "/user", token=admin.token, query={"id": persona.user_id}
        )
        assert [entry["project_id"] for entry in user.json()["projects"]] == [persona.project_id]
