"""Audit and error logs through the client: typed tables a page at a time, the admin filter,
refusals as typed errors, and upstream's shapes of the same replies."""

from __future__ import annotations

import re
import uuid

import pytest
import responses
from responses.matchers import query_string_matcher

from hanami_client import BadRequest, HanamiClient, ServerError, Table, Unauthorized
from hanami_client.resources.logs import PAGE_SIZE
from tests.conftest import Persona
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE

FAKE = "http://hanami.test"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
ERROR_HEADER = ("created_at", "user_id", "component", "context", "input_values", "message")


def test_audit_lists_the_callers_writes(member_client: HanamiClient, member: Persona) -> None:
    cluster = member_client.clusters.create(fresh_name("Audited"), TEMPLATE)
    member_client.clusters.delete(cluster.uuid)

    table = _last_page(member_client)

    assert table.header == ("created_at", "user_id", "endpoint", "request_type")
    assert [(row.endpoint, row.request_type) for row in table.rows[-2:]] == [
        ("v1.0alpha/cluster", "POST"),
        ("v1.0alpha/cluster", "DELETE"),
    ]
    assert {row.user_id for row in table} == {member.user_id}
    assert TIMESTAMP.fullmatch(table.rows[-1].created_at)


def _last_page(client: HanamiClient, user_id: str | None = None) -> Table:
    """The last non-empty page of an audit log (the shared server's logs grow across tests)."""
    page = 0
    table = client.logs.audit(page, user_id)
    while len(table) == PAGE_SIZE and len(following := client.logs.audit(page + 1, user_id)):
        page, table = page + 1, following
    return table


def test_an_admin_reads_a_members_audit_log(
    admin_client: HanamiClient, member_client: HanamiClient, member: Persona
) -> None:
    member_client.clusters.create(fresh_name("Audited"), TEMPLATE)

    assert _last_page(admin_client, member.user_id) == _last_page(member_client)


def test_an_empty_user_id_reads_the_callers_own_log(member_client: HanamiClient) -> None:
    assert member_client.logs.audit(0, "") == member_client.logs.audit(0)


def test_a_member_naming_a_user_is_unauthorized(
    member_client: HanamiClient, member: Persona
) -> None:
    with pytest.raises(Unauthorized) as caught:
        member_client.logs.audit(0, member.user_id)

    assert caught.value.message == "'user_id' can only be set by an admin"
    assert caught.value.operation == "logs.audit"


def test_a_page_past_the_end_is_empty(member_client: HanamiClient) -> None:
    table = member_client.logs.audit(1_000_000_000)

    assert len(table) == 0
    assert table.header == ("created_at", "user_id", "endpoint", "request_type")


def test_a_negative_page_is_a_bad_request(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.logs.audit(-1)

    assert caught.value.message == "Given item 'page' is smaller than 0"


def test_an_admin_reads_the_error_log(admin_client: HanamiClient) -> None:
    table = admin_client.logs.errors()

    assert table.header == ERROR_HEADER
    assert all(isinstance(row.input_values, str) for row in table)


def test_a_member_cannot_read_the_error_log(member_client: HanamiClient) -> None:
    with pytest.raises(Unauthorized) as caught:
        member_client.logs.errors()

    assert caught.value.message == "Access denied by policy"
    assert caught.value.operation == "logs.errors"


def test_the_error_log_query_names_the_user_only_when_given() -> None:
    body = {"header": list(ERROR_HEADER), "body": []}
    url = f"{FAKE}/v1.0alpha/error_log"
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(url, json=body, match=[query_string_matcher("page=2")])
        backend.get(url, json=body, match=[query_string_matcher("page=0&user_id=someone")])

        assert len(client.logs.errors(2, "")) == 0
        assert len(client.logs.errors(0, "someone")) == 0


def test_upstreams_object_cells_come_back_as_json_text() -> None:
    row = ["2024-01-01 00:00:00", "asdf", "", "", {"uuid": "x", "id": 1}, "failed\nbadly"]
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(
            f"{FAKE}/v1.0alpha/error_log", json={"header": list(ERROR_HEADER), "body": [row]}
        )

        [error] = client.logs.errors()

    assert error.input_values == '{"id":1,"uuid":"x"}'
    assert error.message == "failed\nbadly"


def test_upstreams_500_for_a_page_too_far_is_a_server_error() -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}/v1.0alpha/audit_log", status=500, body="")

        with pytest.raises(ServerError) as caught:
            client.logs.audit(7)

    assert caught.value.status == 500


def test_a_user_id_that_cannot_travel_is_refused_locally(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.logs.audit(0, f"a b{uuid.uuid4().hex}")

    assert "user_id" in caught.value.message
