"""The SDK facade's ``logs`` module: the official names, signatures, raw replies and exceptions,
and the fix of contract 11 #9 (an empty ``user_id`` is left out)."""

from __future__ import annotations

import inspect
import json
import uuid

import pytest

from hanami_client.sdk import cluster, hanami_exceptions, logs
from tests.conftest import Persona

V = ("verify_connection", True)

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    logs.list_audit_logs: ["token", "address", "user_id", "page", V],
    logs.list_error_logs: ["token", "address", "user_id", "page", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


def test_an_empty_user_id_reads_the_callers_audit_log(
    backend_address: str, member: Persona
) -> None:
    with pytest.raises(hanami_exceptions.NotFoundException):  # audited all the same
        cluster.delete_cluster(member.token, backend_address, str(uuid.uuid4()))

    reply = logs.list_audit_logs(member.token, backend_address, "", 0)

    assert isinstance(reply, bytes)
    listed = json.loads(reply)
    assert listed["header"] == ["created_at", "user_id", "endpoint", "request_type"]
    assert {row[1] for row in listed["body"]} == {member.user_id}


def test_an_admin_reads_a_members_audit_log(
    backend_address: str, admin: Persona, member: Persona
) -> None:
    theirs = logs.list_audit_logs(member.token, backend_address, "", 0)

    assert logs.list_audit_logs(admin.token, backend_address, member.user_id, 0) == theirs


def test_a_member_naming_a_user_raises_unauthorized(backend_address: str, member: Persona) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException) as caught:
        logs.list_audit_logs(member.token, backend_address, member.user_id, 0)

    assert "'user_id' can only be set by an admin" in str(caught.value)


def test_a_bad_page_raises_bad_request(backend_address: str, member: Persona) -> None:
    with pytest.raises(hanami_exceptions.BadRequestException):
        logs.list_audit_logs(member.token, backend_address, "", -1)


def test_an_admin_lists_error_logs(backend_address: str, admin: Persona) -> None:
    listed = json.loads(logs.list_error_logs(admin.token, backend_address, "", 0))

    assert listed["header"][-1] == "message"
    assert json.loads(logs.list_error_logs(admin.token, backend_address, "", 10**9))["body"] == []


def test_a_member_listing_error_logs_raises_unauthorized(
    backend_address: str, member: Persona
) -> None:
    with pytest.raises(hanami_exceptions.UnauthorizedException) as caught:
        logs.list_error_logs(member.token, backend_address, "", 0)

    assert "Access denied by policy" in str(caught.value)
