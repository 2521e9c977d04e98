"""Clusters and tasks in a browser: write a template, train on MNIST live, request, evaluate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Frame, Locator, Page, expect

from hanami_client import Dataset, HanamiClient, TaskInput
from tests.browser.test_first_slice import sign_in
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_datasets_upload import T10K_IMAGES, T10K_LABELS, TRAIN_IMAGES, TRAIN_LABELS

pytestmark = pytest.mark.browser

#: The upstream test shape with 4,096 hidden neurons: a pass over 4,000 rows takes long enough
#: (about a second) for the page to show rows done between 0 and 100 %.
TEMPLATE = """version: 1
settings:
  neuron_cooldown: 100000.0
  refractory_time: 1
  max_connection_distance: 4
  enable_reduction: false
hexagons:
  1,1,1
  2,1,1
  3,1,1
inputs:
  picture_hex: 1,1,1
outputs:
  label_hex: 3,1,1
"""
#: The same template pointing its output at a hexagon it does not have (line 14, position 14).
BROKEN = TEMPLATE.replace("label_hex: 3,1,1", "label_hex: 4,1,1")
REFUSAL = (
    "Uploaded template is not a valid cluster-template: "
    "line 14, position 14: Hexagon with the position [ 4 , 1 , 1 ] doesn't exist."
)
#: What Chromium logs when the backend refuses the template (the form comes back with 422).
REFUSED_STATUS = (
    "Failed to load resource: the server responded with a status of 422 (Unknown Status)"
)

# Records each state and value the task page's bar shows, from the first parse of the page on,
# and counts the live updates of its progress (installed through DevTools, so the CSP does not
# apply to it).
RECORD_LIVE = """(() => {
  window.barSeen = [];
  window.liveSwaps = 0;
  const note = (mutations) => {
    const swapped = mutations.some((m) => m.type === "childList" && m.target.id === "task-live");
    if (swapped && document.readyState !== "loading") { window.liveSwaps += 1; }
    const bar = document.getElementById("task-bar");
    const state = document.querySelector("#task-summary .task-state");
    if (!bar || !state) { return; }
    const seen = [state.textContent.trim(), Number(bar.getAttribute("value"))];
    const last = window.barSeen[window.barSeen.length - 1];
    if (!last || last[0] !== seen[0] || last[1] !== seen[1]) { window.barSeen.push(seen); }
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true});
})();"""


@pytest.fixture
def console(page: Page, member: Persona) -> list[str]:
    """The member signed in; the errors the console shows (a CSP violation, say), as text.

    Chromium also logs every answer with an error status (a form refused with 422, say): the
    test says which it expects.
    """
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} at {message.location['url']}")

    page.on("console", note)
    page.goto("/")
    sign_in(page, member.user_id, member.passphrase)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    return errors


@pytest.fixture
def snap(page: Page, screenshots: Path, request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Save a full-page screenshot of the current step.

    The caret stays as it is: hiding it, Playwright gives each input a ``style`` attribute and
    leaves an empty one behind, which htmx then copies onto the input that replaces it (its
    settle step), a CSP violation no person's browser would meet.
    """
    step = iter(range(1, 100))

    def take(name: str) -> None:
        path = screenshots / f"{request.node.name}-{next(step):02d}-{name}.png"
        page.screenshot(path=path, full_page=True, caret="initial")

    return take


@dataclass(frozen=True)
class Digits:
    """The MNIST sample as the member's datasets: 4,000 rows to train on, 1,000 to test with."""

    train: Dataset
    test: Dataset


@pytest.fixture(scope="module")
def digits(backend_address: str, member: Persona) -> Iterator[Digits]:
    """Both parts of the MNIST sample, uploaded through the client (the upload has its own test)."""
    with HanamiClient(backend_address, member.token) as hanami:
        train = hanami.datasets.upload_mnist(unique_id("Train digits "), TRAIN_IMAGES, TRAIN_LABELS)
        test = hanami.datasets.upload_mnist(unique_id("Test digits "), T10K_IMAGES, T10K_LABELS)
        yield Digits(train, test)
        for dataset in (train, test):
            hanami.datasets.delete(dataset.uuid)


