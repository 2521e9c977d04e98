"""The pages fit a phone's width: nothing makes the page scroll sideways at 390 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from hanami_client import HanamiClient, TaskInput
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from tests.browser.test_first_slice import sign_in
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_datasets_upload import T10K_IMAGES, T10K_LABELS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def trained_cluster(backend_address: str, admin: Persona) -> Iterator[tuple[str, str]]:
    """A cluster with a long, unbroken name and a finished train task: (cluster, task) uuids."""
    with HanamiClient(backend_address, admin.token) as hanami:
        digits = hanami.datasets.upload_mnist(unique_id("Layout "), T10K_IMAGES, T10K_LABELS)
        cluster = hanami.clusters.create(unique_id("Layout" + "x" * 120), UPSTREAM_TEST_SHAPE)
        task = hanami.tasks.wait(
            hanami.tasks.train(
                "A" + "b" * 120,
                cluster.uuid,
                [TaskInput(digits.uuid, "picture", "picture_hex")],
                [TaskInput(digits.uuid, "label", "label_hex")],
            )
        )
        yield cluster.uuid, task.uuid
        hanami.clusters.delete(cluster.uuid)
        hanami.datasets.delete(digits.uuid)


def test_the_pages_fit_a_phone(
    page: Page, admin: Persona, trained_cluster: tuple[str, str]
) -> None:
    cluster_uuid, task_uuid = trained_cluster
    page.set_viewport_size(PHONE)
    page.goto("/")
    sign_in(page, admin.user_id, admin.passphrase)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    paths = [
        "/",
        "/datasets/",
        "/clusters/",
        "/clusters/new/",
        f"/clusters/{cluster_uuid}/",
        f"/clusters/{cluster_uuid}/tasks/",
        f"/clusters/{cluster_uuid}/tasks/{task_uuid}/",
        f"/clusters/{cluster_uuid}/direct/",
        "/checkpoints/",
        "/hosts/",
        "/logs/",
        "/system/",
        "/users/",
        "/projects/",
    ]
    too_wide = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}
