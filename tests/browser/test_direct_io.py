"""Try it in a real browser: draw a digit on a trained cluster's canvas, see its ten outputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from hanami_client import Cluster, Conflict, HanamiClient, TaskInput
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from tests.browser.test_datasets import signed_in, snap  # noqa: F401 - fixtures
from tests.browser.test_first_slice import sign_in
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_tasks_pages import IMAGES, LABELS

pytestmark = pytest.mark.browser

#: A "1": one stroke down the middle of the canvas, in canvas fractions.
ONE = [(0.52, 0.18), (0.51, 0.35), (0.50, 0.55), (0.49, 0.82)]


@pytest.fixture(scope="module")
def trained_cluster(backend_address: str, member: Persona) -> Iterator[Cluster]:
    """A cluster of the upstream shape trained on the MNIST sample, made without the portal."""
    with HanamiClient(backend_address, member.token) as hanami:
        digits = hanami.datasets.upload_mnist(unique_id("Drawn digits "), IMAGES, LABELS)
        cluster = hanami.clusters.create(unique_id("Drawn cluster "), UPSTREAM_TEST_SHAPE)
        task = hanami.tasks.train(
            unique_id("Train "),
            cluster.uuid,
            [TaskInput(digits.uuid, "picture", "picture_hex")],
            [TaskInput(digits.uuid, "label", "label_hex")],
        )
        hanami.tasks.wait(task, interval=0.05, timeout=120)
        yield cluster
        hanami.clusters.delete(cluster.uuid)
        hanami.datasets.delete(digits.uuid)


def draw(page: Page, stroke: list[tuple[float, float]]) -> None:
    """Draw one stroke on the canvas with the mouse, through the given points."""
    box = page.get_by_role("img", name="Drawing area").bounding_box()
    assert box is not None
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=8)
    page.mouse.up()


def released(backend_address: str, member: Persona, cluster_uuid: str) -> bool:
    """True when the cluster is back in task mode: DIRECT is allowed (and undone) then."""
    with HanamiClient(backend_address, member.token) as hanami:
        try:
            hanami.clusters.set_mode(cluster_uuid, "DIRECT")
        except Conflict:
            return False
        hanami.clusters.set_mode(cluster_uuid, "TASK")
    return True


def test_drawing_a_digit_shows_ten_outputs_and_leaving_frees_the_cluster(
    signed_in: Page,  # noqa: F811
    snap: Callable[[str], None],  # noqa: F811
    chromium: Browser,
    portal: str,
    admin: Persona,
    trained_cluster: Cluster,
    backend_address: str,
    member: Persona,
) -> None:
    page = signed_in
    page.goto(f"/clusters/{trained_cluster.uuid}/")
    page.get_by_role("link", name="Try it").click()
    # The portal did not create this cluster: it asks for the hexagons to drive.
    page.get_by_label("Input hexagon").fill("picture_hex")
    page.get_by_label("Output hexagon").fill("label_hex")
    page.get_by_role("button", name="Continue").click()
    status = page.get_by_role("status").filter(has_text="drive this cluster")
    expect(status).to_contain_text("Connected: you drive this cluster now.")
    snap("connected")

    draw(page, ONE)
    chart = page.get_by_role("img", name="Ten outputs of label_hex, one per digit")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(10)
    predicted = page.locator("[data-predicted]")
    expect(predicted).to_have_text("1")
    values = [
        float(value)
        for value in chart.locator("rect").evaluate_all(
            "bars => bars.map(bar => bar.dataset.value)"
        )
    ]
    assert values.index(max(values)) == 1
    snap("a-one-predicted")

    page.get_by_role("button", name="Teach: this is a 1").click()
    expect(page.get_by_text("Taught: this drawing is a 1.")).to_be_visible()
    page.get_by_role("button", name="Clear").click()
    expect(
        page.get_by_text("Draw a digit: its ten outputs and the predicted digit")
    ).to_be_visible()

    # A second browser is told who drives the cluster.
    other = chromium.new_context(base_url=portal)
    second = other.new_page()
    second.goto("/")
    sign_in(second, admin.user_id, admin.passphrase)
    second.goto(page.url)
    expect(second.get_by_text("In use by User memberuser (memberuser)")).to_be_visible()
    # Its canvas and teach buttons rest: it does not drive the cluster.
    expect(second.get_by_role("button", name="Teach: this is a 1")).to_be_disabled()
    expect(second.locator("#digit-canvas")).to_have_attribute("aria-disabled", "true")
    other.close()

    # The same cluster through the form of values (htmx sends the form over the socket).
    page.get_by_role("link", name="Use a form of values").click()
    expect(status).to_contain_text("Connected: you drive this cluster now.")
    picture = IMAGES.read_bytes()[16 : 16 + 784]
    label = LABELS.read_bytes()[8]
    page.get_by_label("Input “picture_hex”").fill(" ".join(map(str, picture)))
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_text(f"“label_hex”: 10 values, the highest at index {label}")
    ).to_be_visible()
    snap("a-form-of-values")

    page.goto("/")
    deadline = time.monotonic() + 10
    while not released(backend_address, member, trained_cluster.uuid):
        assert time.monotonic() < deadline, "the cluster stayed in direct mode"
        time.sleep(0.1)