@pytest.fixture
def cluster_name(backend_address: str, member: Persona) -> Iterator[str]:
    """A name for the cluster the test creates; it goes afterwards, with its result datasets."""
    name = unique_id("Browser cluster ")
    with HanamiClient(backend_address, member.token) as hanami:
        before = {row["uuid"] for row in hanami.datasets.list()}
        yield name
        for row in hanami.clusters.list():
            if row["name"] == name:
                hanami.clusters.delete(row["uuid"])
        for row in hanami.datasets.list():
            if row["uuid"] not in before:
                hanami.datasets.delete(row["uuid"])


def label_of(dataset: Dataset) -> str:
    """How the task forms name a dataset in their selects."""
    return f"{dataset.name} ({dataset.uuid[:8]})"


def choose_item(item: Locator, dataset: Dataset, column: str, hexagon: str) -> None:
    """Point one input or expected output of a task form at a dataset column and a hexagon."""
    item.get_by_label("Dataset").select_option(label=label_of(dataset))
    # The column options follow the dataset (htmx); the preferred column comes preselected.
    expect(item.get_by_label("Column")).to_have_value(column)
    item.get_by_label("Hexagon").select_option(hexagon)


def create_cluster(page: Page, name: str, snap: Callable[[str], None]) -> None:
    """Write a broken template, see it refused at its line, then fix it and create the cluster."""
    page.get_by_role("navigation", name="Resources").get_by_role("link", name="Clusters").click()
    expect(page.get_by_role("heading", name="Clusters", exact=True)).to_be_visible()
    page.get_by_role("link", name="New cluster").click()
    expect(page.get_by_role("heading", name="New cluster")).to_be_visible()
    page.wait_for_load_state()  # htmx and the editor have set up
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("Valid template.")
    snap("editor-with-example")

    page.get_by_label("Name", exact=True).fill(name)
    editor = page.get_by_role("textbox", name="Template")
    editor.fill(BROKEN)
    expect(preview).to_contain_text("Not valid: line 14, position 14")
    snap("editor-preview-refuses")
    page.get_by_role("button", name="Create cluster").click()
    expect(page.get_by_text(REFUSAL)).to_be_visible()
    expect(editor).to_have_attribute("aria-invalid", "true")
    # The refused part is selected in the editor.
    assert editor.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)") == "4,1,1"
    snap("backend-refuses-template")

    editor.fill(TEMPLATE)
    expect(preview).to_contain_text("Valid template.")
    page.get_by_role("button", name="Create cluster").click()
    expect(page.get_by_role("heading", name=f"Cluster “{name}”")).to_be_visible()
    expect(page.get_by_text(f"Cluster “{name}” created.")).to_be_visible()


def start_training(page: Page, name: str, digits: Digits) -> None:
    """Fill in the cluster page's train form with the 4,000 training rows and send it."""
    form = page.get_by_role("region", name="Train")
    form.get_by_label("Task name").fill(name)
    choose_item(form.get_by_role("group", name="Input 1"), digits.train, "picture", "picture_hex")
    choose_item(form.get_by_role("group", name="Output 1"), digits.train, "label", "label_hex")
    form.get_by_role("button", name="Start training").click()
    expect(page.get_by_role("heading", name=f"Task “{name}”")).to_be_visible()


