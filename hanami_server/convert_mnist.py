"""MNIST idx files into a dataset file (contract 6.2), with the R checks upstream leaves out."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from hanami_server.datafile import UINT8, ConversionError, DataFileWriter, column_range

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
IMAGE_HEADER, LABEL_HEADER = 16, 8
LABEL_COLUMNS = 10
BLOCK_BYTES = 4 * 1024 * 1024


def build_mnist(images: Path, labels: Path, target: Path, name: str) -> DataFileWriter:
    """Check both idx files, then write one row per image (its pixels, then its one-hot label)
    into a finished but uncommitted file for `target`; raises ConversionError (nothing left)."""
    count, rows, columns = _image_header(images)
    pixels = rows * columns
    label_values = _labels(labels, count)
    description = {"label": column_range(pixels, pixels + 10), "picture": column_range(0, pixels)}
    writer = DataFileWriter(
        target, name=name, data_type=UINT8, description=description, columns=pixels + 10
    )
    try:
        image_rows = np.memmap(images, np.uint8, "r", offset=IMAGE_HEADER, shape=(count, pixels))
        step = max(1, BLOCK_BYTES // (pixels + LABEL_COLUMNS))
        for start in range(0, count, step):
            stop = min(count, start + step)
            block = np.zeros((stop - start, pixels + LABEL_COLUMNS), dtype=np.uint8)
            block[:, :pixels] = image_rows[start:stop]
            block[np.arange(stop - start), pixels + label_values[start:stop].astype(np.intp)] = 1
            writer.append(block)
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return writer


def _image_header(images: Path) -> tuple[int, int, int]:
    size = images.stat().st_size
    if size < IMAGE_HEADER:
        raise ConversionError(
            f"The image file is too short for an idx header: {size} bytes, at least"
            f" {IMAGE_HEADER} needed"
        )
    with images.open("rb") as file:
        magic, count, rows, columns = struct.unpack(">IIII", file.read(IMAGE_HEADER))
    if magic != IMAGE_MAGIC:
        raise ConversionError(
            f"The image file is not an idx image file: magic number {magic}, expected {IMAGE_MAGIC}"
        )
    if count == 0 or rows * columns == 0:
        raise ConversionError(
            f"The image file holds no images: its header announces {count} images of"
            f" {rows}x{columns} pixels"
        )
    expected = IMAGE_HEADER + count * rows * columns
    if size != expected:
        raise ConversionError(
            f"The image file is truncated or inconsistent: its header announces {count} images"
            f" of {rows}x{columns} pixels ({expected} bytes), but the file has {size} bytes"
        )
    return count, rows, columns


def _labels(labels: Path, image_count: int) -> np.ndarray:
    size = labels.stat().st_size
    if size < LABEL_HEADER:
        raise ConversionError(
            f"The label file is too short for an idx header: {size} bytes, at least"
            f" {LABEL_HEADER} needed"
        )
    with labels.open("rb") as file:
        magic, count = struct.unpack(">II", file.read(LABEL_HEADER))
    if magic != LABEL_MAGIC:
        raise ConversionError(
            f"The label file is not an idx label file: magic number {magic}, expected {LABEL_MAGIC}"
        )
    held = size - LABEL_HEADER
    if count != held:
        raise ConversionError(
            f"The label file is truncated or inconsistent: its header announces {count} labels,"
            f" but the file holds {held}"
        )
    if held != image_count:
        raise ConversionError(
            f"The label file holds {held} labels, but the image file holds {image_count} images"
        )
    values = np.memmap(labels, np.uint8, "r", offset=LABEL_HEADER, shape=(held,))
    wrong = np.flatnonzero(values > 9)
    if wrong.size:
        index = int(wrong[0])
        raise ConversionError(
            f"The label file holds the label {int(values[index])} at index {index}:"
            " labels must be 0 to 9"
        )
    return values
