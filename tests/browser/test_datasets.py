"""Datasets in a real browser: upload the MNIST sample in chunks, look at it, resume, delete."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Route, expect

from hanami_client import HanamiClient
from tests.browser.test_first_slice import sign_in
from tests.conftest import Persona
from tests.portal.test_datasets_pages import TABLE_CSV, result_csv
from tests.portal.test_datasets_upload import T10K_IMAGES, T10K_LABELS

pytestmark = pytest.mark.browser

TOTAL = T10K_IMAGES.stat().st_size + T10K_LABELS.stat().st_size

# Records every value the page gives the upload's <progress> (run through DevTools, not the page,
# so the CSP does not apply to it).
RECORD_BAR = """() => {
  const property = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value");
  window.barValues = [];
  Object.defineProperty(HTMLProgressElement.prototype, "value", {
    configurable: true,
    get() { return property.get.call(this); },
    set(value) {
      if (this.id === "upload-bar") { window.barValues.push([value, this.max]); }
      property.set.call(this, value);
    },
  });
}"""


@pytest.fixture
def signed_in(page: Page, member: Persona) -> Iterator[Page]:
    """The member signed in; the test fails on any console error (a CSP violation, say)."""
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", note)
    page.goto("/")
    sign_in(page, member.user_id, member.passphrase)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    yield page
    assert errors == []


@pytest.fixture
def snap(page: Page, screenshots: Path, request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Save a full-page screenshot of the current step."""
    step = iter(range(1, 100))

    def take(name: str) -> None:
        path = screenshots / f"{request.node.name}-{next(step):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)

    return take


def choose_mnist_files(page: Page) -> None:
    page.get_by_label("Images file", exact=True).set_input_files(T10K_IMAGES)
    page.get_by_label("Labels file", exact=True).set_input_files(T10K_LABELS)


def bar_values(page: Page) -> list[float]:
    """The values the bar was given, each as a fraction of its maximum at that moment."""
    return [value / maximum for value, maximum in page.evaluate("window.barValues")]


def test_member_uploads_the_mnist_sample_sees_digits_and_deletes_it(
    signed_in: Page, snap: Callable[[str], None]
) -> None:
    page = signed_in
    name = "Browser digits"
    page.get_by_role("navigation", name="Resources").get_by_role("link", name="Datasets").click()
    expect(page.get_by_role("heading", name="Datasets")).to_be_visible()
    page.get_by_role("link", name="Upload a dataset").click()
    expect(page.get_by_label("CSV file", exact=True)).to_be_hidden()

    sent: list[str] = []
    page.on(
        "request", lambda request: sent.append(request.url) if "/uploads/" in request.url else None
    )
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Images file", exact=True).set_input_files(T10K_LABELS)
    page.get_by_label("Labels file", exact=True).set_input_files(T10K_LABELS)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("This is an idx labels file (magic number 2049)")).to_be_visible()
    expect(page.get_by_label("Images file", exact=True)).to_have_attribute("aria-invalid", "true")
    snap("wrong-file-refused-before-sending")

    page.get_by_label("Name", exact=True).fill("9 bad name")
    choose_mnist_files(page)
    page.get_by_role("button", name="Upload").click()
    name_field = page.get_by_label("Name", exact=True)
    expect(name_field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Not allowed here: use a letter")).to_be_visible()
    snap("name-refused-before-sending")

    assert sent == []
    name_field.fill(name)
    page.evaluate(RECORD_BAR)
    page.get_by_role("button", name="Upload").click()
    figures = page.locator("[data-upload-figures]")
    expect(figures).to_contain_text("100 %")
    expect(page.get_by_text(f"The dataset “{name}” is ready.")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Sent")
    expect(bar).to_have_js_property("value", TOTAL)
    expect(bar).to_have_js_property("max", TOTAL)
    values = bar_values(page)
    assert values[0] == 0
    assert values[-1] == 1
    assert values == sorted(values)
    assert any(0 < value < 1 for value in values)
    expect(page.locator('[data-step="convert"]')).to_have_attribute("data-state", "done")
    snap("upload-done")

    page.get_by_role("link", name="Open the dataset").click()
    expect(page.get_by_role("heading", name=f"Dataset “{name}”")).to_be_visible()
    digits = page.locator('img[src^="data:image/png;base64,"]')
    expect(digits).to_have_count(48)
    assert digits.first.evaluate("image => image.complete && image.naturalWidth") == 28
    first_label = T10K_LABELS.read_bytes()[8]
    expect(page.get_by_role("img", name=f"Row 0: a handwritten {first_label}")).to_be_visible()
    snap("detail-with-digits")

    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name=f"Delete dataset “{name}”?")).to_be_visible()
    snap("confirm-delete")
    page.get_by_role("button", name="Delete dataset").click()
    expect(page.get_by_text(f"Dataset “{name}” deleted.")).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    snap("deleted")


