"""The production services: migrations on PostgreSQL, the channel layer on Redis (when running)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POSTGRES = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)


def answers(address: tuple[str, int]) -> bool:
    """True when something accepts TCP connections there."""
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def test_migrations_run_on_postgresql(tmp_path: Path) -> None:
    if not answers(POSTGRES):
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
    import psycopg

    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
            "PORTAL_DATA_DIR": str(tmp_path),
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}") as connection:
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            }
        assert {"accounts_user", "django_session", "axes_accessattempt"} <= tables
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_with_redis(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run code in `manage.py shell` with the portal's settings pointed at the local Redis."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PORTAL_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


ROUND_TRIP = """
import asyncio, uuid
from channels.layers import get_channel_layer

async def round_trip():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = "test_" + uuid.uuid4().hex
    await layer.group_add(group, channel)
    await layer.group_send(group, {"type": "task.progress", "percent": 42})
    message = await asyncio.wait_for(layer.receive(channel), timeout=10)
    await layer.group_discard(group, channel)
    print(type(layer).__name__, message)

asyncio.run(round_trip())
"""


def test_channel_layer_round_trip_over_redis(tmp_path: Path) -> None:
    if not answers(REDIS):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    result = run_with_redis(tmp_path, ROUND_TRIP)
    assert result.stdout.strip() == ("RedisChannelLayer {'type': 'task.progress', 'percent': 42}")


SHARED_LOCK = """
import uuid
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

key = "test-lock-" + uuid.uuid4().hex
first, second = caches.create_connection("default"), caches.create_connection("default")
taken = first.add(key, "a", 30), second.add(key, "b", 30)
print(isinstance(first, RedisCache), *taken, second.get(key))
first.delete(key)
"""


def test_direct_io_locks_are_shared_through_redis(tmp_path: Path) -> None:
    if not answers(REDIS):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    result = run_with_redis(tmp_path, SHARED_LOCK)
    assert result.stdout.strip() == "True True False a"


POLLER_LEASE = """
import asyncio, dataclasses, uuid
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from portal.core.leases import Lease

async def main():
    ours = Lease("test-lease-" + uuid.uuid4().hex)
    theirs = dataclasses.replace(ours, owner="another process")
    taken = [await ours.hold(), await theirs.hold()]
    await ours.release()
    taken.append(await theirs.hold())
    await theirs.release()
    print(isinstance(caches["default"], RedisCache), *taken)

asyncio.run(main())
"""


def test_poller_leases_are_shared_through_redis(tmp_path: Path) -> None:
    if not answers(REDIS):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    result = run_with_redis(tmp_path, POLLER_LEASE)
    assert result.stdout.strip() == "True True False True"
