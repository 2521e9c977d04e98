"""Dataset storage across restarts: files and rows survive, a schema upgrade keeps issue-3 data,
and what an interrupted run left in the dataset and temp-file folders is removed at start-up."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from hanami_server.db import MIGRATIONS
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, start_backend
from tests.hanami_server.uploads import (
    CHUNK,
    Reply,
    content,
    file_socket,
    generated_mnist,
    get_dataset,
    progress,
    register_csv,
    register_mnist,
    send_chunk,
    uploaded_mnist,
)
from tests.hanami_server.wire import query_db, token_for


def test_datasets_and_open_uploads_survive_a_restart(fresh_backend: Backend) -> None:
    token = token_for(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)
    images, labels = generated_mnist(50)
    dataset_uuid = uploaded_mnist(fresh_backend.address, token, images, labels)
    pending = register_mnist(fresh_backend.address, token, images, labels)
    datasets, tempfiles = fresh_backend.data_dir / "datasets", fresh_backend.data_dir / "tempfiles"
    (datasets / f"{dataset_uuid}.1a2b3c4d.partial").write_bytes(b"half")
    (datasets / "0d0d0d0d-0000-4000-8000-000000000000").write_bytes(b"orphan")
    (tempfiles / "0e0e0e0e-0000-4000-8000-000000000000").write_bytes(b"orphan")
    fresh_backend.stop()
    restarted = start_backend(fresh_backend.data_dir, fresh_backend.port)
    try:
        token = token_for(restarted.address, ADMIN_ID, ADMIN_PASSPHRASE)
        assert sorted(path.name for path in datasets.iterdir()) == [dataset_uuid]
        assert sorted(path.name for path in tempfiles.iterdir()) == sorted(
            [pending["uuid_input_file"], pending["uuid_label_file"]]
        )
        assert get_dataset(restarted.address, token, dataset_uuid).json()["number_of_rows"] == 50
        last = content(restarted.address, token, dataset_uuid, "picture", 49, 1).json()
        assert last["data"] == [[float(value) for value in images[-784:]]]
        assert progress(restarted.address, token, pending["uuid"]) is False
    finally:
        restarted.stop()


def test_the_schema_is_at_the_latest_version(
    fresh_backend: Backend,
) -> None:
    tables = {row[0] for row in query_db(fresh_backend.data_dir, "SELECT name FROM sqlite_master")}
    assert {"datasets", "tempfiles", "tempfile_ranges", "users", "projects"} <= tables
    assert query_db(fresh_backend.data_dir, "PRAGMA user_version") == [(len(MIGRATIONS),)]


def test_a_version_1_database_is_upgraded_in_place(fresh_backend: Backend) -> None:
    fresh_backend.stop()
    with closing(sqlite3.connect(fresh_backend.data_dir / "hanami.db")) as conn:
        conn.executescript(
            "DROP TABLE datasets; DROP TABLE tempfiles; DROP TABLE tempfile_ranges;"
            " DROP TABLE clusters; DROP TABLE tasks; DROP TABLE checkpoints;"
            " PRAGMA user_version = 1;"
        )
    restarted = start_backend(fresh_backend.data_dir, fresh_backend.port)
    try:
        token = token_for(restarted.address, ADMIN_ID, ADMIN_PASSPHRASE)
        ticket = register_csv(restarted.address, token, b"a,b\n1,2\n")
        assert ticket["owner_id"] == ADMIN_ID
        assert query_db(restarted.data_dir, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    finally:
        restarted.stop()


def test_one_large_message_may_carry_a_whole_file(backend: Backend, admin_token: str) -> None:
    data = b"a,b\n" + b"1,2\n" * (3 * 1024 * 1024)  # 12 MiB + 4 bytes: 97 segments
    ticket = register_csv(backend.address, admin_token, data)
    with file_socket(backend.address, admin_token, ticket["uuid_input_file"]) as conn:
        assert send_chunk(conn, 0, data[: len(data) - CHUNK // 2]) == Reply(True, "")
        assert progress(backend.address, admin_token, ticket["uuid"]) is False
        assert send_chunk(conn, len(data) - CHUNK // 2, data[-CHUNK // 2 :]) == Reply(True, "")
    assert progress(backend.address, admin_token, ticket["uuid"]) is True
