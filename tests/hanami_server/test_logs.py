"""Audit and error logs (contract 2.9, R of 11 #8 #9): who sees which rows, the admin filter,
100 rows a page with an empty page past the end, and errors of background work recorded."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import create_cluster, train_digits, wait_task
from tests.hanami_server.uploads import register_csv
from tests.hanami_server.wire import assign, create_user, new_id, send, token_for

AUDIT_HEADER = ["created_at", "user_id", "endpoint", "request_type"]
ERROR_HEADER = ["created_at", "user_id", "component", "context", "input_values", "message"]
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _user(backend: Backend, admin: Persona, member: Persona, role: str = "member") -> Persona:
    """A new user of the member's project, so its audit log holds only what a test does."""
    user_id = new_id("log")
    create_user(backend.address, admin.token, user_id, f"{user_id}-pass")
    assign(backend.address, admin.token, user_id, member.project_id, role)
    token = token_for(backend.address, user_id, f"{user_id}-pass")
    return Persona(user_id, f"{user_id}-pass", member.project_id, token)


def _log(address: str, token: str, path: str, **query: Any):
    return send(address, "GET", path, token=token, query=query)


def _rows(address: str, token: str, path: str, **query: Any) -> list[list[Any]]:
    reply = _log(address, token, path, **query)
    assert reply.status_code == 200, reply.text
    return reply.json()["body"]


def _missing_cluster(address: str, token: str) -> None:
    reply = send(address, "DELETE", "/cluster", token=token, query={"uuid": str(uuid.uuid4())})
    assert reply.status_code == 404


@pytest.fixture(scope="module")
def writer(backend: Backend, admin: Persona, member: Persona) -> Persona:
    """A user who created and deleted a cluster, listed clusters, and sent a malformed create."""
    user = _user(backend, admin, member)
    cluster_uuid = create_cluster(backend.address, user.token)
    assert send(backend.address, "GET", "/cluster/all", token=user.token).status_code == 200
    send(backend.address, "DELETE", "/cluster", token=user.token, query={"uuid": cluster_uuid})
    reply = send(backend.address, "POST", "/cluster", token=user.token, body={"name": 5})
    assert reply.status_code == 400
    return user


def test_audit_log_lists_the_callers_writes_in_order(backend: Backend, writer: Persona) -> None:
    reply = _log(backend.address, writer.token, "/audit_log", page=0)

    assert reply.status_code == 200
    assert reply.json()["header"] == AUDIT_HEADER
    rows = reply.json()["body"]
    assert [row[1:] for row in rows] == [
        [writer.user_id, "v1.0alpha/cluster", "POST"],
        [writer.user_id, "v1.0alpha/cluster", "DELETE"],
        [writer.user_id, "v1.0alpha/cluster", "POST"],
    ]
    assert all(TIMESTAMP.fullmatch(row[0]) for row in rows)


def test_a_member_sees_only_their_own_rows(backend: Backend, member: Persona) -> None:
    _missing_cluster(backend.address, member.token)

    rows = _rows(backend.address, member.token, "/audit_log", page=0)

    assert rows
    assert {row[1] for row in rows} == {member.user_id}


def test_an_admin_without_user_id_sees_their_own_rows(backend: Backend, admin: Persona) -> None:
    rows = _rows(backend.address, admin.token, "/audit_log", page=0)

    assert ["asdf", "v1.0alpha/user", "POST"] in [row[1:] for row in rows]
    assert {row[1] for row in rows} == {"asdf"}


def test_an_admin_may_read_another_users_rows(
    backend: Backend, admin: Persona, writer: Persona
) -> None:
    theirs = _rows(backend.address, writer.token, "/audit_log", page=0)

    seen = _rows(backend.address, admin.token, "/audit_log", page=0, user_id=writer.user_id)

    assert seen == theirs


def test_a_member_naming_a_user_is_refused(backend: Backend, writer: Persona) -> None:
    reply = _log(backend.address, writer.token, "/audit_log", page=0, user_id=writer.user_id)

    assert reply.status_code == 401
    assert reply.text == "'user_id' can only be set by an admin"


def test_an_empty_user_id_counts_as_absent(backend: Backend, writer: Persona) -> None:
    own = _rows(backend.address, writer.token, "/audit_log", page=0)

    assert _rows(backend.address, writer.token, "/audit_log", page=0, user_id="") == own


def test_reads_are_not_audited(backend: Backend, writer: Persona) -> None:
    before = _rows(backend.address, writer.token, "/audit_log", page=0)
    send(backend.address, "GET", "/cluster/all", token=writer.token)

    assert _rows(backend.address, writer.token, "/audit_log", page=0) == before


