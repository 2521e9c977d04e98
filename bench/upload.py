"""Upload throughput and memory: a 100 MB CSV and a 60,000-row MNIST pair, client and portal.

Run from the repository root: ``.venv/bin/python bench/upload.py``. It starts its own embedded
backend and a portal (daphne) on free loopback ports with temporary data dirs, generates the
files there (random values, correct idx headers, labels 0..9), uploads them through
hanami_client and then through the portal's chunked upload endpoints (1 MiB chunks, as the
upload page sends them), and prints MB/s and the peak resident memory growth of every process
beside the targets. It asserts nothing: machines are noisy.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.backend

from hanami_client import HanamiClient
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, free_port, start_backend

CSV_BYTES = 100_000_000
MNIST_ROWS = 60_000
PORTAL_CHUNK = 1024 * 1024
CSV_HEAD = 64 * 1024
RATE_TARGET = 50.0  # MB/s, client to backend on loopback
RSS_TARGET = 64.0  # MB of peak resident memory growth in every process
MB = 1e6

#: An upload to time: it calls ``acknowledged()`` after every chunk; (bytes sent, dataset uuid).
Upload = Callable[[Callable[[], None]], tuple[int, str]]


# --- generated files --------------------------------------------------------------------------


def write_csv(path: Path, size: int, columns: int = 10, seed: int = 7) -> Path:
    """About ``size`` bytes of CSV: a header, then 4-digit integers and d.dd decimals by turns."""
    rng = np.random.default_rng(seed)
    header = ",".join(f"c{i}" for i in range(columns)) + "\n"
    rows = (size - len(header)) // (columns * 5)
    with path.open("wb") as out:
        out.write(header.encode())
        for start in range(0, rows, 100_000):
            count = min(100_000, rows - start)
            values = rng.integers(1000, 10_000, size=(count, columns))
            cells = np.empty((count, columns, 5), dtype=np.uint8)
            for place, divisor in enumerate((1000, 100, 10, 1)):
                cells[:, :, place] = values // divisor % 10 + ord("0")
            cells[:, 1::2, 1:4] = cells[:, 1::2, 0:3].copy()  # every other column: d.dd
            cells[:, 1::2, 1] = ord(".")
            cells[:, :, 4] = ord(",")
            cells[:, -1, 4] = ord("\n")
            out.write(cells.tobytes())
    return path


def write_mnist(directory: Path, rows: int, seed: int = 11) -> tuple[Path, Path]:
    """An idx images file of ``rows`` random 28x28 pictures and its idx labels file (0..9)."""
    rng = np.random.default_rng(seed)
    images, labels = directory / "images-idx3-ubyte", directory / "labels-idx1-ubyte"
    with images.open("wb") as out:
        out.write(np.array([0x803, rows, 28, 28], dtype=">u4").tobytes())
        for start in range(0, rows, 10_000):
            count = min(10_000, rows - start)
            out.write(rng.integers(0, 256, size=count * 784, dtype=np.uint8).tobytes())
    with labels.open("wb") as out:
        out.write(np.array([0x801, rows], dtype=">u4").tobytes())
        out.write(rng.integers(0, 10, size=rows, dtype=np.uint8).tobytes())
    return images, labels


# --- memory -----------------------------------------------------------------------------------


def status_kb(pid: int, field: str) -> int:
    """One ``VmRSS``/``VmHWM``/``RssAnon`` value of /proc/<pid>/status, in kB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE).group(1))


@dataclass
class PeakRss:
    """The peak resident memory of a process over a block, against where it started."""

    baseline_kb: int
    peak_kb: int
    anon_baseline_kb: int
    anon_peak_kb: int
    exact: bool = False

    @property
    def growth(self) -> float:
        """Peak growth in MB."""
        return (self.peak_kb - self.baseline_kb) * 1024 / MB

    @property
    def anon_growth(self) -> float:
        """Peak growth of anonymous memory (not file pages mapped or cached) in MB, sampled."""
        return (self.anon_peak_kb - self.anon_baseline_kb) * 1024 / MB


