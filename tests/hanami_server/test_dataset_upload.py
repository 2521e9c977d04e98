"""The upload workflow of contract 2.4 and the `file_upload` websocket of 3.3: register,
chunks, progress, finalize; resuming an interrupted upload; the error replies."""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest
from websockets.sync.client import connect

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.uploads import (
    CHUNK,
    Reply,
    content,
    file_socket,
    finalize_csv,
    finalize_mnist,
    generated_mnist,
    get_dataset,
    listed_uuids,
    progress,
    read_reply,
    register_csv,
    register_mnist,
    send_chunk,
    upload_file,
    ws_url,
)
from tests.hanami_server.wire import send

NAME_REGEX = '"^[a-zA-Z][a-zA-Z_0-9\\- ]*$"'
UUID_REGEX = '"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"'


def _init_reply(address: str, token: str, file_uuid: str) -> dict:
    with connect(ws_url(address)) as conn:
        conn.send(json.dumps({"token": token, "target": "file_upload", "uuid": file_uuid}))
        return json.loads(conn.recv(timeout=30))


def test_register_mnist_lists_the_dataset_at_once_and_allocates_both_files(
    backend: Backend, member: Persona
) -> None:
    images, labels = generated_mnist(200)
    ticket = register_mnist(backend.address, member.token, images, labels, "Fresh Digits")
    assert list(ticket) == [
        "created_at",
        "name",
        "owner_id",
        "project_id",
        "uuid",
        "uuid_input_file",
        "uuid_label_file",
        "visibility",
    ]
    assert (ticket["name"], ticket["owner_id"], ticket["project_id"], ticket["visibility"]) == (
        "Fresh Digits",
        member.user_id,
        member.project_id,
        "private",
    )
    assert ticket["uuid"] in listed_uuids(backend.address, member.token)
    tempfiles = backend.data_dir / "tempfiles"
    assert (tempfiles / ticket["uuid_input_file"]).stat().st_size == len(images)
    assert (tempfiles / ticket["uuid_label_file"]).stat().st_size == len(labels)


def test_register_csv_has_one_temp_file(backend: Backend, member: Persona) -> None:
    ticket = register_csv(backend.address, member.token, b"a,b\n1,2\n")
    assert "uuid_label_file" not in ticket
    assert (backend.data_dir / "tempfiles" / ticket["uuid_input_file"]).stat().st_size == 8


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "abc", "input_data_size": 5}, "Given item 'name' is shorter than 4 characters"),
        (
            {"name": "Bad/Name", "input_data_size": 5},
            f"Given item 'name' doesn't match with regex {NAME_REGEX}",
        ),
        (
            {"name": "Good Name", "input_data_size": 0},
            "Given item 'input_data_size' is smaller than 1",
        ),
        (
            {"name": "Good Name", "input_data_size": 10_000_000_001},
            "Given item 'input_data_size' is bigger than 10000000000",
        ),
        (
            {"name": "Good Name", "input_data_size": "5"},
            "Value-validation failed, because a item 'input_data_size'  has the false type:"
            " Exprect int-type.",
        ),
        (
            {"name": "Good Name"},
            "Validation failed, because variable 'input_data_size' is required, but is not set.",
        ),
    ],
)
def test_register_csv_refuses_bad_input(
    backend: Backend, member: Persona, body: dict, message: str
) -> None:
    before = listed_uuids(backend.address, member.token)
    reply = send(backend.address, "POST", "/dataset/upload/csv", token=member.token, body=body)
    assert (reply.status_code, reply.text) == (400, message)
    assert listed_uuids(backend.address, member.token) == before


def test_register_mnist_needs_the_label_size(backend: Backend, member: Persona) -> None:
    body = {"name": "Good Name", "input_data_size": 5}
    reply = send(backend.address, "POST", "/dataset/upload/mnist", token=member.token, body=body)
    assert (reply.status_code, reply.text) == (
        400,
        "Validation failed, because variable 'label_data_size' is required, but is not set.",
    )


def test_upload_of_a_file_that_is_not_a_multiple_of_the_chunk_size(
    backend: Backend, member: Persona
) -> None:
    images, labels = generated_mnist(700, seed=3)  # 548,816 bytes: 4 full chunks and a tail
    assert len(images) % CHUNK != 0
    assert len(images) > 4 * CHUNK
    ticket = register_mnist(backend.address, member.token, images, labels)
    assert progress(backend.address, member.token, ticket["uuid"]) is False
    upload_file(backend.address, member.token, ticket["uuid_input_file"], images)
    assert progress(backend.address, member.token, ticket["uuid"]) is False
    upload_file(backend.address, member.token, ticket["uuid_label_file"], labels)
    assert progress(backend.address, member.token, ticket["uuid"]) is True
    reply = finalize_mnist(backend.address, member.token, ticket)
    assert (reply.status_code, reply.text) == (
        200,
        json.dumps({"uuid": ticket["uuid"]}, separators=(",", ":")),
    )
    assert progress(backend.address, member.token, ticket["uuid"]) is True
    last = content(backend.address, member.token, ticket["uuid"], "picture", 699, 1).json()
    assert last["data"] == [[float(value) for value in images[-784:]]]