def test_member_creates_a_cluster_trains_it_live_and_evaluates_a_request(
    page: Page,
    portal: str,
    console: list[str],
    snap: Callable[[str], None],
    digits: Digits,
    cluster_name: str,
) -> None:
    name = cluster_name
    create_cluster(page, name, snap)
    snap("cluster-created")

    # A first pass fills the hidden neurons; the second one shows rows done batch by batch.
    page.context.add_init_script(script=RECORD_LIVE)
    expect(page.get_by_role("region", name="Train").get_by_label("Task name")).to_be_visible()
    snap("train-form")
    start_training(page, "First pass", digits)
    page.get_by_role("link", name=f"Cluster “{name}”").click()
    start_training(page, "Second pass", digits)
    navigations: list[str] = []

    def note(frame: Frame) -> None:
        if frame == page.main_frame:
            navigations.append(frame.url)

    page.on("framenavigated", note)
    bar = page.get_by_role("progressbar", name="Rows done")
    summary = page.get_by_role("status").filter(has_text="% of 4000 rows")
    expect(summary).to_contain_text("Finished 100 % of 4000 rows", timeout=60_000)
    expect(bar).to_have_js_property("value", 100)
    expect(page.get_by_text("4000 of 4000 rows (100.0 %)")).to_be_visible()
    expect(page.get_by_role("img", name="Rows done over time")).to_be_visible()
    snap("second-pass-finished")
    seen = page.evaluate("window.barSeen")
    assert navigations == []
    values = [value for _, value in seen]
    assert seen[0][0] in {"Queued", "Active"}
    assert seen[-1] == ["Finished", 100]
    assert values == sorted(values)
    assert any(0 < value < 100 for value in values), seen

    page.get_by_role("link", name=f"Cluster “{name}”").click()
    queue = page.get_by_role("region", name="Task queue")
    for task in ("First pass", "Second pass"):
        row = queue.get_by_role("row", name=re.compile(task))
        expect(row).to_contain_text("Finished")
        expect(row.get_by_role("progressbar")).to_have_js_property("value", 100)
    request = page.get_by_role("region", name="Request")
    request.get_by_label("Task name").fill("Digits request")
    choose_item(request.get_by_role("group", name="Input 1"), digits.test, "picture", "picture_hex")
    results = request.get_by_role("group", name="Result 1")
    expect(results.get_by_label("Hexagon")).to_have_value("label_hex")
    results.get_by_label("Result column").fill("digit")
    snap("request-form")
    request.get_by_role("button", name="Start request").click()
    expect(page.get_by_role("heading", name="Task “Digits request”")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="% of 1000 rows")).to_contain_text(
        "Finished 100 % of 1000 rows", timeout=60_000
    )
    evaluation = page.get_by_role("region", name="Results")
    expect(evaluation.get_by_label("Labelled dataset")).to_have_value(digits.test.uuid)
    evaluation.get_by_role("button", name="Compare").click()
    accuracy = re.compile(r"(\d+) of 1000 rows predicted correctly")
    expect(evaluation.get_by_text(accuracy)).to_be_visible()
    expect(evaluation.get_by_role("img", name=re.compile("^Confusion matrix"))).to_be_visible()
    expect(evaluation.get_by_role("img", name=re.compile(r"^Row 0: a handwritten"))).to_be_visible()
    # Guessing gets about 100 right; two passes over the 4,000 rows get well above 900.
    correct = int(accuracy.search(evaluation.inner_text()).group(1))
    assert correct >= 800
    snap("request-evaluated")
    assert console == [f"{REFUSED_STATUS} at {portal}/clusters/new/"]


