"""The checkpoint file of contract 2.7: a 4096-byte header (`hanami`, `checkpoint`, `v1`,
`0alpha`, the template's byte length), the cluster's template text, then the network state."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from hanami_server.atomic import AtomicFile
from hanami_server.tasks.statefile import read_arrays, write_arrays

HEADER_BYTES = 4096
# magic, type name, version major, version minor, template size; the rest is padding
_HEADER = struct.Struct("<8s32s8s8sQ")
_KIND = b"checkpoint"


class CheckpointFileError(ValueError):
    """A file that is not a checkpoint of this format."""


def write_checkpoint(path: Path, template_text: str, state: dict[str, np.ndarray]) -> None:
    """Write the checkpoint file atomically: complete at `path`, or not there at all."""
    template = template_text.encode()
    target = AtomicFile(path)
    try:
        header = _HEADER.pack(b"hanami", _KIND, b"v1", b"0alpha", len(template))
        target.file.write(header.ljust(HEADER_BYTES, b"\0"))
        target.file.write(template)
        write_arrays(target.file, state)
        target.commit()
    finally:
        target.discard()


def read_checkpoint(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """The template text and the network state of a checkpoint file."""
    with path.open("rb") as file:
        head = file.read(HEADER_BYTES)
        if len(head) < HEADER_BYTES:
            raise CheckpointFileError(f"{path.name}: shorter than a header")
        magic, kind, _, _, template_size = _HEADER.unpack_from(head)
        if magic.rstrip(b"\0") != b"hanami" or kind.rstrip(b"\0") != _KIND:
            raise CheckpointFileError(f"{path.name}: not a checkpoint file")
        template = file.read(template_size).decode()
        return template, read_arrays(file)