def test_pages_hold_100_rows_and_past_the_end_are_empty(
    backend: Backend, admin: Persona, member: Persona
) -> None:
    user = _user(backend, admin, member)
    for _ in range(100):
        _missing_cluster(backend.address, user.token)
    for _ in range(30):
        query = {"uuid": str(uuid.uuid4())}
        send(backend.address, "DELETE", "/checkpoint", token=user.token, query=query)

    first = _rows(backend.address, user.token, "/audit_log", page=0)
    second = _rows(backend.address, user.token, "/audit_log", page=1)

    assert [row[2] for row in first] == ["v1.0alpha/cluster"] * 100
    assert [row[2] for row in second] == ["v1.0alpha/checkpoint"] * 30
    assert _rows(backend.address, user.token, "/audit_log", page=2) == []
    assert _rows(backend.address, user.token, "/audit_log", page=1_000_000_000) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Validation failed, because variable 'page' is required, but is not set."),
        ({"page": -1}, "Given item 'page' is smaller than 0"),
        ({"page": 1_000_000_001}, "Given item 'page' is bigger than 1000000000"),
        ({"page": 0, "user_id": "abc"}, "Given item 'user_id' is shorter than 4 characters"),
        (
            {"page": 0, "user_id": 1234},
            "Value-validation failed, because a item 'user_id'  has the false type: "
            "Exprect string-type.",
        ),
        (
            {"page": 0, "user_id": "_abcd"},
            "Given item 'user_id' doesn't match with regex \"^[a-zA-Z][a-zA-Z_0-9@]*$\"",
        ),
        (
            {"page": 0, "user": "asdf"},
            ("Validation failed, because item 'user' is not in the list of allowed keys"),
        ),
    ],
)
@pytest.mark.parametrize("path", ["/audit_log", "/error_log"])
def test_inputs_are_validated(
    backend: Backend, admin: Persona, path: str, query: dict[str, Any], message: str
) -> None:
    reply = _log(backend.address, admin.token, path, **query)

    assert (reply.status_code, reply.text) == (400, message)


def test_a_member_cannot_read_the_error_log(backend: Backend, member: Persona) -> None:
    reply = _log(backend.address, member.token, "/error_log", page=0)

    assert (reply.status_code, reply.text) == (401, "Access denied by policy")


def test_a_project_role_named_admin_is_not_an_admin(
    backend: Backend, admin: Persona, member: Persona
) -> None:
    project_admin = _user(backend, admin, member, role="admin")

    reply = _log(backend.address, project_admin.token, "/error_log", page=0)

    assert (reply.status_code, reply.text) == (
        401,
        "only an admin is allowed to request error-logs",
    )


def test_an_admin_reads_the_error_log(backend: Backend, admin: Persona) -> None:
    reply = _log(backend.address, admin.token, "/error_log", page=0)

    assert reply.status_code == 200
    assert reply.json()["header"] == ERROR_HEADER
    assert _rows(backend.address, admin.token, "/error_log", page=1_000_000_000) == []


def test_a_failed_task_is_recorded_as_a_background_error(
    backend: Backend, admin: Persona, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    # a network state file that cannot be read makes the task fail on the worker thread
    (backend.data_dir / "clusters" / f"{cluster_uuid}.npz").write_bytes(b"not a numpy archive")
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, task_uuid, state="aborted")

    rows = _all_error_rows(backend.address, admin.token)

    [row] = [row for row in rows if task_uuid in row[5]]
    assert row[1:5] == ["", "", "", {}]
    assert TIMESTAMP.fullmatch(row[0])
    assert f"train task {task_uuid} of cluster {cluster_uuid} failed" in row[5]
    assert "Traceback" in row[5]
    theirs = _rows(backend.address, admin.token, "/error_log", page=0, user_id=member.user_id)
    assert all(row[1] == member.user_id for row in theirs)
    assert not [row for row in theirs if task_uuid in row[5]]


def test_a_500_answered_on_purpose_is_recorded_under_the_callers_id(
    backend: Backend, admin: Persona, member: Persona
) -> None:
    user = _user(backend, admin, member)
    ticket = register_csv(backend.address, user.token, b"a,b\n1,2\n")
    reply = send(
        backend.address, "GET", "/dataset", token=user.token, query={"uuid": ticket["uuid"]}
    )
    assert reply.status_code == 500  # an upload that was never finalized (contract 11 #27)

    [row] = _rows(backend.address, admin.token, "/error_log", page=0, user_id=user.user_id)
    assert row[1] == user.user_id
    assert row[4] == {"uuid": ticket["uuid"]}
    assert row[5].startswith("500")


def _all_error_rows(address: str, token: str) -> list[list[Any]]:
    rows, page = [], 0
    while batch := _rows(address, token, "/error_log", page=page):
        rows += batch
        page += 1
    return rows
