"""Direct IO through ``client.clusters``: set_mode, and the async session that switches a cluster
to DIRECT mode, trains and asks it sample by sample, and always switches it back to TASK mode.

Against the embedded backend; the faults it cannot be made to commit (a reply that never comes,
a refused init after a granted switch, replies out of turn) come from a loopback websocket
server, with set_mode answered at the HTTP level (``responses``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import responses
from requests import PreparedRequest
from websockets.sync.server import ServerConnection, serve

from hanami_client import (
    BackendUnavailable,
    Conflict,
    DirectIOError,
    HanamiClient,
    ModeChange,
    NotFound,
    ProtocolError,
)
from hanami_client._proto.hanami_messages import proto3_pb2
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE

MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"

# TEMPLATE with a second output hexagon: a request answers with one message per output.
TWO_OUTPUTS = (
    "version: 1\nsettings:\n  max_connection_distance: 1\nhexagons:\n  1,1,1\n  2,1,1\n"
    "  3,1,1\n  2,2,1\ninputs:\n  pixels: 1,1,1\noutputs:\n  digit: 3,1,1\n  parity: 2,2,1\n"
)


def picture_of(digit: int) -> list[float]:
    """The first test picture of ``digit`` in the MNIST sample, as its 784 pixel values."""
    labels = (MNIST / "t10k-labels-idx1-ubyte").read_bytes()[8:]
    index = labels.index(digit)
    images = (MNIST / "t10k-images-idx3-ubyte").read_bytes()
    return [float(pixel) for pixel in images[16 + 784 * index : 16 + 784 * (index + 1)]]


def one_hot(digit: int) -> list[float]:
    return [1.0 if k == digit else 0.0 for k in range(10)]


def argmax(values: list[float]) -> int:
    return values.index(max(values))


def in_task_mode(client: HanamiClient, cluster_uuid: str) -> bool:
    """Probe the mode: switching to TASK is refused only when the cluster is already there."""
    try:
        client.clusters.set_mode(cluster_uuid, "TASK")
    except Conflict:
        return True
    return False


@pytest.fixture
def cluster_uuid(member_client: HanamiClient) -> Iterator[str]:
    """An untrained cluster of TEMPLATE (``pixels`` -> ``digit``), deleted afterwards."""
    cluster = member_client.clusters.create(fresh_name("Direct"), TEMPLATE)
    yield cluster.uuid
    with contextlib.suppress(NotFound):
        member_client.clusters.delete(cluster.uuid)


# set_mode


def test_set_mode_answers_the_cluster_and_its_new_mode(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    direct = member_client.clusters.set_mode(cluster_uuid, "DIRECT")
    back = member_client.clusters.set_mode(cluster_uuid, "TASK")

    cluster = member_client.clusters.get(cluster_uuid)
    assert isinstance(direct, ModeChange)
    assert (direct.uuid, direct.name, direct.created_at, direct.mode) == (
        cluster.uuid,
        cluster.name,
        cluster.created_at,
        "DIRECT",
    )
    assert back.mode == "TASK"


@pytest.mark.parametrize("mode", ["TASK", "DIRECT"])
def test_switching_to_the_mode_a_cluster_is_in_is_a_conflict(
    member_client: HanamiClient, cluster_uuid: str, mode: str
) -> None:
    if mode == "DIRECT":
        member_client.clusters.set_mode(cluster_uuid, "DIRECT")

    with pytest.raises(Conflict) as caught:
        member_client.clusters.set_mode(cluster_uuid, mode)

    assert caught.value.message == f"Can not switch cluster to '{mode}'"
    assert caught.value.operation == "clusters.set_mode"


def test_set_mode_of_an_invisible_cluster_is_not_found(
    outsider_client: HanamiClient, cluster_uuid: str
) -> None:
    with pytest.raises(NotFound):
        outsider_client.clusters.set_mode(cluster_uuid, "DIRECT")


# the session against the embedded backend


async def test_a_hundred_training_passes_teach_the_digit(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    five = picture_of(5)

    async with member_client.clusters.direct(cluster_uuid) as io:
        for _ in range(100):
            await io.train({"pixels": five}, {"digit": one_hot(5)})
        outputs = await io.request({"pixels": five})

    assert list(outputs) == ["digit"]
    assert len(outputs["digit"]) == 10
    assert argmax(outputs["digit"]) == 5
    assert io.outputs == ("digit",)


async def test_the_cluster_is_direct_inside_the_session_and_task_after_it(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    async with member_client.clusters.direct(cluster_uuid) as io:
        with pytest.raises(Conflict):
            await asyncio.to_thread(member_client.clusters.set_mode, cluster_uuid, "DIRECT")
        assert uuid.UUID(io.connection_uuid or "")

    assert in_task_mode(member_client, cluster_uuid)


async def test_a_session_says_whether_it_is_open_and_waits_for_its_close(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    session = member_client.clusters.direct(cluster_uuid)
    assert not session.is_open
    await session.wait_closed()  # not open: nothing to wait for
    await session.open()
    assert session.is_open
    waiting = asyncio.ensure_future(session.wait_closed())
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await session.close()
    await asyncio.wait_for(waiting, 10)
    assert not session.is_open


async def test_an_error_in_the_session_still_switches_back(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    with pytest.raises(RuntimeError, match="the caller's own"):
        async with member_client.clusters.direct(cluster_uuid):
            raise RuntimeError("the caller's own error")

    assert in_task_mode(member_client, cluster_uuid)


async def test_a_cancelled_session_still_switches_back(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    opened = asyncio.Event()

    async def drive() -> None:
        async with member_client.clusters.direct(cluster_uuid) as io:
            await io.train({"pixels": picture_of(3)}, {"digit": one_hot(3)})
            opened.set()
            await asyncio.sleep(60)

    running = asyncio.create_task(drive())
    await asyncio.wait_for(opened.wait(), 30)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert in_task_mode(member_client, cluster_uuid)


async def test_the_session_can_be_opened_and_closed_without_a_with_block(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    io = member_client.clusters.direct(cluster_uuid)
    with pytest.raises(DirectIOError, match="not open"):
        await io.request({"pixels": [0.0]})

    await io.open()
    try:
        await io.train({"pixels": picture_of(1)}, {"digit": one_hot(1)})
        outputs = await io.request({"pixels": picture_of(1)})
    finally:
        await io.close()
    await io.close()

    assert list(outputs) == ["digit"]
    assert in_task_mode(member_client, cluster_uuid)
    with pytest.raises(DirectIOError, match="closed"):
        await io.request({"pixels": picture_of(1)})


async def test_calls_made_at_once_take_turns_on_the_socket(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    pictures = [picture_of(digit) for digit in range(6)]

    async with member_client.clusters.direct(cluster_uuid) as io:
        await io.train({"pixels": pictures[5]}, {"digit": one_hot(5)})
        together = await asyncio.gather(*(io.request({"pixels": p}) for p in pictures))
        one_by_one = [await io.request({"pixels": p}) for p in pictures]

    assert together == one_by_one


async def test_every_output_hexagon_answers_a_request(member_client: HanamiClient) -> None:
    cluster = member_client.clusters.create(fresh_name("Two Outputs"), TWO_OUTPUTS)
    try:
        async with member_client.clusters.direct(cluster.uuid) as io:
            await io.train({"pixels": picture_of(4)}, {"digit": one_hot(4), "parity": [1.0, 0.0]})
            learned = await io.request({"pixels": picture_of(4)})
            again = await io.request({"pixels": picture_of(4)})
        told = member_client.clusters.direct(cluster.uuid, outputs=["parity", "digit"])
        async with told as io:
            given = await io.request({"pixels": picture_of(4)})
    finally:
        member_client.clusters.delete(cluster.uuid)

    assert sorted(learned) == ["digit", "parity"]
    assert (len(learned["digit"]), len(learned["parity"])) == (10, 2)
    assert again == learned == given


async def test_a_request_before_any_training_closes_the_socket_with_the_engines_refusal(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    async with member_client.clusters.direct(cluster_uuid) as io:
        with pytest.raises(DirectIOError) as caught:
            await io.request({"pixels": picture_of(7)})

    assert caught.value.code == 4422
    assert in_task_mode(member_client, cluster_uuid)


async def test_an_unknown_hexagon_closes_the_socket_with_the_backends_reason(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    async with member_client.clusters.direct(cluster_uuid) as io:
        with pytest.raises(DirectIOError) as caught:
            await io.request({"nowhere": [1.0, 2.0]})
        with pytest.raises(DirectIOError, match="ended"):
            await io.request({"pixels": [1.0]})

    assert "unknown buffer name" in caught.value.message
    assert caught.value.code == 4404
    assert caught.value.operation == "clusters.direct.request"
    assert in_task_mode(member_client, cluster_uuid)


async def test_a_session_on_a_cluster_in_direct_mode_is_refused_before_connecting(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    async with member_client.clusters.direct(cluster_uuid):
        with pytest.raises(Conflict):
            await member_client.clusters.direct(cluster_uuid).open()

    assert in_task_mode(member_client, cluster_uuid)


async def test_a_session_on_an_invisible_cluster_is_not_found(
    outsider_client: HanamiClient, cluster_uuid: str
) -> None:
    with pytest.raises(NotFound):
        async with outsider_client.clusters.direct(cluster_uuid):
            pytest.fail("the session opened")


async def test_missing_values_are_refused_before_anything_is_sent(
    member_client: HanamiClient, cluster_uuid: str
) -> None:
    async with member_client.clusters.direct(cluster_uuid) as io:
        with pytest.raises(ValueError, match="at least one output"):
            await io.train({"pixels": [1.0]}, {})
        with pytest.raises(ValueError, match="at least one input"):
            await io.request({})
        await io.train({"pixels": picture_of(2)}, {"digit": one_hot(2)})
        outputs = await io.request({"pixels": picture_of(2)})

    assert list(outputs) == ["digit"]


# faults the embedded backend does not commit

Answer = Callable[[ServerConnection, bytes], None]


@contextlib.contextmanager
def fake_backend(
    answer: Answer,
    *,
    init_error: str | None = None,
    before_set_mode: Callable[[], object] = lambda: None,
) -> Iterator[tuple[HanamiClient, list[str]]]:
    """A client of a loopback websocket server (init refused with ``init_error``, else ``answer``
    replies to each message) whose ``set_mode`` is granted over HTTP after ``before_set_mode()``
    returns; with the modes asked for, in order."""

    def handle(connection: ServerConnection) -> None:
        connection.recv()
        if init_error is not None:
            connection.send(json.dumps({"success": False, "error": init_error}).encode())
            return
        connection.send(json.dumps({"success": True, "uuid": str(uuid.uuid4())}).encode())
        for message in connection:
            answer(connection, message)

    modes: list[str] = []

    def set_mode(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        before_set_mode()
        mode = json.loads(request.body or "{}")["new_state"]
        modes.append(mode)
        return 200, {}, json.dumps({"created_at": "-", "uuid": "c", "name": "n", "new_state": mode})

    with serve(handle, "127.0.0.1", 0, compression=None) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        address = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
        try:
            with (
                responses.RequestsMock() as http,
                HanamiClient(address, "token", timeout=0.5) as client,
            ):
                http.add_callback(responses.PUT, f"{address}/v1.0alpha/cluster/set_mode", set_mode)
                yield client, modes
        finally:
            server.shutdown()
            thread.join(timeout=5)


def acknowledge(connection: ServerConnection, message: bytes) -> None:
    is_last = proto3_pb2.ClusterIO_Message.FromString(message).isLast
    ack = proto3_pb2.ClusterIO_Message(isLast=is_last, processType=proto3_pb2.TRAIN_TYPE)
    connection.send(ack.SerializeToString())


def answer_outputs(connection: ServerConnection, message: bytes) -> None:
    for name in ("alpha", "beta"):
        output = proto3_pb2.ClusterIO_Message(
            bufferName=name, processType=proto3_pb2.REQUEST_TYPE, numberOfValues=1, values=[0.5]
        )
        connection.send(output.SerializeToString())


def stay_silent(connection: ServerConnection, message: bytes) -> None:
    """Never answer (upstream's way with a message it cannot use)."""


def answer_text(connection: ServerConnection, message: bytes) -> None:
    connection.send("ok")


async def test_a_reply_that_never_comes_is_backend_unavailable_and_ends_the_session() -> None:
    with fake_backend(stay_silent) as (client, modes):
        async with client.clusters.direct("c") as io:
            with pytest.raises(BackendUnavailable, match=r"no reply within 0\.5 s"):
                await io.request({"pixels": [1.0]})
            with pytest.raises(DirectIOError, match="ended after an error"):
                await io.request({"pixels": [1.0]})

    assert modes == ["DIRECT", "TASK"]


async def test_a_refused_init_switches_the_cluster_back() -> None:
    refused = "Cluster with UUID 'c' not found"
    with (
        fake_backend(acknowledge, init_error=refused) as (client, modes),
        pytest.raises(NotFound, match=refused),
    ):
        await client.clusters.direct("c").open()

    assert modes == ["DIRECT", "TASK"]


async def test_an_open_cancelled_during_the_switch_undoes_it() -> None:
    asked, release = threading.Event(), threading.Event()

    def hold_the_first_switch() -> None:
        if not asked.is_set():
            asked.set()
            release.wait(10)

    with fake_backend(acknowledge, before_set_mode=hold_the_first_switch) as (client, modes):
        opening = asyncio.create_task(client.clusters.direct("c").open())
        await asyncio.to_thread(asked.wait, 10)
        opening.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await opening

    assert modes == ["DIRECT", "TASK"]


async def test_outputs_sent_back_to_back_are_all_read_and_remembered() -> None:
    with fake_backend(answer_outputs) as (client, _):
        async with client.clusters.direct("c") as io:
            first = await io.request({"pixels": [1.0]})
            second = await io.request({"pixels": [1.0]})

    assert first == second == {"alpha": [0.5], "beta": [0.5]}
    assert io.outputs == ("alpha", "beta")


@pytest.mark.parametrize(
    ("answer", "call", "message"),
    [
        (answer_outputs, "train", "not the acknowledgement due"),
        (acknowledge, "request", "an acknowledgement where an output message was due"),
        (answer_text, "request", "a text reply"),
    ],
)
async def test_a_reply_out_of_turn_is_a_protocol_error_that_ends_the_session(
    answer: Answer, call: str, message: str
) -> None:
    with fake_backend(answer) as (client, modes):
        async with client.clusters.direct("c") as io:
            exchange = (
                io.train({"pixels": [1.0]}, {"digit": [1.0]})
                if call == "train"
                else io.request({"pixels": [1.0]})
            )
            with pytest.raises(ProtocolError, match=message) as caught:
                await exchange
            with pytest.raises(DirectIOError):
                await io.request({"pixels": [1.0]})

    assert caught.value.operation == f"clusters.direct.{call}"
    assert modes == ["DIRECT", "TASK"]


async def test_outputs_other_than_the_ones_given_are_a_protocol_error() -> None:
    with fake_backend(answer_outputs) as (client, _):
        async with client.clusters.direct("c", outputs=["alpha", "gamma"]) as io:
            with pytest.raises(ProtocolError, match=r"outputs \['alpha', 'beta'\]"):
                await io.request({"pixels": [1.0]})
