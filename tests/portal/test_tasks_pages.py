"""Task pages against the real embedded backend: forms, list, detail, evaluation, delete."""

from __future__ import annotations

import dataclasses
import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hanami_client import Cluster, Dataset, HanamiClient, NotFound, Task, TaskInput, TaskResult
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from portal.clusters.services import remember_template
from portal.tasks.views import evaluation_context
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id

MNIST = Path(__file__).resolve().parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"
MISSING = "0badc0de-0000-4000-8000-000000000000"
#: What a cell without a value shows.
NONE = "\N{EN DASH}"


# --- fixtures shared by the task test modules -------------------------------------------------


@pytest.fixture(scope="module")
def member_hanami(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture(scope="module")
def digits(member_hanami: HanamiClient) -> Iterator[Dataset]:
    """The t10k sample (1,000 labelled pictures), uploaded by the member."""
    dataset = member_hanami.datasets.upload_mnist(unique_id("Task digits "), IMAGES, LABELS)
    yield dataset
    member_hanami.datasets.delete(dataset.uuid)


@pytest.fixture(scope="module")
def cluster(member_hanami: HanamiClient) -> Iterator[Cluster]:
    """A cluster of the upstream shape, made by the member."""
    made = member_hanami.clusters.create(unique_id("Task cluster "), UPSTREAM_TEST_SHAPE)
    yield made
    member_hanami.clusters.delete(made.uuid)


@pytest.fixture
def known_cluster(cluster: Cluster, db: None, member: Persona) -> Cluster:
    """The cluster with its template known to the portal (as if the portal had created it)."""
    remember_template(
        cluster_uuid=cluster.uuid, text=UPSTREAM_TEST_SHAPE, created_by=member.user_id
    )
    return cluster


def io(digits: Dataset) -> tuple[list[TaskInput], list[TaskInput]]:
    """Pictures into the input hexagon, labels into the output hexagon."""
    return (
        [TaskInput(digits.uuid, "picture", "picture_hex")],
        [TaskInput(digits.uuid, "label", "label_hex")],
    )


@pytest.fixture(scope="module")
def trained(member_hanami: HanamiClient, cluster: Cluster, digits: Dataset) -> Task:
    """A finished train task over the 1,000 rows."""
    inputs, outputs = io(digits)
    task = member_hanami.tasks.train(unique_id("Train "), cluster.uuid, inputs, outputs)
    return member_hanami.tasks.wait(task, interval=0.05, timeout=120)


@pytest.fixture(scope="module")
def requested(
    member_hanami: HanamiClient, cluster: Cluster, digits: Dataset, trained: Task
) -> Iterator[Task]:
    """A finished request task over the same rows; its results are a dataset."""
    inputs, _ = io(digits)
    results = [TaskResult("digit", "label_hex")]
    task = member_hanami.tasks.request(unique_id("Request "), cluster.uuid, inputs, results)
    yield member_hanami.tasks.wait(task, interval=0.05, timeout=120)
    member_hanami.datasets.delete(task.uuid)


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


def page(client: Client, path: str, **query: Any) -> str:
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def text_of(fragment: str) -> str:
    """What a fragment reads as: no tags, entities resolved, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def base(cluster: Cluster) -> str:
    return f"/clusters/{cluster.uuid}/tasks/"


def form_data(kind: str, name: str, items: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """A posted train or request form: the name and the formsets of items."""
    data = {f"{kind}-name": name}
    for prefix, rows in items.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "1"
        data[f"{prefix}-MAX_NUM_FORMS"] = "8"
        for index, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{index}-{field}"] = value
    return data


def train_data(digits: Dataset, name: str, hexagon: str = "picture_hex") -> dict[str, str]:
    return form_data(
        "train",
        name,
        {
            "train-inputs": [{"dataset": digits.uuid, "column": "picture", "hexagon": hexagon}],
            "train-outputs": [{"dataset": digits.uuid, "column": "label", "hexagon": "label_hex"}],
        },
    )


def request_data(digits: Dataset, name: str) -> dict[str, str]:
    return form_data(
        "request",
        name,
        {
            "request-inputs": [
                {"dataset": digits.uuid, "column": "picture", "hexagon": "picture_hex"}
            ],
            "request-results": [{"hexagon": "label_hex", "column": "digit"}],
        },
    )


def field_errors(text: str, name: str) -> list[str]:
    """The error messages shown with one form field."""
    match = re.search(
        rf'<div class="field field--invalid">(?:(?!</div>).)*?name="{re.escape(name)}"(.*?)</div>',
        text,
        re.S,
    )
    if match is None:
        return []
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


# --- the forms --------------------------------------------------------------------------------


def test_new_page_offers_datasets_columns_and_the_templates_hexagons(
    member_web: Client, known_cluster: Cluster, digits: Dataset
) -> None:
    text = page(member_web, f"{base(known_cluster)}new/")
    assert f"Start a task on cluster “{known_cluster.name}”" in text
    assert 'id="train-form"' in text
    assert 'id="request-form"' in text
    dataset_select = re.search(r'<select name="train-inputs-0-dataset".*?</select>', text, re.S)
    assert dataset_select is not None
    assert f'<option value="{digits.uuid}"' in dataset_select.group(0)
    assert f'hx-get="{base(known_cluster)}columns/"' in dataset_select.group(0)
    assert 'hx-target="#id_train-inputs-0-column"' in dataset_select.group(0)
    hexagons = re.search(r'<select name="train-inputs-0-hexagon".*?</select>', text, re.S)
    assert hexagons is not None
    assert re.findall(r'<option value="([^"]*)"', hexagons.group(0)) == ["picture_hex"]
    outputs = re.search(r'<select name="train-outputs-0-hexagon".*?</select>', text, re.S)
    assert outputs is not None
    assert re.findall(r'<option value="([^"]*)"', outputs.group(0)) == ["label_hex"]
    assert "does not know this cluster's template" not in text


def test_new_page_of_a_cluster_the_portal_did_not_create_asks_for_hexagon_names(
    member_web: Client, cluster: Cluster
) -> None:
    text = page(member_web, f"{base(cluster)}new/")
    assert "The portal does not know this cluster's template" in text
    assert re.search(r'<input type="text" name="train-inputs-0-hexagon"', text)


def test_new_forms_alone_for_htmx_to_embed_in_the_cluster_page(
    member_web: Client, known_cluster: Cluster
) -> None:
    text = member_web.get(f"{base(known_cluster)}new/", **HTMX).content.decode()
    assert text.lstrip().startswith('<div id="task-forms"')
    assert "<html" not in text


def test_choosing_a_dataset_reloads_the_column_options(
    member_web: Client, known_cluster: Cluster, digits: Dataset
) -> None:
    url = f"{base(known_cluster)}columns/"
    inputs = member_web.get(url, {"train-inputs-0-dataset": digits.uuid, "role": "input"})
    outputs = member_web.get(url, {"train-outputs-0-dataset": digits.uuid, "role": "output"})
    assert inputs.content.decode() == (
        '<option value="picture" selected>picture</option><option value="label">label</option>'
    )
    assert '<option value="label" selected>label</option>' in outputs.content.decode()
    missing = member_web.get(url, {"train-inputs-0-dataset": MISSING}).content.decode()
    assert missing == '<option value="">This dataset has no columns</option>'


def test_adding_and_removing_items_keeps_what_was_typed(
    member_web: Client, known_cluster: Cluster, digits: Dataset
) -> None:
    data = {**train_data(digits, "Kept name"), "add": "train-inputs"}
    response = member_web.post(f"{base(known_cluster)}train/", data, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<form id="train-form"')
    assert 'value="Kept name"' in text
    assert 'name="train-inputs-TOTAL_FORMS" value="2"' in text
    assert "Remove input 2" in text
    assert "field--invalid" not in text
    data = {
        **form_data(
            "train",
            "Kept name",
            {
                "train-inputs": [
                    {"dataset": digits.uuid, "column": "picture", "hexagon": "picture_hex"},
                    {"dataset": digits.uuid, "column": "label", "hexagon": "picture_hex"},
                ],
                "train-outputs": [
                    {"dataset": digits.uuid, "column": "label", "hexagon": "label_hex"}
                ],
            },
        ),
        "remove": "train-inputs-0",
    }
    text = member_web.post(f"{base(known_cluster)}train/", data, **HTMX).content.decode()
    assert 'name="train-inputs-TOTAL_FORMS" value="1"' in text
    column = re.search(r'<select name="train-inputs-0-column".*?</select>', text, re.S)
    assert column is not None
    assert '<option value="label" selected>' in column.group(0)


def test_a_form_without_a_name_is_shown_again_with_the_error(
    member_web: Client, known_cluster: Cluster, digits: Dataset
) -> None:
    response = member_web.post(f"{base(known_cluster)}train/", train_data(digits, ""), **HTMX)
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "train-name") == ["This field is required."]


def test_an_unknown_hexagon_is_the_backends_404_at_the_hexagon_field(
    member_web: Client, cluster: Cluster, digits: Dataset
) -> None:
    name = unique_id("Lost hexagon ")
    data = train_data(digits, name, hexagon="nowhere_hex")
    response = member_web.post(f"{base(cluster)}train/", data, **HTMX)
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "train-inputs-0-hexagon") == [
        "Hexagon with name 'nowhere_hex' not found"
    ]
    assert name not in page(member_web, base(cluster))


def test_training_starts_and_leads_to_the_tasks_page(
    member_web: Client, known_cluster: Cluster, digits: Dataset, member_hanami: HanamiClient
) -> None:
    name = unique_id("Form train ")
    response = member_web.post(f"{base(known_cluster)}train/", train_data(digits, name))
    assert response.status_code == 302
    match = re.fullmatch(rf"{base(known_cluster)}([0-9a-f-]{{36}})/", response["Location"])
    assert match is not None
    task = member_hanami.tasks.get(match.group(1), known_cluster.uuid)
    assert task.name == name
    assert task.total_number_of_cycles == 1000
    member_hanami.tasks.wait(task, interval=0.05, timeout=120)
    detail = page(member_web, response["Location"])
    assert f"Task “{name}”" in detail
    assert "Task “" + name + "” started." in detail


def test_a_request_starts_and_its_page_compares_with_the_mnist_inputs(
    member_web: Client,
    known_cluster: Cluster,
    digits: Dataset,
    trained: Task,
    member_hanami: HanamiClient,
) -> None:
    name = unique_id("Form request ")
    response = member_web.post(f"{base(known_cluster)}request/", request_data(digits, name), **HTMX)
    assert response.status_code == 200
    location = response["HX-Redirect"]
    match = re.fullmatch(
        rf"{base(known_cluster)}([0-9a-f-]{{36}})/\?reference={digits.uuid}", location
    )
    assert match is not None
    task = member_hanami.tasks.get(match.group(1), known_cluster.uuid)
    try:
        member_hanami.tasks.wait(task, interval=0.05, timeout=120)
        text = page(member_web, location)
        assert f'href="/datasets/{task.uuid}/"' in text
        assert re.search(r"\d+\.\d\d %</strong> <span class=\"muted\">\d+ of 1000 rows", text)
    finally:
        member_hanami.datasets.delete(task.uuid)


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_each_task_with_its_progress_and_follows_it_live(
    member_web: Client, cluster: Cluster, trained: Task
) -> None:
    text = page(member_web, base(cluster))
    assert f"Tasks of cluster “{cluster.name}”" in text
    assert f'ws-connect="/ws/clusters/{cluster.uuid}/tasks/"' in text
    assert 'hx-ext="ws"' in text
    assert '<script src="/static/django_htmx/ext/hx-ws-2.js" defer></script>' in text
    row = re.search(rf'<tr data-task="{trained.uuid}".*?</tr>', text, re.S)
    assert row is not None
    cells = [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(0), re.S)]
    assert cells[0] == f"{trained.name} {trained.uuid[:8]}"
    assert cells[1] == "Finished"
    assert cells[2] == "100 % 100 % (1000 / 1000)"
    assert cells[3:6] == [trained.queue_timestamp, trained.start_timestamp, trained.end_timestamp]
    assert re.fullmatch(rf"[\d,]+ rows/s|{NONE}", cells[6])
    assert cells[7] == NONE
    assert f'href="{base(cluster)}{trained.uuid}/delete/"' in row.group(0)


def test_list_rows_alone_for_htmx_to_embed_in_the_cluster_page(
    member_web: Client, cluster: Cluster, trained: Task
) -> None:
    text = member_web.get(base(cluster), **HTMX).content.decode()
    assert text.lstrip().startswith('<section id="task-queue"')
    assert f'data-task="{trained.uuid}"' in text
    assert "<html" not in text


def test_list_of_an_unknown_cluster_is_the_404_page(member_web: Client) -> None:
    assert member_web.get(f"/clusters/{MISSING}/tasks/").status_code == 404


# --- detail -------------------------------------------------------------------------------------


def test_detail_of_a_finished_train_task_shows_its_final_state_and_chart(
    member_web: Client, cluster: Cluster, trained: Task
) -> None:
    text = page(member_web, f"{base(cluster)}{trained.uuid}/")
    assert f'ws-connect="/ws/clusters/{cluster.uuid}/tasks/{trained.uuid}/"' in text
    summary = re.search(r'<p id="task-summary"[^>]*>(.*?)</p>', text, re.S)
    assert summary is not None
    assert text_of(summary.group(1)) == "Finished 100 % of 1000 rows"
    assert '<progress id="task-bar" class="progress__bar" max="100" value="100.0"' in text
    assert "1000 of 1000 rows (100.0 %)" in text
    assert re.search(r'<polyline class="chart__line" points="56\.0,152\.0 [\d. ,]+"', text)
    assert "Results" not in text


def test_detail_of_a_request_links_its_result_and_evaluates_it(
    member_web: Client, cluster: Cluster, requested: Task, digits: Dataset
) -> None:
    text = page(member_web, f"{base(cluster)}{requested.uuid}/", reference=digits.uuid)
    assert f'<a href="/datasets/{requested.uuid}/">“{requested.name}”</a>' in text
    accuracy = re.search(r'<strong class="figure">([\d.]+) %</strong>', text)
    assert accuracy is not None
    assert 10.0 < float(accuracy.group(1)) <= 100.0
    assert len(re.findall(r"<g>\s*<title>True \d, predicted \d", text)) == 100
    pictures = re.findall(
        r'<li class="digit prediction[^"]*">\s*<img src="data:image/png;base64,[^"]+"'
        r'[^>]*alt="Row (\d+): a handwritten (\d)">\s*'
        r'<span class="prediction__digit">Predicted (\d)</span>',
        text,
    )
    assert [int(row) for row, _, _ in pictures] == list(range(24))
    labels = [label_byte for label_byte in LABELS.read_bytes()[8:32]]
    assert [int(label) for _, label, _ in pictures] == labels


def test_evaluation_over_htmx_answers_the_partial_and_pushes_the_page_url(
    member_web: Client, cluster: Cluster, requested: Task, digits: Dataset
) -> None:
    response = member_web.get(
        f"{base(cluster)}{requested.uuid}/evaluation/", {"reference": digits.uuid}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{base(cluster)}{requested.uuid}/?reference={digits.uuid}"
    text = response.content.decode()
    assert text.lstrip().startswith('<form id="evaluation-form"')
    assert "Confusion matrix of" in text


def test_evaluation_against_a_dataset_without_labels_is_explained(
    member_web: Client, cluster: Cluster, requested: Task
) -> None:
    response = member_web.get(
        f"{base(cluster)}{requested.uuid}/evaluation/", {"reference": requested.uuid}, **HTMX
    )
    assert response.status_code == 422
    assert "Select a valid choice." in text_of(response.content.decode())


def test_evaluation_without_htmx_goes_to_the_task_page(
    member_web: Client, cluster: Cluster, requested: Task, digits: Dataset
) -> None:
    response = member_web.get(
        f"{base(cluster)}{requested.uuid}/evaluation/", {"reference": digits.uuid}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{base(cluster)}{requested.uuid}/?reference={digits.uuid}"


def test_unknown_task_gives_the_404_page(member_web: Client, cluster: Cluster) -> None:
    assert member_web.get(f"{base(cluster)}{MISSING}/").status_code == 404


def test_task_pages_have_no_inline_script_or_style(
    member_web: Client, known_cluster: Cluster, trained: Task, requested: Task, digits: Dataset
) -> None:
    for path in [
        base(known_cluster),
        f"{base(known_cluster)}new/",
        f"{base(known_cluster)}{trained.uuid}/",
        f"{base(known_cluster)}{requested.uuid}/?reference={digits.uuid}",
        f"{base(known_cluster)}{trained.uuid}/delete/",
    ]:
        text = page(member_web, path)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) is None, path
        assert "<style" not in text, path
        assert " style=" not in text, path
        assert re.search(r"\son[a-z]+=", text) is None, path


# --- visibility -------------------------------------------------------------------------------


def test_outsider_sees_no_task_page_of_another_projects_cluster(
    outsider_web: Client, cluster: Cluster, trained: Task
) -> None:
    for path in ["", "new/", f"{trained.uuid}/", f"{trained.uuid}/delete/"]:
        assert outsider_web.get(f"{base(cluster)}{path}").status_code == 404, path
    assert outsider_web.post(f"{base(cluster)}{trained.uuid}/delete/").status_code == 404


def test_anonymous_is_sent_to_sign_in(web: str, cluster: Cluster) -> None:
    response = Client().get(base(cluster))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- delete -------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(
    member_web: Client,
    cluster: Cluster,
    digits: Dataset,
    member_hanami: HanamiClient,
    trained: Task,
) -> None:
    inputs, outputs = io(digits)
    task = member_hanami.tasks.train(unique_id("Doomed "), cluster.uuid, inputs, outputs)
    member_hanami.tasks.wait(task, interval=0.05, timeout=120)
    confirm = page(member_web, f"{base(cluster)}{task.uuid}/delete/")
    assert f"Delete task “{task.name}”?" in confirm
    assert "It leaves the list." in confirm
    response = member_web.post(f"{base(cluster)}{task.uuid}/delete/")
    assert response.status_code == 302
    assert response["Location"] == base(cluster)
    with pytest.raises(NotFound):
        member_hanami.tasks.get(task.uuid, cluster.uuid)
    assert f"Task “{task.name}” deleted." in page(member_web, base(cluster))


def test_delete_over_htmx_answers_hx_redirect(
    member_web: Client,
    cluster: Cluster,
    digits: Dataset,
    member_hanami: HanamiClient,
    trained: Task,
) -> None:
    inputs, outputs = io(digits)
    task = member_hanami.tasks.train(unique_id("Doomed "), cluster.uuid, inputs, outputs)
    response = member_web.post(f"{base(cluster)}{task.uuid}/delete/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == base(cluster)
    # A running task is stopped, then dropped from the list soon after.
    deadline = time.monotonic() + 10
    while task.uuid in [row["uuid"] for row in member_hanami.tasks.list(cluster.uuid)]:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_running_request_waits_with_the_comparison_instead_of_failing(
    member_hanami: HanamiClient, requested: Task, digits: Dataset
) -> None:
    running = dataclasses.replace(requested, state="active", end_timestamp=None)
    result = member_hanami.datasets.get(requested.uuid)
    context = evaluation_context(
        client=member_hanami, task=running, result=result, reference=digits.uuid
    )
    assert context["waiting"] is True
    assert context["evaluation"] is None
    assert context["evaluation_form"].errors == {}
    finished = evaluation_context(
        client=member_hanami, task=requested, result=result, reference=digits.uuid
    )
    assert finished["waiting"] is False
    assert finished["evaluation"].confusion.rows == 1000


def test_outsider_posting_a_task_form_over_htmx_learns_no_hexagon_names(
    outsider_web: Client, known_cluster: Cluster
) -> None:
    for kind in ("train", "request"):
        response = outsider_web.post(f"{base(known_cluster)}{kind}/", {}, **HTMX)
        assert response.status_code == 404, kind
        assert b"picture_hex" not in response.content, kind
