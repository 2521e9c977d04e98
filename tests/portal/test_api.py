"""The JSON API under /api/ against the real embedded backend, signed in through the real page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanami_client import HanamiClient, Unauthorized
from portal.core.decorators import NOT_ADMIN
from portal.core.errors import EXPIRED_MESSAGE, UNAVAILABLE_MESSAGE
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, free_port, start_backend
from tests.conftest import Persona
from tests.hanami_client.support import raw_reply_server
from tests.portal.conftest import sign_in_page, unique_id

JSON = "application/json"


def sign_in_with_csrf(client: Client, user_id: str, passphrase: str) -> Client:
    """Sign in through the sign-in page of a client that enforces CSRF checks."""
    url = reverse("accounts:login")
    client.get(url)
    token = client.cookies["csrftoken"].value
    form = {"user_id": user_id, "passphrase": passphrase, "csrfmiddlewaretoken": token}
    assert client.post(url, form).status_code == 302
    return client


def send(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One API request, with a JSON body when given."""
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type=JSON)


@pytest.fixture
def project_id(admin_web: Client) -> str:
    """A project created for this test."""
    project_id = unique_id("proj")
    response = send(admin_web, "post", "/api/projects", {"id": project_id, "name": "Test project"})
    assert response.status_code == 201
    return project_id


@pytest.fixture
def user_id(admin_web: Client) -> str:
    """A user without projects created for this test (passphrase ``user-pass``)."""
    user_id = unique_id("user")
    body = {"id": user_id, "name": "Test user", "passphrase": "user-pass"}
    assert send(admin_web, "post", "/api/users", body).status_code == 201
    return user_id


@pytest.fixture
def isolated_admin_web(settings: Any, db: None, fresh_backend: Backend) -> Client:
    """An admin signed in against a backend of their own."""
    settings.HANAMI_ADDRESS = fresh_backend.address
    client = Client()
    assert sign_in_page(client, ADMIN_ID, ADMIN_PASSPHRASE).status_code == 302
    return client


ADMIN_OPERATIONS = [
    ("get", "/api/projects", None),
    ("post", "/api/projects", {"id": "refusedproj", "name": "Refused project"}),
    ("get", "/api/projects/alphaproj", None),
    ("delete", "/api/projects/alphaproj", None),
    ("get", "/api/users", None),
    ("post", "/api/users", {"id": "refuseduser", "name": "Refused", "passphrase": "whatever"}),
    ("get", "/api/users/memberuser", None),
    ("delete", "/api/users/memberuser", None),
    ("get", "/api/users/memberuser/projects", None),
    ("post", "/api/users/memberuser/projects", {"project_id": "betaproj", "role": "member"}),
    ("delete", "/api/users/memberuser/projects/alphaproj", None),
]


# --- authentication and authorisation -------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), [*ADMIN_OPERATIONS, ("get", "/api/me", None)])
def test_anonymous_caller_gets_401_json(
    web: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = send(Client(), method, path, body)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first.", "code": "not_authenticated"}


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_OPERATIONS)
def test_member_gets_403_without_the_backend_being_asked(
    settings: Any, member_web: Client, method: str, path: str, body: dict[str, Any] | None
) -> None:
    # Nothing listens here: an operation that reached the backend would answer 503.
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = send(member_web, method, path, body)
    assert response.status_code == 403
    assert response.json() == {"detail": NOT_ADMIN, "code": "forbidden"}


def test_member_cannot_delete_a_project_through_the_api(
    member_web: Client, admin_web: Client, project_id: str
) -> None:
    assert member_web.delete(f"/api/projects/{project_id}").status_code == 403
    assert admin_web.get(f"/api/projects/{project_id}").status_code == 200


def test_me_describes_the_admin_session_without_its_token(admin_web: Client) -> None:
    response = admin_web.get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": ADMIN_ID,
        "name": "asdf",
        "is_admin": True,
        "project_id": "admin",
        "role": "admin",
        "is_project_admin": True,
    }
    assert admin_web.session["hanami"]["token"].encode() not in response.content


def test_me_describes_a_member_in_their_project(member_web: Client, member: Persona) -> None:
    response = member_web.get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": member.user_id,
        "name": f"User {member.user_id}",
        "is_admin": False,
        "project_id": member.project_id,
        "role": "member",
        "is_project_admin": False,
    }


