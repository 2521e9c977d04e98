"""Tiny grayscale PNG pictures built with the standard library, as ``data:`` URIs for <img>."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterable

__all__ = ["grayscale_png", "png_data_uri"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Bit depth 8, colour type 0 (grayscale), compression 0, filter 0, no interlace.
_GRAYSCALE_8 = (8, 0, 0, 0, 0)


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def grayscale_png(values: Iterable[float], width: int, height: int) -> bytes:
    """A PNG of ``width`` x ``height`` gray levels given row by row (0 black .. 255 white)."""
    levels = bytes(min(255, max(0, round(value))) for value in values)
    if width <= 0 or height <= 0 or len(levels) != width * height:
        raise ValueError(f"{len(levels)} values do not make a {width}x{height} picture")
    # Each scanline starts with its filter type: 0, none.
    raw = b"".join(b"\0" + levels[row * width : (row + 1) * width] for row in range(height))
    header = struct.pack(">II5B", width, height, *_GRAYSCALE_8)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def png_data_uri(png: bytes) -> str:
    """A PNG as a ``data:image/png;base64,...`` URI (the CSP allows data: images)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
