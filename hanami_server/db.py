"""The server's sqlite database: one connection per thread, WAL, schema versions as migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

# Each entry moves the schema one version up (PRAGMA user_version); later slices append entries.
# Rows keep their integer `row` for insertion order; soft-deleted rows keep their data and free
# their id for reuse through the partial unique indexes. Temp files move from state `open` to
# `consumed` (finalized), `purged` (idle timeout) or `deleted` (with their dataset); the byte
# ranges written into an open one are kept merged in `tempfile_ranges`. A cluster keeps its
# decoded template text (empty for a cluster without hexagons) so the network can be rebuilt,
# and, from v4, its counters and hexagon sizes as of the last saved network state. Tasks keep
# their history (state, cycles, timestamps, the spec they were created with); a checkpoint row
# keeps the shape its network needs (`layout`) and the hexagon sizes it brings (JSON). v4 creates
# its tables only if missing, so a database whose version number was set back by hand upgrades.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        creator_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        is_admin INTEGER NOT NULL,
        passphrase_hash TEXT NOT NULL,
        projects TEXT NOT NULL DEFAULT '[]',
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX users_live_id ON users(id) WHERE deleted = 0;
    CREATE TABLE projects (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        creator_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX projects_live_id ON projects(id) WHERE deleted = 0;
    CREATE TABLE audit_log (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        user_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        request_type TEXT NOT NULL
    );
    CREATE INDEX audit_log_user ON audit_log(user_id);
    CREATE TABLE error_log (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        user_id TEXT NOT NULL,
        component TEXT NOT NULL,
        context TEXT NOT NULL,
        input_values TEXT NOT NULL,
        message TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE datasets (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        visibility TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finalized INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tempfiles (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        dataset_uuid TEXT NOT NULL,
        role TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        last_active REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'open'
    );
    CREATE INDEX tempfiles_dataset ON tempfiles(dataset_uuid);
    CREATE TABLE tempfile_ranges (
        tempfile_uuid TEXT NOT NULL,
        start_byte INTEGER NOT NULL,
        end_byte INTEGER NOT NULL,
        PRIMARY KEY (tempfile_uuid, start_byte)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE clusters (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        visibility TEXT NOT NULL,
        created_at TEXT NOT NULL,
        template TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX clusters_live_name ON clusters(name) WHERE deleted = 0;
    """,
    """
    ALTER TABLE clusters ADD COLUMN number_of_blocks INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clusters ADD COLUMN number_of_sections INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clusters ADD COLUMN sizes TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE tasks (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        cluster_uuid TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        current_cycle INTEGER NOT NULL DEFAULT 0,
        total_number_of_cycles INTEGER NOT NULL,
        queue_timestamp TEXT NOT NULL,
        start_timestamp TEXT NOT NULL DEFAULT '-',
        end_timestamp TEXT NOT NULL DEFAULT '-',
        spec TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX tasks_cluster ON tasks(cluster_uuid) WHERE deleted = 0;
    CREATE TABLE checkpoints (
        row INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        visibility TEXT NOT NULL,
        created_at TEXT NOT NULL,
        layout TEXT NOT NULL,
        sizes TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    """,
]


def now_timestamp() -> str:
    """The current UTC time as upstream writes it: `YYYY-MM-DD HH:MM:SS`."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class SchemaTooNew(RuntimeError):
    """The database was written by a newer server version than this one."""


class Database:
    """Thread-local sqlite connections to one database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._migrate()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit; use `transaction()` to group writes)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock at once, so read-then-write is atomic."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise SchemaTooNew(
                    f"{self.path} has schema version {version}; this server knows up to"
                    f" {len(MIGRATIONS)}"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
