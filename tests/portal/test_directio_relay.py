"""The Try-it relay over Channels, against the real embedded backend: one browser drives a
cluster, a second is told who has it, leaving switches it back to task mode."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client

from hanami_client import Cluster, Conflict, Dataset, HanamiClient, Task
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from portal.asgi import application
from portal.core.session import SESSION_KEY
from portal.directio.consumers import BUSY, EXPIRED, EXPIRY_MARGIN, FAILED, IN_USE
from portal.directio.locks import claim, holder_of
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, start_backend
from tests.portal.conftest import sign_in_page, unique_id
from tests.portal.test_task_progress import cookie_of
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    IMAGES,
    LABELS,
    cluster,
    digits,
    io,
    known_cluster,
    member_hanami,
    outsider_web,
    trained,
)

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30.0
BAR = re.compile(r'<rect class="direct-chart__bar[^"]*"[^>]*data-index="(\d)" data-value="([^"]+)"')
PREDICTED = re.compile(r'data-predicted="(\d)"')


def mnist_row(row: int) -> tuple[list[int], int]:
    """A picture of the t10k sample as 784 pixel bytes, and its label."""
    pictures = IMAGES.read_bytes()
    start = 16 + row * 784
    return list(pictures[start : start + 784]), LABELS.read_bytes()[8 + row]


def digits_path(cluster: Cluster) -> str:  # noqa: F811 - the fixture's name
    return f"/ws/clusters/{cluster.uuid}/direct/digits/"


def values_path(cluster: Cluster) -> str:  # noqa: F811 - the fixture's name
    return f"/ws/clusters/{cluster.uuid}/direct/"


async def drive(path: str, cookie: bytes | None) -> tuple[WebsocketCommunicator, bool]:
    """Open a relay socket as a browser of the portal's own origin would."""
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=WAIT)
    return communicator, connected


async def status(communicator: WebsocketCommunicator) -> str:
    """The state of the next status fragment."""
    html = await communicator.receive_from(timeout=WAIT)
    assert html.startswith('<div id="direct-status" hx-swap-oob="innerHTML">'), html
    match = re.search(r'data-state="(\w+)"', html)
    assert match is not None
    return match.group(1)


async def ready(path: str, cookie: bytes) -> WebsocketCommunicator:
    """A relay socket that drives the cluster."""
    communicator, connected = await drive(path, cookie)
    assert connected
    assert await status(communicator) == "ready"
    return communicator


async def ask(communicator: WebsocketCommunicator, message: Any) -> str:
    """Send one message (an object as JSON, a str as it is) and return its reply."""
    text = message if isinstance(message, str) else json.dumps(message)
    await communicator.send_to(text_data=text)
    return await communicator.receive_from(timeout=WAIT)


def someone_drives(cluster_uuid: str) -> None:
    """Another user's browser ("Some One") holds the cluster's lock."""
    taken = async_to_sync(claim)(
        cluster_uuid, user_id="someone", name="Some One", channel="elsewhere"
    )
    assert taken is None


async def ended(communicator: WebsocketCommunicator, state: str, text: str) -> int:
    """The close code after the status fragment that says why the socket no longer drives."""
    html = await communicator.receive_from(timeout=WAIT)
    assert f'data-state="{state}"' in html
    assert text in html
    closed = await communicator.receive_output(timeout=WAIT)
    assert closed["type"] == "websocket.close"
    return closed["code"]


def problem_of(reply: str) -> str:
    match = re.search(r'<p class="form-errors" data-reply="problem">(.*?)</p>', reply, re.S)
    assert match is not None, reply
    return match.group(1)


async def in_task_mode(hanami: HanamiClient, cluster_uuid: str) -> bool:
    """True when the backend says the cluster is in task mode (TASK answers 409 then)."""
    try:
        await asyncio.to_thread(hanami.clusters.set_mode, cluster_uuid, "TASK")
    except Conflict:
        return True
    return False


async def in_direct_mode(hanami: HanamiClient, cluster_uuid: str) -> bool:
    """True when the backend says the cluster is in direct mode (DIRECT answers 409 then)."""
    try:
        await asyncio.to_thread(hanami.clusters.set_mode, cluster_uuid, "DIRECT")
    except Conflict:
        return True
    await asyncio.to_thread(hanami.clusters.set_mode, cluster_uuid, "TASK")
    return False


