"""Upload temp files on disk, and which of them a websocket holds (those are never purged)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from hanami_server.config import Config
from hanami_server.db import Database
from hanami_server.store import tempfiles as store

logger = logging.getLogger(__name__)


def tempfile_path(config: Config, file_uuid: str) -> Path:
    """Where a temp file's bytes live."""
    return config.tempfiles_dir / file_uuid


def allocate(config: Config, file_uuid: str, size: int) -> None:
    """Create a temp file of exactly `size` bytes (sparse: zeros until written)."""
    with tempfile_path(config, file_uuid).open("xb") as file:
        file.truncate(size)


def remove(config: Config, file_uuids: list[str]) -> None:
    """Delete temp files from disk; missing ones are fine."""
    for file_uuid in file_uuids:
        tempfile_path(config, file_uuid).unlink(missing_ok=True)


class Attachments:
    """Temp files held by websockets; attaching and purging exclude each other."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: Counter[str] = Counter()

    def attach(self, db: Database, file_uuid: str, user: dict[str, Any]) -> dict[str, Any] | None:
        """The open temp file the caller may write, now held; None when there is none."""
        with self._lock:
            tempfile = store.get_open_tempfile(db, file_uuid, user)
            if tempfile is not None:
                self._held[file_uuid] += 1
            return tempfile

    def detach(self, db: Database, file_uuid: str) -> None:
        """Let go of a temp file; its idle clock starts again."""
        with self._lock:
            self._held[file_uuid] -= 1
            if self._held[file_uuid] <= 0:
                del self._held[file_uuid]
            store.touch(db, file_uuid)

    def purge_idle(self, db: Database, config: Config) -> list[str]:
        """Purge open temp files no websocket holds and idle for the configured timeout."""
        purged = []
        with self._lock:
            for file_uuid in store.idle_tempfiles(db, config.tempfile_timeout_minutes * 60):
                if file_uuid in self._held:
                    continue
                store.purge_tempfile(db, file_uuid)
                purged.append(file_uuid)
        remove(config, purged)
        for file_uuid in purged:
            logger.info("purged idle temp file %s", file_uuid)
        return purged