def test_changes_need_the_csrf_token_of_the_session(web: str, admin: Persona) -> None:
    client = sign_in_with_csrf(Client(enforce_csrf_checks=True), admin.user_id, admin.passphrase)
    token = client.cookies["csrftoken"].value
    project_id = unique_id("csrf")
    body = json.dumps({"id": project_id, "name": "Guarded project"})

    refused = client.post("/api/projects", body, content_type=JSON)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed", "code": "forbidden"}
    assert client.get(f"/api/projects/{project_id}").status_code == 404

    headers = {"X-CSRFToken": token}
    assert client.post("/api/projects", body, content_type=JSON, headers=headers).status_code == 201
    assert client.delete(f"/api/projects/{project_id}").status_code == 403
    assert client.get(f"/api/projects/{project_id}").status_code == 200
    assert client.delete(f"/api/projects/{project_id}", headers=headers).status_code == 204


def test_admin_working_in_another_project_is_refused_with_a_hint(
    isolated_admin_web: Client,
) -> None:
    client = isolated_admin_web
    assert (
        send(client, "post", "/api/projects", {"id": "sideproj", "name": "Side"}).status_code == 201
    )
    assignment = {"project_id": "sideproj", "role": "member"}
    assert send(client, "post", f"/api/users/{ADMIN_ID}/projects", assignment).status_code == 201
    switched = client.post(reverse("accounts:project"), {"project_id": "sideproj"})
    assert switched.status_code == 302

    response = client.get("/api/projects")
    assert response.status_code == 403
    assert "sideproj" in response.json()["detail"]
    assert client.get("/api/me").json()["role"] == "member"


def test_backend_refusing_the_token_signs_the_session_out(
    isolated_admin_web: Client, fresh_backend: Backend, tmp_path: Path
) -> None:
    fresh_backend.stop()
    # A new backend on the same address has a new signing key: the session's token is void.
    replacement = start_backend(tmp_path / "replacement", port=fresh_backend.port)
    try:
        response = isolated_admin_web.get("/api/projects")
    finally:
        replacement.stop()
    assert response.status_code == 401
    assert response.json() == {"detail": EXPIRED_MESSAGE, "code": "backend_unauthorized"}
    assert isolated_admin_web.get("/api/me").status_code == 401


def test_unreachable_backend_answers_503_without_its_address(
    settings: Any, admin_web: Client
) -> None:
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = admin_web.get("/api/projects")
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE_MESSAGE, "code": "backend_unavailable"}
    assert admin_web.get("/api/me").status_code == 200


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", "backend_error"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!", "backend_protocol_error"),
    ],
)
def test_failing_backend_answers_502_in_our_words(
    settings: Any, admin_web: Client, reply: bytes, code: str
) -> None:
    with raw_reply_server(reply) as address:
        settings.HANAMI_ADDRESS = address
        response = admin_web.get("/api/projects")
    assert response.status_code == 502
    assert response.json() == {
        "detail": "The backend failed to answer properly.",
        "code": code,
    }


# --- documentation ----------------------------------------------------------------------------


def test_openapi_schema_lists_every_user_and_project_operation(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        # the other resources pin theirs in tests/portal/test_api_<resource>.py
        if not path.startswith(
            (
                "/api/datasets",
                "/api/clusters",
                "/api/checkpoints",
                "/api/hosts",
                "/api/logs",
                "/api/system",
            )
        )
    }
    assert operations == {
        ("get", "/api/me"),
        ("get", "/api/projects"),
        ("post", "/api/projects"),
        ("get", "/api/projects/{project_id}"),
        ("delete", "/api/projects/{project_id}"),
        ("get", "/api/users"),
        ("post", "/api/users"),
        ("get", "/api/users/{user_id}"),
        ("delete", "/api/users/{user_id}"),
        ("get", "/api/users/{user_id}/projects"),
        ("post", "/api/users/{user_id}/projects"),
        ("delete", "/api/users/{user_id}/projects/{project_id}"),
    }
    schemas = schema["components"]["schemas"]
    assert schemas["UserIn"]["properties"]["passphrase"]["writeOnly"] is True
    assert "passphrase" not in schemas["UserOut"]["properties"]
    assert schemas["ProjectIn"]["properties"]["id"]["pattern"] == "^(?:[a-zA-Z][a-zA-Z_0-9]*)$"


def test_docs_page_is_served_from_the_portal_not_a_cdn(web: str) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content
    assert b"cdn" not in response.content.lower()


# --- projects ---------------------------------------------------------------------------------


def test_admin_creates_and_reads_a_project(admin_web: Client) -> None:
    project_id = unique_id("proj")
    created = send(admin_web, "post", "/api/projects", {"id": project_id, "name": "Vector Project"})
    assert created.status_code == 201
    body = created.json()
    assert (body["id"], body["name"], body["creator_id"]) == (
        project_id,
        "Vector Project",
        ADMIN_ID,
    )
    assert admin_web.get(f"/api/projects/{project_id}").json() == body
    listed = admin_web.get("/api/projects")
    assert listed.status_code == 200
    assert body in listed.json()


