"""Direct IO over the cluster websocket (contract 3.2), message by message: acks, passes, one
reply per output hexagon, the closes that replace upstream's hangs, and what the cluster keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from websockets.sync.client import connect

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    EXPECTED_BUFFER_TYPE,
    OUTPUT_BUFFER_TYPE,
    REQUEST_TYPE,
    TRAIN_TYPE,
)
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.conftest import Persona
from tests.hanami_server.direct_helpers import (
    close_code,
    close_frame,
    direct_socket,
    exchange,
    io_message,
    mnist_sample,
    one_hot,
    reply,
    request,
    set_mode,
    train,
)
from tests.hanami_server.task_helpers import (
    DIGITS_TEMPLATE,
    create_cluster,
    delete_task,
    io_item,
    long_dataset,
    post_train,
    task_state,
    train_digits,
    wait_for,
    wait_task,
)
from tests.hanami_server.uploads import idx_images, idx_labels, uploaded_mnist, ws_url
from tests.hanami_server.wire import send, token_for

PICTURES, LABELS = mnist_sample(200)
# two outputs whose names sort the other way round than the template lists them
TWO_OUTPUTS = """version: 1
settings:
  max_connection_distance: 1
hexagons:
  1,1,1
  2,1,1
  3,1,1
  3,2,1
inputs:
  pixels: 1,1,1
outputs:
  zeta: 3,1,1
  alpha: 3,2,1 (bool)
