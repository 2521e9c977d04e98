"""What an upload reads from: a path, a binary file object or bytes, read one chunk at a time."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from hanami_client._errors import BadRequest

__all__ = ["CHUNK_BYTES", "Source", "SourceLike", "open_source"]

#: The size of one ``FileUpload_Message`` chunk, as the SDKs send it (contract 3.3).
CHUNK_BYTES = 131072

SourceLike = str | os.PathLike[str] | BinaryIO | bytes | bytearray | memoryview


class Source:
    """A known number of bytes, read in chunks of at most CHUNK_BYTES (never all at once)."""

    def __init__(self, size: int, content: BinaryIO | memoryview) -> None:
        self.size = size
        self._content = content

    def chunks(self, offset: int, operation: str) -> Iterator[tuple[int, bytes]]:
        """``(position, data)`` pairs, the first at ``offset``, covering exactly ``size`` bytes."""
        sent = 0
        while sent < self.size:
            data = self._read(sent, min(CHUNK_BYTES, self.size - sent))
            if not data:
                raise BadRequest(
                    f"the source ended after {sent} of its {self.size} bytes", operation=operation
                )
            yield offset + sent, data
            sent += len(data)

    def _read(self, start: int, length: int) -> bytes:
        """The next ``length`` bytes (fewer only at the end of the source)."""
        if isinstance(self._content, memoryview):
            return bytes(self._content[start : start + length])
        parts = []
        while length > 0 and (part := self._content.read(length)):
            parts.append(part)
            length -= len(part)
        return b"".join(parts)


@contextmanager
def open_source(source: SourceLike) -> Iterator[Source]:
    """A path (opened, closed again), a binary file (from its position) or bytes, with its size."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = memoryview(source).cast("B")
        yield Source(data.nbytes, data)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield Source(os.fstat(stream.fileno()).st_size, stream)
    else:
        yield Source(_remaining(source), source)


def _remaining(stream: object) -> int:
    """The bytes from a binary file object's position to its end; TypeError for anything else."""
    kind = type(stream).__name__
    if isinstance(stream, io.TextIOBase) or not callable(getattr(stream, "read", None)):
        raise TypeError(f"an upload source must be a path, bytes or a binary file, not {kind}")
    try:
        if not (_flag(stream, "readable") and _flag(stream, "seekable")):
            raise TypeError(f"an upload source must be readable and seekable: this {kind} is not")
        if not isinstance(stream.read(0), bytes):  # type: ignore[attr-defined]
            raise TypeError(f"an upload source must be opened in binary mode: this {kind} is not")
        position = stream.tell()  # type: ignore[attr-defined]
        end = stream.seek(0, io.SEEK_END)  # type: ignore[attr-defined]
        stream.seek(position)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError) as error:
        raise TypeError(f"an upload source must be a readable binary file: {error}") from error
    return max(end - position, 0)


def _flag(stream: object, name: str) -> bool:
    """``stream.readable()``/``seekable()``, or True for file-likes that lack the method."""
    method = getattr(stream, name, None)
    return True if method is None else bool(method())
