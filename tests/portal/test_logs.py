"""Log pages, API and commands against the real embedded backend: paging, visibility, filter."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from hanami_client import HanamiClient, NotFound
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id
from tests.portal.test_commands import cells, fail, run

MISSING = "0badc0de-0000-4000-8000-000000000000"
#: Requests the busy user makes: a full first page and 30 entries on the second.
BUSY_REQUESTS = 130
AUDIT_TITLES = ["CREATED AT", "USER ID", "ENDPOINT", "REQUEST TYPE"]


@pytest.fixture(scope="module")
def busy(backend_address: str, admin: Persona) -> Iterator[Persona]:
    """A new member of alphaproj whose audit log holds exactly 130 entries (refused deletes)."""
    user_id = unique_id("logs")
    passphrase = f"{user_id}-pass"
    with HanamiClient(backend_address, admin.token) as as_admin:
        as_admin.users.create(user_id, f"User {user_id}", passphrase)
        as_admin.users.add_project(user_id, "alphaproj", "member")
    with HanamiClient(backend_address) as client:
        client.login(user_id, passphrase)
        for _ in range(BUSY_REQUESTS):
            with pytest.raises(NotFound):
                client.clusters.delete(MISSING)
        yield Persona(user_id, passphrase, "alphaproj", client.token or "")
    with HanamiClient(backend_address, admin.token) as as_admin:
        as_admin.users.delete(user_id)


@pytest.fixture
def busy_web(web: str, busy: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, busy.user_id, busy.passphrase).status_code == 302
    return client


def entry_rows(content: str) -> list[list[str]]:
    """The cells of the log table's body rows."""
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def get(client: Client, path: str, status: int = 200, **query: Any) -> str:
    response = client.get(path, query)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


# --- audit log page --------------------------------------------------------------------------


def test_first_page_holds_100_of_the_users_entries_and_links_the_next(
    busy_web: Client, busy: Persona
) -> None:
    content = get(busy_web, "/logs/")
    rows = entry_rows(content)
    assert len(rows) == 100
    assert {tuple(row[1:]) for row in rows} == {(busy.user_id, "DELETE", "v1.0alpha/cluster")}
    assert "Entries 1 to 100" in content
    assert 'href="/logs/?page=2" hx-get="/logs/?page=2" rel="next"' in content
    assert '<span aria-disabled="true">Previous</span>' in content


def test_second_page_holds_the_rest_and_links_back(busy_web: Client, busy: Persona) -> None:
    content = get(busy_web, "/logs/", page=2)
    rows = entry_rows(content)
    assert len(rows) == BUSY_REQUESTS - 100
    assert all(row[1] == busy.user_id for row in rows)
    assert "Entries 101 to 130" in content
    assert 'href="/logs/" hx-get="/logs/" rel="prev"' in content
    assert '<span aria-disabled="true">Next</span>' in content


def test_a_page_past_the_end_is_empty_with_a_note(busy_web: Client) -> None:
    content = get(busy_web, "/logs/", page=7)
    assert entry_rows(content) == [["Nothing on this page."]]
    assert "Page 7 is past the end of the log: it has fewer than 601 entries." in content
    assert 'href="/logs/" hx-get="/logs/">Go to the first page</a>' in content


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("abc", "Enter the page as a whole number, 1 for the first."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("1000000002", "Ensure this value is less than or equal to 1000000001."),
    ],
)
def test_a_bad_page_number_is_refused_with_a_message(
    busy_web: Client, page: str, message: str
) -> None:
    content = get(busy_web, "/logs/", 400, page=page)
    assert f"Page: {message}" in content
    assert "<tbody>" not in content