def test_member_saves_a_checkpoint_and_deletes_checkpoint_task_and_cluster(
    page: Page,
    console: list[str],
    snap: Callable[[str], None],
    digits: Digits,
    backend_address: str,
    member: Persona,
    cluster_name: str,
) -> None:
    page.context.add_init_script(script=RECORD_LIVE)
    with HanamiClient(backend_address, member.token) as hanami:
        cluster = hanami.clusters.create(cluster_name, TEMPLATE)
        inputs = [TaskInput(digits.test.uuid, "picture", "picture_hex")]
        outputs = [TaskInput(digits.test.uuid, "label", "label_hex")]
        hanami.tasks.wait(hanami.tasks.train("Quick pass", cluster.uuid, inputs, outputs))

    page.get_by_role("navigation", name="Resources").get_by_role("link", name="Clusters").click()
    expect(page.get_by_role("row", name=re.compile(cluster_name))).to_contain_text(cluster.uuid)
    snap("clusters")
    page.get_by_role("link", name=cluster_name).click()
    expect(page.get_by_role("heading", name=f"Cluster “{cluster_name}”")).to_be_visible()
    page.wait_for_load_state()  # htmx has set up its forms
    # Made with the client, so the portal never saw its template.
    expect(page.get_by_text("Template not known to the portal")).to_be_visible()
    page.get_by_label("Checkpoint name").fill("Quick checkpoint")
    page.get_by_role("button", name="Save checkpoint").click()
    expect(page.get_by_role("status").filter(has_text="saved")).to_contain_text(
        "Checkpoint “Quick checkpoint” saved"
    )
    queue = page.get_by_role("region", name="Task queue")
    expect(queue.get_by_role("row", name=re.compile("Quick pass"))).to_contain_text("Finished")
    snap("cluster-made-elsewhere-saved")

    page.get_by_role("link", name="open the checkpoint").click()
    expect(page.get_by_role("heading", name="Checkpoint “Quick checkpoint”")).to_be_visible()
    snap("checkpoint")
    page.get_by_role("link", name="All checkpoints").click()
    expect(page.get_by_role("heading", name="Checkpoints")).to_be_visible()
    snap("checkpoints")
    page.get_by_role("link", name="Quick checkpoint").click()
    page.get_by_role("link", name="Delete").click()
    expect(
        page.get_by_role("heading", name="Delete checkpoint “Quick checkpoint”?")
    ).to_be_visible()
    snap("checkpoint-delete")
    page.get_by_role("button", name="Delete checkpoint").click()
    expect(page.get_by_text("Checkpoint “Quick checkpoint” deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Quick checkpoint")).to_have_count(0)

    page.goto(f"/clusters/{cluster.uuid}/tasks/")
    expect(page.get_by_role("heading", name=f"Tasks of cluster “{cluster_name}”")).to_be_visible()
    snap("tasks")
    page.get_by_role("link", name="Quick pass", exact=True).click()
    expect(page.get_by_role("heading", name="Task “Quick pass”")).to_be_visible()
    # Once the live update came, the chart still ends when the task did (the page first looked
    # at it seconds later).
    page.wait_for_function("() => window.liveSwaps > 0")
    chart = page.get_by_role("img", name="Rows done over time")
    done = r"1000 of 1000 rows done (?:([\d.]+) s|under 1 s) after"
    expect(chart).to_have_accessible_name(re.compile(done))
    span = re.search(done, chart.locator("desc").text_content() or "")
    running = page.get_by_text("Running time").locator("xpath=following-sibling::dd[1]")
    ran = re.fullmatch(r"([\d.]+) s|under 1 s", running.inner_text())
    assert span is not None
    assert ran is not None
    assert float(span.group(1) or 0) <= float(ran.group(1) or 0) + 1
    snap("task")
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete task “Quick pass”?")).to_be_visible()
    snap("task-delete")
    page.get_by_role("button", name="Delete task").click()
    expect(page.get_by_text("Task “Quick pass” deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Quick pass", exact=True)).to_have_count(0)

    page.get_by_role("link", name=f"Cluster “{cluster_name}”").click()
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name=f"Delete cluster “{cluster_name}”?")).to_be_visible()
    snap("cluster-delete")
    page.get_by_role("button", name="Delete cluster").click()
    expect(page.get_by_text(f"Cluster “{cluster_name}” deleted.")).to_be_visible()
    expect(page.get_by_role("link", name=cluster_name)).to_have_count(0)
    snap("cluster-deleted")
    assert console == []


def test_a_double_click_on_start_training_queues_one_task(
    page: Page,
    console: list[str],
    digits: Digits,
    backend_address: str,
    member: Persona,
    cluster_name: str,
) -> None:
    with HanamiClient(backend_address, member.token) as hanami:
        cluster = hanami.clusters.create(cluster_name, TEMPLATE)
    page.goto(f"/clusters/{cluster.uuid}/")
    page.wait_for_load_state()  # htmx has set up its forms
    form = page.get_by_role("region", name="Train")
    form.get_by_label("Task name").fill("Clicked twice")
    # Made with the client: the portal does not know its hexagons, so they are typed.
    for group, dataset_column, hexagon in (
        ("Input 1", "picture", "picture_hex"),
        ("Output 1", "label", "label_hex"),
    ):
        item = form.get_by_role("group", name=group)
        item.get_by_label("Dataset").select_option(label=label_of(digits.test))
        expect(item.get_by_label("Column")).to_have_value(dataset_column)
        item.get_by_label("Hexagon").fill(hexagon)
    form.get_by_role("button", name="Start training").dblclick()
    expect(page.get_by_role("heading", name="Task “Clicked twice”")).to_be_visible()
    with HanamiClient(backend_address, member.token) as hanami:
        names = [
            hanami.tasks.get(row["uuid"], cluster.uuid).name
            for row in hanami.tasks.list(cluster.uuid)
        ]
    assert names == ["Clicked twice"]
    assert console == []
