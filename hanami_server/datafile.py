"""The dataset file of contract 6.6: a 4096-byte header, the description JSON, then the rows.

Files are written under a temporary name beside their final path, fsynced, and moved into place
with `os.replace`, so a dataset file is either complete or absent.
"""

from __future__ import annotations

import json
import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

HEADER_BYTES = 4096
NAME_BYTES = 255
# magic, type name, version major, version minor, data_type, type_size, pad, description_size,
# file_size, number_of_rows, number_of_columns, name, name length; the rest is padding.
_HEADER = struct.Struct("<8s32s8s8sBB2xIQQQ255sB")
UINT8, FLOAT32 = 1, 4
DTYPES = {UINT8: np.dtype(np.uint8), FLOAT32: np.dtype("<f4")}


class ConversionError(ValueError):
    """Uploaded bytes that cannot become a dataset; the text says what is wrong (a 400)."""


class DataFileError(ValueError):
    """A file that is not a dataset file of this format."""


@dataclass(frozen=True)
class DataHeader:
    """What the header and the description of a dataset file say."""

    name: str
    data_type: int
    description: dict[str, dict[str, int]]
    number_of_rows: int
    number_of_columns: int
    description_size: int

    @property
    def data_offset(self) -> int:
        return HEADER_BYTES + self.description_size

    @property
    def dtype(self) -> np.dtype:
        return DTYPES[self.data_type]


def column_range(start: int, end: int) -> dict[str, int]:
    """One entry of a description map: the half-open column range [start, end)."""
    return {"column_end": end, "column_start": start}


def encode_header(
    name: str, data_type: int, description_json: bytes, rows: int, columns: int
) -> bytes:
    """The 4096 header bytes for a file with this content."""
    raw_name = name.encode()[:NAME_BYTES]
    file_size = HEADER_BYTES + len(description_json) + rows * columns * data_type
    packed = _HEADER.pack(
        b"hanami",
        b"data-set",
        b"v1",
        b"0alpha",
        data_type,
        data_type,
        len(description_json),
        file_size,
        rows,
        columns,
        raw_name,
        len(raw_name),
    )
    return packed.ljust(HEADER_BYTES, b"\0")


def read_header(path: Path) -> DataHeader:
    """Parse the header and description of a dataset file; raises OSError or DataFileError."""
    with path.open("rb") as file:
        head = file.read(HEADER_BYTES)
        if len(head) < HEADER_BYTES:
            raise DataFileError(f"{path.name}: shorter than a header")
        fields = _HEADER.unpack_from(head)
        magic, data_type, description_size = fields[0], fields[4], fields[6]
        rows, columns, raw_name, name_length = fields[8], fields[9], fields[10], fields[11]
        if magic.rstrip(b"\0") != b"hanami" or data_type not in DTYPES:
            raise DataFileError(f"{path.name}: not a dataset file")
        description = json.loads(file.read(description_size))
    return DataHeader(
        name=raw_name[:name_length].decode(errors="replace"),
        data_type=data_type,
        description=description,
        number_of_rows=rows,
        number_of_columns=columns,
        description_size=description_size,
    )


def open_rows(path: Path, header: DataHeader) -> np.ndarray:
    """The rows of a dataset file as a read-only memory map (rows x columns)."""
    shape = (header.number_of_rows, header.number_of_columns)
    if 0 in shape:
        return np.zeros(shape, dtype=header.dtype)
    return np.memmap(path, dtype=header.dtype, mode="r", offset=header.data_offset, shape=shape)


class DataFileWriter:
    """Writes one dataset file under a temporary name; `commit` moves it into place."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        data_type: int,
        description: dict[str, Any],
        columns: int,
    ) -> None:
        self.path = path
        self.partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.partial")
        self.name = name
        self.data_type = data_type
        self.columns = columns
        self.rows = 0
        self._description = json.dumps(description, separators=(",", ":"), sort_keys=True).encode()
        self._file: BinaryIO = self.partial.open("xb")
        self._file.write(encode_header(name, data_type, self._description, 0, columns))
        self._file.write(self._description)

    def append(self, block: np.ndarray) -> None:
        """Append rows (a 2-D array of this file's element type and width)."""
        if block.ndim != 2 or block.shape[1] != self.columns:
            raise ValueError(f"block of shape {block.shape} for {self.columns} columns")
        self._file.write(np.ascontiguousarray(block, dtype=DTYPES[self.data_type]).tobytes())
        self.rows += block.shape[0]

    def finish(self) -> None:
        """Write the final header (row count, file size) and flush everything to disk."""
        header = encode_header(
            self.name, self.data_type, self._description, self.rows, self.columns
        )
        self._file.seek(0)
        self._file.write(header)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def commit(self) -> None:
        """Move the finished file to its final path (atomic on one file system)."""
        os.replace(self.partial, self.path)
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        """Close and remove the temporary file (any time before `commit`)."""
        self._file.close()
        self.partial.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