@contextmanager
def peak_rss(pid: int) -> Iterator[PeakRss]:
    """Watch a process: VmHWM reset to the current size where allowed, VmRSS sampled too."""
    baseline, anon = status_kb(pid, "VmRSS"), status_kb(pid, "RssAnon")
    watch = PeakRss(baseline, baseline, anon, anon)
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux >= 4.0)
        watch.exact = True
    except OSError:
        pass
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            watch.peak_kb = max(watch.peak_kb, status_kb(pid, "VmRSS"))
            watch.anon_peak_kb = max(watch.anon_peak_kb, status_kb(pid, "RssAnon"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield watch
    finally:
        stop.set()
        sampler.join()
        watch.peak_kb = max(watch.peak_kb, status_kb(pid, "VmRSS"))
        if watch.exact:
            watch.peak_kb = max(watch.peak_kb, status_kb(pid, "VmHWM"))


# --- timing and report ------------------------------------------------------------------------


@dataclass
class Run:
    """One upload: its size, times and the memory growth of the processes it involved."""

    label: str
    size: int
    transfer_s: float
    total_s: float
    memory: dict[str, PeakRss]


def measure(label: str, processes: dict[str, int], upload: Upload) -> tuple[Run, str]:
    """Time one upload while watching the memory of the named processes; the run, the uuid."""
    acknowledged: list[float] = []
    with ExitStack() as stack:
        memory = {name: stack.enter_context(peak_rss(pid)) for name, pid in processes.items()}
        start = time.perf_counter()
        size, dataset_uuid = upload(lambda: acknowledged.append(time.perf_counter()))
        total = time.perf_counter() - start
    return Run(label, size, acknowledged[-1] - start, total, memory), dataset_uuid


def report(run: Run, *, rate_target: float | None) -> None:
    """Print the rates and memory growth of one upload beside the targets."""
    transfer = run.size / MB / run.transfer_s
    total = run.size / MB / run.total_s
    verdict = ""
    if rate_target is not None:
        met = "met" if transfer >= rate_target else "missed"
        verdict = f"  target >= {rate_target:.0f} MB/s: {met}"
    print(f"{run.label}: {run.size / MB:.1f} MB")
    print(f"  sending            {transfer:7.1f} MB/s ({run.transfer_s:6.2f} s){verdict}")
    print(f"  with registration and conversion {total:7.1f} MB/s ({run.total_s:6.2f} s)")
    for name, watch in run.memory.items():
        how = "VmHWM" if watch.exact else "VmRSS sampled every 5 ms"
        met = "met" if watch.growth < RSS_TARGET else "missed"
        print(
            f"  peak RSS growth, {name:8} {watch.growth:7.1f} MB ({how}; anonymous memory "
            f"{watch.anon_growth:.1f} MB)  target < {RSS_TARGET:.0f} MB: {met}"
        )
    print()


# --- through hanami_client --------------------------------------------------------------------


def client_uploads(
    client: HanamiClient, csv_path: Path, images: Path, labels: Path
) -> dict[str, Upload]:
    """The two uploads through hanami_client."""

    def csv(acknowledged: Callable[[], None]) -> tuple[int, str]:
        dataset = client.datasets.upload_csv(
            "Bench csv", csv_path, progress=lambda sent, total: acknowledged()
        )
        return csv_path.stat().st_size, dataset.uuid

    def mnist(acknowledged: Callable[[], None]) -> tuple[int, str]:
        dataset = client.datasets.upload_mnist(
            "Bench mnist", images, labels, progress=lambda sent, total: acknowledged()
        )
        return images.stat().st_size + labels.stat().st_size, dataset.uuid

    return {"CSV": csv, "MNIST": mnist}


# --- through the portal -----------------------------------------------------------------------


@contextmanager
def running_portal(backend_address: str, data_dir: Path) -> Iterator[tuple[str, int]]:
    """A portal served by daphne on a free loopback port (as the browser tests start it)."""
    data_dir.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_DATA_DIR": str(data_dir),
        "HANAMI_ADDRESS": backend_address,
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    repo = Path(__file__).resolve().parent.parent
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=repo, env=env, check=True)
    port = free_port()
    command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"]
    with (data_dir / "daphne.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, *command], cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{address}/healthz", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the portal did not start; see {data_dir}") from None
                time.sleep(0.1)
        yield address, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def signed_in(portal: str) -> requests.Session:
    """A session signed in through the sign-in form, sending the CSRF token with each change."""
    session = requests.Session()
    url = f"{portal}/accounts/login/"
    session.get(url).raise_for_status()
    form = {
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
        "user_id": ADMIN_ID,
        "passphrase": ADMIN_PASSPHRASE,
    }
    answer = session.post(url, data=form, allow_redirects=False)
    assert answer.status_code == 302, answer.status_code
    # Signing in rotates the token.
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def send_through_portal(
    session: requests.Session,
    portal: str,
    kind: str,
    files: dict[str, Path],
    acknowledged: Callable[[], None],
) -> str:
    """Start, send every file in 1 MiB chunks, finish; returns the new dataset's uuid."""
    heads, sizes = {}, {}
    for field, path in files.items():
        with path.open("rb") as stream:
            heads[field] = (path.name, stream.read(CSV_HEAD if field == "csv" else 16))
        sizes[f"{field}_size"] = path.stat().st_size
    body = {"kind": kind, "name": f"Bench {kind} portal", **sizes}
    started = session.post(f"{portal}/datasets/uploads/", data=body, files=heads)
    assert started.status_code == 201, started.text
    upload_id = started.json()["id"]
    chunk_url = f"{portal}/datasets/uploads/{upload_id}/chunk"
    for role, path in zip(("input", "label"), files.values(), strict=False):
        with path.open("rb") as stream:
            offset = 0
            while data := stream.read(PORTAL_CHUNK):
                sent = session.post(
                    chunk_url,
                    params={"role": role, "offset": offset},
                    data=data,
                    headers={"Content-Type": "application/octet-stream"},
                )
                assert sent.status_code == 200, sent.text
                offset += len(data)
                acknowledged()
    finished = session.post(f"{portal}/datasets/uploads/{upload_id}/finish")
    assert finished.status_code == 200, finished.text
    return finished.json()["dataset_uuid"]


def portal_uploads(
    session: requests.Session, portal: str, csv_path: Path, images: Path, labels: Path
) -> dict[str, Upload]:
    """The two uploads through the portal's chunked endpoints."""

    def upload(kind: str, files: dict[str, Path]) -> Upload:
        def run(acknowledged: Callable[[], None]) -> tuple[int, str]:
            uuid = send_through_portal(session, portal, kind, files, acknowledged)
            return sum(path.stat().st_size for path in files.values()), uuid

        return run

    return {
        "CSV": upload("csv", {"csv": csv_path}),
        "MNIST": upload("mnist", {"images": images, "labels": labels}),
    }


def main() -> None:
    """Generate the files, start a backend and a portal, upload both ways, print."""
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (a busy machine gives noisy numbers)\n"
    )
    with tempfile.TemporaryDirectory(prefix="hanami-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        csv_path = write_csv(root / "bench.csv", CSV_BYTES)
        images, labels = write_mnist(root, MNIST_ROWS)
        print(f"generated the CSV and the MNIST pair in {time.perf_counter() - start:.1f} s\n")
        backend = start_backend(root / "backend")
        try:
            with HanamiClient(backend.address, timeout=300) as client:
                client.login(ADMIN_ID, ADMIN_PASSPHRASE)
                processes = {"client": os.getpid(), "backend": backend.process.pid}
                for kind, upload in client_uploads(client, csv_path, images, labels).items():
                    run, uuid = measure(f"{kind} through hanami_client", processes, upload)
                    client.datasets.delete(uuid)
                    report(run, rate_target=RATE_TARGET)
                with running_portal(backend.address, root / "portal") as (portal, portal_pid):
                    session = signed_in(portal)
                    processes = {"portal": portal_pid, "backend": backend.process.pid}
                    uploads = portal_uploads(session, portal, csv_path, images, labels)
                    for kind, upload in uploads.items():
                        label = f"{kind} through the portal (1 MiB chunks)"
                        run, uuid = measure(label, processes, upload)
                        client.datasets.delete(uuid)
                        report(run, rate_target=None)
        finally:
            backend.stop()


if __name__ == "__main__":
    main()