@pytest.fixture
def fresh_lock(known_cluster: Cluster) -> Iterator[Cluster]:  # noqa: F811
    """The known cluster with no lock left by an earlier test (the cache outlives them)."""
    cache.clear()
    yield known_cluster
    cache.clear()


async def test_a_browser_draws_on_a_trained_cluster_and_gets_ten_outputs(
    member_web: Client,
    fresh_lock: Cluster,
    trained: Task,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    socket = await ready(digits_path(fresh_lock), cookie_of(member_web))
    holder = await holder_of(fresh_lock.uuid)
    assert holder is not None
    assert holder.user_id == "memberuser"
    assert await in_direct_mode(member_hanami, fresh_lock.uuid)
    for row in (0, 1, 2):
        picture, label = mnist_row(row)
        reply = await ask(socket, {"kind": "request", "inputs": {"picture_hex": picture}})
        assert reply.startswith('<div id="direct-outputs" hx-swap-oob="innerHTML">')
        bars = {int(index): float(value) for index, value in BAR.findall(reply)}
        assert sorted(bars) == list(range(10))
        predicted = int(PREDICTED.search(reply).group(1))
        assert predicted == max(range(10), key=lambda digit: bars[digit])
        # Trained on these very rows: the cluster knows them.
        assert predicted == label
        assert '<div id="direct-problem" hx-swap-oob="innerHTML"></div>' in reply
    picture, _ = mnist_row(3)
    one_hot = [0.0] * 10
    one_hot[4] = 1.0
    reply = await ask(
        socket,
        {"kind": "train", "inputs": {"picture_hex": picture}, "expected": {"label_hex": one_hot}},
    )
    assert "Taught: this drawing is a 4." in reply
    await socket.disconnect()
    assert await holder_of(fresh_lock.uuid) is None
    assert await in_task_mode(member_hanami, fresh_lock.uuid)


async def test_a_second_browser_is_told_who_drives_the_cluster(
    member_web: Client,
    admin_web: Client,
    fresh_lock: Cluster,
) -> None:
    first = await ready(digits_path(fresh_lock), cookie_of(member_web))
    second, connected = await drive(digits_path(fresh_lock), cookie_of(admin_web))
    assert connected
    html = await second.receive_from(timeout=WAIT)
    assert 'data-state="in_use"' in html
    assert "In use by User memberuser (memberuser)</strong> since" in html
    closed = await second.receive_output(timeout=WAIT)
    assert closed["type"] == "websocket.close"
    assert closed["code"] == IN_USE
    await second.disconnect()
    # The refused socket freed nothing: the first still drives the cluster.
    holder = await holder_of(fresh_lock.uuid)
    assert holder is not None
    assert holder.user_id == "memberuser"
    picture, _ = mnist_row(0)
    reply = await ask(first, {"kind": "request", "inputs": {"picture_hex": picture}})
    assert 'data-reply="outputs"' in reply
    await first.disconnect()


async def test_the_same_user_in_a_second_tab_is_told_to_close_the_first(
    member_web: Client, fresh_lock: Cluster
) -> None:
    first = await ready(values_path(fresh_lock), cookie_of(member_web))
    second, _ = await drive(digits_path(fresh_lock), cookie_of(member_web))
    html = await second.receive_from(timeout=WAIT)
    assert "<strong>In use by you</strong> in another tab or window" in html
    await second.disconnect()
    await first.disconnect()


async def test_a_page_replacing_its_predecessor_takes_the_cluster_over(
    member_web: Client, fresh_lock: Cluster
) -> None:
    # Switching the page's view: the new page's socket opens before the old one has closed.
    old = await ready(digits_path(fresh_lock), cookie_of(member_web))
    new, connected = await drive(values_path(fresh_lock), cookie_of(member_web))
    assert connected
    await old.disconnect()
    assert await status(new) == "ready"
    holder = await holder_of(fresh_lock.uuid)
    assert holder is not None
    await new.disconnect()
    assert await holder_of(fresh_lock.uuid) is None


async def test_a_backend_that_stops_between_messages_is_shown_at_once(
    settings: Any, db: None, tmp_path: Path
) -> None:
    # A backend of its own, stopped while the page drives one of its clusters.
    backend = start_backend(tmp_path / "backend")
    try:
        settings.HANAMI_ADDRESS = backend.address
        browser = Client()
        reply = await database_sync_to_async(sign_in_page)(browser, ADMIN_ID, ADMIN_PASSPHRASE)
        assert reply.status_code == 302
        with HanamiClient(backend.address) as hanami:
            hanami.login(ADMIN_ID, ADMIN_PASSPHRASE)
            cluster = hanami.clusters.create(unique_id("Stopped "), UPSTREAM_TEST_SHAPE)
        socket = await ready(values_path(cluster), cookie_of(browser))
        backend.stop()
        assert await ended(socket, "failed", "The backend ended the session") == FAILED
        assert await holder_of(cluster.uuid) is None
        await socket.disconnect()
    finally:
        backend.stop()


async def test_leaving_switches_the_cluster_back_and_its_tasks_run(
    member_web: Client,
    fresh_lock: Cluster,
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    socket = await ready(values_path(fresh_lock), cookie_of(member_web))
    inputs, outputs = io(digits)
    task = await asyncio.to_thread(
        member_hanami.tasks.train, "Waits for direct io", fresh_lock.uuid, inputs, outputs
    )
    await asyncio.sleep(0.3)
    waiting = await asyncio.to_thread(member_hanami.tasks.get, task.uuid, fresh_lock.uuid)
    assert waiting.state == "queued"
    await socket.disconnect()
    assert await holder_of(fresh_lock.uuid) is None
    done = await asyncio.to_thread(member_hanami.tasks.wait, task, interval=0.05, timeout=WAIT)
    assert done.state == "finished"
    assert await in_task_mode(member_hanami, fresh_lock.uuid)
    # Free again: the next browser drives it.
    again = await ready(digits_path(fresh_lock), cookie_of(member_web))
    await again.disconnect()


async def test_a_cluster_in_direct_mode_elsewhere_is_busy(
    member_web: Client,
    fresh_lock: Cluster,
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    await asyncio.to_thread(member_hanami.clusters.set_mode, fresh_lock.uuid, "DIRECT")
    try:
        socket, connected = await drive(digits_path(fresh_lock), cookie_of(member_web))
        assert connected
        html = await socket.receive_from(timeout=WAIT)
        assert 'data-state="busy"' in html
        assert "The cluster is busy: a task runs on it, or another session drives it" in html
        closed = await socket.receive_output(timeout=WAIT)
        assert closed["code"] == BUSY
        await socket.disconnect()
        assert await holder_of(fresh_lock.uuid) is None
        # The refused page left the other session's mode alone.
        assert await in_direct_mode(member_hanami, fresh_lock.uuid)
    finally:
        await asyncio.to_thread(member_hanami.clusters.set_mode, fresh_lock.uuid, "TASK")


async def test_a_token_about_to_expire_hands_the_cluster_back(
    member_web: Client,
    fresh_lock: Cluster,
    member_hanami: HanamiClient,  # noqa: F811
) -> None:

    def expire_soon() -> None:
        """The session's token expires two seconds after the margin: good enough to connect."""
        session = member_web.session
        session[SESSION_KEY] = {
            **session[SESSION_KEY],
            "expires_at": time.time() + EXPIRY_MARGIN + 2,
        }
        session.save()

    await database_sync_to_async(expire_soon)()
    socket = await ready(digits_path(fresh_lock), cookie_of(member_web))
    assert await in_direct_mode(member_hanami, fresh_lock.uuid)
    expiring = "Your sign-in is about to expire, so the cluster went back to task mode."
    assert await ended(socket, "expired", expiring) == EXPIRED
    # Handed back with the token that was still good: task mode, lock free.
    assert await holder_of(fresh_lock.uuid) is None
    assert await in_task_mode(member_hanami, fresh_lock.uuid)
    await socket.disconnect()


async def test_an_outsiders_socket_is_refused(
    outsider_web: Client,  # noqa: F811
    fresh_lock: Cluster,
) -> None:
    socket, connected = await drive(digits_path(fresh_lock), cookie_of(outsider_web))
    assert connected is False
    assert await holder_of(fresh_lock.uuid) is None
    await socket.disconnect()


async def test_an_anonymous_socket_is_refused(web: str, fresh_lock: Cluster) -> None:
    socket, connected = await drive(digits_path(fresh_lock), None)
    assert connected is False
    await socket.disconnect()


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("not json", "This message is not JSON"),
        ([1, 2], "A message is a JSON object with kind and inputs."),
        ({"inputs": {"picture_hex": [0] * 784}}, "kind is “request” or “train”"),
        ({"kind": "request", "inputs": {}}, "Give values for at least one input hexagon."),
        (
            {"kind": "request", "inputs": {"picture_hex": [0] * 783}},
            "picture_hex takes 784 values; this message has 783.",
        ),
        (
            {"kind": "request", "inputs": {"pixels": [0] * 784}},
            "“pixels” is not an input hexagon of this cluster (its inputs: picture_hex).",
        ),
        (
            {"kind": "request", "inputs": {"picture_hex": [300] + [0] * 783}},
            "picture_hex: pixel values go from 0 to 255; got 300.",
        ),
        (
            {"kind": "request", "inputs": {"picture_hex": ["a"] * 784}},
            "picture_hex: give a list of numbers.",
        ),
        (
            {"kind": "train", "inputs": {"picture_hex": [0] * 784}},
            "Training needs expected values for every output hexagon: label_hex.",
        ),
        (
            {
                "kind": "train",
                "inputs": {"picture_hex": [0] * 784},
                "expected": {"label_hex": [1, 0]},
            },
            "label_hex takes 10 values; this message has 2.",
        ),
    ],
)
async def test_a_bad_message_is_explained_and_breaks_nothing(
    member_web: Client,
    fresh_lock: Cluster,
    trained: Task,  # noqa: F811
    message: Any,
    problem: str,
) -> None:
    socket = await ready(digits_path(fresh_lock), cookie_of(member_web))
    reply = await ask(socket, message)
    assert problem in problem_of(reply)
    picture, label = mnist_row(0)
    reply = await ask(socket, {"kind": "request", "inputs": {"picture_hex": picture}})
    assert f'data-predicted="{label}"' in reply
    await socket.disconnect()


async def test_a_binary_frame_is_explained(member_web: Client, fresh_lock: Cluster) -> None:
    socket = await ready(values_path(fresh_lock), cookie_of(member_web))
    await socket.send_to(bytes_data=b"\x00\x01")
    reply = await socket.receive_from(timeout=WAIT)
    assert "Send text: a JSON object with kind and inputs" in problem_of(reply)
    await socket.disconnect()


async def test_form_fields_are_relayed_and_widths_hold_for_the_session(
    member_web: Client,
    fresh_lock: Cluster,
    trained: Task,  # noqa: F811
) -> None:
    socket = await ready(values_path(fresh_lock), cookie_of(member_web))
    picture, label = mnist_row(1)
    fields = {
        "kind": "request",
        "inputs.picture_hex": " ".join(map(str, picture)),
        "expected.label_hex": "",
        "HEADERS": {"HX-Request": "true"},
    }
    reply = await ask(socket, fields)
    assert f"10 values, the highest at index {label}" in reply
    fields["inputs.picture_hex"] = "1, 2, 3"
    reply = await ask(socket, fields)
    assert "picture_hex takes 784 values; this message has 3." in problem_of(reply)
    await socket.disconnect()


async def test_a_message_the_backend_refuses_is_explained_and_the_next_one_works(
    member_web: Client,
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    # The portal does not know this cluster's template: the backend judges hexagon names.
    cache.clear()
    socket = await ready(values_path(cluster), cookie_of(member_web))
    reply = await ask(socket, {"kind": "request", "inputs": {"nosuch_hex": [1.0, 2.0]}})
    assert "The backend refused this message:" in problem_of(reply)
    assert "nosuch_hex" in problem_of(reply)
    picture, label = mnist_row(2)
    reply = await ask(socket, {"kind": "request", "inputs": {"picture_hex": picture}})
    assert f"the highest at index {label}" in reply
    assert await in_direct_mode(member_hanami, cluster.uuid)
    await socket.disconnect()
    assert await in_task_mode(member_hanami, cluster.uuid)


async def test_a_socket_closed_mid_train_still_frees_the_cluster(
    member_web: Client,
    fresh_lock: Cluster,
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    socket = await ready(digits_path(fresh_lock), cookie_of(member_web))
    picture, label = mnist_row(7)
    one_hot = [1.0 if digit == label else 0.0 for digit in range(10)]
    message = {
        "kind": "train",
        "inputs": {"picture_hex": picture},
        "expected": {"label_hex": one_hot},
    }
    await socket.send_to(text_data=json.dumps(message))
    # Gone before the reply: the relay finishes the message, then lets the cluster go.
    await socket.disconnect()
    assert await holder_of(fresh_lock.uuid) is None
    assert await in_task_mode(member_hanami, fresh_lock.uuid)
