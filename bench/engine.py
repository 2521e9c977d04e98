"""Speed and accuracy of the learning engine alone, on mnist-5k with the upstream test shape.

Run from the repository root: ``.venv/bin/python bench/engine.py [seed]``. It builds the shape of
contract section 5 example C (three hexagons in a row, ``pixels`` on the first, ``digit`` on the
last), trains three passes on the 4,000 training rows (raw pixels 0..255, one-hot labels) and
requests the 1,000 test rows five times after each, then prints rows/s and the argmax accuracy
beside the targets. Train times include solving the output synapses. A throwaway network
trained on random pixels first warms the process up (BLAS threads, the allocator's large
blocks), as in a server that has run a task before; pass 1 of the measured network still
includes creating its hidden neurons. It asserts nothing: machines are noisy."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root

from hanami_client.template.model import ClusterTemplate, Interface, Settings
from hanami_server.engine import Network

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "mnist-5k"
PASSES = 3
REQUESTS = 5
TARGETS = {"train rows/s": 40_000, "request rows/s": 100_000, "acc 1": 88.0, "acc 3": 92.0}


def read_images(path: Path) -> np.ndarray:
    """An idx image file as (N, R*C) floats 0..255 (big-endian header, contract 6.2)."""
    raw = path.read_bytes()
    count, rows, cols = (int(v) for v in np.frombuffer(raw, ">u4", 3, 4))
    return np.frombuffer(raw, np.uint8, count * rows * cols, 16).reshape(count, -1)


def read_labels(path: Path, count: int) -> np.ndarray:
    """An idx label file's first ``count`` labels."""
    return np.frombuffer(path.read_bytes(), np.uint8, count, 8)


def upstream_shape() -> ClusterTemplate:
    """Example C: 1,1,1 -> 2,1,1 -> 3,1,1, pixels in, digit out."""
    settings = Settings(neuron_cooldown=100000.0, refractory_time=1, max_connection_distance=1)
    hexagons = ((1, 1, 1), (2, 1, 1), (3, 1, 1))
    return ClusterTemplate(
        settings,
        hexagons,
        (),
        (Interface("pixels", hexagons[0]),),
        (Interface("digit", hexagons[2]),),
    )


def main() -> None:
    """Train three passes, request after each, print the numbers."""
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    train_x = read_images(DATA / "train-images-idx3-ubyte").astype(np.float32)
    train_y = np.eye(10, dtype=np.float32)[read_labels(DATA / "train-labels-idx1-ubyte", 4000)]
    test_x = read_images(DATA / "t10k-images-idx3-ubyte").astype(np.float32)
    test_labels = read_labels(DATA / "t10k-labels-idx1-ubyte", len(test_x))
    noise = np.random.default_rng(seed)
    warm_up = Network.from_template(upstream_shape(), seed=seed)
    warm_up.train(
        {"pixels": noise.integers(0, 256, train_x.shape).astype(np.float32)},
        {"digit": np.eye(10, dtype=np.float32)[noise.integers(0, 10, len(train_x))]},
    )
    warm_up.request({"pixels": noise.integers(0, 256, test_x.shape).astype(np.float32)})
    network = Network.from_template(upstream_shape(), seed=seed)
    train_rates, request_rates, accuracies = [], [], []
    for _ in range(PASSES):
        start = time.perf_counter()
        network.train({"pixels": train_x}, {"digit": train_y})
        train_rates.append(len(train_x) / (time.perf_counter() - start))
        start = time.perf_counter()
        for _ in range(REQUESTS):
            digits = network.request({"pixels": test_x})["digit"]
        request_rates.append(REQUESTS * len(test_x) / (time.perf_counter() - start))
        accuracies.append(100.0 * float(np.mean(np.argmax(digits, axis=1) == test_labels)))
    print(f"engine on mnist-5k: {len(train_x)} train rows, {len(test_x)} request rows, seed {seed}")
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy "
        f"{np.__version__}"
    )
    print(
        f"hidden neurons {network.hidden_neurons}, blocks {network.number_of_blocks}, "
        f"sections {network.number_of_sections}"
    )
    rows = [
        ("train rows/s (median of 3 passes)", float(np.median(train_rates)), "train rows/s"),
        ("request rows/s (median)", float(np.median(request_rates)), "request rows/s"),
        ("accuracy % after 1 train pass", accuracies[0], "acc 1"),
        (f"accuracy % after {PASSES} train passes", accuracies[-1], "acc 3"),
    ]
    for label, value, target in rows:
        print(f"{label:<38} {value:>12,.1f}   target >= {TARGETS[target]:,}")
    print("per pass: train rows/s " + _listed(train_rates, ",.0f"))
    print("          request rows/s " + _listed(request_rates, ",.0f"))
    print("          accuracy % " + _listed(accuracies, ".1f"))


def _listed(values: list[float], spec: str) -> str:
    """Values formatted and comma-separated."""
    return ", ".join(format(v, spec) for v in values)


if __name__ == "__main__":
    main()
