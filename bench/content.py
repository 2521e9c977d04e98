"""Latency of dataset content pages and of the MNIST preview page, on 60,000 rows.

Run from the repository root: ``.venv/bin/python bench/content.py``. It starts its own embedded
backend (free loopback port, temporary data dir), uploads a generated 60,000-row MNIST pair
through hanami_client, then prints p50/p95/mean of 100-row content pages at the start and near
the end, and of the portal's dataset page (its digit preview), beside the targets. It asserts
nothing: machines are noisy.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root

from bench.api_latency import Result, report, signed_in_portal, timed
from bench.upload import write_mnist
from hanami_client import HanamiClient
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, start_backend

ROWS = 60_000
PAGE = 100
CONTENT_TARGET_MS = 20.0
PREVIEW_TARGET_MS = 150.0


def measure_content(client: HanamiClient, dataset_uuid: str) -> list[Result]:
    """100-row pages of both columns, at offset 0 and at the last full page."""
    results = []
    for column in ("picture", "label"):
        for offset in (0, ROWS - PAGE):

            def page(column: str = column, offset: int = offset) -> None:
                rows = client.datasets.content(
                    dataset_uuid, column, row_offset=offset, number_of_rows=PAGE
                )
                assert len(rows) == PAGE

            name = f"content {column} rows {offset}..{offset + PAGE - 1}"
            results.append(Result(name, timed(page, 200), CONTENT_TARGET_MS))
    return results


def measure_preview(address: str, data_dir: Path, dataset_uuid: str) -> list[Result]:
    """The portal's dataset page with its digit preview, through Django's test client."""
    from django.urls import reverse

    browser = signed_in_portal(address, data_dir)
    url = reverse("datasets:detail", args=[dataset_uuid])

    def preview() -> None:
        response = browser.get(url)
        assert response.status_code == 200
        assert response.content.count(b"data:image/png;base64,") >= 48

    return [Result("page /datasets/<uuid>/ (preview)", timed(preview, 50), PREVIEW_TARGET_MS)]


def main() -> None:
    """Start a backend, upload the dataset, measure, print."""
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (a busy machine gives noisy numbers)"
    )
    with tempfile.TemporaryDirectory(prefix="hanami-bench-") as tmp:
        root = Path(tmp)
        images, labels = write_mnist(root, ROWS)
        backend = start_backend(root / "backend")
        try:
            with HanamiClient(backend.address, timeout=120) as client:
                client.login(ADMIN_ID, ADMIN_PASSPHRASE)
                dataset = client.datasets.upload_mnist("Bench digits", images, labels)
                print(f"uploaded {dataset.number_of_rows} rows of {dataset.number_of_columns}\n")
                content = measure_content(client, dataset.uuid)
            preview = measure_preview(backend.address, root / "portal", dataset.uuid)
            report(content + preview)
        finally:
            backend.stop()


if __name__ == "__main__":
    main()
