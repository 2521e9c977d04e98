"""A file written under a temporary name beside its final path, fsynced, then moved into place
with `os.replace`, so readers see the old file or the complete new one, never a half file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO

PARTIAL_SUFFIX = ".partial"


class AtomicFile:
    """Write to `.file`; `commit()` puts it in place, `discard()` (or a failure) removes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        self.file: BinaryIO = self.partial.open("xb")

    def finish(self) -> None:
        """Flush everything written to disk and close the file (the slow part of a commit)."""
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()

    def commit(self) -> None:
        """Finish, then move the file to its final path (atomic on one file system)."""
        self.finish()
        os.replace(self.partial, self.path)
        fsync_dir(self.path.parent)

    def discard(self) -> None:
        """Close and remove the temporary file; harmless after `commit`."""
        self.file.close()
        self.partial.unlink(missing_ok=True)


def fsync_dir(directory: Path) -> None:
    """Make a rename inside `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
