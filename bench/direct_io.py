"""Round trips of direct-IO requests: straight to the backend, and through the portal's relay.

Run from the repository root: ``.venv/bin/python bench/direct_io.py``. It starts its own embedded
backend and a portal served by daphne (free loopback ports, temporary data dirs), trains two
clusters of the upstream shape on the MNIST sample's 1,000 test rows, then times 1,000 request
messages on each path (one 28x28 picture each, cycling through the sample):

- straight: ``client.clusters.direct(uuid)`` of hanami_client, one ``await io.request(...)`` each;
- relay: a websockets client on the Try-it socket as a browser of the portal's own origin
  (session cookie + Origin header), one JSON message and its rendered reply each.

Each path drives its own cluster (a cluster in direct mode takes one session), and the paths
take turns message by message, so a busy machine slows both alike. A round trip is timed from
sending to the whole reply; the first ``WARM_UP`` of each path are not counted. It prints
p50/p95 of both and what the relay adds (target: under 5 ms at p50). It asserts nothing:
machines are noisy.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.backend

from websockets.asyncio.client import connect

from bench.progress import percentile, sign_in, start_portal
from hanami_client import HanamiClient, TaskInput
from hanami_client.template.examples import UPSTREAM_TEST_SHAPE
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, start_backend

REPO = Path(__file__).resolve().parent.parent
MNIST = REPO / "tests" / "data" / "mnist-5k"
MESSAGES = 1000
WARM_UP = 20
ADDED_TARGET_MS = 5.0


def pictures() -> list[list[int]]:
    """The test sample's pictures as 784 pixel bytes each."""
    data = (MNIST / "t10k-images-idx3-ubyte").read_bytes()
    count = int.from_bytes(data[4:8], "big")
    return [list(data[16 + row * 784 : 16 + (row + 1) * 784]) for row in range(count)]


async def measure(
    client: HanamiClient, clusters: tuple[str, str], address: str, cookie: str
) -> tuple[list[float], list[float]]:
    """Round trips of both paths in milliseconds, alternating message by message.

    Each path drives its own cluster (a cluster in direct mode takes one session), so the two
    can run side by side and every load swing of the machine hits both alike.
    """
    rows = pictures()
    url = address.replace("http://", "ws://") + f"/ws/clusters/{clusters[1]}/direct/digits/"
    straight: list[float] = []
    relayed: list[float] = []
    async with (
        client.clusters.direct(clusters[0], outputs=["label_hex"]) as io,
        connect(
            url, origin=address, additional_headers={"Cookie": f"sessionid={cookie}"}
        ) as socket,  # type: ignore[arg-type]
    ):
        status = str(await socket.recv())
        if 'data-state="ready"' not in status:
            raise RuntimeError(f"the relay did not take the cluster: {status}")
        for number in range(WARM_UP + MESSAGES):
            picture = rows[number % len(rows)]
            started = time.perf_counter()
            outputs = await io.request({"picture_hex": picture})
            straight.append((time.perf_counter() - started) * 1000)
            if len(outputs["label_hex"]) != 10:
                raise RuntimeError(f"unexpected outputs: {outputs}")
            message = json.dumps({"kind": "request", "inputs": {"picture_hex": picture}})
            started = time.perf_counter()
            await socket.send(message)
            reply = str(await socket.recv())
            relayed.append((time.perf_counter() - started) * 1000)
            if 'data-reply="outputs"' not in reply:
                raise RuntimeError(f"the relay refused a request: {reply}")
    return straight[WARM_UP:], relayed[WARM_UP:]


def trained_cluster(client: HanamiClient, name: str, dataset_uuid: str) -> str:
    """A cluster of the upstream shape trained on the dataset; its uuid."""
    cluster = client.clusters.create(name, UPSTREAM_TEST_SHAPE)
    task = client.tasks.train(
        f"{name} train",
        cluster.uuid,
        [TaskInput(dataset_uuid, "picture", "picture_hex")],
        [TaskInput(dataset_uuid, "label", "label_hex")],
    )
    client.tasks.wait(task, interval=0.1, timeout=300)
    return cluster.uuid


def line(name: str, times: list[float]) -> str:
    return (
        f"{name:<28} p50 {percentile(times, 0.5):6.2f} ms   p95 {percentile(times, 0.95):6.2f} ms"
        f"   ({len(times)} round trips)"
    )


def main() -> None:
    """Start everything, train, time both paths, print."""
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (a busy machine gives noisy numbers)"
    )
    with tempfile.TemporaryDirectory(prefix="hanami-bench-") as tmp:
        root = Path(tmp)
        backend = start_backend(root / "backend")
        (root / "portal").mkdir()
        portal, address = start_portal(backend.address, root / "portal")
        try:
            cookie = sign_in(address)
            with HanamiClient(backend.address) as client:
                client.login(ADMIN_ID, ADMIN_PASSPHRASE)
                digits = client.datasets.upload_mnist(
                    "bench digits",
                    MNIST / "t10k-images-idx3-ubyte",
                    MNIST / "t10k-labels-idx1-ubyte",
                )
                clusters = (
                    trained_cluster(client, "bench straight", digits.uuid),
                    trained_cluster(client, "bench relayed", digits.uuid),
                )
                print(f"two clusters trained on {digits.number_of_rows} rows each\n")
                direct_times, relay_times = asyncio.run(measure(client, clusters, address, cookie))
        finally:
            portal.terminate()
            portal.wait(timeout=10)
            backend.stop()
    print(line("straight (hanami_client)", direct_times))
    print(line("through the portal relay", relay_times))
    added = percentile(relay_times, 0.5) - percentile(direct_times, 0.5)
    added95 = percentile(relay_times, 0.95) - percentile(direct_times, 0.95)
    paired = [relay - direct for relay, direct in zip(relay_times, direct_times, strict=True)]
    verdict = "met" if added < ADDED_TARGET_MS else "missed"
    print(
        f"the relay adds {added:.2f} ms at p50 and {added95:.2f} ms at p95 "
        f"(p50 < {ADDED_TARGET_MS:.0f} ms: {verdict}); "
        f"median of the paired differences {percentile(paired, 0.5):.2f} ms"
    )


if __name__ == "__main__":
    main()
