"""The cluster and checkpoint operations of the JSON API, against the real embedded backend."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from hanami_client import HanamiClient, NotFound
from portal.clusters.examples import example_text
from portal.clusters.models import ClusterTemplate
from tests.conftest import Persona
from tests.portal.conftest import sign_in_page, unique_id
from tests.portal.test_api import send, sign_in_with_csrf

ROW = example_text("row")
MINIMAL = example_text("minimal")
BROKEN = ROW.replace("refractory_time: 1", "refractory_time: 0")
MISSING = "0badc0de-0000-4000-8000-000000000000"
ROW_FIELDS = {"uuid", "name", "owner_id", "project_id", "visibility", "created_at"}
CHECKPOINT_FIELDS = ROW_FIELDS

OPERATIONS = [
    ("get", "/api/clusters", None),
    ("post", "/api/clusters", {"name": "Some cluster", "template": ROW}),
    ("get", f"/api/clusters/{MISSING}", None),
    ("delete", f"/api/clusters/{MISSING}", None),
    ("post", f"/api/clusters/{MISSING}/save", {"name": "Some checkpoint"}),
    ("post", f"/api/clusters/{MISSING}/restore", {"checkpoint_uuid": MISSING}),
    ("get", "/api/checkpoints", None),
    ("get", f"/api/checkpoints/{MISSING}", None),
    ("delete", f"/api/checkpoints/{MISSING}", None),
]


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


@pytest.fixture
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


def create(client: Client, template: str = ROW, name: str | None = None) -> Any:
    body = {"name": name or unique_id("Api cluster "), "template": template}
    return send(client, "post", "/api/clusters", body)


@pytest.fixture
def cluster(member_web: Client, member_client: HanamiClient) -> Iterator[dict[str, Any]]:
    """A row-example cluster the member created through the API."""
    response = create(member_web)
    assert response.status_code == 201, response.content
    yield response.json()
    with contextlib.suppress(NotFound):
        member_client.clusters.delete(response.json()["uuid"])


def wait_for_checkpoint(client: Client, uuid: str) -> dict[str, Any]:
    """The checkpoint a save task makes (the save runs as a task: poll until it is there)."""
    for _ in range(100):
        response = client.get(f"/api/checkpoints/{uuid}")
        if response.status_code == 200:
            return response.json()
        assert response.status_code == 404
        time.sleep(0.1)
    raise AssertionError(f"checkpoint {uuid} never appeared")


# --- authentication and CSRF ------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_anonymous_caller_gets_401(web: str, method: str, path: str, body: Any) -> None:
    response = send(Client(), method, path, body)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first.", "code": "not_authenticated"}


def test_create_and_delete_need_the_csrf_token(web: str, member: Persona) -> None:
    client = sign_in_with_csrf(Client(enforce_csrf_checks=True), member.user_id, member.passphrase)
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    name = unique_id("Guarded cluster ")
    assert create(client, name=name).status_code == 403
    assert name not in {row["name"] for row in client.get("/api/clusters").json()}
    body = {"name": name, "template": ROW}
    created = client.post("/api/clusters", body, content_type="application/json", **headers)
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    assert client.delete(f"/api/clusters/{uuid}").status_code == 403
    assert client.delete(f"/api/clusters/{uuid}", **headers).status_code == 204


# --- clusters ---------------------------------------------------------------------------------


def test_create_answers_the_cluster_with_its_template(member_web: Client) -> None:
    name = unique_id("Crlf cluster ")
    response = create(member_web, MINIMAL.replace("\n", "\r\n"), name)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ROW_FIELDS | {"number_of_blocks", "number_of_sections", "template"}
    assert (body["name"], body["owner_id"], body["project_id"]) == (name, "memberuser", "alphaproj")
    assert body["template"] == MINIMAL
    assert ClusterTemplate.objects.get(cluster_uuid=body["uuid"]).created_by == "memberuser"

    got = member_web.get(f"/api/clusters/{body['uuid']}").json()
    assert got == {**body, "number_of_blocks": 0, "number_of_sections": 0}
    listed = [row for row in member_web.get("/api/clusters").json() if row["uuid"] == body["uuid"]]
    assert listed == [{key: body[key] for key in ROW_FIELDS}]
    assert member_web.delete(f"/api/clusters/{body['uuid']}").status_code == 204


def test_broken_template_is_400_with_its_line_and_position(member_web: Client) -> None:
    name = unique_id("Broken cluster ")
    response = create(member_web, BROKEN, name)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Uploaded template is not a valid cluster-template: "
        "line 4, position 20: refractory_time must be >= 1",
        "code": "bad_request",
    }
    assert name not in {row["name"] for row in member_web.get("/api/clusters").json()}
    assert not ClusterTemplate.objects.exists()


def test_taken_name_is_409(member_web: Client, cluster: dict[str, Any]) -> None:
    response = create(member_web, name=cluster["name"])
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Cluster with name '{cluster['name']}' already exist.",
        "code": "conflict",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "template": ROW}, "name"),
        ({"name": "9 starts with a digit", "template": ROW}, "name"),
        ({"name": "Empty template", "template": ""}, "template"),
        ({"name": "No template"}, "template"),
    ],
)
def test_invalid_create_input_is_422(member_web: Client, body: dict[str, str], field: str) -> None:
    response = send(member_web, "post", "/api/clusters", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["detail"].startswith(f"{field}:")


def test_cluster_made_elsewhere_has_no_template(
    member_web: Client, member_client: HanamiClient
) -> None:
    made = member_client.clusters.create(unique_id("Sdk cluster "), MINIMAL)
    try:
        assert member_web.get(f"/api/clusters/{made.uuid}").json()["template"] is None
    finally:
        member_client.clusters.delete(made.uuid)


def test_outsider_can_neither_see_nor_delete_the_cluster(
    outsider_web: Client, member_web: Client, cluster: dict[str, Any]
) -> None:
    uuid = cluster["uuid"]
    assert uuid not in {row["uuid"] for row in outsider_web.get("/api/clusters").json()}
    missing = {"detail": f"Cluster with uuid '{uuid}' not found", "code": "not_found"}
    assert outsider_web.get(f"/api/clusters/{uuid}").json() == missing
    deleted = outsider_web.delete(f"/api/clusters/{uuid}")
    assert (deleted.status_code, deleted.json()) == (404, missing)
    assert member_web.get(f"/api/clusters/{uuid}").status_code == 200
    assert ClusterTemplate.objects.filter(cluster_uuid=uuid).exists()


def test_admin_sees_the_members_cluster(admin_web: Client, cluster: dict[str, Any]) -> None:
    assert admin_web.get(f"/api/clusters/{cluster['uuid']}").json()["name"] == cluster["name"]


def test_delete_forgets_the_template(member_web: Client, cluster: dict[str, Any]) -> None:
    uuid = cluster["uuid"]
    assert member_web.delete(f"/api/clusters/{uuid}").status_code == 204
    assert member_web.get(f"/api/clusters/{uuid}").status_code == 404
    assert not ClusterTemplate.objects.filter(cluster_uuid=uuid).exists()
    assert member_web.delete(f"/api/clusters/{uuid}").status_code == 404


def test_invalid_uuid_in_the_path_is_422(member_web: Client) -> None:
    for method, path in (("get", "/api/clusters/not-a-uuid"), ("get", "/api/checkpoints/xyz")):
        assert getattr(member_web, method)(path).status_code == 422


# --- save, restore, checkpoints ---------------------------------------------------------------


def test_save_restore_and_delete_a_checkpoint(member_web: Client, cluster: dict[str, Any]) -> None:
    uuid = cluster["uuid"]
    name = unique_id("Api checkpoint ")
    saved = send(member_web, "post", f"/api/clusters/{uuid}/save", {"name": name})
    assert saved.status_code == 202, saved.content
    checkpoint_uuid = saved.json()["uuid"]
    assert saved.json() == {"uuid": checkpoint_uuid, "name": name}

    checkpoint = wait_for_checkpoint(member_web, checkpoint_uuid)
    assert set(checkpoint) == CHECKPOINT_FIELDS
    assert (checkpoint["name"], checkpoint["owner_id"]) == (name, "memberuser")
    assert checkpoint in member_web.get("/api/checkpoints").json()

    body = {"checkpoint_uuid": checkpoint_uuid}
    restored = send(member_web, "post", f"/api/clusters/{uuid}/restore", body)
    assert restored.status_code == 202, restored.content
    assert set(restored.json()) == {"uuid"}
    assert restored.json()["uuid"] != checkpoint_uuid

    assert member_web.delete(f"/api/checkpoints/{checkpoint_uuid}").status_code == 204
    gone = member_web.get(f"/api/checkpoints/{checkpoint_uuid}")
    assert (gone.status_code, gone.json()["code"]) == (404, "not_found")
    assert member_web.delete(f"/api/checkpoints/{checkpoint_uuid}").status_code == 404


def test_restoring_a_checkpoint_of_another_template_is_400(
    member_web: Client, cluster: dict[str, Any]
) -> None:
    other = create(member_web, MINIMAL).json()
    name = unique_id("Other shape ")
    saved = send(member_web, "post", f"/api/clusters/{other['uuid']}/save", {"name": name})
    checkpoint = wait_for_checkpoint(member_web, saved.json()["uuid"])
    body = {"checkpoint_uuid": checkpoint["uuid"]}
    refused = send(member_web, "post", f"/api/clusters/{cluster['uuid']}/restore", body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "bad_request"
    assert refused.json()["detail"]
    assert member_web.delete(f"/api/checkpoints/{checkpoint['uuid']}").status_code == 204
    assert member_web.delete(f"/api/clusters/{other['uuid']}").status_code == 204


def test_save_and_restore_of_missing_things_are_404(
    member_web: Client, cluster: dict[str, Any]
) -> None:
    saved = send(member_web, "post", f"/api/clusters/{MISSING}/save", {"name": "Nowhere"})
    assert saved.status_code == 404
    assert saved.json()["detail"] == f"Cluster with uuid '{MISSING}' not found"
    body = {"checkpoint_uuid": MISSING}
    restored = send(member_web, "post", f"/api/clusters/{cluster['uuid']}/restore", body)
    assert restored.status_code == 404
    assert restored.json()["detail"] == f"Checkpoint with uuid '{MISSING}' not found"


def test_invalid_save_and_restore_input_is_422(member_web: Client, cluster: dict[str, Any]) -> None:
    uuid = cluster["uuid"]
    assert send(member_web, "post", f"/api/clusters/{uuid}/save", {"name": "x"}).status_code == 422
    body = {"checkpoint_uuid": "not-a-uuid"}
    assert send(member_web, "post", f"/api/clusters/{uuid}/restore", body).status_code == 422


def test_outsider_cannot_see_or_delete_the_members_checkpoint(
    member_web: Client, outsider_web: Client, cluster: dict[str, Any]
) -> None:
    saved = send(member_web, "post", f"/api/clusters/{cluster['uuid']}/save", {"name": "Private"})
    checkpoint_uuid = wait_for_checkpoint(member_web, saved.json()["uuid"])["uuid"]
    listed = {row["uuid"] for row in outsider_web.get("/api/checkpoints").json()}
    assert checkpoint_uuid not in listed
    assert outsider_web.get(f"/api/checkpoints/{checkpoint_uuid}").status_code == 404
    assert outsider_web.delete(f"/api/checkpoints/{checkpoint_uuid}").status_code == 404
    body = {"checkpoint_uuid": checkpoint_uuid}
    restore = send(outsider_web, "post", f"/api/clusters/{cluster['uuid']}/restore", body)
    assert restore.status_code == 404
    assert member_web.delete(f"/api/checkpoints/{checkpoint_uuid}").status_code == 204


def test_openapi_schema_lists_the_cluster_and_checkpoint_operations(web: str) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/clusters"]) == {"get", "post"}
    assert set(paths["/api/clusters/{cluster_uuid}"]) == {"get", "delete"}
    assert set(paths["/api/clusters/{cluster_uuid}/save"]) == {"post"}
    assert set(paths["/api/clusters/{cluster_uuid}/restore"]) == {"post"}
    assert set(paths["/api/checkpoints"]) == {"get"}
    assert set(paths["/api/checkpoints/{checkpoint_uuid}"]) == {"get", "delete"}
