"""Checkpoint pages against the real embedded backend: list, detail with restore, delete."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator

import pytest
from django.test import Client

from hanami_client import Checkpoint, Cluster, Dataset, HanamiClient, NotFound
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id
from tests.portal.test_clusters_pages import IMAGES, LABELS, MINIMAL, MISSING, ROW, page, train


@pytest.fixture(scope="module")
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


@pytest.fixture(scope="module")
def digits(member_client: HanamiClient) -> Iterator[Dataset]:
    """The 1,000-row t10k sample, uploaded by the member."""
    dataset = member_client.datasets.upload_mnist(unique_id("Checkpoint digits "), IMAGES, LABELS)
    yield dataset
    member_client.datasets.delete(dataset.uuid)


@pytest.fixture(scope="module")
def learned(member_client: HanamiClient, digits: Dataset) -> Iterator[tuple[Cluster, Checkpoint]]:
    """A trained row-example cluster of the member and a checkpoint of it."""
    cluster = member_client.clusters.create(unique_id("Learned cluster "), ROW)
    member_client.tasks.wait(train(member_client, cluster.uuid, digits.uuid), timeout=60)
    uuid = member_client.clusters.save(cluster.uuid, unique_id("Learned state "))
    yield member_client.clusters.get(cluster.uuid), member_client.checkpoints.get(uuid)
    member_client.clusters.delete(cluster.uuid)
    with contextlib.suppress(NotFound):
        member_client.checkpoints.delete(uuid)


@pytest.fixture
def blank(member_client: HanamiClient) -> Iterator[Cluster]:
    """An untrained row-example cluster of the member."""
    cluster = member_client.clusters.create(unique_id("Blank cluster "), ROW)
    yield cluster
    member_client.clusters.delete(cluster.uuid)


@pytest.fixture
def spare(member_client: HanamiClient, blank: Cluster) -> Iterator[Checkpoint]:
    """A checkpoint of the untrained cluster, for a test that deletes it."""
    uuid = member_client.clusters.save(blank.uuid, unique_id("Spare state "))
    yield member_client.checkpoints.get(uuid)
    with contextlib.suppress(NotFound):
        member_client.checkpoints.delete(uuid)


def test_list_shows_the_members_checkpoints(
    member_web: Client, learned: tuple[Cluster, Checkpoint]
) -> None:
    _, checkpoint = learned
    content = page(member_web, "/checkpoints/")
    assert f'href="/checkpoints/{checkpoint.uuid}/"' in content
    assert html.escape(checkpoint.name) in content
    assert checkpoint.created_at in content
    filtered = member_web.get("/checkpoints/", {"q": checkpoint.uuid}, **HTMX).content.decode()
    assert filtered.lstrip().startswith('<div id="checkpoints-table"')
    assert "1 of" in filtered


def test_outsider_neither_lists_nor_opens_the_members_checkpoint(
    outsider_web: Client, learned: tuple[Cluster, Checkpoint]
) -> None:
    _, checkpoint = learned
    assert checkpoint.uuid not in page(outsider_web, "/checkpoints/")
    assert outsider_web.get(f"/checkpoints/{checkpoint.uuid}/").status_code == 404
    assert outsider_web.get(f"/checkpoints/{checkpoint.uuid}/delete/").status_code == 404


def test_detail_shows_the_fields_and_offers_the_visible_clusters(
    member_web: Client, learned: tuple[Cluster, Checkpoint], blank: Cluster
) -> None:
    cluster, checkpoint = learned
    content = page(member_web, f"/checkpoints/{checkpoint.uuid}/")
    assert f"Checkpoint “{html.escape(checkpoint.name)}”" in content
    for value in (checkpoint.uuid, "memberuser", "alphaproj", "private", checkpoint.created_at):
        assert f"<dd>{value}</dd>" in content or f"<code>{value}</code>" in content
    for target in (cluster, blank):
        assert f'<option value="{target.uuid}">' in content
    assert f'href="/checkpoints/{checkpoint.uuid}/delete/"' in content


def test_restore_into_a_cluster_goes_to_that_cluster(
    member_web: Client,
    member_client: HanamiClient,
    learned: tuple[Cluster, Checkpoint],
    blank: Cluster,
) -> None:
    cluster, checkpoint = learned
    url = f"/checkpoints/{checkpoint.uuid}/"
    response = member_web.post(url, {"cluster": blank.uuid}, **HTMX)
    assert response["HX-Redirect"] == f"/clusters/{blank.uuid}/"
    restored = member_client.clusters.get(blank.uuid)
    assert (restored.number_of_blocks, restored.number_of_sections) == (
        cluster.number_of_blocks,
        cluster.number_of_sections,
    )
    assert f"Restoring checkpoint “{html.escape(checkpoint.name)}”" in page(
        member_web, f"/clusters/{blank.uuid}/"
    )


def test_restore_into_a_cluster_of_another_template_is_refused_at_the_field(
    member_web: Client, member_client: HanamiClient, learned: tuple[Cluster, Checkpoint]
) -> None:
    _, checkpoint = learned
    other = member_client.clusters.create(unique_id("Other template "), MINIMAL)
    try:
        url = f"/checkpoints/{checkpoint.uuid}/"
        response = member_web.post(url, {"cluster": other.uuid}, **HTMX)
        assert response.status_code == 422
        content = response.content.decode()
        assert content.lstrip().startswith('<form id="restore-form"')
        assert '<ul class="errorlist" id="id_cluster_error">' in content
        assert member_client.clusters.get(other.uuid).number_of_blocks == 0
    finally:
        member_client.clusters.delete(other.uuid)


def test_restore_needs_a_visible_cluster(
    member_web: Client, learned: tuple[Cluster, Checkpoint]
) -> None:
    _, checkpoint = learned
    for choice in ("", MISSING):
        response = member_web.post(f"/checkpoints/{checkpoint.uuid}/", {"cluster": choice})
        assert response.status_code == 422
        assert 'id="id_cluster_error"' in response.content.decode()


def test_delete_asks_then_deletes_the_checkpoint(
    member_web: Client, member_client: HanamiClient, spare: Checkpoint
) -> None:
    question = page(member_web, f"/checkpoints/{spare.uuid}/delete/")
    assert f"Delete checkpoint “{html.escape(spare.name)}”?" in question
    assert f"The checkpoint {spare.uuid} of memberuser in project alphaproj" in question
    response = member_web.post(f"/checkpoints/{spare.uuid}/delete/", **HTMX)
    assert response["HX-Redirect"] == "/checkpoints/"
    assert toast_message_of_next_page(member_web) == f"Checkpoint “{spare.name}” deleted."
    with pytest.raises(NotFound):
        member_client.checkpoints.get(spare.uuid)


def toast_message_of_next_page(client: Client) -> str:
    """The text of the (one) toast the next page shows."""
    content = page(client, "/checkpoints/")
    start = content.index('<span class="toast__text">') + len('<span class="toast__text">')
    return html.unescape(content[start : content.index("</span>", start)])


def test_outsider_cannot_delete_the_members_checkpoint(
    outsider_web: Client, member_client: HanamiClient, spare: Checkpoint
) -> None:
    assert outsider_web.post(f"/checkpoints/{spare.uuid}/delete/").status_code == 404
    assert member_client.checkpoints.get(spare.uuid).name == spare.name


def test_pages_need_sign_in(web: str) -> None:
    for path in ("/checkpoints/", f"/checkpoints/{MISSING}/", f"/checkpoints/{MISSING}/delete/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_missing_checkpoint_is_404(member_web: Client) -> None:
    response = member_web.get(f"/checkpoints/{MISSING}/")
    assert response.status_code == 404
    assert f"Checkpoint with uuid &#x27;{MISSING}&#x27; not found" in response.content.decode()
