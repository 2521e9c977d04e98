"""Live task progress with 20 browsers watching: updates each sees, backend polls, delay.

Run from the repository root: ``.venv/bin/python bench/progress.py``. It starts its own embedded
backend and a portal served by daphne (free loopback ports, temporary data dirs), signs in,
makes a 60,000-row MNIST dataset (the sample's 4,000 training rows 15 times), opens 20 websocket
clients on a cluster's progress socket as browsers of the portal's own origin (session cookie +
Origin header), then queues eight train tasks on that cluster (some 10 s of work).

``--portals 2`` starts two daphne portal processes sharing one database and the local Redis
(``REDIS_URL``, default ``redis://127.0.0.1:6379/0``) as channel layer and cache, and spreads
the clients over them: the backend should still see one poller's traffic.

What it prints, and how each number is measured from outside the portal:
- updates per second each client sees: messages received while a task ran, over that time;
- backend polls per second: the portal reaches the backend through a counting HTTP proxy that
  this script runs; every ``GET /task/all`` through it is one poll (the ``GET /task`` of
  running tasks that follow each poll are counted too);
- delay from a backend change to the browser message: a separate thread asks the backend
  directly (not through the proxy) for the running task every 10 ms and notes when its
  ``current_cycle`` changed; a client's delay for that value is when the first message carrying
  it (``data-cycle``) arrived. Values the portal never saw (two changes within one poll) are
  counted, not timed. The 10 ms sampling makes the delays up to 10 ms too short.
It asserts nothing: machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.backend

import requests
from websockets.asyncio.client import connect

from hanami_client import HanamiClient, TaskInput
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, free_port, start_backend

REPO = Path(__file__).resolve().parent.parent
MNIST = REPO / "tests" / "data" / "mnist-5k"
CLIENTS = 20
REPEATS = 15
TASKS = 8
TRUTH_INTERVAL = 0.01
DELAY_TARGET_MS = 600.0
ROW = re.compile(r'data-task="([0-9a-f-]{36})" data-state="(\w+)" data-cycle="(\d+)"')
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Counter:
    """Requests the proxy forwarded, by method and path, with when they were sent."""

    seen: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str) -> None:
        with self.lock:
            self.seen[key].append(time.monotonic())

    def between(self, key: str, start: float, end: float) -> int:
        with self.lock:
            return sum(1 for moment in self.seen[key] if start <= moment <= end)


def counting_proxy(target_port: int, counter: Counter) -> ThreadingHTTPServer:
    """An HTTP/1.1 proxy on a free loopback port that forwards to the backend and counts."""
    local = threading.local()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def forward(self) -> None:
            counter.add(f"{self.command} {self.path.split('?')[0]}")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
            local.connection.request(self.command, self.path, body=body, headers=headers)
            reply = local.connection.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for key, value in reply.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = forward

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def repeated_mnist(directory: Path, repeats: int) -> tuple[Path, Path]:
    """The sample's training files with their rows repeated: idx headers say the new count."""
    images = (MNIST / "train-images-idx3-ubyte").read_bytes()
    labels = (MNIST / "train-labels-idx1-ubyte").read_bytes()
    count = int.from_bytes(images[4:8], "big") * repeats
    image_path, label_path = directory / "images-idx3-ubyte", directory / "labels-idx1-ubyte"
    image_path.write_bytes(
        images[:4] + count.to_bytes(4, "big") + images[8:16] + images[16:] * repeats
    )
    label_path.write_bytes(labels[:4] + count.to_bytes(4, "big") + labels[8:] * repeats)
    return image_path, label_path


def start_portal(
    backend_address: str, data_dir: Path, redis_url: str | None = None
) -> tuple[subprocess.Popen, str]:
    """The portal under daphne, as tests/browser/conftest.py starts it (on Redis if given)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DATA_DIR": str(data_dir),
        "HANAMI_ADDRESS": backend_address,
        "PORTAL_LOG_LEVEL": "WARNING",
        **({"REDIS_URL": redis_url} if redis_url else {}),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    port = free_port()
    log = (data_dir / "daphne.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "portal.asgi:application",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{address}/healthz", timeout=1).status_code == 200:
                return process, address
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"the portal did not start; see {data_dir / 'daphne.log'}")


def sign_in(address: str) -> str:
    """The session cookie of the admin signed in through the sign-in page."""
    session = requests.Session()
    session.get(f"{address}/accounts/login/", timeout=10)
    form = {
        "user_id": ADMIN_ID,
        "passphrase": ADMIN_PASSPHRASE,
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }
    reply = session.post(f"{address}/accounts/login/", data=form, allow_redirects=False, timeout=30)
    assert reply.status_code == 302, reply.status_code
    return session.cookies["sessionid"]


@dataclass
class Truth:
    """When the backend's current_cycle of each task took each value (asked directly)."""

    changes: dict[tuple[str, int], float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)


def watch_backend(client: HanamiClient, cluster_uuid: str, tasks: list[str], truth: Truth) -> None:
    """Poll GET /task of the running task every 10 ms; note each new current_cycle."""
    last: dict[str, int] = {}
    pending = list(tasks)
    while pending and not truth.stop.is_set():
        task = client.tasks.get(pending[0], cluster_uuid)
        now = time.monotonic()
        if last.get(task.uuid) != task.current_cycle:
            last[task.uuid] = task.current_cycle
            truth.changes.setdefault((task.uuid, task.current_cycle), now)
        if task.done:
            pending.pop(0)
        time.sleep(TRUTH_INTERVAL)


