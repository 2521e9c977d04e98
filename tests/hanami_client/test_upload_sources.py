"""What an upload reads from: paths, binary files and bytes, in full chunks; anything else is
refused locally, before a byte goes to the backend."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from hanami_client import BadRequest, HanamiClient
from hanami_client._source import CHUNK_BYTES, open_source
from tests.backend import free_port


class TrickleReader(io.RawIOBase):
    """A seekable binary stream that hands out at most 1000 bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        part = self._data.read(min(len(buffer), 1000))
        buffer[: len(part)] = part
        return len(part)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._data.seek(offset, whence)

    def tell(self) -> int:
        return self._data.tell()


@pytest.fixture
def nowhere() -> HanamiClient:
    """A client whose backend does not exist: any request would fail as BackendUnavailable."""
    return HanamiClient(f"http://127.0.0.1:{free_port()}", "token")


def chunk_layout(source: object, offset: int = 0) -> list[tuple[int, int]]:
    with open_source(source) as opened:  # type: ignore[arg-type]
        return [(position, len(data)) for position, data in opened.chunks(offset, "test")]


def test_bytes_are_cut_into_full_chunks_and_a_short_last_one() -> None:
    assert chunk_layout(b"x" * (3 * CHUNK_BYTES + 5)) == [
        (0, CHUNK_BYTES),
        (CHUNK_BYTES, CHUNK_BYTES),
        (2 * CHUNK_BYTES, CHUNK_BYTES),
        (3 * CHUNK_BYTES, 5),
    ]


def test_a_source_smaller_than_a_chunk_is_one_chunk() -> None:
    assert chunk_layout(bytearray(b"a,b\n1,2\n")) == [(0, 8)]


def test_positions_start_at_the_offset() -> None:
    assert chunk_layout(b"x" * (CHUNK_BYTES + 1), offset=2 * CHUNK_BYTES) == [
        (2 * CHUNK_BYTES, CHUNK_BYTES),
        (3 * CHUNK_BYTES, 1),
    ]


def test_short_reads_are_joined_into_full_chunks() -> None:
    data = os.urandom(2 * CHUNK_BYTES + 10)

    with open_source(TrickleReader(data)) as opened:
        chunks = list(opened.chunks(0, "test"))

    assert [len(chunk) for _, chunk in chunks] == [CHUNK_BYTES, CHUNK_BYTES, 10]
    assert b"".join(chunk for _, chunk in chunks) == data


def test_a_path_is_sized_by_fstat_and_closed_afterwards(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a\n" * 1000)

    with open_source(path) as opened:
        assert opened.size == 2000
        stream = opened._content
    with open_source(str(path)) as opened:
        assert opened.size == 2000

    assert stream.closed  # type: ignore[union-attr]


def test_a_file_object_is_read_from_its_position_and_left_open() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(4)

    with open_source(stream) as opened:
        assert opened.size == 6
        assert [data for _, data in opened.chunks(0, "test")] == [b"456789"]

    assert not stream.closed


def test_a_source_that_ends_before_its_size_is_a_bad_request() -> None:
    stream = io.BytesIO(b"x" * 1000)

    with open_source(stream) as opened:
        stream.truncate(600)
        with pytest.raises(BadRequest) as caught:
            list(opened.chunks(0, "datasets.send_file"))

    assert caught.value.message == "the source ended after 600 of its 1000 bytes"
    assert caught.value.operation == "datasets.send_file"


def test_a_text_file_is_refused_before_anything_is_sent(
    nowhere: HanamiClient, tmp_path: Path
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")

    with path.open() as text, pytest.raises(TypeError, match="a binary file, not TextIOWrapper"):
        nowhere.datasets.upload_csv("Text Data", text)


@pytest.mark.parametrize(
    "source", [io.StringIO("a,b\n"), 42, ["a,b"]], ids=["StringIO", "int", "list"]
)
def test_what_is_no_binary_file_is_a_type_error(nowhere: HanamiClient, source: object) -> None:
    with pytest.raises(TypeError, match="path, bytes or a binary file"):
        nowhere.datasets.upload_csv("Odd Data", source)  # type: ignore[arg-type]


def test_a_file_like_that_reads_text_is_a_type_error(nowhere: HanamiClient) -> None:
    class TextReader:
        def read(self, size: int = -1) -> str:
            return ""

    with pytest.raises(TypeError, match="binary mode"):
        nowhere.datasets.upload_csv("Text Data", TextReader())  # type: ignore[arg-type]


def test_a_write_only_file_is_a_type_error(nowhere: HanamiClient, tmp_path: Path) -> None:
    with (tmp_path / "out.csv").open("wb") as stream, pytest.raises(TypeError, match="readable"):
        nowhere.datasets.send_file("0" * 8, stream)


def test_a_pipe_is_a_type_error(nowhere: HanamiClient) -> None:
    read_end, write_end = os.pipe()
    with (
        open(read_end, "rb") as pipe,
        open(write_end, "wb"),
        pytest.raises(TypeError, match="seekable"),
    ):
        nowhere.datasets.upload_mnist("Piped Data", pipe, b"labels")


def test_a_closed_file_is_a_type_error(nowhere: HanamiClient) -> None:
    stream = io.BytesIO(b"a,b\n")
    stream.close()

    with pytest.raises(TypeError):
        nowhere.datasets.upload_csv("Closed Data", stream)


def test_a_missing_path_fails_before_anything_is_sent(
    nowhere: HanamiClient, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        nowhere.datasets.upload_csv("Missing Data", tmp_path / "missing.csv")


@pytest.mark.parametrize("offset", [-CHUNK_BYTES, 1, CHUNK_BYTES + 7])
def test_an_offset_that_does_not_start_a_chunk_is_a_value_error(
    nowhere: HanamiClient, offset: int
) -> None:
    with pytest.raises(ValueError, match="multiple of 131072"):
        nowhere.datasets.send_file("0" * 8, b"data", offset=offset)
