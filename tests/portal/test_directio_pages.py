"""The Try-it page against the real embedded backend: canvas or form, hexagon names, release."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from hanami_client import Cluster, Conflict, HanamiClient
from portal.clusters.services import remember_template
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_directio_relay import someone_drives
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    known_cluster,
    member_hanami,
    outsider_web,
    page,
)

#: Two inputs and two outputs, none of them named like a picture.
SENSORS = """version: 1
settings:
  refractory_time: 1
hexagons:
  1,1,1
  2,1,1
  3,1,1
  4,1,1
inputs:
  left: 1,1,1
  right: 2,1,1
outputs:
  sum: 3,1,1
  carry: 4,1,1
"""


def base(cluster: Cluster) -> str:  # noqa: F811 - the fixture's name
    return f"/clusters/{cluster.uuid}/direct/"


@pytest.fixture
def sensors(member_hanami: HanamiClient, db: None, member: Persona) -> Iterator[Cluster]:  # noqa: F811
    """A cluster of two inputs and two outputs that the portal knows."""
    made = member_hanami.clusters.create(unique_id("Sensors "), SENSORS)
    remember_template(cluster_uuid=made.uuid, text=SENSORS, created_by=member.user_id)
    yield made
    member_hanami.clusters.delete(made.uuid)


@pytest.fixture(autouse=True)
def no_locks() -> Iterator[None]:
    """No lock of an earlier test (the cache outlives them)."""
    cache.clear()
    yield
    cache.clear()


def in_task_mode(hanami: HanamiClient, cluster_uuid: str) -> bool:
    """True when TASK is refused because the cluster is in task mode already."""
    try:
        hanami.clusters.set_mode(cluster_uuid, "TASK")
    except Conflict:
        return True
    return False


def test_the_cluster_page_links_to_try_it(member_web: Client, known_cluster: Cluster) -> None:  # noqa: F811
    text = page(member_web, f"/clusters/{known_cluster.uuid}/")
    assert f'<a class="button" href="{base(known_cluster)}">Try it</a>' in text


def test_an_mnist_shaped_cluster_gets_the_canvas(
    member_web: Client,
    known_cluster: Cluster,  # noqa: F811
) -> None:
    text = page(member_web, base(known_cluster))
    assert f'ws-connect="/ws/clusters/{known_cluster.uuid}/direct/digits/"' in text
    assert 'data-input="picture_hex" data-output="label_hex"' in text
    assert '<canvas id="digit-canvas"' in text
    assert 'aria-label="Drawing area: draw one digit with the mouse, a pen or a finger"' in text
    assert len(re.findall(r'data-teach="\d"', text)) == 10
    assert 'data-state="connecting"' in text
    assert '<a class="button button--quiet" href="?view=values">Use a form of values</a>' in text
    assert "js/direct-io.js" in text
    assert "django_htmx/ext/hx-ws-2.js" in text


def test_the_form_view_of_the_same_cluster(member_web: Client, known_cluster: Cluster) -> None:  # noqa: F811
    text = page(member_web, base(known_cluster), view="values")
    assert f'ws-connect="/ws/clusters/{known_cluster.uuid}/direct/"' in text
    assert '<form id="values-form" class="form direct-values-form" ws-send' in text
    assert 'name="inputs.picture_hex"' in text
    assert 'name="expected.label_hex"' in text
    assert "digit-canvas" not in text
    assert 'href="?view=digits">Draw on a 28\N{MULTIPLICATION SIGN}28 canvas</a>' in text


def test_other_shapes_get_a_form_of_every_hexagon_and_no_canvas(
    member_web: Client, sensors: Cluster
) -> None:
    for view in ("", "digits"):
        text = page(member_web, base(sensors), **({"view": view} if view else {}))
        assert re.findall(r'name="(inputs\.\w+|expected\.\w+)"', text) == [
            "inputs.left",
            "inputs.right",
            "expected.sum",
            "expected.carry",
        ]
        assert "digit-canvas" not in text
        assert "28\N{MULTIPLICATION SIGN}28 canvas" not in text


def test_an_unknown_template_asks_for_the_hexagon_names(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
) -> None:
    text = page(member_web, base(cluster))
    assert "The portal does not know this cluster's template" in text
    assert 'name="input"' in text
    assert 'name="output"' in text
    assert "ws-connect" not in text
    refused = page(member_web, base(cluster), input="picture hex", output="label_hex")
    assert "Not a hexagon name: use letters, digits and _." in refused
    assert "ws-connect" not in refused
    named = page(member_web, base(cluster), input="picture_hex", output="label_hex")
    assert f'ws-connect="/ws/clusters/{cluster.uuid}/direct/digits/"' in named
    assert 'href="?view=values&amp;input=picture_hex&amp;output=label_hex"' in named


def test_the_page_has_no_inline_script_or_style(member_web: Client, known_cluster: Cluster) -> None:  # noqa: F811
    for view in ("digits", "values"):
        text = page(member_web, base(known_cluster), view=view)
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) is None
        assert "<style" not in text
        assert " style=" not in text
        assert re.search(r"\son[a-z]+=", text) is None


def test_outsider_and_anonymous_get_no_page(
    outsider_web: Client,  # noqa: F811
    web: str,
    known_cluster: Cluster,  # noqa: F811
) -> None:
    assert outsider_web.get(base(known_cluster)).status_code == 404
    response = Client().get(base(known_cluster))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Client().post(f"{base(known_cluster)}release/").status_code == 302


def test_release_switches_a_stuck_cluster_back_to_task_mode(
    member_web: Client,
    known_cluster: Cluster,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    member_hanami.clusters.set_mode(known_cluster.uuid, "DIRECT")
    response = member_web.post(f"{base(known_cluster)}release/", follow=True)
    assert "Switched back to task mode: its tasks run again." in response.content.decode()
    assert in_task_mode(member_hanami, known_cluster.uuid)
    again = member_web.post(f"{base(known_cluster)}release/", follow=True)
    assert "The cluster is in task mode already." in again.content.decode()
    assert member_web.get(f"{base(known_cluster)}release/").status_code == 405


def test_release_leaves_a_cluster_that_a_browser_drives(
    member_web: Client,
    known_cluster: Cluster,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    member_hanami.clusters.set_mode(known_cluster.uuid, "DIRECT")
    try:
        someone_drives(known_cluster.uuid)
        response = member_web.post(f"{base(known_cluster)}release/", follow=True)
        assert "Not switched: Some One drives this cluster right now." in response.content.decode()
        assert not in_task_mode(member_hanami, known_cluster.uuid)
    finally:
        with contextlib.suppress(Conflict):
            member_hanami.clusters.set_mode(known_cluster.uuid, "TASK")


def test_an_outsiders_release_is_the_404_and_names_no_driver(
    outsider_web: Client,  # noqa: F811
    known_cluster: Cluster,  # noqa: F811
) -> None:
    someone_drives(known_cluster.uuid)
    response = outsider_web.post(f"{base(known_cluster)}release/")
    assert response.status_code == 404
    assert "Some One" not in outsider_web.get("/").content.decode()
