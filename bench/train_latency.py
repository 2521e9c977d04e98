"""API latency of the embedded backend while a cluster trains (issue 5: GET p95 < 50 ms).

Run from the repository root: ``.venv/bin/python bench/train_latency.py``. It starts its own
embedded backend, uploads the MNIST sample, queues train tasks on a large cluster (4,096 hidden
neurons) so that the worker thread trains for many seconds, and meanwhile times GET /task,
GET /cluster and GET /dataset/all; then the same calls on an idle backend for comparison. It
asserts nothing: machines are noisy.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.backend

from hanami_client import HanamiClient, TaskInput
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, start_backend

MNIST = Path(__file__).resolve().parent.parent / "tests" / "data" / "mnist-5k"
# The upstream test shape with the largest hidden hexagon, so each pass takes a while.
TEMPLATE = UPSTREAM_TEST_SHAPE.replace("max_connection_distance: 1", "max_connection_distance: 4")
PASSES = 12
TARGET_MS = 50.0


def percentiles(samples: list[float]) -> str:
    """p50 and p95 of millisecond samples, as printed."""
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return f"p50 {statistics.median(samples):6.1f} ms  p95 {cuts[18]:6.1f} ms"


def sample(calls: dict[str, Callable[[], object]], keep_going: Callable[[], bool]) -> dict:
    """Time each call in turn, every 20 ms, while keep_going() says so."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    while keep_going():
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - start) * 1000)
        time.sleep(0.02)
    return samples


def main() -> None:
    """Train in the background, time the API meanwhile, then on an idle backend."""
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as data_dir:
        backend = start_backend(Path(data_dir))
        try:
            client = HanamiClient(backend.address, timeout=60)
            client.login(ADMIN_ID, ADMIN_PASSPHRASE)
            digits = client.datasets.upload_mnist(
                "Bench digits",
                MNIST / "train-images-idx3-ubyte",
                MNIST / "train-labels-idx1-ubyte",
            )
            cluster = client.clusters.create("Bench cluster", TEMPLATE)
            inputs = [TaskInput(digits.uuid, "picture", "picture_hex")]
            outputs = [TaskInput(digits.uuid, "label", "label_hex")]
            tasks = [
                client.tasks.train(f"Pass {n}", cluster.uuid, inputs, outputs)
                for n in range(PASSES)
            ]
            calls = {
                "GET /task": lambda: client.tasks.get(tasks[-1].uuid, cluster.uuid),
                "GET /cluster": lambda: client.clusters.get(cluster.uuid),
                "GET /dataset/all": client.datasets.list,
            }
            started = time.perf_counter()
            busy = sample(calls, lambda: not client.tasks.get(tasks[-1].uuid, cluster.uuid).done)
            seconds = time.perf_counter() - started
            deadline = time.perf_counter() + 5
            idle = sample(calls, lambda: time.perf_counter() < deadline)
        finally:
            backend.stop()
    rows = PASSES * digits.number_of_rows
    print(f"{PASSES} train passes over {digits.number_of_rows} rows took {seconds:.1f} s")
    print(f"({rows / seconds:,.0f} rows/s on the worker thread while the API was timed)")
    for name in calls:
        print(f"{name:18} training: {percentiles(busy[name])}   idle: {percentiles(idle[name])}")
    worst = max(statistics.quantiles(busy[name], n=20, method="inclusive")[18] for name in calls)
    verdict = "met" if worst < TARGET_MS else "missed"
    print(f"worst p95 while training {worst:.1f} ms (target < {TARGET_MS:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
