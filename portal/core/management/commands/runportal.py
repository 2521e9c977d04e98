"""`manage.py runportal`: the embedded backend and the portal together (what `make run` starts)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hanami_client import BackendUnavailable, HanamiClient, HanamiError

BACKEND_HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.1


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived: stop everything and exit cleanly."""


@dataclass(frozen=True)
class AdminLogin:
    """The bootstrap admin the embedded backend creates when it has none."""

    user_id: str
    name: str
    passphrase: str
    shown: str


def env_port(name: str, default: int) -> int:
    """A TCP port number from the environment."""
    text = os.environ.get(name) or str(default)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise CommandError(f"{name} must be a port number between 1 and 65535, not {text!r}")
    return int(text)


def ensure_port_free(host: str, port: int, variable: str) -> None:
    """Refuse to start when something already listens on host:port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"cannot listen on {host}:{port}: {error.strerror} "
                f"(stop what uses it or set {variable} to another port)"
            ) from None


def reachable(host: str) -> str:
    """The address to browse to for a listening host: loopback when it listens everywhere."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a comparison only


def stored_passphrase(path: Path) -> str:
    """The generated admin passphrase kept at path, created (mode 0600) on first use."""
    if path.exists() and (kept := path.read_text().strip()):
        return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    passphrase = secrets.token_urlsafe(18)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(passphrase + "\n")
    return passphrase


def admin_login(data_dir: Path) -> AdminLogin:
    """The admin from HANAMI_ADMIN_*; with no passphrase given, a generated one kept in data_dir."""
    user_id = os.environ.get("HANAMI_ADMIN_USER_ID") or "admin"
    name = os.environ.get("HANAMI_ADMIN_USER_NAME") or "Administrator"
    if given := os.environ.get("HANAMI_ADMIN_PASSPHRASE"):
        return AdminLogin(user_id, name, given, "from HANAMI_ADMIN_PASSPHRASE")
    path = data_dir / "admin-passphrase"
    passphrase = stored_passphrase(path)
    return AdminLogin(user_id, name, passphrase, f"{passphrase}   (kept in {path})")


class Command(BaseCommand):
    help = (
        "Start the embedded OpenHanami backend (unless HANAMI_ADDRESS names an external one) and "
        "serve the portal with daphne; Ctrl-C stops both."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_requested = False

    def handle(self, *args: Any, **options: Any) -> None:
        """Run until Ctrl-C/SIGTERM or until a child dies; always stop the children."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.request_stop)
        try:
            self.run()
        except StopRequested:
            self.stdout.write(f"Stopping the {' and the '.join(self.children)}.")
        finally:
            self.stop_children()

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """The SIGINT/SIGTERM handler: only note the request; the wait loops act on it."""
        self.stop_requested = True

    def run(self) -> None:
        """Start the backend (unless external) and the portal, print the banner, then wait."""
        host = os.environ.get("PORTAL_HOST") or "127.0.0.1"
        port = env_port("PORTAL_PORT", 8000)
        ensure_port_free(host, port, "PORTAL_PORT")
        portal_env = dict(os.environ)
        lines: list[tuple[str, str]] = []
        if external := os.environ.get("HANAMI_ADDRESS"):
            lines.append(("backend", f"external OpenHanami server at {external}"))
            lines.append(("sign in", "with an account of that server"))
        else:
            address, login_lines = self.start_backend()
            portal_env["HANAMI_ADDRESS"] = address
            lines += login_lines
        lines.append(("portal data", describe_portal_data()))
        self.start_portal(host, port, portal_env)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Hanami Portal: http://{reachable(host)}:{port}"))
        for label, text in lines:
            self.stdout.write(f"  {label + ':':16}{text}")
        self.stdout.write("Press Ctrl-C to stop.")
        while True:
            self.pause()

    def start_backend(self) -> tuple[str, list[tuple[str, str]]]:
        """Start `python -m hanami_server`, wait until it answers, check the admin login."""
        port = env_port("HANAMI_BACKEND_PORT", 11418)
        default_dir = Path(settings.BASE_DIR) / ".data" / "backend"
        data_dir = Path(os.environ.get("HANAMI_DATA_DIR") or default_dir).resolve()
        ensure_port_free(BACKEND_HOST, port, "HANAMI_BACKEND_PORT")
        admin = admin_login(data_dir)
        env = {
            **os.environ,
            "HANAMI_ADMIN_USER_ID": admin.user_id,
            "HANAMI_ADMIN_USER_NAME": admin.name,
            "HANAMI_ADMIN_PASSPHRASE": admin.passphrase,
        }
        argv = ["--host", BACKEND_HOST, "--port", str(port), "--data-dir", str(data_dir)]
        self.start_child("embedded backend", [sys.executable, "-m", "hanami_server", *argv], env)
        address = f"http://{BACKEND_HOST}:{port}"
        lines = [("admin user id", admin.user_id), ("passphrase", admin.shown)]
        if not self.admin_can_sign_in(address, admin):
            lines[1] = (
                "passphrase",
                "the one this data directory's admin was created with "
                "(HANAMI_ADMIN_* only apply to a new data directory)",
            )
        lines.append(("backend", f"embedded, {address}, data in {data_dir}"))
        return address, lines

    def admin_can_sign_in(self, address: str, admin: AdminLogin) -> bool:
        """Wait until the backend answers, then tell whether the admin login works."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        with HanamiClient(address, timeout=5.0) as client:
            while True:
                try:
                    client.login(admin.user_id, admin.passphrase)
                except BackendUnavailable:
                    if time.monotonic() > deadline:
                        raise CommandError(
                            f"the embedded backend did not answer on {address} "
                            f"within {STARTUP_TIMEOUT:.0f} s"
                        ) from None
                    self.pause()
                except HanamiError:
                    return False
                else:
                    return True

    def start_portal(self, host: str, port: int, env: dict[str, str]) -> None:
        """Serve portal.asgi with daphne and wait until it answers."""
        argv = [sys.executable, "-m", "daphne", "-b", host, "-p", str(port)]
        self.start_child("portal (daphne)", [*argv, "portal.asgi:application"], env)
        url = f"http://{reachable(host)}:{port}/healthz"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                requests.get(url, timeout=2)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"the portal did not answer on {url} within {STARTUP_TIMEOUT:.0f} s"
                    ) from None
                self.pause()

    def start_child(self, label: str, argv: list[str], env: dict[str, str]) -> None:
        """Start a process in its own session, so that Ctrl-C reaches only this command."""
        self.children[label] = subprocess.Popen(  # noqa: S603 - fixed argv of our own modules
            argv, env=env, start_new_session=True
        )

    def pause(self) -> None:
        """Sleep a moment; raise when a stop was requested or a child process died."""
        time.sleep(POLL_INTERVAL)
        if self.stop_requested:
            raise StopRequested
        for label, process in self.children.items():
            if (status := process.poll()) is not None:
                how = f"was killed by signal {-status}" if status < 0 else f"exited with {status}"
                raise CommandError(f"the {label} {how}; stopping everything")

    def stop_children(self) -> None:
        """Terminate the started processes (newest first) and wait for them to end."""
        for process in reversed(self.children.values()):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.children.values()):
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.children.clear()


def describe_portal_data() -> str:
    """Where the portal keeps its own data."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return str(Path(settings.PORTAL_DATA_DIR).resolve())
    return f"the {database['ENGINE'].rsplit('.', 1)[-1]} database of DATABASE_URL"
