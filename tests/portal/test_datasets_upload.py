"""The browser upload's JSON endpoints, chunk by chunk, against the real embedded backend."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hanami_client import HanamiClient
from portal.datasets.models import Upload
from tests.conftest import Persona
from tests.portal.conftest import sign_in_page, unique_id
from tests.portal.test_api import sign_in_with_csrf

MNIST = Path(__file__).resolve().parents[1] / "data" / "mnist-5k"
T10K_IMAGES = MNIST / "t10k-images-idx3-ubyte"
T10K_LABELS = MNIST / "t10k-labels-idx1-ubyte"
TRAIN_IMAGES = MNIST / "train-images-idx3-ubyte"
TRAIN_LABELS = MNIST / "train-labels-idx1-ubyte"
CHUNK = 1024 * 1024
HEADS = {"images": 16, "labels": 8, "csv": 64 * 1024}
ROLES = {"images": "input", "labels": "label", "csv": "input"}
CSV = b"alpha,beta,gamma\n1,2.5,true\n-4,0.25,x\n7,8,9\n"
UPLOADS = "/datasets/uploads/"


def backend(client: Client) -> HanamiClient:
    """A hanami_client with the portal session's own token (to look behind the portal)."""
    from portal.hanami import new_hanami

    return new_hanami(client.session["hanami"]["token"])


def backend_names(client: Client) -> set[str]:
    """The names of the datasets the session's user sees on the backend."""
    with backend(client) as hanami:
        return {row["name"] for row in hanami.datasets.list()}


def start(client: Client, kind: str, name: str, files: dict[str, bytes], **extra: Any) -> Any:
    """The start request as upload.js sends it: the first bytes and the size of each file."""
    body: dict[str, Any] = {"kind": kind, "name": name}
    for field, content in files.items():
        head = io.BytesIO(content[: HEADS[field]])
        head.name = f"{field}.bin"
        body[field] = head
        body[f"{field}_size"] = str(len(content))
    return client.post(UPLOADS, body, **extra)


def send_chunk(client: Client, upload_id: str, field: str, offset: int, data: bytes) -> Any:
    """One chunk of a file, as upload.js sends it."""
    url = f"{UPLOADS}{upload_id}/chunk?role={ROLES[field]}&offset={offset}"
    return client.post(url, data, content_type="application/octet-stream")