def test_upload_of_files_smaller_than_one_chunk(backend: Backend, member: Persona) -> None:
    images, labels = generated_mnist(3, seed=4)
    ticket = register_mnist(backend.address, member.token, images, labels)
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        assert send_chunk(conn, 0, images) == Reply(True, "")
    with file_socket(backend.address, member.token, ticket["uuid_label_file"]) as conn:
        assert send_chunk(conn, 0, labels) == Reply(True, "")
    assert progress(backend.address, member.token, ticket["uuid"]) is True
    assert finalize_mnist(backend.address, member.token, ticket).status_code == 200
    got = get_dataset(backend.address, member.token, ticket["uuid"]).json()
    assert (got["number_of_rows"], got["number_of_columns"]) == (3, 794)


def test_progress_turns_true_only_with_the_last_chunk(backend: Backend, member: Persona) -> None:
    data = b"x,y\n" + b"1,2\n" * 70_000  # 280,004 bytes: 3 segments
    ticket = register_csv(backend.address, member.token, data)
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        assert send_chunk(conn, 2 * CHUNK, data[2 * CHUNK :]) == Reply(True, "")
        assert send_chunk(conn, 0, data[:CHUNK]) == Reply(True, "")
        assert progress(backend.address, member.token, ticket["uuid"]) is False
        assert send_chunk(conn, CHUNK, data[CHUNK : 2 * CHUNK]) == Reply(True, "")
        assert progress(backend.address, member.token, ticket["uuid"]) is True


def test_an_interrupted_upload_resumes_from_the_last_acknowledged_chunk(
    backend: Backend, member: Persona
) -> None:
    images, labels = generated_mnist(1000, seed=5)  # 6 chunks
    ticket = register_mnist(backend.address, member.token, images, labels)
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        acknowledged = 0
        for position in range(0, 3 * CHUNK, CHUNK):
            assert send_chunk(conn, position, images[position : position + CHUNK]).success
            acknowledged = position + CHUNK
        conn.send(b"\x08" + b"\x80" * 3)  # a fourth chunk cut off mid-message, then the socket dies
    assert progress(backend.address, member.token, ticket["uuid"]) is False
    upload_file(backend.address, member.token, ticket["uuid_input_file"], images, acknowledged)
    upload_file(backend.address, member.token, ticket["uuid_label_file"], labels)
    assert progress(backend.address, member.token, ticket["uuid"]) is True
    assert finalize_mnist(backend.address, member.token, ticket).status_code == 200
    rows = content(backend.address, member.token, ticket["uuid"], "picture", 0, 1000).json()
    assert np.array_equal(np.array(rows["data"], dtype=np.uint8).tobytes(), images[16:])


def test_each_chunk_gets_one_reply_and_bad_ones_do_not_end_the_socket(
    backend: Backend, member: Persona
) -> None:
    ticket = register_csv(backend.address, member.token, b"a,b\n1,2\n")
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        conn.send(b"\xff\xff\xff")
        assert read_reply(conn) == Reply(False, "Got invalid FileUpload-Message")
        assert send_chunk(conn, 4, b"1,2\n!") == Reply(False, "Failed to write data to disc")
        assert send_chunk(conn, 9, b"") == Reply(False, "Failed to write data to disc")
        assert send_chunk(conn, 0, b"a,b\n1,2\n") == Reply(True, "")
    assert progress(backend.address, member.token, ticket["uuid"]) is True


def test_a_success_reply_is_the_two_bytes_upstream_sends(backend: Backend, member: Persona) -> None:
    ticket = register_csv(backend.address, member.token, b"a,b\n")
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        conn.send(bytes.fromhex("1204") + b"a,b\n")
        assert conn.recv(timeout=30) == b"\x08\x01"


def test_another_projects_user_cannot_attach_to_a_temp_file(
    backend: Backend, member: Persona, outsider: Persona, admin: Persona
) -> None:
    ticket = register_csv(backend.address, member.token, b"a,b\n")
    file_uuid = ticket["uuid_input_file"]
    assert _init_reply(backend.address, outsider.token, file_uuid) == {
        "error": f"Tempfile with UUID '{file_uuid}' not found",
        "success": False,
    }
    assert _init_reply(backend.address, admin.token, file_uuid)["success"] is True


