"""The upload workflow (register, websocket chunks, progress, finalize) against the embedded
backend: whole files of every size, honest progress, bounded reads, resuming, and nothing left
behind when a step fails."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from hanami_client import BadRequest, HanamiClient, NotFound, UploadTicket
from hanami_client._source import CHUNK_BYTES
from tests.hanami_client.support import (
    LargestReadFile,
    csv_bytes,
    fresh_name,
    idx_images,
    idx_labels,
)

MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"


class Recorder:
    """A progress callback that keeps every report."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, sent: int, total: int) -> None:
        self.calls.append((sent, total))

    def is_monotone_up_to(self, total: int) -> bool:
        sent = [call[0] for call in self.calls]
        return (
            sent == sorted(sent)
            and len(set(sent)) == len(sent)
            and {call[1] for call in self.calls} == {total}
            and sent[-1] == total
        )


def names_listed(client: HanamiClient) -> list[str]:
    return [row["name"] for row in client.datasets.list()]


def test_a_csv_that_is_not_a_multiple_of_the_chunk_size_arrives_whole(
    member_client: HanamiClient,
) -> None:
    data = csv_bytes(40_000)
    assert len(data) > 3 * CHUNK_BYTES
    assert len(data) % CHUNK_BYTES
    progress = Recorder()

    dataset = member_client.datasets.upload_csv(fresh_name("Ragged"), data, progress=progress)

    assert (dataset.number_of_rows, dataset.number_of_columns) == (40_000, 2)
    last = member_client.datasets.content(dataset.uuid, "b", row_offset=39_998, number_of_rows=2)
    assert last == [[2.0 * 39_998], [2.0 * 39_999]]
    assert progress.is_monotone_up_to(len(data))
    assert len(progress.calls) == -(-len(data) // CHUNK_BYTES)


def test_a_csv_smaller_than_one_chunk_is_one_acknowledged_chunk(
    member_client: HanamiClient,
) -> None:
    progress = Recorder()

    dataset = member_client.datasets.upload_csv(
        fresh_name("Small"), io.BytesIO(b"x,y\n1,2\n3,4\n"), progress=progress
    )

    assert member_client.datasets.content(dataset.uuid, "y", number_of_rows=2) == [[2.0], [4.0]]
    assert progress.calls == [(12, 12)]


def test_the_mnist_sample_uploads_from_paths_with_progress_over_both_files(
    member_client: HanamiClient,
) -> None:
    total = IMAGES.stat().st_size + LABELS.stat().st_size
    progress = Recorder()

    dataset = member_client.datasets.upload_mnist(
        fresh_name("Sample"), IMAGES, str(LABELS), progress=progress
    )

    assert (dataset.number_of_rows, dataset.number_of_columns) == (1000, 794)
    assert progress.is_monotone_up_to(total)
    assert (IMAGES.stat().st_size, total) in progress.calls  # the images, then the labels


def test_mnist_from_file_objects(member_client: HanamiClient) -> None:
    images = io.BytesIO(idx_images(3, rows=2, columns=2))
    labels = io.BytesIO(idx_labels([7, 0, 9]))

    dataset = member_client.datasets.upload_mnist(fresh_name("Tiny Digits"), images, labels)

    assert dataset.description == {"picture": (0, 4), "label": (4, 14)}
    assert member_client.datasets.content(dataset.uuid, "picture", number_of_rows=3) == [
        [0.0] * 4,
        [1.0] * 4,
        [2.0] * 4,
    ]
    assert member_client.datasets.content(dataset.uuid, "label", row_offset=2) == [
        [0.0] * 9 + [1.0]
    ]


def test_a_large_file_is_read_one_chunk_at_a_time(
    member_client: HanamiClient, tmp_path: Path
) -> None:
    path = tmp_path / "large.csv"
    block = csv_bytes(10_000, columns=("p", "q", "r", "s"))
    with path.open("wb") as out:
        out.write(block)
        while out.tell() < 30 * 1024 * 1024:
            out.write(block[block.index(b"\n") + 1 :])
    size = path.stat().st_size
    progress = Recorder()

    with path.open("rb", buffering=0) as raw, LargestReadFile(raw) as source:
        tracemalloc.start()
        try:
            dataset = member_client.datasets.upload_csv(
                fresh_name("Large"), source, progress=progress
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert source.largest_read <= CHUNK_BYTES
    assert peak < 8 * 1024 * 1024  # bytes allocated at once, for a 30 MB file
    assert progress.is_monotone_up_to(size)
    assert dataset.number_of_columns == 4
    member_client.datasets.delete(dataset.uuid)


def test_labels_outside_0_to_9_fail_at_finalize_and_leave_nothing(
    member_client: HanamiClient,
) -> None:
    name = fresh_name("Bad Labels")

    with pytest.raises(BadRequest) as caught:
        member_client.datasets.upload_mnist(name, idx_images(3), idx_labels([1, 12, 3]))

    assert caught.value.status == 400
    assert caught.value.operation == "datasets.finalize_mnist"
    assert "label" in caught.value.message.lower()
    assert name not in names_listed(member_client)


def test_a_label_count_that_does_not_match_fails_and_leaves_nothing(
    member_client: HanamiClient,
) -> None:
    name = fresh_name("Short Labels")

    with pytest.raises(BadRequest):
        member_client.datasets.upload_mnist(name, idx_images(3), idx_labels([1, 2]))

    assert name not in names_listed(member_client)


def test_a_csv_without_a_header_fails_and_leaves_nothing(member_client: HanamiClient) -> None:
    name = fresh_name("Headless")

    with pytest.raises(BadRequest) as caught:
        member_client.datasets.upload_csv(name, b"1\n2\n3\n")

    assert caught.value.operation == "datasets.finalize_csv"
    assert name not in names_listed(member_client)


def test_an_interrupted_upload_leaves_nothing(member_client: HanamiClient) -> None:
    name = fresh_name("Interrupted")

    def interrupt(sent: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        member_client.datasets.upload_csv(name, csv_bytes(40_000), progress=interrupt)

    assert name not in names_listed(member_client)


def test_a_name_the_contract_refuses_registers_nothing(member_client: HanamiClient) -> None:
    before = names_listed(member_client)

    with pytest.raises(BadRequest) as caught:
        member_client.datasets.upload_csv("9 lives", csv_bytes(3))

    assert caught.value.operation == "datasets.register_csv"
    assert caught.value.message.startswith("Given item 'name' doesn't match with regex")
    assert names_listed(member_client) == before


def test_an_empty_file_is_refused_at_registration(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.datasets.upload_csv(fresh_name("Empty"), b"")

    assert caught.value.message == "Given item 'input_data_size' is smaller than 1"


def test_register_returns_a_ticket_and_lists_the_dataset_at_once(
    member_client: HanamiClient,
) -> None:
    name = fresh_name("Registered")

    ticket = member_client.datasets.register_mnist(name, 100, 10)

    assert isinstance(ticket, UploadTicket)
    assert len({ticket.dataset_uuid, ticket.input_file_uuid, ticket.label_file_uuid}) == 3
    assert name in names_listed(member_client)
    assert member_client.datasets.upload_complete(ticket.dataset_uuid) is False
    member_client.datasets.delete(ticket.dataset_uuid)


def test_an_interrupted_upload_resumes_from_an_acknowledged_offset(
    member_client: HanamiClient,
) -> None:
    data = csv_bytes(30_000)
    resume_at = 2 * CHUNK_BYTES
    ticket = member_client.datasets.register_csv(fresh_name("Resumed"), len(data))

    first = member_client.datasets.send_file(ticket.input_file_uuid, data[:resume_at])
    complete_before = member_client.datasets.upload_complete(ticket.dataset_uuid)
    source = io.BytesIO(data)
    source.seek(resume_at)
    second = member_client.datasets.send_file(ticket.input_file_uuid, source, offset=resume_at)

    assert (first, complete_before) == (resume_at, False)
    assert second == len(data) - resume_at
    assert member_client.datasets.upload_complete(ticket.dataset_uuid) is True
    assert member_client.datasets.finalize_csv(ticket) == ticket.dataset_uuid
    rows = member_client.datasets.content(ticket.dataset_uuid, "a", number_of_rows=30_000)
    assert rows == [[float(i)] for i in range(30_000)]


def test_send_file_reports_progress_of_its_own_bytes(member_client: HanamiClient) -> None:
    data = csv_bytes(20_000)
    ticket = member_client.datasets.register_csv(fresh_name("Stepwise"), len(data))
    progress = Recorder()

    member_client.datasets.send_file(ticket.input_file_uuid, data, progress=progress)

    assert progress.is_monotone_up_to(len(data))
    member_client.datasets.delete(ticket.dataset_uuid)


def test_bytes_beyond_the_announced_size_are_refused(member_client: HanamiClient) -> None:
    ticket = member_client.datasets.register_csv(fresh_name("Overflow"), 10)
    try:
        with pytest.raises(BadRequest) as caught:
            member_client.datasets.send_file(ticket.input_file_uuid, b"a,b\n" * 10)
    finally:
        member_client.datasets.delete(ticket.dataset_uuid)

    assert caught.value.message == "Failed to write data to disc"
    assert caught.value.operation == "websocket.file_upload"


def test_the_steps_of_an_unknown_dataset_are_not_found(member_client: HanamiClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    ticket = UploadTicket(missing, missing, missing)

    with pytest.raises(NotFound) as progress:
        member_client.datasets.upload_complete(missing)
    with pytest.raises(NotFound) as finalize:
        member_client.datasets.finalize_mnist(ticket)

    assert progress.value.message == f"Data-set with uuid '{missing}' not found"
    assert finalize.value.operation == "datasets.finalize_mnist"


async def test_the_async_upload_sends_every_chunk(member_client: HanamiClient) -> None:
    data = csv_bytes(25_000)
    ticket = member_client.datasets.register_csv(fresh_name("Async"), len(data))
    progress = Recorder()

    sent = await member_client.datasets.send_file_async(
        ticket.input_file_uuid, io.BytesIO(data), progress=progress
    )

    assert sent == len(data)
    assert progress.is_monotone_up_to(len(data))
    assert member_client.datasets.upload_complete(ticket.dataset_uuid) is True
    member_client.datasets.finalize_csv(ticket)
    assert member_client.datasets.get(ticket.dataset_uuid).number_of_rows == 25_000


async def test_the_async_upload_resumes_too(member_client: HanamiClient) -> None:
    data = csv_bytes(25_000)
    ticket = member_client.datasets.register_csv(fresh_name("Async Resume"), len(data))

    await member_client.datasets.send_file_async(ticket.input_file_uuid, data[:CHUNK_BYTES])
    await member_client.datasets.send_file_async(
        ticket.input_file_uuid, data[CHUNK_BYTES:], offset=CHUNK_BYTES
    )

    assert member_client.datasets.upload_complete(ticket.dataset_uuid) is True
    member_client.datasets.delete(ticket.dataset_uuid)