async def browser(
    url: str, cookie: str, origin: str, inbox: list[tuple[float, str]], done: asyncio.Event
) -> None:
    """One watching browser: keep every message with the moment it arrived."""
    async with connect(
        url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}
    ) as socket:  # type: ignore[arg-type]
        while not done.is_set():
            try:
                message = await asyncio.wait_for(socket.recv(), timeout=0.5)
            except TimeoutError:
                continue
            inbox.append((time.monotonic(), str(message)))


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(
    inboxes: list[list[tuple[float, str]]],
    truth: Truth,
    counter: Counter,
    window: tuple[float, float],
) -> None:
    """Print updates per client, backend polls, and delays."""
    start, end = window
    span = end - start
    rates = [sum(1 for at, _ in inbox if start <= at <= end) / span for inbox in inboxes]
    print(f"tasks ran for {span:.1f} s while {len(inboxes)} clients watched")
    print(
        f"updates per second per client: min {min(rates):.2f}, "
        f"median {statistics.median(rates):.2f}, max {max(rates):.2f}  (target: at least 2)"
    )
    polls = counter.between("GET /v1.0alpha/task/all", start, end)
    gets = counter.between("GET /v1.0alpha/task", start, end)
    print(
        f"backend polls: {polls} GET /task/all in {span:.1f} s = {polls / span:.2f}/s "
        f"(+ {gets / span:.2f}/s GET /task of running tasks), for {len(inboxes)} clients"
    )
    delays: list[float] = []
    missed = 0
    # Cycle 0 is where every task starts, not a change.
    changes = {key: at for key, at in truth.changes.items() if key[1] > 0}
    for (task_uuid, cycle), changed_at in changes.items():
        for inbox in inboxes:
            arrival = next(
                (
                    at
                    for at, message in inbox
                    if at >= changed_at - 1
                    and any(
                        m.group(1) == task_uuid and int(m.group(3)) == cycle
                        for m in ROW.finditer(message)
                    )
                ),
                None,
            )
            if arrival is None:
                missed += 1
            else:
                delays.append((arrival - changed_at) * 1000)
    if not delays:
        print("no change was seen by the clients")
        return
    p95 = percentile(delays, 0.95)
    verdict = "met" if p95 < DELAY_TARGET_MS else "missed"
    print(
        f"delay backend change -> browser message: p50 {percentile(delays, 0.5):.0f} ms, "
        f"p95 {p95:.0f} ms, max {max(delays):.0f} ms over {len(delays)} (value, client) pairs "
        f"(p95 < {DELAY_TARGET_MS:.0f} ms: {verdict})"
    )
    print(
        f"{len(changes)} cycle values seen by the direct poller; "
        f"{missed} (value, client) pairs never reached a client (changed twice within a poll)"
    )


async def run(
    addresses: list[str], cookie: str, cluster_uuid: str, start_tasks: object
) -> tuple[list[list[tuple[float, str]]], tuple[float, float]]:
    """Open the clients (spread over the portals), start the tasks, collect messages until
    every task has ended."""
    done = asyncio.Event()
    inboxes: list[list[tuple[float, str]]] = [[] for _ in range(CLIENTS)]
    clients = []
    for number, inbox in enumerate(inboxes):
        address = addresses[number % len(addresses)]
        url = address.replace("http://", "ws://") + f"/ws/clusters/{cluster_uuid}/tasks/"
        clients.append(asyncio.create_task(browser(url, cookie, address, inbox, done)))
    await asyncio.sleep(1.0)  # every socket accepted and the poller idle
    started = time.monotonic()
    await asyncio.to_thread(start_tasks)  # type: ignore[arg-type]
    ended = time.monotonic()
    await asyncio.sleep(1.0)  # the last messages arrive
    done.set()
    await asyncio.gather(*clients)
    return inboxes, (started, ended)


def main() -> None:
    """Start everything, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=1, help="portal processes (2+: on Redis)")
    portal_count = parser.parse_args().portals
    default_redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_url = default_redis if portal_count > 1 else None
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (a busy machine gives noisy numbers)"
    )
    print(f"{portal_count} portal process(es)" + (f" sharing {redis_url}" if redis_url else ""))
    with tempfile.TemporaryDirectory(prefix="hanami-bench-") as tmp:
        root = Path(tmp)
        backend = start_backend(root / "backend")
        counter = Counter()
        proxy = counting_proxy(backend.port, counter)
        (root / "portal").mkdir()
        proxied = f"http://127.0.0.1:{proxy.server_port}"
        portals = [start_portal(proxied, root / "portal", redis_url) for _ in range(portal_count)]
        addresses = [address for _, address in portals]
        try:
            cookie = sign_in(addresses[0])
            with HanamiClient(backend.address) as client:
                client.login(ADMIN_ID, ADMIN_PASSPHRASE)
                images, labels = repeated_mnist(root, REPEATS)
                dataset = client.datasets.upload_mnist("bench digits", images, labels)
                cluster = client.clusters.create("bench cluster", UPSTREAM_TEST_SHAPE)
                print(
                    f"dataset of {dataset.number_of_rows} rows; "
                    f"{TASKS} train tasks queued at once\n"
                )
                inputs = [TaskInput(dataset.uuid, "picture", "picture_hex")]
                outputs = [TaskInput(dataset.uuid, "label", "label_hex")]
                truth = Truth()

                def start_tasks() -> None:
                    tasks = [
                        client.tasks.train(f"bench train {n}", cluster.uuid, inputs, outputs)
                        for n in range(TASKS)
                    ]
                    with HanamiClient(backend.address, client.token) as watcher:
                        watch_backend(watcher, cluster.uuid, [task.uuid for task in tasks], truth)

                inboxes, window = asyncio.run(run(addresses, cookie, cluster.uuid, start_tasks))
            report(inboxes, truth, counter, window)
        finally:
            for portal, _ in portals:
                portal.terminate()
                portal.wait(timeout=10)
            proxy.shutdown()
            backend.stop()


if __name__ == "__main__":
    main()
