"""Cluster pages against the real embedded backend: list, the template editor with its live
preview, create, detail, save, restore and delete."""

from __future__ import annotations

import contextlib
import html
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hanami_client import Checkpoint, Cluster, Dataset, HanamiClient, NotFound, Task, TaskInput
from portal.clusters.examples import EXAMPLES, example_text
from portal.clusters.models import ClusterTemplate
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id

ROW = example_text("row")
MINIMAL = example_text("minimal")
MNIST = Path(__file__).resolve().parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"
#: The row example with refractory_time 0 on line 4 (its value at position 20).
BROKEN = ROW.replace("refractory_time: 1", "refractory_time: 0")
BROKEN_PLACE = "line 4, position 20: refractory_time must be &gt;= 1"
TRANSLATE = re.compile(
    r'<g class="hexmap__hexagon hexmap__hexagon--(\w+)" transform="translate\(([\d.]+) ([\d.]+)\)"'
    r' data-position="([\d,]+)">'
)
MISSING = "0badc0de-0000-4000-8000-000000000000"


def page(client: Client, path: str, **query: Any) -> str:
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def toast(response: Any) -> str:
    """The message of the toast an htmx answer asks for."""
    return json.loads(response["HX-Trigger"])["toast"]["message"]


def hexagons(content: str) -> dict[str, tuple[str, float, float]]:
    """The drawn hexagons: position -> (role, x, y of its centre)."""
    return {
        position: (role, float(x), float(y)) for role, x, y, position in TRANSLATE.findall(content)
    }


