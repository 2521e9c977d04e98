"""Who sees which dataset (contract 1.11): a global admin everything, a project admin the token's
project, anyone else only their own rows in the token's project; the rest is 404 / absent."""

from __future__ import annotations

import json

import pytest
from websockets.sync.client import connect

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.uploads import (
    content,
    finalize_mnist,
    generated_mnist,
    get_dataset,
    listed_uuids,
    register_mnist,
    ws_url,
)
from tests.hanami_server.wire import b64, new_id, send, token_for


@pytest.fixture(scope="module")
def colleague(backend: Backend, admin: Persona, member: Persona) -> str:
    """Another plain member of the member's project; their token."""
    return _user_in(backend, admin, member.project_id, is_project_admin=False)


@pytest.fixture(scope="module")
def project_admin(backend: Backend, admin: Persona, member: Persona) -> str:
    """A project admin of the member's project; their token."""
    return _user_in(backend, admin, member.project_id, is_project_admin=True)


def _user_in(backend: Backend, admin: Persona, project_id: str, *, is_project_admin: bool) -> str:
    user_id, passphrase = new_id("v"), "visibility-pass"
    body = {"id": user_id, "name": "Some User", "passphrase": b64(passphrase), "is_admin": False}
    assert send(backend.address, "POST", "/user", token=admin.token, body=body).ok
    assignment = {
        "id": user_id,
        "project_id": project_id,
        "role": "member",
        "is_project_admin": is_project_admin,
    }
    assert send(backend.address, "POST", "/user/project", token=admin.token, body=assignment).ok
    return token_for(backend.address, user_id, passphrase)


def _readable(backend: Backend, token: str, dataset_uuid: str) -> dict[str, int]:
    """The status of every read of the dataset for this token."""
    query = {"uuid": dataset_uuid}
    check = {"uuid": dataset_uuid, "reference_uuid": dataset_uuid}
    address = backend.address
    return {
        "get": get_dataset(address, token, dataset_uuid).status_code,
        "content": content(address, token, dataset_uuid, "label", 0, 1).status_code,
        "progress": send(address, "GET", "/dataset/progress", token=token, query=query).status_code,
        "check": send(address, "GET", "/dataset/check", token=token, query=check).status_code,
        "listed": int(dataset_uuid in listed_uuids(backend.address, token)),
    }


NOT_VISIBLE = {"get": 404, "content": 404, "progress": 404, "check": 404, "listed": 0}
VISIBLE = {"get": 200, "content": 200, "progress": 200, "check": 200, "listed": 1}


def test_a_member_dataset_is_invisible_in_another_project(
    backend: Backend, outsider: Persona, member_digits: str
) -> None:
    assert _readable(backend, outsider.token, member_digits) == NOT_VISIBLE


def test_a_member_dataset_is_invisible_to_a_colleague(
    backend: Backend, colleague: str, member_digits: str
) -> None:
    assert _readable(backend, colleague, member_digits) == NOT_VISIBLE


def test_the_project_admin_and_the_global_admin_see_it(
    backend: Backend, project_admin: str, admin: Persona, member_digits: str
) -> None:
    assert _readable(backend, project_admin, member_digits) == VISIBLE
    assert _readable(backend, admin.token, member_digits) == VISIBLE


def test_the_owner_sees_it(backend: Backend, member: Persona, member_digits: str) -> None:
    assert _readable(backend, member.token, member_digits) == VISIBLE


def test_a_project_admins_dataset_is_hidden_from_members(
    backend: Backend, project_admin: str, member: Persona, outsider: Persona
) -> None:
    images, labels = generated_mnist(2)
    ticket = register_mnist(backend.address, project_admin, images, labels)
    assert ticket["uuid"] in listed_uuids(backend.address, project_admin)
    assert ticket["uuid"] not in listed_uuids(backend.address, member.token)
    assert ticket["uuid"] not in listed_uuids(backend.address, outsider.token)


def test_others_cannot_delete_finalize_or_upload(
    backend: Backend, member: Persona, outsider: Persona, colleague: str
) -> None:
    images, labels = generated_mnist(2)
    ticket = register_mnist(backend.address, member.token, images, labels)
    for token in (outsider.token, colleague):
        query = {"uuid": ticket["uuid"]}
        deleted = send(backend.address, "DELETE", "/dataset", token=token, query=query)
        assert (deleted.status_code, deleted.text) == (
            404,
            f"Data-set with uuid '{ticket['uuid']}' not found",
        )
        assert finalize_mnist(backend.address, token, ticket).status_code == 404
        with connect(ws_url(backend.address)) as conn:
            init = {"token": token, "target": "file_upload", "uuid": ticket["uuid_label_file"]}
            conn.send(json.dumps(init))
            assert json.loads(conn.recv(timeout=30))["success"] is False
    assert ticket["uuid"] in listed_uuids(backend.address, member.token)


def test_the_global_admin_lists_every_project(
    backend: Backend, admin: Persona, member: Persona, outsider: Persona
) -> None:
    images, labels = generated_mnist(2)
    mine = register_mnist(backend.address, member.token, images, labels)["uuid"]
    theirs = register_mnist(backend.address, outsider.token, images, labels)["uuid"]
    listed = listed_uuids(backend.address, admin.token)
    assert mine in listed
    assert theirs in listed
    assert mine not in listed_uuids(backend.address, outsider.token)
    query = {"uuid": theirs}
    assert send(backend.address, "DELETE", "/dataset", token=admin.token, query=query).ok
    assert theirs not in listed_uuids(backend.address, outsider.token)
