"""Latency of the token, user and project API and of the portal's user list, with 1,000 users.

Run from the repository root: ``.venv/bin/python bench/api_latency.py``. It starts its own embedded
backend (free loopback port, temporary data dir), fills it through hanami_client, then prints
p50/p95/mean per operation beside the targets. It asserts nothing: machines are noisy.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.backend

from hanami_client import HanamiClient
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, start_backend

USERS = 1000
PROJECTS = 200
API_TARGET_MS = 20.0
PAGE_TARGET_MS = 50.0
WORKERS = 4


@dataclass(frozen=True)
class Result:
    """The timings of one operation, in milliseconds."""

    name: str
    samples: list[float]
    target_ms: float | None
    note: str = ""

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


def timed(operation: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds per call of operation, after a few untimed calls and a garbage collection."""
    for _ in range(warmup):
        operation()
    gc.collect()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def populate(address: str, token: str) -> None:
    """Create the projects, then the users (each assigned to one project), through hanami_client."""
    with HanamiClient(address, token) as admin:
        for n in range(PROJECTS):
            admin.projects.create(f"benchproj{n:03d}", f"Bench project {n:03d}")

    def create_user(n: int) -> None:
        with HanamiClient(address, token) as client:
            user_id = f"benchuser{n:04d}"
            client.users.create(user_id, f"Bench user {n:04d}", f"{user_id}-passphrase")
            client.users.add_project(user_id, f"benchproj{n % PROJECTS:03d}", "member")

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(create_user, range(USERS)))


def measure_api(address: str) -> list[Result]:
    """Token, renew, user list and project list through hanami_client."""
    with HanamiClient(address) as client:
        login = timed(lambda: client.login(ADMIN_ID, ADMIN_PASSPHRASE), repeat=20, warmup=1)
        print(
            f"the backend lists {len(client.users.list())} users "
            f"and {len(client.projects.list())} projects\n"
        )
        return [
            Result(
                "POST /token (login)",
                login,
                API_TARGET_MS,
                "dominated by the deliberately slow passphrase hash",
            ),
            Result(
                "PUT /token (renew)", timed(lambda: client.renew_token("admin"), 200), API_TARGET_MS
            ),
            Result("GET /user/all (users.list)", timed(client.users.list, 200), API_TARGET_MS),
            Result(
                "GET /project/all (projects.list)", timed(client.projects.list, 200), API_TARGET_MS
            ),
        ]


def signed_in_portal(address: str, data_dir: Path) -> Any:
    """A Django test client signed in as the admin, set up exactly as the served portal is."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_DATA_DIR=str(data_dir),
        HANAMI_ADDRESS=address,
    )
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    import portal.asgi  # noqa: F401 - sets Django up exactly as the served portal does

    call_command("migrate", verbosity=0, interactive=False)
    # No setup_test_environment(): its instrumented rendering keeps every response's context alive
    # (Django caches the test client's per-request signal receiver), and slow gen-2 collections
    # of that heap, not the portal, then dominate p95.
    browser = Client(HTTP_HOST="127.0.0.1")
    signed_in = browser.post(
        reverse("accounts:login"), {"user_id": ADMIN_ID, "passphrase": ADMIN_PASSPHRASE}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    return browser


def measure_pages(address: str, data_dir: Path) -> list[Result]:
    """The portal's user list, full page and htmx partial, through Django's test client."""
    from django.urls import reverse

    browser = signed_in_portal(address, data_dir)
    url = reverse("users:list")

    def full() -> None:
        assert browser.get(url).status_code == 200

    def partial() -> None:
        assert browser.get(url, headers={"HX-Request": "true"}).status_code == 200

    return [
        Result("page /users/ (full)", timed(full, 100), PAGE_TARGET_MS),
        Result("page /users/ (htmx partial)", timed(partial, 100), PAGE_TARGET_MS),
    ]


def report(results: list[Result]) -> None:
    """Print one line per operation: count, mean, p50, p95 and the p95 target."""
    print(f"{'operation':34} {'n':>4} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8}  target p95")
    for result in results:
        verdict = "met" if result.p95 < result.target_ms else "missed"
        note = f"  ({result.note})" if result.note else ""
        print(
            f"{result.name:34} {len(result.samples):4d} {statistics.fmean(result.samples):8.1f} "
            f"{statistics.median(result.samples):8.1f} {result.p95:8.1f}  "
            f"< {result.target_ms:.0f} ms: {verdict}{note}"
        )


def main() -> None:
    """Start a backend, fill it, measure, print."""
    load = os.getloadavg()[0]
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.2f} (a busy machine gives noisy numbers)"
    )
    with tempfile.TemporaryDirectory(prefix="hanami-bench-") as tmp:
        backend = start_backend(Path(tmp) / "backend")
        try:
            with HanamiClient(backend.address) as client:
                token = client.login(ADMIN_ID, ADMIN_PASSPHRASE).token
            start = time.perf_counter()
            populate(backend.address, token)
            print(
                f"created {USERS} users and {PROJECTS} projects through hanami_client "
                f"in {time.perf_counter() - start:.1f} s ({WORKERS} threads)\n"
            )
            pages = measure_pages(backend.address, Path(tmp) / "portal")
            report(measure_api(backend.address) + pages)
        finally:
            backend.stop()


if __name__ == "__main__":
    main()