def test_creating_a_project_twice_is_a_conflict(admin_web: Client, project_id: str) -> None:
    response = send(admin_web, "post", "/api/projects", {"id": project_id, "name": "Again"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Project with id '{project_id}' already exist.",
        "code": "conflict",
    }
    assert admin_web.get(f"/api/projects/{project_id}").json()["name"] == "Test project"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "9lives", "name": "Good name"}, "id"),
        ({"id": "abc", "name": "Good name"}, "id"),
        ({"id": "a" * 255, "name": "Good name"}, "id"),
        ({"id": "with-dash", "name": "Good name"}, "id"),
        ({"id": "goodprojid", "name": "Bad!name"}, "name"),
        ({"id": "goodprojid", "name": ""}, "name"),
        ({"id": "goodprojid"}, "name"),
    ],
)
def test_invalid_project_is_refused_with_422_before_the_backend(
    admin_web: Client, body: dict[str, Any], field: str
) -> None:
    response = send(admin_web, "post", "/api/projects", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["detail"].startswith(f"{field}: ")
    assert admin_web.get("/api/projects/goodprojid").status_code == 404


def test_body_that_is_not_json_is_refused_with_a_message(admin_web: Client) -> None:
    response = admin_web.post("/api/projects", "{not json", content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "code": "bad_request"}


def test_missing_project_is_404(admin_web: Client) -> None:
    response = admin_web.get("/api/projects/nosuchproject")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Project with id 'nosuchproject' not found",
        "code": "not_found",
    }


def test_invalid_project_id_in_the_path_is_422(admin_web: Client) -> None:
    response = admin_web.get("/api/projects/1234")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("project_id: ")


def test_admin_deletes_a_project(admin_web: Client, project_id: str) -> None:
    response = admin_web.delete(f"/api/projects/{project_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert admin_web.get(f"/api/projects/{project_id}").status_code == 404
    again = admin_web.delete(f"/api/projects/{project_id}")
    assert again.status_code == 404
    assert again.json()["detail"] == f"Project with id '{project_id}' not found"


# --- users ------------------------------------------------------------------------------------


def test_admin_creates_a_user_with_the_given_passphrase(
    admin_web: Client, backend_address: str
) -> None:
    user_id = unique_id("user")
    body = {"id": user_id, "name": "New user", "passphrase": "s3cret-words"}
    response = send(admin_web, "post", "/api/users", body)
    assert response.status_code == 201
    assert response.json()["id"] == user_id
    assert response.json()["is_admin"] is False
    assert response.json()["projects"] == []
    assert response.json()["creator_id"] == ADMIN_ID
    assert b"s3cret-words" not in response.content
    # A user without a project is refused a token, but only once the passphrase matched.
    with HanamiClient(backend_address) as client:
        with pytest.raises(Unauthorized, match="has no project assigned"):
            client.login(user_id, "s3cret-words")
        with pytest.raises(Unauthorized, match="passphrase is incorrect"):
            client.login(user_id, "wrong-words")


def test_admin_creates_another_admin(admin_web: Client) -> None:
    user_id = unique_id("admin")
    body = {"id": user_id, "name": "Second admin", "passphrase": "admin-pass", "is_admin": True}
    response = send(admin_web, "post", "/api/users", body)
    assert response.status_code == 201
    assert response.json()["is_admin"] is True
    assert admin_web.get(f"/api/users/{user_id}/projects").json() == [
        {"project_id": "admin", "role": "admin", "is_project_admin": True}
    ]


def test_creating_a_user_twice_is_a_conflict(admin_web: Client, user_id: str) -> None:
    body = {"id": user_id, "name": "Again", "passphrase": "other-pass"}
    response = send(admin_web, "post", "/api/users", body)
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"User with id '{user_id}' already exist.",
        "code": "conflict",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "bad id", "name": "Good name", "passphrase": "long enough"}, "id"),
        ({"id": "_leading", "name": "Good name", "passphrase": "long enough"}, "id"),
        ({"id": "gooduserid", "name": "4name", "passphrase": "long enough"}, "name"),
        ({"id": "gooduserid", "name": "Good name", "passphrase": "abc"}, "passphrase"),
        ({"id": "gooduserid", "name": "Good name", "passphrase": "x" * 3073}, "passphrase"),
        ({"id": "gooduserid", "name": "Good name"}, "passphrase"),
    ],
)
def test_invalid_user_is_refused_with_422_and_no_passphrase_echo(
    admin_web: Client, body: dict[str, Any], field: str
) -> None:
    response = send(admin_web, "post", "/api/users", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert b"long enough" not in response.content
    assert b"xxxxxxxx" not in response.content
    assert admin_web.get("/api/users/gooduserid").status_code == 404


def test_passphrase_length_is_explained(admin_web: Client) -> None:
    body = {"id": unique_id("user"), "name": "Short", "passphrase": "äb"}
    response = send(admin_web, "post", "/api/users", body)
    assert response.status_code == 422
    assert response.json()["detail"] == "passphrase: Passphrase must be 4 to 3072 bytes long"
    # Four bytes of UTF-8 are enough, even in two characters.
    body["passphrase"] = "äö"
    assert send(admin_web, "post", "/api/users", body).status_code == 201


def test_admin_reads_and_lists_users(admin_web: Client, member: Persona) -> None:
    response = admin_web.get(f"/api/users/{member.user_id}")
    assert response.status_code == 200
    member_json = response.json()
    assert member_json["projects"] == [
        {"project_id": member.project_id, "role": "member", "is_project_admin": False}
    ]
    listed = admin_web.get("/api/users").json()
    assert member_json in listed
    assert ADMIN_ID in {user["id"] for user in listed}


def test_missing_user_is_404(admin_web: Client) -> None:
    response = admin_web.get("/api/users/nosuchuser")
    assert response.status_code == 404
    assert response.json() == {"detail": "User with id 'nosuchuser' not found", "code": "not_found"}


def test_admin_deletes_a_user(admin_web: Client, user_id: str) -> None:
    assert admin_web.delete(f"/api/users/{user_id}").status_code == 204
    assert admin_web.get(f"/api/users/{user_id}").status_code == 404
    assert admin_web.delete(f"/api/users/{user_id}").status_code == 404


def test_admin_cannot_delete_themself(admin_web: Client) -> None:
    response = admin_web.delete(f"/api/users/{ADMIN_ID}")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"User with id '{ADMIN_ID}' tries to delete himself, which is not allowed."
    )
    assert admin_web.get(f"/api/users/{ADMIN_ID}").status_code == 200


