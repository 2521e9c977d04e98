"""The identity of the one `cpu` host this server offers (contract 2.8).

Upstream draws new host uuids at every start (11 #40); ours is kept in the data dir, so a host
uuid a script or a page read earlier still names the host after a restart.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hanami_server.atomic import AtomicFile

HOST_TYPE = "cpu"


def load_or_create_host_uuid(path: Path) -> str:
    """The uuid stored at `path`; a new one is written there when it is missing or unreadable."""
    try:
        return str(uuid.UUID(path.read_text().strip()))
    except (FileNotFoundError, ValueError):
        pass
    host_uuid = str(uuid.uuid4())
    target = AtomicFile(path)
    try:
        target.file.write(host_uuid.encode())
        target.commit()
    finally:
        target.discard()
    return host_uuid
