"""Where the embedded server keeps its files, and the settings it reads from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 11418
DEFAULT_HOST = "127.0.0.1"
DEFAULT_DATA_DIR = Path(".data/backend")
TOKEN_EXPIRE_SECONDS = 3600
TEMPFILE_TIMEOUT_MINUTES = 10.0
TEMPFILE_TIMEOUT_ENV = "HANAMI_TEMPFILE_TIMEOUT"
ADMIN_ENV = ("HANAMI_ADMIN_USER_ID", "HANAMI_ADMIN_USER_NAME", "HANAMI_ADMIN_PASSPHRASE")


@dataclass(frozen=True)
class Config:
    """The paths and limits one server process works with."""

    data_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token_expire_seconds: int = TOKEN_EXPIRE_SECONDS
    tempfile_timeout_minutes: float = TEMPFILE_TIMEOUT_MINUTES

    @property
    def db_path(self) -> Path:
        return self.data_dir / "hanami.db"

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / "datasets"

    @property
    def tempfiles_dir(self) -> Path:
        return self.data_dir / "tempfiles"

    @property
    def clusters_dir(self) -> Path:
        """Where each cluster's learned network state is kept."""
        return self.data_dir / "clusters"

    @property
    def checkpoints_dir(self) -> Path:
        return self.data_dir / "checkpoints"

    @property
    def token_key_path(self) -> Path:
        return self.data_dir / "token.key"


@dataclass(frozen=True)
class AdminSeed:
    """The first admin, as the upstream environment variables describe it."""

    user_id: str
    name: str
    passphrase: str


def read_admin_seed() -> AdminSeed | None:
    """The bootstrap admin from the environment, or None when any variable is missing or empty."""
    values = [os.environ.get(name, "") for name in ADMIN_ENV]
    if not all(values):
        return None
    return AdminSeed(*values)


def read_tempfile_timeout() -> float:
    """Minutes an idle temp file is kept: `HANAMI_TEMPFILE_TIMEOUT` when set, else 10.

    Raises ValueError when the variable is not a positive number.
    """
    text = os.environ.get(TEMPFILE_TIMEOUT_ENV, "")
    if not text:
        return TEMPFILE_TIMEOUT_MINUTES
    minutes = float(text)
    if not minutes > 0:
        raise ValueError(text)
    return minutes