def test_a_converted_temp_file_is_gone(backend: Backend, member: Persona) -> None:
    data = b"a,b\n1,2\n"
    ticket = register_csv(backend.address, member.token, data)
    upload_file(backend.address, member.token, ticket["uuid_input_file"], data)
    assert finalize_csv(backend.address, member.token, ticket).status_code == 200
    file_uuid = ticket["uuid_input_file"]
    assert not (backend.data_dir / "tempfiles" / file_uuid).exists()
    assert _init_reply(backend.address, member.token, file_uuid)["success"] is False
    again = finalize_csv(backend.address, member.token, ticket)
    assert (again.status_code, again.text) == (
        404,
        f"Input-data with uuid '{file_uuid}' not found.",
    )


def test_finalize_of_an_unknown_dataset_is_not_found(backend: Backend, member: Persona) -> None:
    ticket = {"uuid": str(uuid.uuid4()), "uuid_input_file": str(uuid.uuid4())}
    reply = finalize_csv(backend.address, member.token, ticket)
    assert (reply.status_code, reply.text) == (
        404,
        f"Data-set with uuid '{ticket['uuid']}' not found",
    )


def test_finalize_with_foreign_temp_files_is_not_found(backend: Backend, member: Persona) -> None:
    images, labels = generated_mnist(2)
    ticket = register_mnist(backend.address, member.token, images, labels)
    other = register_mnist(backend.address, member.token, images, labels)
    wrong_input = {**ticket, "uuid_input_file": other["uuid_input_file"]}
    reply = finalize_mnist(backend.address, member.token, wrong_input)
    assert (reply.status_code, reply.text) == (
        404,
        f"Input-data with uuid '{other['uuid_input_file']}' not found.",
    )
    swapped = {**ticket, "uuid_label_file": ticket["uuid_input_file"]}
    reply = finalize_mnist(backend.address, member.token, swapped)
    assert (reply.status_code, reply.text) == (
        404,
        f"Label-data with uuid '{ticket['uuid_input_file']}' not found.",
    )


def test_finalize_refuses_an_incomplete_upload(backend: Backend, member: Persona) -> None:
    images, labels = generated_mnist(500)
    ticket = register_mnist(backend.address, member.token, images, labels)
    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        assert send_chunk(conn, 0, images[:CHUNK]).success
    upload_file(backend.address, member.token, ticket["uuid_label_file"], labels)
    reply = finalize_mnist(backend.address, member.token, ticket)
    assert (reply.status_code, reply.text) == (
        400,
        f"Input-data with uuid '{ticket['uuid_input_file']}' is not completely uploaded:"
        f" {CHUNK} of {len(images)} bytes received",
    )


def test_finalize_refuses_the_other_kind(backend: Backend, member: Persona) -> None:
    data = b"a,b\n1,2\n"
    ticket = register_csv(backend.address, member.token, data)
    upload_file(backend.address, member.token, ticket["uuid_input_file"], data)
    body = {**ticket, "uuid_label_file": ticket["uuid_input_file"]}
    reply = finalize_mnist(backend.address, member.token, body)
    assert (reply.status_code, reply.text) == (
        400,
        f"Data-set with uuid '{ticket['uuid']}' was registered as a CSV upload, not MNIST",
    )


def test_progress_of_an_unknown_dataset_is_not_found(backend: Backend, member: Persona) -> None:
    unknown = str(uuid.uuid4())
    reply = send(
        backend.address, "GET", "/dataset/progress", token=member.token, query={"uuid": unknown}
    )
    assert (reply.status_code, reply.text) == (404, f"Data-set with uuid '{unknown}' not found")
    reply = send(
        backend.address, "GET", "/dataset/progress", token=member.token, query={"uuid": "x"}
    )
    assert (reply.status_code, reply.text) == (
        400,
        f"Given item 'uuid' doesn't match with regex {UUID_REGEX}",
    )


def test_finalize_validates_its_uuids(backend: Backend, member: Persona) -> None:
    body = {"uuid": str(uuid.uuid4()), "uuid_input_file": "nope"}
    reply = send(backend.address, "PUT", "/dataset/upload/csv", token=member.token, body=body)
    assert (reply.status_code, reply.text) == (
        400,
        f"Given item 'uuid_input_file' doesn't match with regex {UUID_REGEX}",
    )


def test_complete_means_every_byte_whatever_the_chunking(backend: Backend, member: Persona) -> None:
    data = b"a,b\n" + b"12,34\n" * 49  # 298 bytes
    ticket = register_csv(backend.address, member.token, data)

    def write(start: int, end: int) -> bool:
        assert send_chunk(conn, start, data[start:end]) == Reply(True, "")
        return progress(backend.address, member.token, ticket["uuid"])

    with file_socket(backend.address, member.token, ticket["uuid_input_file"]) as conn:
        assert write(100, 200) is False
        assert write(100, 200) is False  # the same bytes again count once
        assert write(0, 150) is False
        assert write(250, 298) is False
        assert write(199, 251) is True
    assert finalize_csv(backend.address, member.token, ticket).status_code == 200
