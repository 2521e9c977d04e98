"""Host pages, the switch-host form, API and command against the real embedded backend."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import Client

from hanami_client import Cluster, HanamiClient
from portal.clusters.examples import example_text
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id
from tests.portal.test_commands import cells, run

ROW = example_text("row")  # three hexagons
MISSING = "0badc0de-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture(scope="module")
def host_uuid(member_client: HanamiClient) -> str:
    """The uuid of the backend's one cpu host."""
    (row,) = member_client.hosts.list()
    return row["uuid"]


@pytest.fixture(scope="module")
def cluster(member_client: HanamiClient) -> Iterator[Cluster]:
    """A row-example cluster of the member."""
    created = member_client.clusters.create(unique_id("Host cluster "), ROW)
    yield created
    member_client.clusters.delete(created.uuid)


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


def toast(response: object) -> str:
    return json.loads(response["HX-Trigger"])["toast"]["message"]  # type: ignore[index]


# --- pages -----------------------------------------------------------------------------------


def test_hosts_page_lists_the_cpu_host(member_web: Client, host_uuid: str) -> None:
    content = member_web.get("/hosts/").content.decode()
    assert '<th scope="row">cpu</th>' in content
    assert f'<code class="uuid">{host_uuid}</code>' in content
    assert "Hosts: 1." in content
    assert 'href="/hosts/" aria-current="page"' in content


def test_cluster_page_embeds_the_host_form(member_web: Client, cluster: Cluster) -> None:
    content = member_web.get(f"/clusters/{cluster.uuid}/").content.decode()
    assert f'hx-get="/hosts/clusters/{cluster.uuid}/" hx-trigger="load"' in content


def test_the_form_offers_the_host_and_hexagon_1(
    member_web: Client, cluster: Cluster, host_uuid: str
) -> None:
    content = member_web.get(f"/hosts/clusters/{cluster.uuid}/", **HTMX).content.decode()
    assert content.lstrip().startswith('<form id="switch-host-form"')
    assert f'<option value="{host_uuid}" selected>cpu ({host_uuid})</option>' in content
    assert 'name="hexagon_id" value="1"' in content


def test_switching_a_hexagon_says_where_it_runs(
    member_web: Client, cluster: Cluster, host_uuid: str
) -> None:
    url = f"/hosts/clusters/{cluster.uuid}/"
    response = member_web.post(url, {"host": host_uuid, "hexagon_id": 3}, **HTMX)
    assert response.status_code == 200
    assert toast(response) == f"Hexagon 3 now runs on host cpu ({host_uuid})."
    assert "Hexagon 3 now runs on host" in response.content.decode()
    plain = member_web.post(url, {"host": host_uuid, "hexagon_id": 1})
    assert plain.status_code == 302
    assert plain["Location"] == f"/clusters/{cluster.uuid}/"


def test_a_hexagon_the_cluster_lacks_is_refused_at_the_form(
    member_web: Client, cluster: Cluster, host_uuid: str
) -> None:
    url = f"/hosts/clusters/{cluster.uuid}/"
    response = member_web.post(url, {"host": host_uuid, "hexagon_id": 4}, **HTMX)
    assert response.status_code == 422
    assert (
        f"Cluster with UUID &#x27;{cluster.uuid}&#x27; does not contain a hexagon with ID "
        "&#x27;4&#x27;" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"hexagon_id": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"hexagon_id": "x"}, "Enter a whole number."),
        ({"host": MISSING}, f"Select a valid choice. {MISSING} is not one of the available"),
    ],
)
def test_bad_input_is_a_form_error(
    member_web: Client, cluster: Cluster, host_uuid: str, form: dict[str, str], message: str
) -> None:
    data = {"host": host_uuid, "hexagon_id": "1", **form}
    response = member_web.post(f"/hosts/clusters/{cluster.uuid}/", data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_an_outsider_cannot_move_the_members_cluster(
    outsider_web: Client, cluster: Cluster, host_uuid: str
) -> None:
    url = f"/hosts/clusters/{cluster.uuid}/"
    assert outsider_web.get(url).status_code == 404
    # Neither the embedded form nor the switch: the cluster is not found before anything else.
    assert outsider_web.get(url, **HTMX).status_code == 404
    response = outsider_web.post(url, {"host": host_uuid, "hexagon_id": 1}, **HTMX)
    assert response.status_code == 404
    assert "Switch host" not in response.content.decode()


def test_the_full_page_names_the_cluster(member_web: Client, cluster: Cluster) -> None:
    content = member_web.get(f"/hosts/clusters/{cluster.uuid}/").content.decode()
    assert f"<h1>Host of cluster “{cluster.name}”</h1>" in content
    assert 'action="/hosts/clusters/' in content


# --- API -------------------------------------------------------------------------------------


def test_api_lists_hosts(member_web: Client, host_uuid: str) -> None:
    assert member_web.get("/api/hosts").json() == [{"uuid": host_uuid, "type": "cpu"}]


def test_api_switches_a_host(member_web: Client, cluster: Cluster, host_uuid: str) -> None:
    body = {"cluster_uuid": cluster.uuid, "host_uuid": host_uuid}
    response = member_web.post("/api/hosts/switch", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["uuid"] == cluster.uuid
    assert response.json()["name"] == cluster.name


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"hexagon_id": 9}, 404, "does not contain a hexagon with ID '9'"),
        ({"host_uuid": MISSING}, 404, f"Host with uuid '{MISSING}' not found"),
        ({"cluster_uuid": MISSING}, 404, f"Cluster with uuid '{MISSING}' not found"),
        ({"hexagon_id": -1}, 422, "hexagon_id: Input should be greater than or equal to 0"),
        ({"host_uuid": "nope"}, 422, "host_uuid: String should match pattern"),
    ],
)
def test_api_switch_refusals(
    member_web: Client,
    cluster: Cluster,
    host_uuid: str,
    change: dict[str, object],
    status: int,
    detail: str,
) -> None:
    body = {"cluster_uuid": cluster.uuid, "host_uuid": host_uuid, **change}
    response = member_web.post("/api/hosts/switch", body, content_type="application/json")
    assert response.status_code == status
    assert detail in response.json()["detail"]


# --- command ---------------------------------------------------------------------------------


@pytest.fixture
def as_member(monkeypatch: pytest.MonkeyPatch, backend_address: str, member: Persona) -> Persona:
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", member.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", member.passphrase)
    return member


def test_host_list_prints_hanamictls_table(as_member: Persona, host_uuid: str) -> None:
    lines = run("host", "list").splitlines()
    assert cells(lines[1]) == ["UUID", "TYPE"]
    assert cells(lines[3]) == [host_uuid, "cpu"]
    assert len(lines) == 5


def test_host_list_json_is_the_backends_reply(as_member: Persona, host_uuid: str) -> None:
    assert json.loads(run("host", "list", "-j")) == {
        "header": ["uuid", "type"],
        "body": [[host_uuid, "cpu"]],
    }


def test_openapi_schema_lists_the_host_operations(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith("/api/hosts")
    }
    assert operations == {("get", "/api/hosts"), ("post", "/api/hosts/switch")}