"""


@pytest.fixture
def cluster(backend: Backend, member: Persona) -> str:
    """A fresh digits cluster of the member (pixels -> digit)."""
    return create_cluster(backend.address, member.token)


def _usable(address: str, token: str, cluster_uuid: str) -> None:
    """The cluster still learns and answers through a new socket."""
    with direct_socket(address, token, cluster_uuid) as conn:
        train(conn, PICTURES[0], one_hot(int(LABELS[0])))
        assert len(request(conn, PICTURES[0])) == 10


def test_train_messages_get_acks_and_a_request_gets_the_outputs(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        ack = exchange(conn, io_message("pixels", PICTURES[0], is_last=False))
        trained = exchange(
            conn, io_message("digit", one_hot(7), is_last=True, target=EXPECTED_BUFFER_TYPE)
        )
        conn.send(io_message("pixels", PICTURES[0], is_last=True, process=REQUEST_TYPE))
        output = reply(conn)
    assert (ack.bufferName, ack.isLast, ack.processType, ack.targetBufferType) == (
        "",
        False,
        TRAIN_TYPE,
        0,
    )
    assert (ack.numberOfValues, list(ack.values)) == (1, [0.0])
    assert (trained.isLast, trained.processType, trained.numberOfValues) == (True, TRAIN_TYPE, 1)
    assert list(trained.values) == [0.0]
    assert (output.bufferName, output.isLast, output.processType) == ("digit", False, REQUEST_TYPE)
    assert output.targetBufferType == 0
    assert output.numberOfValues == 10
    assert int(np.argmax(output.values)) == 7


def test_a_request_sequence_is_acked_until_its_last_message(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        train(conn, PICTURES[1], one_hot(3))
        ack = exchange(conn, io_message("pixels", PICTURES[1], is_last=False, process=REQUEST_TYPE))
        conn.send(io_message("pixels", PICTURES[1], is_last=True, process=REQUEST_TYPE))
        output = reply(conn)
    assert (ack.isLast, ack.processType, list(ack.values)) == (False, TRAIN_TYPE, [0.0])
    assert int(np.argmax(output.values)) == 3


def test_the_sdk_pattern_of_100_train_pairs_then_a_request(
    backend: Backend, member: Persona, cluster: str
) -> None:
    """The official SDK test: switch to DIRECT, 100 train pairs, a request, back to TASK."""
    five = int(np.flatnonzero(LABELS == 5)[0])
    assert set_mode(backend.address, member.token, cluster, "DIRECT").status_code == 200
    with direct_socket(backend.address, member.token, cluster) as conn:
        for _ in range(100):
            train(conn, PICTURES[five], one_hot(5))
        outputs = request(conn, PICTURES[five])
    assert set_mode(backend.address, member.token, cluster, "TASK").status_code == 200
    assert outputs.index(max(outputs)) == 5


def test_a_cluster_trained_by_a_task_answers_direct_requests(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, task_uuid)
    with direct_socket(backend.address, member.token, cluster_uuid) as conn:
        answers = [int(np.argmax(request(conn, picture))) for picture in PICTURES[:100]]
    assert np.mean(np.array(answers) == LABELS[:100]) > 0.8


def test_a_request_answers_every_output_hexagon_in_name_order_without_waiting(
    backend: Backend, member: Persona
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token, TWO_OUTPUTS)
    with direct_socket(backend.address, member.token, cluster_uuid) as conn:
        exchange(conn, io_message("pixels", PICTURES[0], is_last=False))
        exchange(conn, io_message("zeta", [0.5, 2.0, 4.0], is_last=False, target=2))
        exchange(conn, io_message("alpha", [1.0, 0.0], is_last=True, target=2))
        conn.send(io_message("pixels", PICTURES[0], is_last=True, process=REQUEST_TYPE))
        first, second = reply(conn), reply(conn)
        after = exchange(conn, io_message("pixels", PICTURES[0], is_last=False))
    assert [first.bufferName, second.bufferName] == ["alpha", "zeta"]
    assert (first.numberOfValues, second.numberOfValues) == (2, 3)
    assert list(first.values) == [1.0, 0.0], "a (bool) output answers 0 or 1"
    assert np.allclose(second.values, [0.5, 2.0, 4.0], atol=1e-3)
    assert list(after.values) == [0.0], "the socket goes on after the outputs"


def test_values_of_another_width_than_a_sized_hexagon_are_refused_and_break_nothing(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        train(conn, PICTURES[0], one_hot(2))
        conn.send(io_message("digit", [1.0, 0.0, 0.0, 1.0], is_last=True, target=2))
        assert close_frame(conn) == (4400, "'digit' takes 10 values, not 4")
    with direct_socket(backend.address, member.token, cluster) as conn:
        conn.send(io_message("pixels", [*PICTURES[0], 1.0], is_last=True, process=REQUEST_TYPE))
        assert close_frame(conn) == (4400, f"'pixels' takes {len(PICTURES[0])} values, not 785")
    _usable(backend.address, member.token, cluster)


def test_deleting_the_cluster_turns_the_next_frame_into_an_init(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        train(conn, PICTURES[0], one_hot(1))
        deleted = send(
            backend.address, "DELETE", "/cluster", token=member.token, query={"uuid": cluster}
        )
        assert deleted.status_code == 200, deleted.text
        conn.send(json.dumps({"token": member.token, "target": "cluster", "uuid": cluster}))
        init = json.loads(conn.recv(timeout=30))
    assert init == {"success": False, "error": f"Cluster with UUID '{cluster}' not found"}


def test_the_last_socket_wins(backend: Backend, member: Persona, cluster: str) -> None:
    with direct_socket(backend.address, member.token, cluster) as first:
        train(first, PICTURES[0], one_hot(4))
        with direct_socket(backend.address, member.token, cluster) as second:
            first.send(io_message("pixels", PICTURES[0], is_last=False))
            assert close_code(first) == 4410
            assert int(np.argmax(request(second, PICTURES[0]))) == 4


# errors: upstream gives no reply and the client hangs; we close with a code (contract 3.2 R)

BAD_FRAMES = {
    "unknown buffer name": (io_message("nowhere", [1.0], is_last=False), 4404),
    "bad protobuf": (b"\xff\xff\xff\xff", 4400),
    "fewer values than numberOfValues": (
        io_message("pixels", [1.0, 2.0], is_last=False, count=3),
        4400,
    ),
    "more values than numberOfValues": (
        io_message("pixels", [1.0, 2.0], is_last=False, count=1),
        4400,
    ),
    "no values": (io_message("pixels", [], is_last=False), 4400),
    "output buffer type": (
        io_message("digit", [1.0], is_last=True, target=OUTPUT_BUFFER_TYPE),
        4400,
    ),
    "unknown buffer type": (io_message("digit", [1.0], is_last=True, target=9), 4400),
    "unknown process type": (io_message("pixels", [1.0], is_last=True, process=5), 4400),
    "input sent as expected values": (io_message("pixels", [1.0], is_last=False, target=2), 4400),
    "expected values sent as input": (io_message("digit", [1.0], is_last=False), 4400),
    "not a number": (io_message("pixels", [1.0, float("nan")], is_last=False), 4400),
    "train without expected values": (io_message("pixels", [1.0], is_last=True), 4422),
    "request before the output has a size": (
        io_message("pixels", [1.0], is_last=True, process=REQUEST_TYPE),
        4422,
    ),
}


@pytest.mark.parametrize("case", BAD_FRAMES)
def test_a_bad_frame_closes_the_socket_and_breaks_nothing(
    backend: Backend, member: Persona, cluster: str, case: str
) -> None:
    frame, code = BAD_FRAMES[case]
    with direct_socket(backend.address, member.token, cluster) as conn:
        conn.send(frame)
        assert close_code(conn) == code
    _usable(backend.address, member.token, cluster)


def test_the_close_frame_says_why(backend: Backend, member: Persona, cluster: str) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        conn.send(io_message("nowhere", [1.0], is_last=False))
        assert close_frame(conn) == (4404, "unknown buffer name 'nowhere'")


def test_a_text_frame_after_the_init_closes_the_socket(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        conn.send("garbage that is no ClusterIO_Message")
        assert close_code(conn) == 4400
    _usable(backend.address, member.token, cluster)


def test_an_error_after_learning_keeps_what_was_learned(
    backend: Backend, member: Persona, cluster: str
) -> None:
    with direct_socket(backend.address, member.token, cluster) as conn:
        for _ in range(5):
            train(conn, PICTURES[0], one_hot(6))
        conn.send(io_message("nowhere", [1.0], is_last=False))
        assert close_code(conn) == 4404
    with direct_socket(backend.address, member.token, cluster) as conn:
        assert int(np.argmax(request(conn, PICTURES[0]))) == 6


@pytest.mark.parametrize("unread", [False, True])
def test_a_socket_closed_mid_train_leaves_the_cluster_usable(
    backend: Backend, member: Persona, cluster: str, unread: bool
) -> None:
    """Closed after half a train pair, or right after the last message without its reply."""
    with connect(ws_url(backend.address), open_timeout=30) as conn:
        conn.send(json.dumps({"token": member.token, "target": "cluster", "uuid": cluster}))
        assert json.loads(conn.recv(timeout=30))["success"] is True
        exchange(conn, io_message("pixels", PICTURES[0], is_last=False))
        if unread:
            conn.send(io_message("digit", one_hot(8), is_last=True, target=EXPECTED_BUFFER_TYPE))
    _usable(backend.address, member.token, cluster)
    reply_ = send(backend.address, "GET", "/cluster", token=member.token, query={"uuid": cluster})
    assert reply_.status_code == 200, reply_.text


@pytest.fixture
def training(backend: Backend, member: Persona) -> Iterator[tuple[str, str]]:
    """A cluster (``x`` -> ``y``) busy with a long train task in TASK mode: (cluster, task) uuids;
    the task is deleted afterwards."""
    series = DIGITS_TEMPLATE.replace("pixels", "x").replace("digit", "y")
    cluster_uuid = create_cluster(backend.address, member.token, series)
    table = long_dataset(backend.address, member.token)
    reply_ = post_train(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(table, "x", "x")],
        [io_item(table, "y", "y")],
    )
    assert reply_.status_code == 200, reply_.text
    task_uuid = reply_.json()["uuid"]
    yield cluster_uuid, task_uuid
    delete_task(backend.address, member.token, cluster_uuid, task_uuid)


def test_a_pass_while_a_task_runs_in_task_mode_closes_the_socket(
    backend: Backend, member: Persona, training: tuple[str, str]
) -> None:
    cluster_uuid, task_uuid = training
    with direct_socket(backend.address, member.token, cluster_uuid) as conn:
        ack = exchange(conn, io_message("x", [1.0], is_last=False))
        assert task_state(backend.address, member.token, cluster_uuid, task_uuid)["state"] == (
            "active"
        )
        conn.send(io_message("y", [1.0], is_last=True, target=EXPECTED_BUFFER_TYPE))
        assert close_code(conn) == 4409
    assert list(ack.values) == [0.0], "storing values needs no engine"


# more sockets than the server has threads for blocking work (asyncio's pool holds at most 32)
MANY_SOCKETS = 40


def test_sockets_closing_while_a_task_trains_do_not_wait_for_it(
    backend: Backend, member: Persona, training: tuple[str, str]
) -> None:
    cluster_uuid, task_uuid = training
    for _ in range(MANY_SOCKETS):
        with direct_socket(backend.address, member.token, cluster_uuid):
            pass
    state = task_state(backend.address, member.token, cluster_uuid, task_uuid)["state"]
    assert state == "active", "every socket was answered while the task still trained"


# what direct IO learns survives a restart


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Backend]]:
    """A fresh server; a test appends the restarted ones, and all are stopped at the end."""
    started = [start_backend(tmp_path / "data")]
    yield started
    for server in started:
        server.stop()


def _restart(started: list[Backend], *, kill: bool) -> tuple[str, str]:
    last = started[-1]
    if kill:
        last.process.kill()
        last.process.wait()
    else:
        last.stop()
    started.append(start_backend(last.data_dir))
    return started[-1].address, token_for(started[-1].address, ADMIN_ID, ADMIN_PASSPHRASE)


def _learn(address: str, token: str, cluster_uuid: str) -> list[list[float]]:
    """Ten train pairs through one socket; the answers to five pictures afterwards."""
    with direct_socket(address, token, cluster_uuid) as conn:
        for picture, label in zip(PICTURES[:10], LABELS[:10], strict=True):
            train(conn, picture, one_hot(int(label)))
        return [request(conn, picture) for picture in PICTURES[10:15]]


def _answers(address: str, token: str, cluster_uuid: str) -> list[list[float]]:
    with direct_socket(address, token, cluster_uuid) as conn:
        return [request(conn, picture) for picture in PICTURES[10:15]]


def test_direct_learning_is_saved_when_the_socket_closes(servers: list[Backend]) -> None:
    address = servers[0].address
    token = token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)
    cluster_uuid = create_cluster(address, token)
    before = _learn(address, token, cluster_uuid)
    state_file = servers[0].data_dir / "clusters" / f"{cluster_uuid}.npz"
    wait_for(state_file.exists, bool, timeout=30)
    address, token = _restart(servers, kill=True)
    assert _answers(address, token, cluster_uuid) == before


def test_direct_learning_is_saved_when_the_cluster_goes_back_to_task_mode(
    servers: list[Backend],
) -> None:
    address = servers[0].address
    token = token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)
    cluster_uuid = create_cluster(address, token)
    assert set_mode(address, token, cluster_uuid, "DIRECT").status_code == 200
    with direct_socket(address, token, cluster_uuid) as conn:
        for picture, label in zip(PICTURES[:10], LABELS[:10], strict=True):
            train(conn, picture, one_hot(int(label)))
        before = [request(conn, picture) for picture in PICTURES[10:15]]
        assert set_mode(address, token, cluster_uuid, "TASK").status_code == 200
        address, token = _restart(servers, kill=True)
    assert _answers(address, token, cluster_uuid) == before


def test_direct_learning_of_an_open_socket_survives_a_graceful_restart(
    servers: list[Backend],
) -> None:
    address = servers[0].address
    token = token_for(address, ADMIN_ID, ADMIN_PASSPHRASE)
    cluster_uuid = create_cluster(address, token)
    assert set_mode(address, token, cluster_uuid, "DIRECT").status_code == 200
    with direct_socket(address, token, cluster_uuid) as conn:
        for picture, label in zip(PICTURES[:10], LABELS[:10], strict=True):
            train(conn, picture, one_hot(int(label)))
        before = [request(conn, picture) for picture in PICTURES[10:15]]
        address, token = _restart(servers, kill=False)
    assert _answers(address, token, cluster_uuid) == before


def test_a_task_after_direct_io_starts_from_what_direct_io_learned(
    backend: Backend, member: Persona, cluster: str
) -> None:
    images = idx_images(PICTURES[:50].astype(np.uint8).reshape(-1, 28, 28))
    digits = uploaded_mnist(
        backend.address, member.token, images, idx_labels(LABELS[:50]), "Direct Digits"
    )
    with direct_socket(backend.address, member.token, cluster) as conn:
        train(conn, PICTURES[100], one_hot(9))
    task_uuid = train_digits(backend.address, member.token, cluster, digits)
    wait_task(backend.address, member.token, cluster, task_uuid)
    with direct_socket(backend.address, member.token, cluster) as conn:
        assert int(np.argmax(request(conn, PICTURES[100]))) == 9