def preview(client: Client, text: str) -> str:
    response = client.post("/clusters/preview/", {"template": text}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(scope="module")
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    """A browser session of a member of another project (betaproj)."""
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


@pytest.fixture
def member_cluster(member_web: Client, member_client: HanamiClient) -> Iterator[Cluster]:
    """A cluster of the row example, created by the member through the create page."""
    name = unique_id("Row cluster ")
    response = member_web.post("/clusters/new/", {"name": name, "template": ROW})
    assert response.status_code == 302, response.content[:800]
    cluster = next(c for c in member_client.clusters.list() if c["name"] == name)
    yield member_client.clusters.get(cluster["uuid"])
    with contextlib.suppress(NotFound):
        member_client.clusters.delete(cluster["uuid"])


# --- list -------------------------------------------------------------------------------------


def test_list_shows_the_members_clusters_with_links(
    member_web: Client, member_cluster: Cluster
) -> None:
    content = page(member_web, "/clusters/")
    assert f'href="/clusters/{member_cluster.uuid}/"' in content
    assert html.escape(member_cluster.name) in content
    assert "memberuser" in content
    assert 'href="/clusters/new/"' in content


def test_list_filters_and_sorts_through_the_url(
    member_web: Client, member_cluster: Cluster
) -> None:
    matching = page(member_web, "/clusters/", q=member_cluster.uuid[:13], sort="-created_at")
    assert member_cluster.uuid in matching
    assert 'aria-sort="descending"' in matching
    assert member_cluster.uuid not in page(member_web, "/clusters/", q="no such cluster at all")
    partial = member_web.get("/clusters/", {"q": member_cluster.uuid}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="clusters-table"')


def test_outsider_neither_lists_nor_opens_the_members_cluster(
    outsider_web: Client, member_cluster: Cluster
) -> None:
    assert member_cluster.uuid not in page(outsider_web, "/clusters/")
    assert outsider_web.get(f"/clusters/{member_cluster.uuid}/").status_code == 404


def test_pages_need_sign_in(web: str) -> None:
    for path in ("/clusters/", "/clusters/new/", f"/clusters/{MISSING}/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert Client().post("/clusters/preview/", {"template": ROW}).status_code == 302


# --- the editor -------------------------------------------------------------------------------


def test_create_page_offers_the_examples_and_draws_the_first(member_web: Client) -> None:
    content = page(member_web, "/clusters/new/")
    for example in EXAMPLES:
        assert f'<option value="{example.key}" data-text="{html.escape(example.text)}">' in content
    assert "Three hexagons in a row" in content
    # The first example is in the textarea, numbered, drawn and summed up.
    assert html.escape(ROW) in content
    assert content.count('<span class="editor__number">') == ROW.count("\n") + 1
    drawn = hexagons(content)
    assert set(drawn) == {"1,1,1", "2,1,1", "3,1,1"}
    assert [drawn[p][0] for p in ("1,1,1", "2,1,1", "3,1,1")] == ["input", "hidden", "output"]
    assert "picture_hex" in content
    assert "label_hex" in content
    assert "js/template-editor.js" in content


def test_create_page_starts_from_the_chosen_example(member_web: Client) -> None:
    content = page(member_web, "/clusters/new/", example="axons")
    assert re.search(r'<option value="axons" data-text="[^"]*" selected>', content)
    assert not re.search(r'<option value="row" data-text="[^"]*" selected>', content)
    assert html.escape(example_text("axons")) in content
    assert content.count('class="hexmap__axon"') == 1
    assert "Axon from 2,1,1 to 5,1,1" in content


def test_preview_draws_hexagons_at_their_grid_positions(member_web: Client) -> None:
    content = preview(member_web, example_text("layers"))
    drawn = hexagons(content)
    assert set(drawn) == {"1,1,1", "2,1,1", "3,1,1", "1,2,2", "2,2,2", "3,2,2"}
    # A row keeps its height and steps right by one hexagon width; row 2 lies below row 1,
    # shifted half a hexagon; layer z = 2 is its own panel to the right of z = 1.
    (_, x1, y1), (_, x2, y2), (_, x3, y3) = (drawn[p] for p in ("1,1,1", "2,1,1", "3,1,1"))
    assert y1 == y2 == y3
    assert x2 - x1 == pytest.approx(x3 - x2, abs=0.2)
    assert x2 - x1 == pytest.approx(65.8, abs=0.2)
    (_, u1, v1), (_, u2, _) = drawn["1,2,2"], drawn["2,2,2"]
    assert v1 > y1
    assert u2 - u1 == pytest.approx(x2 - x1, abs=0.2)
    assert u1 > x3
    assert "z = 1" in content
    assert "z = 2" in content
    # Inputs and outputs are marked, named and flagged; the axon is an arrow.
    assert drawn["1,1,1"][0] == "input"
    assert drawn["3,2,2"][0] == "output"
    for text in ("(match)", "(binary)", "(bool)", "(int)", "picture", "context", "score"):
        assert text in content
    assert 'marker-end="url(#preview-picture-arrow)"' in content
    assert "Axon from 1,2,2 to 3,1,1" in content
    assert "6 hexagons in 2 layers, 1 axon." in content


def test_preview_shows_the_line_and_position_of_an_error(member_web: Client) -> None:
    content = preview(member_web, BROKEN)
    assert "Not valid: line 4, position 20" in content
    assert "refractory_time must be &gt;= 1" in content
    assert 'data-line="4" data-position="20" data-length="1"' in content
    assert "  refractory_time: <mark>0</mark>" in content
    assert "Go to line 4, position 20" in content
    assert "hexmap" not in content


def test_preview_marks_the_end_when_a_section_is_missing(member_web: Client) -> None:
    text = ROW[: ROW.index("outputs:")]
    content = preview(member_web, text)
    assert (
        f"Not valid: line {text.count(chr(10)) + 1}, position 1</strong>: syntax error" in content
    )
    assert '<mark class="template-problem__here" aria-label="here"> </mark>' in content


def test_preview_takes_crlf_line_ends_as_lf(member_web: Client) -> None:
    valid = preview(member_web, ROW.replace("\n", "\r\n"))
    assert "Valid template." in valid
    assert set(hexagons(valid)) == {"1,1,1", "2,1,1", "3,1,1"}
    broken = preview(member_web, BROKEN.replace("\n", "\r\n"))
    assert "Not valid: line 4, position 20" in broken


def test_preview_draws_an_axon_onto_its_own_hexagon_as_a_loop(member_web: Client) -> None:
    text = ROW.replace("inputs:", "axons:\n  2,1,1 -> 2,1,1\ninputs:")
    content = preview(member_web, text)
    path = re.search(r'<path class="hexmap__axon" d="([^"]+)"', content)[1]
    assert path.startswith("M")
    assert " C" in path
    assert "Axon from 2,1,1 to 2,1,1" in content


def test_preview_of_hexagons_too_far_apart_has_no_picture(member_web: Client) -> None:
    content = preview(member_web, ROW.replace("3,1,1", "300,1,1"))
    assert "Valid template." in content
    assert "The hexagons spread over 300 columns, 1 row and 1 layer;" in content
    assert "<svg" not in content
    assert "label_hex" in content


def test_preview_of_an_overlong_text_says_so(member_web: Client) -> None:
    content = preview(member_web, ROW + " " * 200_000)
    assert "The template is longer than 200,000 characters." in content
    assert "Valid template." not in content


def test_preview_of_nothing_asks_for_a_template(member_web: Client) -> None:
    assert "Type a template, or start from an example" in preview(member_web, "  \n")


def test_preview_only_answers_post(member_web: Client) -> None:
    assert member_web.get("/clusters/preview/").status_code == 405


# --- create -----------------------------------------------------------------------------------


def test_create_goes_to_the_detail_page_and_keeps_the_template(
    member_web: Client, member_client: HanamiClient
) -> None:
    name = unique_id("Editor cluster ")
    form = {"name": name, "template": example_text("axons").replace("\n", "\r\n")}
    response = member_web.post("/clusters/new/", form, **HTMX)
    assert response.status_code == 200
    location = response["HX-Redirect"]
    uuid = location.strip("/").split("/")[-1]
    assert location == f"/clusters/{uuid}/"
    assert member_client.clusters.get(uuid).name == name
    record = ClusterTemplate.objects.get(cluster_uuid=uuid)
    assert record.text == example_text("axons")
    assert record.created_by == "memberuser"
    member_client.clusters.delete(uuid)


def test_backend_refusal_shows_at_the_template_with_its_line(
    member_web: Client, member_client: HanamiClient
) -> None:
    name = unique_id("Broken cluster ")
    response = member_web.post("/clusters/new/", {"name": name, "template": BROKEN}, **HTMX)
    assert response.status_code == 422
    content = response.content.decode()
    assert content.lstrip().startswith('<form id="cluster-form"')
    assert "data-refused" in content
    assert (
        '<ul class="errorlist" id="id_template_error"><li>Uploaded template is not a valid '
        f"cluster-template: {BROKEN_PLACE}</li></ul>"
    ) in content
    assert (
        'aria-describedby="id_template_helptext id_template_error" aria-invalid="true"' in content
    )
    assert "  refractory_time: <mark>0</mark>" in content
    # The refused line's number is marked in the gutter, and the text is kept as typed.
    assert '<span class="editor__number editor__number--problem">4</span>' in content
    assert html.escape(BROKEN) in content
    assert name not in {row["name"] for row in member_client.clusters.list()}
    assert not ClusterTemplate.objects.exists()


def test_name_conflict_shows_at_the_name(member_web: Client, member_cluster: Cluster) -> None:
    form = {"name": member_cluster.name, "template": ROW}
    response = member_web.post("/clusters/new/", form, **HTMX)
    assert response.status_code == 422
    content = response.content.decode()
    message = html.escape(f"Cluster with name '{member_cluster.name}' already exist.")
    assert f'<ul class="errorlist" id="id_name_error"><li>{message}</li></ul>' in content
    assert ClusterTemplate.objects.count() == 1


def test_invalid_name_is_refused_before_the_backend(member_web: Client) -> None:
    response = member_web.post("/clusters/new/", {"name": "x", "template": ROW})
    assert response.status_code == 422
    assert "Too short: use at least 4 characters" in response.content.decode()
    assert not ClusterTemplate.objects.exists()


# --- detail -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits(member_client: HanamiClient) -> Iterator[Dataset]:
    """The 1,000-row t10k sample, uploaded by the member."""
    dataset = member_client.datasets.upload_mnist(unique_id("Cluster digits "), IMAGES, LABELS)
    yield dataset
    member_client.datasets.delete(dataset.uuid)


def train(client: HanamiClient, cluster_uuid: str, dataset_uuid: str) -> Task:
    """Queue one train task of the row example on the digits."""
    return client.tasks.train(
        unique_id("Train "),
        cluster_uuid,
        [TaskInput(dataset_uuid, "picture", "picture_hex")],
        [TaskInput(dataset_uuid, "label", "label_hex")],
    )


@pytest.fixture(scope="module")
def trained(member_client: HanamiClient, digits: Dataset) -> Iterator[Cluster]:
    """A row-example cluster made with the client (so unknown to the portal), trained once."""
    cluster = member_client.clusters.create(unique_id("Trained cluster "), ROW)
    member_client.tasks.wait(train(member_client, cluster.uuid, digits.uuid), timeout=60)
    yield member_client.clusters.get(cluster.uuid)
    member_client.clusters.delete(cluster.uuid)


@pytest.fixture(scope="module")
def trained_checkpoint(member_client: HanamiClient, trained: Cluster) -> Iterator[Checkpoint]:
    """The trained cluster saved by the member."""
    uuid = member_client.clusters.save(trained.uuid, unique_id("Trained state "))
    member_client.tasks.wait(member_client.tasks.get(uuid, trained.uuid), timeout=60)
    yield member_client.checkpoints.get(uuid)
    with contextlib.suppress(NotFound):
        member_client.checkpoints.delete(uuid)


def counters(content: str) -> tuple[int, int]:
    """The blocks and sections a detail page shows."""
    found = dict(re.findall(r'data-counter="(\w+)">(\d+)<', content))
    return int(found["number_of_blocks"]), int(found["number_of_sections"])


def test_detail_shows_facts_template_picture_and_the_task_parts(
    member_web: Client, member_cluster: Cluster
) -> None:
    content = page(member_web, f"/clusters/{member_cluster.uuid}/")
    assert f"Cluster “{html.escape(member_cluster.name)}”" in content
    assert f"<code>{member_cluster.uuid}</code>" in content
    assert counters(content) == (0, 0)
    lines = re.findall(r'<span class="numbered__line">(.*?)</span>', content)
    assert lines == [html.escape(line) for line in ROW.splitlines()]
    assert set(hexagons(content)) == {"1,1,1", "2,1,1", "3,1,1"}
    assert 'id="cluster-picture-title"' in content
    uuid = member_cluster.uuid
    assert f'hx-get="/clusters/{uuid}/tasks/" hx-trigger="load"' in content
    assert f'hx-get="/clusters/{uuid}/tasks/new/" hx-trigger="load"' in content
    assert f'href="/clusters/{uuid}/delete/"' in content
    assert f'action="/clusters/{uuid}/save/"' in content
    assert f'action="/clusters/{uuid}/restore/"' in content


def test_detail_counters_follow_training(
    member_web: Client, member_client: HanamiClient, trained: Cluster
) -> None:
    content = page(member_web, f"/clusters/{trained.uuid}/")
    now = member_client.clusters.get(trained.uuid)
    assert now.number_of_blocks > 0
    assert now.number_of_sections > 0
    assert counters(content) == (now.number_of_blocks, now.number_of_sections)


def test_detail_of_a_cluster_made_elsewhere_says_the_template_is_unknown(
    member_web: Client, trained: Cluster
) -> None:
    content = page(member_web, f"/clusters/{trained.uuid}/")
    assert "Template not known to the portal" in content
    assert "numbered__line" not in content
    assert "hexmap" not in content


def test_detail_of_a_missing_cluster_is_404(member_web: Client) -> None:
    response = member_web.get(f"/clusters/{MISSING}/")
    assert response.status_code == 404
    assert f"Cluster with uuid &#x27;{MISSING}&#x27; not found" in response.content.decode()


# --- save -------------------------------------------------------------------------------------


def test_save_links_the_checkpoint_when_saved(
    member_web: Client, member_client: HanamiClient, member_cluster: Cluster
) -> None:
    name = unique_id("Saved ")
    response = member_web.post(f"/clusters/{member_cluster.uuid}/save/", {"name": name}, **HTMX)
    assert response.status_code == 200
    assert toast(response) == f"Saving checkpoint “{name}”."
    content = response.content.decode()
    assert content.lstrip().startswith('<form id="save-form"')
    checkpoint = next(row for row in member_client.checkpoints.list() if row["name"] == name)
    # The cluster is idle, so the save is done before the reply.
    assert f"Checkpoint “{name}” saved" in content
    assert f'href="/checkpoints/{checkpoint["uuid"]}/"' in content
    assert "hx-trigger" not in content.split('id="save-status"')[1].split("</div>")[0]
    # The restore form comes along out of band, offering the new checkpoint.
    assert '<form id="restore-form"' in content
    assert 'hx-swap-oob="true"' in content
    assert f'<option value="{checkpoint["uuid"]}">' in content
    member_client.checkpoints.delete(checkpoint["uuid"])


def test_save_behind_running_tasks_is_followed_until_saved(
    member_web: Client, member_client: HanamiClient, member_cluster: Cluster, digits: Dataset
) -> None:
    uuid = member_cluster.uuid
    for _ in range(6):
        train(member_client, uuid, digits.uuid)
    name = unique_id("Queued save ")
    content = member_web.post(f"/clusters/{uuid}/save/", {"name": name}, **HTMX).content.decode()
    checkpoint_uuid = re.search(r"task <code>([0-9a-f-]{36})</code>", content)[1]
    status_url = f"/clusters/{uuid}/save/{checkpoint_uuid}/"
    assert f"Checkpoint “{name}” waits in the cluster's task queue" in content
    assert f'hx-get="{status_url}?name={name.replace(" ", "%20")}"' in content
    assert 'hx-trigger="load delay:1s"' in content
    for _ in range(300):
        status = member_web.get(status_url, {"name": name}, **HTMX).content.decode()
        if "waits in" not in status:
            break
        time.sleep(0.1)
    assert f"Checkpoint “{name}” saved" in status
    assert f'href="/checkpoints/{checkpoint_uuid}/"' in status
    member_client.checkpoints.delete(checkpoint_uuid)


def test_save_status_of_a_vanished_task_says_it_failed(
    member_web: Client, member_cluster: Cluster
) -> None:
    status = member_web.get(f"/clusters/{member_cluster.uuid}/save/{MISSING}/", {"name": "Gone"})
    assert "Checkpoint “Gone” was not saved" in status.content.decode()


def test_an_outsider_gets_no_save_status_of_the_members_cluster(
    outsider_web: Client, member_cluster: Cluster
) -> None:
    status = outsider_web.get(f"/clusters/{member_cluster.uuid}/save/{MISSING}/", {"name": "X"})
    assert status.status_code == 404
    assert "was not saved" not in status.content.decode()


def test_save_without_htmx_goes_back_to_the_detail(
    member_web: Client, member_client: HanamiClient, member_cluster: Cluster
) -> None:
    name = unique_id("Plain save ")
    response = member_web.post(f"/clusters/{member_cluster.uuid}/save/", {"name": name})
    assert response.status_code == 302
    assert response["Location"] == f"/clusters/{member_cluster.uuid}/"
    checkpoint = next(row for row in member_client.checkpoints.list() if row["name"] == name)
    member_client.checkpoints.delete(checkpoint["uuid"])


def test_save_with_a_bad_name_is_422_at_the_field(
    member_web: Client, member_cluster: Cluster
) -> None:
    response = member_web.post(f"/clusters/{member_cluster.uuid}/save/", {"name": "x"}, **HTMX)
    assert response.status_code == 422
    assert "Too short: use at least 4 characters" in response.content.decode()
    plain = member_web.post(f"/clusters/{member_cluster.uuid}/save/", {"name": "x"})
    assert plain.status_code == 422
    assert '<h2 id="template-title">Template</h2>' in plain.content.decode()


def test_outsider_cannot_save_the_members_cluster(
    outsider_web: Client, member_client: HanamiClient, member_cluster: Cluster
) -> None:
    name = unique_id("Stolen ")
    url = f"/clusters/{member_cluster.uuid}/save/"
    response = outsider_web.post(url, {"name": name}, **HTMX)
    assert response.status_code == 422
    assert f"Cluster with uuid &#x27;{member_cluster.uuid}&#x27; not found" in (
        response.content.decode()
    )
    assert name not in {row["name"] for row in member_client.checkpoints.list()}


def test_save_and_restore_only_answer_post(member_web: Client, member_cluster: Cluster) -> None:
    for action in ("save", "restore"):
        assert member_web.get(f"/clusters/{member_cluster.uuid}/{action}/").status_code == 405


# --- restore ----------------------------------------------------------------------------------


def test_restore_brings_the_learned_state_into_the_cluster(
    member_web: Client,
    member_client: HanamiClient,
    member_cluster: Cluster,
    trained: Cluster,
    trained_checkpoint: Checkpoint,
) -> None:
    uuid = member_cluster.uuid
    form = page(member_web, f"/clusters/{uuid}/")
    assert f'<option value="{trained_checkpoint.uuid}">' in form
    body = {"checkpoint": trained_checkpoint.uuid}
    response = member_web.post(f"/clusters/{uuid}/restore/", body, **HTMX)
    assert response.status_code == 200
    assert toast(response).startswith(f"Restoring checkpoint “{trained_checkpoint.name}” (")
    assert response.content.decode().lstrip().startswith('<form id="restore-form"')
    restored = member_client.clusters.get(uuid)
    assert (restored.number_of_blocks, restored.number_of_sections) == (
        trained.number_of_blocks,
        trained.number_of_sections,
    )
    assert counters(page(member_web, f"/clusters/{uuid}/")) == (
        trained.number_of_blocks,
        trained.number_of_sections,
    )


def test_restore_of_another_template_shows_the_refusal_at_the_field(
    member_web: Client, member_client: HanamiClient, trained_checkpoint: Checkpoint
) -> None:
    name = unique_id("Minimal cluster ")
    response = member_web.post("/clusters/new/", {"name": name, "template": MINIMAL})
    uuid = response["Location"].strip("/").split("/")[-1]
    body = {"checkpoint": trained_checkpoint.uuid}
    refused = member_web.post(f"/clusters/{uuid}/restore/", body, **HTMX)
    assert refused.status_code == 422
    content = refused.content.decode()
    assert '<ul class="errorlist" id="id_checkpoint_error">' in content
    assert 'aria-invalid="true"' in content
    assert member_client.clusters.get(uuid).number_of_blocks == 0
    member_client.clusters.delete(uuid)


def test_restore_needs_a_visible_checkpoint(member_web: Client, member_cluster: Cluster) -> None:
    url = f"/clusters/{member_cluster.uuid}/restore/"
    for choice in ("", MISSING):
        response = member_web.post(url, {"checkpoint": choice}, **HTMX)
        assert response.status_code == 422
        assert 'id="id_checkpoint_error"' in response.content.decode()
    # One deleted since the page was loaded (or never there) is said to be gone.
    assert "This checkpoint no longer exists (deleted meanwhile?)" in response.content.decode()


# --- delete -----------------------------------------------------------------------------------


def test_delete_asks_then_deletes_the_cluster_and_its_template(
    member_web: Client, member_client: HanamiClient, member_cluster: Cluster
) -> None:
    uuid = member_cluster.uuid
    question = page(member_web, f"/clusters/{uuid}/delete/")
    assert f"Delete cluster “{html.escape(member_cluster.name)}”?" in question
    assert f"The cluster {uuid} of memberuser in project alphaproj is removed" in question
    response = member_web.post(f"/clusters/{uuid}/delete/", **HTMX)
    assert response["HX-Redirect"] == "/clusters/"
    with pytest.raises(NotFound):
        member_client.clusters.get(uuid)
    assert not ClusterTemplate.objects.filter(cluster_uuid=uuid).exists()
    assert "deleted" in page(member_web, "/clusters/")


def test_outsider_cannot_delete_the_members_cluster(
    outsider_web: Client, member_client: HanamiClient, member_cluster: Cluster
) -> None:
    uuid = member_cluster.uuid
    assert outsider_web.get(f"/clusters/{uuid}/delete/").status_code == 404
    assert outsider_web.post(f"/clusters/{uuid}/delete/").status_code == 404
    assert member_client.clusters.get(uuid).name == member_cluster.name
    assert ClusterTemplate.objects.filter(cluster_uuid=uuid).exists()
