"""Browser fixtures: a real portal (daphne) on the session backend, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from tests.backend import Backend, free_port

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll url until it answers 200; fail with the log's path if the process dies or is slow."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the portal exited with {process.returncode}; see {log}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the portal did not answer {url} within {timeout} s; see {log}")


@pytest.fixture(scope="session")
def portal(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A portal served by daphne on a free loopback port, with its own migrated SQLite database."""
    data_dir = tmp_path_factory.mktemp("portal")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DATA_DIR": str(data_dir),
        "HANAMI_ADDRESS": backend.address,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    port = free_port()
    command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"]
    log = data_dir / "daphne.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(f"{address}/healthz", process, log, timeout=30)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright; skipped when it is not installed.

    Module scope: while Playwright's sync API is open, its event loop runs in the main thread,
    which would break the asyncio tests of other modules.
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, portal: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the portal."""
    context = chromium.new_context(base_url=portal, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for the screenshots of each step, kept with pytest's temporary files."""
    return tmp_path_factory.mktemp("screenshots")
