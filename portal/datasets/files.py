"""Checks of dataset files from their first bytes: what the backend would refuse, in words.

The upload page runs the same checks in the browser (static/js/upload.js) before anything is
sent; the portal runs them again on the heads the browser sends with the start request, and
once more on the real first chunk of each file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = [
    "CSV_HEAD_BYTES",
    "IMAGES_HEAD_BYTES",
    "IMAGES_MAGIC",
    "LABELS_HEAD_BYTES",
    "LABELS_MAGIC",
    "MAX_FILE_BYTES",
    "FileProblem",
    "ImagesHeader",
    "check_csv",
    "check_images",
    "check_label_count",
    "check_labels",
    "check_size",
]

#: idx magic numbers: unsigned bytes (0x08) in 3 dimensions (images) or 1 (labels).
IMAGES_MAGIC = 0x0803
LABELS_MAGIC = 0x0801
IMAGES_HEAD_BYTES = 16
LABELS_HEAD_BYTES = 8
#: How much of a CSV file is searched for its header line.
CSV_HEAD_BYTES = 64 * 1024
#: The largest file the backend registers (``input_data_size`` 1..10 000 000 000).
MAX_FILE_BYTES = 10_000_000_000


class FileProblem(ValueError):
    """A file the backend would refuse; the message says why, for the person who chose it."""


@dataclass(frozen=True)
class ImagesHeader:
    """What an idx images header announces."""

    count: int
    rows: int
    columns: int


def check_size(size: int) -> None:
    """Refuse an empty file and one larger than the backend takes."""
    if size <= 0:
        raise FileProblem("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise FileProblem("Too large: the backend takes at most 10 GB per file.")


def _magic(head: bytes) -> int:
    return struct.unpack(">I", head[:4])[0]


def check_images(head: bytes, size: int) -> ImagesHeader:
    """The header of an idx images file, or why the file is not one that fits its size."""
    check_size(size)
    if size < IMAGES_HEAD_BYTES or len(head) < IMAGES_HEAD_BYTES:
        raise FileProblem("Too short for an idx images file: it needs a 16-byte header.")
    magic = _magic(head)
    if magic == LABELS_MAGIC:
        raise FileProblem("This is an idx labels file (magic number 2049): choose it as labels.")
    if magic != IMAGES_MAGIC:
        raise FileProblem(
            f"Not an idx images file: it starts with {magic} instead of the magic number 2051."
        )
    count, rows, columns = struct.unpack(">III", head[4:16])
    if count == 0 or rows == 0 or columns == 0:
        raise FileProblem("The header announces no images: the file holds no pictures.")
    expected = IMAGES_HEAD_BYTES + count * rows * columns
    if size != expected:
        raise FileProblem(
            f"The header announces {count} images of {rows}x{columns} pixels "
            f"({expected} bytes), but the file has {size} bytes."
        )
    return ImagesHeader(count, rows, columns)


def check_labels(head: bytes, size: int, image_count: int | None) -> None:
    """Refuse what is not an idx labels file, or one whose label count differs from the images."""
    check_size(size)
    if size < LABELS_HEAD_BYTES or len(head) < LABELS_HEAD_BYTES:
        raise FileProblem("Too short for an idx labels file: it needs an 8-byte header.")
    magic = _magic(head)
    if magic == IMAGES_MAGIC:
        raise FileProblem("This is an idx images file (magic number 2051): choose it as images.")
    if magic != LABELS_MAGIC:
        raise FileProblem(
            f"Not an idx labels file: it starts with {magic} instead of the magic number 2049."
        )
    if image_count is not None:
        check_label_count(size, image_count)


def check_label_count(size: int, image_count: int) -> None:
    """Refuse a labels file of ``size`` bytes that does not hold one label per image."""
    labels = size - LABELS_HEAD_BYTES
    if labels != image_count:
        raise FileProblem(
            f"The labels file has {labels} labels, but the images file has {image_count} images."
        )


def check_csv(head: bytes, size: int) -> None:
    """Refuse a binary file and one without a header line (a line with a comma) near its start."""
    check_size(size)
    if b"\0" in head:
        raise FileProblem("This is not a CSV file: it contains binary data.")
    if b"," not in head[:CSV_HEAD_BYTES]:
        raise FileProblem(
            "No header line with a comma in the first 64 KiB: a CSV file starts with column "
            "names such as “x,y,label”."
        )