def test_an_htmx_page_change_gets_only_the_entries(busy_web: Client) -> None:
    response = busy_web.get("/logs/", {"page": 2}, **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="log-entries" class="table-view">')
    assert "<header" not in content
    assert len(entry_rows(content)) == 30


def test_a_member_sees_only_their_own_entries_and_cannot_filter(
    member_web: Client, busy: Persona, member: Persona, backend_address: str
) -> None:
    with HanamiClient(backend_address, member.token) as client, pytest.raises(NotFound):
        client.clusters.delete(MISSING)
    content = get(member_web, "/logs/", user=busy.user_id)
    users = {row[1] for row in entry_rows(content)}
    assert users == {member.user_id}
    assert 'name="user"' not in content
    # The member is still signed in: the ignored filter never reached the backend.
    assert get(member_web, "/").count(member.user_id) >= 1


def test_an_admin_filters_the_audit_log_by_user(admin_web: Client, busy: Persona) -> None:
    content = get(admin_web, "/logs/", user=busy.user_id, page=2)
    rows = entry_rows(content)
    assert len(rows) == 30
    assert {row[1] for row in rows} == {busy.user_id}
    assert f"of user “{busy.user_id}”" in content
    assert f'href="/logs/?user={busy.user_id}" hx-get="/logs/?user={busy.user_id}" rel="prev"' in (
        content
    )
    assert 'name="user"' in content


def test_an_admin_gets_a_message_for_a_bad_user_id(admin_web: Client) -> None:
    content = get(admin_web, "/logs/", 400, user="x!")
    assert "User: Too short: use at least 4 characters (this has 2)." in content


# --- error log page --------------------------------------------------------------------------


def test_a_member_cannot_open_the_error_log(member_web: Client, member: Persona) -> None:
    content = get(member_web, "/logs/errors/", 403)
    assert "Only administrators of the backend can read the error log." in content
    assert 'href="/logs/errors/"' not in get(member_web, "/logs/")
    # Refused by the portal, not by the backend: the session lives on.
    assert get(member_web, "/").count(member.user_id) >= 1


def test_an_admin_reads_the_error_log_by_user(admin_web: Client, busy: Persona) -> None:
    content = get(admin_web, "/logs/errors/")
    for heading in ("Time (UTC)", "User", "Component", "Context", "Input values", "Message"):
        assert f'<th scope="col">{heading}</th>' in content
    assert 'href="/logs/errors/" aria-current="page"' in content
    mine = get(admin_web, "/logs/errors/", user=busy.user_id)
    assert entry_rows(mine) == [["No errors."]]
    past = get(admin_web, "/logs/errors/", page=3, user=busy.user_id)
    assert "Page 3 is past the end of the log: it has fewer than 201 entries of this user." in past


# --- API -------------------------------------------------------------------------------------


def test_api_pages_the_audit_log(busy_web: Client, busy: Persona) -> None:
    first = busy_web.get("/api/logs/audit").json()
    assert (first["page"], first["per_page"], first["has_next"]) == (1, 100, True)
    assert len(first["entries"]) == 100
    assert first["entries"][0] | {"created_at": ""} == {
        "created_at": "",
        "user_id": busy.user_id,
        "endpoint": "v1.0alpha/cluster",
        "request_type": "DELETE",
    }
    second = busy_web.get("/api/logs/audit", {"page": 2}).json()
    assert (second["page"], len(second["entries"]), second["has_next"]) == (2, 30, False)
    past = busy_web.get("/api/logs/audit", {"page": 9}).json()
    assert (past["entries"], past["has_next"]) == ([], False)


def test_api_refuses_bad_pages_and_a_members_filter(busy_web: Client, busy: Persona) -> None:
    response = busy_web.get("/api/logs/audit", {"page": 0})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    response = busy_web.get("/api/logs/audit", {"user_id": "asdf"})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only administrators of the backend can read another user's audit entries."
    )
    assert busy_web.get("/api/logs/audit").status_code == 200


def test_api_error_log_is_for_admins(busy_web: Client, admin_web: Client, busy: Persona) -> None:
    refused = busy_web.get("/api/logs/errors")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only administrators of the backend can read the error log."
    allowed = admin_web.get("/api/logs/errors", {"user_id": busy.user_id})
    assert allowed.status_code == 200
    assert allowed.json() == {"page": 1, "per_page": 100, "has_next": False, "entries": []}
    filtered = admin_web.get("/api/logs/audit", {"user_id": busy.user_id, "page": 2}).json()
    assert {entry["user_id"] for entry in filtered["entries"]} == {busy.user_id}
    assert len(filtered["entries"]) == 30


def test_api_needs_a_session(web: str) -> None:
    response = Client().get("/api/logs/audit")
    assert response.status_code == 401


# --- commands --------------------------------------------------------------------------------


@pytest.fixture
def as_busy(monkeypatch: pytest.MonkeyPatch, backend_address: str, busy: Persona) -> Persona:
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", busy.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", busy.passphrase)
    return busy


def test_log_audit_prints_a_page_as_a_table(as_busy: Persona) -> None:
    lines = run("log", "audit", "--page", "2").splitlines()
    assert cells(lines[1]) == AUDIT_TITLES
    body = [cells(line) for line in lines[3:-1]]
    assert len(body) == 30
    assert {tuple(row[1:]) for row in body} == {(as_busy.user_id, "v1.0alpha/cluster", "DELETE")}


def test_log_audit_json_is_the_backends_reply(as_busy: Persona) -> None:
    reply = json.loads(run("log", "audit", "-j"))
    assert reply["header"] == ["created_at", "user_id", "endpoint", "request_type"]
    assert len(reply["body"]) == 100


def test_log_refusals_are_one_line(as_busy: Persona) -> None:
    # The policy refuses the error log to the role "member" before the endpoint's own check.
    assert fail("log", "errors") == "status 401: err Access denied by policy"
    assert (
        fail("log", "audit", "-u", "asdf")
        == "status 401: err 'user_id' can only be set by an admin"
    )
    assert "the page must be from 1 to 1000000001" in fail("log", "audit", "-p", "0")


def test_openapi_schema_lists_the_log_operations(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith("/api/logs")
    }
    assert operations == {("get", "/api/logs/audit"), ("get", "/api/logs/errors")}


def test_an_htmx_request_for_a_bad_page_gets_the_message_in_place(busy_web: Client) -> None:
    response = busy_web.get("/logs/", {"page": "-2"}, **HTMX)
    assert response.status_code == 422
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="log-entries" class="table-view">')
    assert "Page: Ensure this value is greater than or equal to 1." in content