def test_interrupted_upload_goes_on_after_a_reload(
    signed_in: Page, snap: Callable[[str], None], backend_address: str, member: Persona
) -> None:
    page = signed_in
    name = "Interrupted digits"
    held: list[Route] = []
    # The labels chunk never gets an answer: the page is reloaded while it waits.
    page.route(re.compile(r"/chunk\?role=label"), lambda route: held.append(route))
    page.goto("/datasets/upload/")
    page.get_by_label("Name", exact=True).fill(name)
    choose_mnist_files(page)
    with page.expect_request(re.compile(r"/chunk\?role=label")):
        page.get_by_role("button", name="Upload").click()
    expect(page.locator("[data-upload-figures]")).to_contain_text("99 %")
    snap("waiting-for-the-labels-chunk")

    page.reload()
    # Never let the held chunk through: the backend must not see the labels before the resume.
    for route in held:
        with contextlib.suppress(Error):
            route.abort()
    page.unroute(re.compile(r"/chunk\?role=label"))
    note = page.locator("#resume-note")
    expect(note).to_contain_text(f"Continuing the upload of “{name}”, interrupted at 99 %")
    expect(note).to_contain_text("“t10k-images-idx3-ubyte” and “t10k-labels-idx1-ubyte”")
    expect(page.get_by_role("region", name="Interrupted uploads")).to_contain_text(name)
    snap("resume-offered")

    choose_mnist_files(page)
    page.evaluate(RECORD_BAR)
    page.get_by_role("button", name="Continue upload").click()
    expect(page.locator("[data-upload-figures]")).to_contain_text("100 %")
    expect(page.get_by_role("link", name="Open the dataset")).to_be_visible()
    values = bar_values(page)
    # It went on from the images already acknowledged, not from zero.
    assert values[0] == T10K_IMAGES.stat().st_size / TOTAL
    assert values[-1] == 1
    snap("resumed-and-done")

    uuid = page.get_by_role("link", name="Open the dataset").get_attribute("href").split("/")[2]
    with HanamiClient(backend_address, member.token) as hanami:
        dataset = hanami.datasets.get(uuid)
        hanami.datasets.delete(uuid)
    assert (dataset.name, dataset.number_of_rows) == (name, 1000)


def test_csv_preview_and_accuracy_heat_map_render_without_errors(
    signed_in: Page, snap: Callable[[str], None], backend_address: str, member: Persona
) -> None:
    page = signed_in
    with HanamiClient(backend_address, member.token) as hanami:
        digits = hanami.datasets.upload_mnist("Heat map digits", T10K_IMAGES, T10K_LABELS)
        table = hanami.datasets.upload_csv("Heat map table", TABLE_CSV)
        result = hanami.datasets.upload_csv("Heat map result", result_csv())
    try:
        page.goto("/datasets/")
        expect(page.get_by_role("link", name="Heat map table")).to_be_visible()
        snap("list")
        page.get_by_role("link", name="Heat map table").click()
        expect(page.get_by_role("img", name=re.compile(r"^Column x"))).to_be_visible()
        snap("csv-detail")

        page.goto("/datasets/accuracy/")
        page.get_by_label("Result dataset").select_option(result.uuid)
        page.get_by_label("Labelled reference").select_option(digits.uuid)
        page.get_by_role("button", name="Compare").click()
        expect(page.get_by_text("900 of 1000 rows predicted correctly")).to_be_visible()
        heat = page.get_by_role("img", name=re.compile("^Confusion matrix"))
        expect(heat).to_be_visible()
        assert f"result={result.uuid}" in page.url
        snap("accuracy")
    finally:
        with HanamiClient(backend_address, member.token) as hanami:
            for dataset in (digits, table, result):
                hanami.datasets.delete(dataset.uuid)
