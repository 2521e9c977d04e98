"""Finalize: MNIST (6.2) and CSV (6.3) into the binary file of 6.6, written atomically; input the
contract refuses gets a 400 that says what is wrong and leaves every stored dataset as it was."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.uploads import (
    content,
    finalize_csv,
    finalize_mnist,
    generated_mnist,
    get_dataset,
    idx_images,
    idx_labels,
    listed_uuids,
    register_csv,
    register_mnist,
    upload_file,
    uploaded_csv,
    uploaded_mnist,
)

RNG = np.random.default_rng(7)
PICTURES = RNG.integers(0, 256, size=(20, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 10, size=20)
GOOD_IMAGES, GOOD_LABELS = idx_images(PICTURES), idx_labels(LABELS)


def _dataset_file(backend: Backend, dataset_uuid: str) -> Path:
    return backend.data_dir / "datasets" / dataset_uuid


def _stored(backend: Backend) -> dict[str, str]:
    """Every file in the datasets folder with its digest."""
    folder = backend.data_dir / "datasets"
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}


def test_mnist_file_has_the_header_of_section_6_6(backend: Backend, member: Persona) -> None:
    dataset_uuid = uploaded_mnist(
        backend.address, member.token, GOOD_IMAGES, GOOD_LABELS, "Header Digits"
    )
    raw = _dataset_file(backend, dataset_uuid).read_bytes()
    assert raw[0:8] == b"hanami\0\0"
    assert raw[8:40] == b"data-set".ljust(32, b"\0")
    assert raw[40:48] == b"v1".ljust(8, b"\0")
    assert raw[48:56] == b"0alpha".ljust(8, b"\0")
    assert (raw[56], raw[57], raw[58:60]) == (1, 1, b"\0\0")
    description_size, file_size, rows, columns = struct.unpack_from("<IQQQ", raw, 60)
    assert (file_size, rows, columns) == (len(raw), 20, 794)
    assert raw[88:343] == b"Header Digits".ljust(255, b"\0")
    assert raw[343] == len("Header Digits")
    assert raw[344:4096] == bytes(3752)
    description = raw[4096 : 4096 + description_size]
    assert description == (
        b'{"label":{"column_end":794,"column_start":784},'
        b'"picture":{"column_end":784,"column_start":0}}'
    )
    data = np.frombuffer(raw, np.uint8, offset=4096 + description_size).reshape(20, 794)
    assert np.array_equal(data[:, :784], PICTURES.reshape(20, 784))
    assert np.array_equal(data[:, 784:], np.eye(10, dtype=np.uint8)[LABELS])


def test_csv_file_is_float32_with_one_column_per_header_cell(
    backend: Backend, member: Persona
) -> None:
    dataset_uuid = uploaded_csv(backend.address, member.token, b"a,b\n1,0.5\n-2,3.25\n")
    raw = _dataset_file(backend, dataset_uuid).read_bytes()
    assert (raw[56], raw[57]) == (4, 4)
    description_size, file_size, rows, columns = struct.unpack_from("<IQQQ", raw, 60)
    assert (file_size, rows, columns) == (len(raw), 2, 2)
    assert json.loads(raw[4096 : 4096 + description_size]) == {
        "a": {"column_end": 1, "column_start": 0},
        "b": {"column_end": 2, "column_start": 1},
    }
    values = np.frombuffer(raw, "<f4", offset=4096 + description_size)
    assert values.tolist() == [1.0, 0.5, -2.0, 3.25]


def test_csv_cells_follow_the_contract_rules(backend: Backend, member: Persona) -> None:
    text = (
        b"a note without a comma\n"
        b"one,two,three,\n"  # the trailing empty cell is dropped: three columns
        b"1,2\n"  # ragged: the missing cell is 0
        b"4,5,6,7,8\n"  # ragged: extra cells are ignored
        b"TRUE,false,null\n"
        b"1e5, 3,.5\n"  # not numbers by the contract's rules: 0
        b"-7,,2.5\r\n"  # a \r stays in the last cell, which is then not a number
        b"skipped\n"
        b"0.1,-0.25,9"  # no final newline
    )
    dataset_uuid = uploaded_csv(backend.address, member.token, text)
    got = get_dataset(backend.address, member.token, dataset_uuid).json()
    assert (got["number_of_rows"], got["number_of_columns"]) == (6, 3)
    columns = [
        content(backend.address, member.token, dataset_uuid, name, 0, 6).json()["data"]
        for name in ("one", "two", "three")
    ]
    assert [[row[0] for row in column] for column in columns] == [
        [1.0, 4.0, 1.0, 0.0, -7.0, 0.10000000149011612],
        [2.0, 5.0, 0.0, 0.0, 0.0, -0.25],
        [0.0, 6.0, 0.0, 0.0, 0.0, 9.0],
    ]


def _column_values(
    backend: Backend, token: str, dataset_uuid: str, names: list[str], rows: int
) -> list[list[float]]:
    """The first `rows` values of each one-cell column."""
    values = []
    for name in names:
        reply = content(backend.address, token, dataset_uuid, name, 0, rows)
        values.append([row[0] for row in reply.json()["data"]])
    return values


def test_plain_number_lines_keep_their_values(backend: Backend, member: Persona) -> None:
    lines = [f"{index},-{index}.25,00{index % 7},-12.50" for index in range(30_000)]
    text = ("w,x,y,z\n" + "\n".join(lines) + "\n").encode()  # several read blocks
    dataset_uuid = uploaded_csv(backend.address, member.token, text)
    got = _column_values(backend, member.token, dataset_uuid, ["w", "x", "y", "z"], 10_000)
    assert got[0] == [float(index) for index in range(10_000)]
    assert got[1] == [-index - 0.25 for index in range(10_000)]
    assert got[2] == [float(index % 7) for index in range(10_000)]
    assert got[3] == [-12.5] * 10_000
    tail = content(backend.address, member.token, dataset_uuid, "x", 29_999, 1).json()
    assert tail == {"data": [[-29999.25]]}


def test_cells_made_of_number_characters_that_are_not_numbers_are_0(
    backend: Backend, member: Persona
) -> None:
    cells = ["1.2.3", "-.5", "1.", "--1", "1-2", "-", ".", "-0", "-0.0", "7"]
    header = ",".join(f"c{index}" for index in range(len(cells)))
    text = f"{header}\n{','.join(cells)}\n".encode()
    dataset_uuid = uploaded_csv(backend.address, member.token, text)
    values = _column_values(
        backend, member.token, dataset_uuid, [f"c{index}" for index in range(len(cells))], 1
    )
    assert [column[0] for column in values] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 7]
    negative_zero = content(backend.address, member.token, dataset_uuid, "c8", 0, 1)
    assert negative_zero.text == '{"data":[[-0.0]]}'
    integer_zero = content(backend.address, member.token, dataset_uuid, "c7", 0, 1)
    assert integer_zero.text == '{"data":[[0.0]]}'


@pytest.fixture(scope="module")
def previous(backend: Backend, member: Persona) -> str:
    """A finalized dataset that no failed finalize may touch."""
    return uploaded_mnist(backend.address, member.token, GOOD_IMAGES, GOOD_LABELS, "Kept Digits")


def _failed_mnist(backend: Backend, member: Persona, images: bytes, labels: bytes):
    ticket = register_mnist(backend.address, member.token, images, labels)
    upload_file(backend.address, member.token, ticket["uuid_input_file"], images)
    upload_file(backend.address, member.token, ticket["uuid_label_file"], labels)
    return ticket, finalize_mnist(backend.address, member.token, ticket)


def _bad_label_values() -> np.ndarray:
    values = LABELS.copy()
    values[13] = 12
    return values


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (
            GOOD_IMAGES,
            idx_labels(_bad_label_values()),
            "The label file holds the label 12 at index 13: labels must be 0 to 9",
        ),
        (
            idx_images(PICTURES, magic=2049),
            GOOD_LABELS,
            "The image file is not an idx image file: magic number 2049, expected 2051",
        ),
        (
            GOOD_IMAGES,
            idx_labels(LABELS, magic=2051),
            "The label file is not an idx label file: magic number 2051, expected 2049",
        ),
        (
            GOOD_IMAGES[:-784],
            GOOD_LABELS,
            "The image file is truncated or inconsistent: its header announces 20 images of"
            " 28x28 pixels (15696 bytes), but the file has 14912 bytes",
        ),
        (
            idx_images(PICTURES, count=21),
            GOOD_LABELS,
            "The image file is truncated or inconsistent: its header announces 21 images of"
            " 28x28 pixels (16480 bytes), but the file has 15696 bytes",
        ),
        (
            GOOD_IMAGES,
            idx_labels(LABELS[:19]),
            "The label file holds 19 labels, but the image file holds 20 images",
        ),
        (
            GOOD_IMAGES,
            GOOD_LABELS[:-1],
            "The label file is truncated or inconsistent: its header announces 20 labels,"
            " but the file holds 19",
        ),
        (
            GOOD_IMAGES[:10],
            GOOD_LABELS,
            "The image file is too short for an idx header: 10 bytes, at least 16 needed",
        ),
        (
            idx_images(PICTURES[:0]),
            idx_labels([]),
            "The image file holds no images: its header announces 0 images of 28x28 pixels",
        ),
    ],
    ids=[
        "label-out-of-range",
        "image-magic",
        "label-magic",
        "truncated-images",
        "image-count-too-high",
        "fewer-labels",
        "truncated-labels",
        "no-idx-header",
        "no-images",
    ],
)
def test_bad_mnist_is_refused_and_leaves_nothing(
    backend: Backend,
    member: Persona,
    previous: str,
    images: bytes,
    labels: bytes,
    message: str,
) -> None:
    kept = _stored(backend)
    kept_rows = content(backend.address, member.token, previous, "label", 0, 20).json()
    ticket, reply = _failed_mnist(backend, member, images, labels)
    assert (reply.status_code, reply.text) == (400, message)
    assert _stored(backend) == kept
    assert content(backend.address, member.token, previous, "label", 0, 20).json() == kept_rows
    unfinished = get_dataset(backend.address, member.token, ticket["uuid"])
    assert (unfinished.status_code, unfinished.text) == (500, "")
    assert ticket["uuid"] in listed_uuids(backend.address, member.token)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b"just words\nand more words\n",
            "The CSV file has no header line: no line contains a comma",
        ),
        (b"\n  \n\t\n", "The CSV file is empty"),
        (b"alpha,beta\n\nno comma here\n", "The CSV file has a header line but no data line"),
        (
            b"a,b\n1,2\n3,4" + b"0" * 40 + b"\n",
            "The CSV file holds a number beyond the float32 range in data row 2",
        ),
        (
            b"a,b\n1,true\n1,2\n" + b"9" * 400 + b",2\n",
            "The CSV file holds a number beyond the float32 range in data row 3",
        ),
    ],
    ids=["no-header", "empty", "header-only", "overflow-plain", "overflow-mixed"],
)
def test_bad_csv_is_refused_and_leaves_nothing(
    backend: Backend, member: Persona, previous: str, text: bytes, message: str
) -> None:
    kept = _stored(backend)
    ticket = register_csv(backend.address, member.token, text)
    upload_file(backend.address, member.token, ticket["uuid_input_file"], text)
    reply = finalize_csv(backend.address, member.token, ticket)
    assert (reply.status_code, reply.text) == (400, message)
    assert _stored(backend) == kept


def test_a_refused_finalize_can_be_retried_with_corrected_bytes(
    backend: Backend, member: Persona
) -> None:
    bad_labels = idx_labels(_bad_label_values())
    ticket, reply = _failed_mnist(backend, member, GOOD_IMAGES, bad_labels)
    assert reply.status_code == 400
    upload_file(backend.address, member.token, ticket["uuid_label_file"], GOOD_LABELS)
    retried = finalize_mnist(backend.address, member.token, ticket)
    assert retried.status_code == 200
    labels = content(backend.address, member.token, ticket["uuid"], "label", 0, 20).json()
    assert labels["data"] == np.eye(10)[LABELS].tolist()


def test_a_generated_60000_image_file_converts(backend: Backend, member: Persona) -> None:
    images, labels = generated_mnist(60_000, seed=11)
    dataset_uuid = uploaded_mnist(backend.address, member.token, images, labels, "Large Digits")
    got = get_dataset(backend.address, member.token, dataset_uuid).json()
    assert (got["number_of_rows"], got["number_of_columns"]) == (60_000, 794)
    tail = content(backend.address, member.token, dataset_uuid, "picture", 59_999, 1).json()
    assert tail["data"] == [[float(value) for value in images[-784:]]]