def test_admin_assigns_and_removes_a_project(
    admin_web: Client, user_id: str, project_id: str
) -> None:
    assignment = {"project_id": project_id, "role": "member", "is_project_admin": True}
    added = send(admin_web, "post", f"/api/users/{user_id}/projects", assignment)
    assert added.status_code == 201
    assert added.json()["projects"] == [assignment]
    assert admin_web.get(f"/api/users/{user_id}/projects").json() == [assignment]

    twice = send(admin_web, "post", f"/api/users/{user_id}/projects", assignment)
    assert twice.status_code == 409
    assert twice.json()["detail"] == (
        f"Project with ID '{project_id}' is already assigned to user with id '{user_id}'."
    )

    removed = admin_web.delete(f"/api/users/{user_id}/projects/{project_id}")
    assert removed.status_code == 200
    assert removed.json()["projects"] == []
    again = admin_web.delete(f"/api/users/{user_id}/projects/{project_id}")
    assert again.status_code == 404
    assert "is not assigned to user" in again.json()["detail"]


def test_assigned_user_can_sign_in_to_the_portal(
    admin_web: Client, user_id: str, project_id: str
) -> None:
    assignment = {"project_id": project_id, "role": "member"}
    assert send(admin_web, "post", f"/api/users/{user_id}/projects", assignment).status_code == 201
    client = Client()
    assert sign_in_page(client, user_id, "user-pass").status_code == 302
    assert client.get("/api/me").json()["project_id"] == project_id
    assert client.get("/api/users").status_code == 403


def test_assigning_a_project_to_a_missing_user_is_404(admin_web: Client) -> None:
    assignment = {"project_id": "alphaproj", "role": "member"}
    response = send(admin_web, "post", "/api/users/nosuchuser/projects", assignment)
    assert response.status_code == 404
    assert response.json()["detail"] == "User with id 'nosuchuser' not found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project_id": "9proj", "role": "member"}, "project_id"),
        ({"project_id": "alphaproj", "role": "own"}, "role"),
        ({"project_id": "alphaproj"}, "role"),
    ],
)
def test_invalid_assignment_is_refused_with_422(
    admin_web: Client, user_id: str, body: dict[str, Any], field: str
) -> None:
    response = send(admin_web, "post", f"/api/users/{user_id}/projects", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert admin_web.get(f"/api/users/{user_id}").json()["projects"] == []