def send_all(client: Client, state: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
    """Send every chunk not acknowledged yet, in order; returns the last state."""
    for field, content in files.items():
        offset = state["files"][ROLES[field]]["offset"]
        while offset < len(content):
            reply = send_chunk(client, state["id"], field, offset, content[offset : offset + CHUNK])
            assert reply.status_code == 200, reply.content
            state = reply.json()
            offset = state["files"][ROLES[field]]["offset"]
    return state


def finish(client: Client, upload_id: str) -> Any:
    return client.post(f"{UPLOADS}{upload_id}/finish")


def upload_through_portal(
    client: Client, kind: str, name: str, files: dict[str, bytes]
) -> dict[str, Any]:
    """Start, send every chunk and finish; returns the finish answer."""
    started = start(client, kind, name, files)
    assert started.status_code == 201, started.content
    send_all(client, started.json(), files)
    finished = finish(client, started.json()["id"])
    assert finished.status_code == 200, finished.content
    return finished.json()


def mnist_files(images: Path = T10K_IMAGES, labels: Path = T10K_LABELS) -> dict[str, bytes]:
    return {"images": images.read_bytes(), "labels": labels.read_bytes()}


@pytest.fixture
def other_member_web(web: str, backend_address: str, admin: Persona) -> Iterator[Client]:
    """A second plain member of alphaproj (the member's project) for this test."""
    user_id = unique_id("peer")
    with HanamiClient(backend_address, admin.token) as hanami:
        hanami.users.create(user_id, "Peer member", "peer-passphrase")
        hanami.users.add_project(user_id, "alphaproj", "member")
        client = Client()
        assert sign_in_page(client, user_id, "peer-passphrase").status_code == 302
        yield client
        hanami.users.delete(user_id)


# --- the whole way ------------------------------------------------------------------------------


def test_mnist_sample_uploaded_chunk_by_chunk_becomes_a_dataset(member_web: Client) -> None:
    name = unique_id("Portal digits ")
    files = mnist_files(TRAIN_IMAGES, TRAIN_LABELS)
    started = start(member_web, "mnist", name, files)
    assert started.status_code == 201, started.content
    state = started.json()
    assert state["files"] == {
        "input": {"size": len(files["images"]), "offset": 0},
        "label": {"size": len(files["labels"]), "offset": 0},
    }
    assert state["chunk_bytes"] == CHUNK
    assert state["total"] == len(files["images"]) + len(files["labels"])

    offsets = []
    for offset in range(0, len(files["images"]), CHUNK):
        reply = send_chunk(
            member_web, state["id"], "images", offset, files["images"][offset : offset + CHUNK]
        )
        assert reply.status_code == 200, reply.content
        offsets.append(reply.json()["files"]["input"]["offset"])
    # 3,136,016 bytes: two full MiB chunks and a shorter last one.
    assert offsets == [CHUNK, 2 * CHUNK, len(files["images"])]
    state = send_all(member_web, reply.json(), files)
    assert state["sent"] == state["total"]

    finished = finish(member_web, state["id"])
    assert finished.status_code == 200, finished.content
    uuid = finished.json()["dataset_uuid"]
    assert finished.json()["url"] == f"/datasets/{uuid}/"
    assert not Upload.objects.filter(pk=state["id"]).exists()
    with backend(member_web) as hanami:
        dataset = hanami.datasets.get(uuid)
        last = hanami.datasets.content(uuid, "picture", row_offset=3999, number_of_rows=1)
        hanami.datasets.delete(uuid)
    assert (dataset.name, dataset.number_of_rows, dataset.number_of_columns) == (name, 4000, 794)
    assert bytes(int(value) for value in last[0]) == files["images"][-784:]


def test_csv_uploaded_through_the_portal_becomes_a_dataset(member_web: Client) -> None:
    name = unique_id("Portal table ")
    finished = upload_through_portal(member_web, "csv", name, {"csv": CSV})
    with backend(member_web) as hanami:
        dataset = hanami.datasets.get(finished["dataset_uuid"])
        beta = hanami.datasets.content(dataset.uuid, "beta", number_of_rows=3)
        hanami.datasets.delete(dataset.uuid)
    assert set(dataset.description) == {"alpha", "beta", "gamma"}
    assert dataset.number_of_rows == 3
    assert beta == [[2.5], [0.25], [8.0]]


def test_interrupted_upload_resumes_from_the_acknowledged_offset(member_web: Client) -> None:
    name = unique_id("Resumed digits ")
    files = mnist_files(TRAIN_IMAGES, TRAIN_LABELS)
    state = start(member_web, "mnist", name, files).json()
    for offset in (0, CHUNK):
        data = files["images"][offset : offset + CHUNK]
        assert send_chunk(member_web, state["id"], "images", offset, data).status_code == 200

    # The page reloads: it only knows the upload id and asks where to go on.
    status = member_web.get(f"{UPLOADS}{state['id']}/")
    assert status.status_code == 200
    assert status.json()["files"]["input"]["offset"] == 2 * CHUNK
    assert status.json()["files"]["label"]["offset"] == 0
    assert status.json()["sent"] == 2 * CHUNK
    # Sending from zero again is refused: the portal says where it stands.
    again = send_chunk(member_web, state["id"], "images", 0, files["images"][:CHUNK])
    assert again.status_code == 409
    assert again.json()["upload"]["files"]["input"]["offset"] == 2 * CHUNK

    state = send_all(member_web, status.json(), files)
    uuid = finish(member_web, state["id"]).json()["dataset_uuid"]
    with backend(member_web) as hanami:
        rows = hanami.datasets.content(uuid, "picture", row_offset=2674, number_of_rows=2)
        hanami.datasets.delete(uuid)
    # Row 2674 straddles the point where the upload went on (2 MiB).
    start_byte = 16 + 2674 * 784
    assert start_byte < 2 * CHUNK < start_byte + 784
    assert (
        bytes(int(v) for row in rows for v in row)
        == files["images"][start_byte : start_byte + 1568]
    )


def test_chunk_at_a_wrong_offset_answers_409_with_the_acknowledged_offset(
    member_web: Client,
) -> None:
    files = mnist_files(TRAIN_IMAGES, TRAIN_LABELS)
    state = start(member_web, "mnist", unique_id("Skipping "), files).json()
    reply = send_chunk(member_web, state["id"], "images", CHUNK, files["images"][CHUNK : 2 * CHUNK])
    assert reply.status_code == 409
    assert reply.json()["code"] == "offset_mismatch"
    assert "expects the chunk at byte 0" in reply.json()["detail"]
    assert reply.json()["upload"]["files"]["input"]["offset"] == 0
    assert Upload.objects.get(pk=state["id"]).input_offset == 0
    member_web.post(f"{UPLOADS}{state['id']}/cancel")


def test_chunk_of_the_wrong_length_is_refused(member_web: Client) -> None:
    files = mnist_files(TRAIN_IMAGES, TRAIN_LABELS)
    state = start(member_web, "mnist", unique_id("Short chunk "), files).json()
    short = send_chunk(member_web, state["id"], "images", 0, files["images"][:1000])
    assert short.status_code == 400
    assert "must hold 1048576 bytes" in short.json()["detail"]
    big = send_chunk(member_web, state["id"], "images", 0, files["images"][: CHUNK + 1])
    assert big.status_code == 413
    bad_role = member_web.post(
        f"{UPLOADS}{state['id']}/chunk?role=picture&offset=0",
        b"x",
        content_type="application/octet-stream",
    )
    assert bad_role.status_code == 400
    assert Upload.objects.get(pk=state["id"]).input_offset == 0
    member_web.post(f"{UPLOADS}{state['id']}/cancel")


def test_finish_before_every_byte_is_sent_is_refused(member_web: Client) -> None:
    files = mnist_files()
    state = start(member_web, "mnist", unique_id("Early finish "), files).json()
    send_chunk(member_web, state["id"], "images", 0, files["images"])
    reply = finish(member_web, state["id"])
    assert reply.status_code == 409
    assert reply.json()["code"] == "incomplete"
    assert "1008 bytes have not been sent yet" in reply.json()["detail"]
    assert Upload.objects.get(pk=state["id"]).state == "sending"
    member_web.post(f"{UPLOADS}{state['id']}/cancel")


# --- who may touch an upload ------------------------------------------------------------------


def test_another_user_cannot_touch_my_upload(member_web: Client, other_member_web: Client) -> None:
    files = mnist_files()
    state = start(member_web, "mnist", unique_id("Mine "), files).json()
    upload_id = state["id"]
    pushed = send_chunk(other_member_web, upload_id, "images", 0, files["images"])
    assert pushed.status_code == 404
    assert "upload" not in pushed.json()
    assert other_member_web.get(f"{UPLOADS}{upload_id}/").status_code == 404
    assert finish(other_member_web, upload_id).status_code == 404
    assert other_member_web.post(f"{UPLOADS}{upload_id}/cancel").status_code == 404
    assert Upload.objects.get(pk=upload_id).input_offset == 0
    assert member_web.get(f"{UPLOADS}{upload_id}/").status_code == 200
    member_web.post(f"{UPLOADS}{upload_id}/cancel")


def test_upload_endpoints_need_a_signed_in_user(web: str) -> None:
    reply = Client().post(UPLOADS, {"kind": "csv", "name": "Nobody here"})
    assert reply.status_code == 401
    assert reply.json()["code"] == "not_authenticated"


def test_chunks_need_the_csrf_token(web: str, member: Persona) -> None:
    client = sign_in_with_csrf(Client(enforce_csrf_checks=True), member.user_id, member.passphrase)
    token = client.cookies["csrftoken"].value
    state = start(
        client, "csv", unique_id("Guarded "), {"csv": CSV}, headers={"X-CSRFToken": token}
    )
    assert state.status_code == 201
    upload_id = state.json()["id"]
    refused = send_chunk(client, upload_id, "csv", 0, CSV)
    assert refused.status_code == 403
    assert Upload.objects.get(pk=upload_id).input_offset == 0
    accepted = client.post(
        f"{UPLOADS}{upload_id}/chunk?role=input&offset=0",
        CSV,
        content_type="application/octet-stream",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200
    client.post(f"{UPLOADS}{upload_id}/cancel", headers={"X-CSRFToken": token})


def test_upload_started_in_another_project_waits_for_a_switch_back(member_web: Client) -> None:
    state = start(member_web, "csv", unique_id("Elsewhere "), {"csv": CSV}).json()
    session = member_web.session
    context = session["hanami"]
    session["hanami"] = {**context, "project_id": "otherproj"}
    session.save()
    reply = send_chunk(member_web, state["id"], "csv", 0, CSV)
    assert reply.status_code == 409
    assert reply.json()["code"] == "other_project"
    assert "started in project “alphaproj”" in reply.json()["detail"]

    session["hanami"] = context
    session.save()
    assert send_chunk(member_web, state["id"], "csv", 0, CSV).status_code == 200
    member_web.post(f"{UPLOADS}{state['id']}/cancel")


# --- cancel -----------------------------------------------------------------------------------


def test_cancel_removes_the_dataset_and_the_upload(member_web: Client) -> None:
    name = unique_id("Cancelled ")
    files = mnist_files(TRAIN_IMAGES, TRAIN_LABELS)
    state = start(member_web, "mnist", name, files).json()
    send_chunk(member_web, state["id"], "images", 0, files["images"][:CHUNK])
    assert name in backend_names(member_web)

    reply = member_web.post(f"{UPLOADS}{state['id']}/cancel")
    assert reply.status_code == 200
    assert reply.json() == {"state": "cancelled"}
    assert name not in backend_names(member_web)
    assert not Upload.objects.filter(pk=state["id"]).exists()
    assert member_web.get(f"{UPLOADS}{state['id']}/").status_code == 404


# --- bad input --------------------------------------------------------------------------------


def _idx_images(count: int, side: int = 28) -> bytes:
    return struct.pack(">IIII", 0x0803, count, side, side) + bytes(count * side * side)


def _idx_labels(labels: bytes) -> bytes:
    return struct.pack(">II", 0x0801, len(labels)) + labels


BAD_INPUTS = [
    (
        "mnist",
        "Swapped files",
        {"images": T10K_LABELS.read_bytes(), "labels": T10K_IMAGES.read_bytes()},
        "images",
        "This is an idx labels file (magic number 2049): choose it as labels.",
    ),
    (
        "mnist",
        "Not idx at all",
        {"images": b"hello world, this is text", "labels": T10K_LABELS.read_bytes()},
        "images",
        "Not an idx images file: it starts with 1751477356 instead of the magic number 2051.",
    ),
    (
        "mnist",
        "Empty images",
        {"images": b"", "labels": T10K_LABELS.read_bytes()},
        "images",
        "The file is empty.",
    ),
    (
        "mnist",
        "Count mismatch",
        {"images": _idx_images(3), "labels": _idx_labels(bytes([1, 2]))},
        "labels",
        "The labels file has 2 labels, but the images file has 3 images.",
    ),
    (
        "mnist",
        "Truncated images",
        {"images": _idx_images(3)[:-5], "labels": _idx_labels(bytes([1, 2, 3]))},
        "images",
        "The header announces 3 images of 28x28 pixels (2368 bytes), but the file has 2363 bytes.",
    ),
    (
        "mnist",
        "9 starts with a digit",
        mnist_files(),
        "name",
        "Not allowed here",
    ),
    ("mnist", "abc", mnist_files(), "name", "Too short: use at least 4 characters"),
    ("csv", "semi;colon", {"csv": CSV}, "name", "Not allowed here"),
    ("csv", "Empty table", {"csv": b""}, "csv", "The file is empty."),
    (
        "csv",
        "No header",
        {"csv": b"1\n2\n3\n"},
        "csv",
        "No header line with a comma in the first 64 KiB",
    ),
    (
        "csv",
        "Images as CSV",
        {"csv": T10K_IMAGES.read_bytes()},
        "csv",
        "This is not a CSV file: it contains binary data.",
    ),
    ("mnist", "Labels missing", {"images": T10K_IMAGES.read_bytes()}, "labels", "Choose a file."),
]


@pytest.mark.parametrize(("kind", "name", "files", "field", "message"), BAD_INPUTS)
def test_bad_input_gets_a_clear_error_and_creates_nothing(
    member_web: Client, kind: str, name: str, files: dict[str, bytes], field: str, message: str
) -> None:
    before = backend_names(member_web)
    uploads = Upload.objects.count()
    reply = start(member_web, kind, name, files)
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_input"
    assert any(message in text for text in reply.json()["errors"][field])
    assert backend_names(member_web) == before
    assert Upload.objects.count() == uploads


def test_start_request_carrying_whole_files_is_refused(member_web: Client) -> None:
    body = {"kind": "csv", "name": "Too big a start", "csv": io.BytesIO(b"a,b\n" * 100_000)}
    reply = member_web.post(UPLOADS, body)
    assert reply.status_code == 413


def test_first_chunk_that_contradicts_its_head_ends_the_upload(member_web: Client) -> None:
    name = unique_id("Liar ")
    files = mnist_files()
    state = start(member_web, "mnist", name, files).json()
    forged = b"\0\0\x08\x01" + files["images"][4:]
    reply = send_chunk(member_web, state["id"], "images", 0, forged)
    assert reply.status_code == 422
    assert reply.json()["errors"] == {
        "images": ["This is an idx labels file (magic number 2049): choose it as labels."]
    }
    assert not Upload.objects.filter(pk=state["id"]).exists()
    assert name not in backend_names(member_web)


def test_conversion_refused_by_the_backend_is_reported_and_deletes_the_dataset(
    member_web: Client,
) -> None:
    name = unique_id("Bad labels ")
    files = {"images": _idx_images(3), "labels": _idx_labels(bytes([1, 11, 2]))}
    state = start(member_web, "mnist", name, files).json()
    send_all(member_web, state, files)
    reply = finish(member_web, state["id"])
    assert reply.status_code == 422
    assert reply.json()["code"] == "conversion_failed"
    assert reply.json()["detail"].startswith("The backend could not convert the files: ")
    assert "11" in reply.json()["detail"]
    assert name not in backend_names(member_web)
    assert not Upload.objects.filter(pk=state["id"]).exists()
