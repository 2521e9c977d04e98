"""Task, cluster and checkpoint calls over the wire for the task, checkpoint and restart tests,
and the templates and datasets they train on."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import requests

from tests.hanami_server.uploads import MNIST_DIR, uploaded_csv, uploaded_mnist
from tests.hanami_server.wire import b64, send

# the upstream test shape (contract 5, example C): input, hidden, output in a row
DIGITS_TEMPLATE = """version: 1
settings:
  neuron_cooldown: 100000.0
  refractory_time: 1
  max_connection_distance: 1
hexagons:
  1,1,1
  2,1,1
  3,1,1
inputs:
  pixels: 1,1,1
outputs:
  digit: 3,1,1
"""
# the same interface names on another shape: its checkpoints do not fit DIGITS_TEMPLATE
OTHER_TEMPLATE = DIGITS_TEMPLATE.replace("  3,1,1\ninputs", "  3,1,1\n  4,1,1\ninputs").replace(
    "digit: 3,1,1", "digit: 4,1,1"
)
# a long table of two CSV columns: a train over it runs for seconds, in many small batches
LONG_ROWS = 400_000
SERIES_TEMPLATE = """version: 1
settings:
  refractory_time: 1
hexagons:
  1,1,1
  2,1,1
  3,1,1
inputs:
  x: 1,1,1
outputs:
  y: 3,1,1
"""


def unique(prefix: str) -> str:
    """A name matching NAME_RE that no other test uses."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def create_cluster(address: str, token: str, template: str = DIGITS_TEMPLATE) -> str:
    """POST /cluster; the new cluster's uuid."""
    body = {"name": unique("Cluster"), "template": b64(template)}
    reply = send(address, "POST", "/cluster", token=token, body=body)
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def io_item(dataset_uuid: str, column: str, hexagon: str) -> dict[str, str]:
    """One item of a task's `inputs` or `outputs`."""
    return {"dataset_uuid": dataset_uuid, "dataset_column": column, "hexagon_name": hexagon}


def post_train(
    address: str,
    token: str,
    cluster_uuid: str,
    inputs: list[Any],
    outputs: list[Any],
    name: str | None = None,
) -> requests.Response:
    """POST /task/train."""
    body = {
        "name": name or unique("Train"),
        "cluster_uuid": cluster_uuid,
        "inputs": inputs,
        "outputs": outputs,
    }
    return send(address, "POST", "/task/train", token=token, body=body)


def post_request(
    address: str,
    token: str,
    cluster_uuid: str,
    inputs: list[Any],
    results: list[Any],
    name: str | None = None,
) -> requests.Response:
    """POST /task/request."""
    body = {
        "name": name or unique("Request"),
        "cluster_uuid": cluster_uuid,
        "inputs": inputs,
        "results": results,
    }
    return send(address, "POST", "/task/request", token=token, body=body)


def train_digits(address: str, token: str, cluster_uuid: str, dataset_uuid: str) -> str:
    """Queue a train task of pictures into `pixels`, labels into `digit`; its uuid."""
    reply = post_train(
        address,
        token,
        cluster_uuid,
        [io_item(dataset_uuid, "picture", "pixels")],
        [io_item(dataset_uuid, "label", "digit")],
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def request_digits(address: str, token: str, cluster_uuid: str, dataset_uuid: str) -> str:
    """Queue a request task of pictures whose `digit` outputs become the result; its uuid."""
    reply = post_request(
        address,
        token,
        cluster_uuid,
        [io_item(dataset_uuid, "picture", "pixels")],
        [{"dataset_column": "digit", "hexagon_name": "digit"}],
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def train_long(address: str, token: str, cluster_uuid: str, dataset_uuid: str) -> str:
    """Queue a train task over the long table on a SERIES_TEMPLATE cluster; its uuid."""
    reply = post_train(
        address,
        token,
        cluster_uuid,
        [io_item(dataset_uuid, "x", "x")],
        [io_item(dataset_uuid, "y", "y")],
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["uuid"]


def get_task(address: str, token: str, cluster_uuid: str, task_uuid: str) -> requests.Response:
    """GET /task."""
    query = {"uuid": task_uuid, "cluster_uuid": cluster_uuid}
    return send(address, "GET", "/task", token=token, query=query)


def delete_task(address: str, token: str, cluster_uuid: str, task_uuid: str) -> requests.Response:
    """DELETE /task."""
    query = {"uuid": task_uuid, "cluster_uuid": cluster_uuid}
    return send(address, "DELETE", "/task", token=token, query=query)


def list_tasks(address: str, token: str, cluster_uuid: str) -> dict[str, Any]:
    """GET /task/all (fails the test unless 200)."""
    reply = send(address, "GET", "/task/all", token=token, query={"cluster_uuid": cluster_uuid})
    assert reply.status_code == 200, reply.text
    return reply.json()


def task_state(address: str, token: str, cluster_uuid: str, task_uuid: str) -> dict[str, Any]:
    """The task object (fails the test unless 200)."""
    reply = get_task(address, token, cluster_uuid, task_uuid)
    assert reply.status_code == 200, reply.text
    return reply.json()


def wait_for(probe: Callable[[], Any], ready: Callable[[Any], bool], timeout: float = 60.0) -> Any:
    """Call `probe` every 20 ms until `ready(value)`; the value (fails the test on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if ready(value):
            return value
        assert time.monotonic() < deadline, f"still not ready after {timeout} s: {value}"
        time.sleep(0.02)


def wait_task(
    address: str, token: str, cluster_uuid: str, task_uuid: str, state: str = "finished"
) -> dict[str, Any]:
    """Poll GET /task until the task has `state`; its object."""
    return wait_for(
        lambda: task_state(address, token, cluster_uuid, task_uuid),
        lambda task: task["state"] == state,
    )


def wait_gone(address: str, token: str, cluster_uuid: str, task_uuid: str) -> requests.Response:
    """Poll GET /task until it answers 404; that reply."""
    return wait_for(
        lambda: get_task(address, token, cluster_uuid, task_uuid),
        lambda reply: reply.status_code == 404,
    )


def content(address: str, token: str, dataset_uuid: str, column: str, rows: int) -> list:
    """The first `rows` rows of a dataset column (fails the test unless 200)."""
    query = {"uuid": dataset_uuid, "column_name": column, "row_offset": 0, "number_of_rows": rows}
    reply = send(address, "GET", "/dataset/content", token=token, query=query)
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def save(address: str, token: str, cluster_uuid: str, name: str | None = None):
    """POST /cluster/save."""
    body = {"name": name or unique("Checkpoint"), "cluster_uuid": cluster_uuid}
    return send(address, "POST", "/cluster/save", token=token, body=body)


def restore(address: str, token: str, cluster_uuid: str, checkpoint_uuid: str):
    """POST /cluster/load."""
    body = {"cluster_uuid": cluster_uuid, "checkpoint_uuid": checkpoint_uuid}
    return send(address, "POST", "/cluster/load", token=token, body=body)


def mnist_train_dataset(address: str, token: str) -> str:
    """The 4,000 training rows of mnist-5k as the caller's dataset."""
    images = (MNIST_DIR / "train-images-idx3-ubyte").read_bytes()
    labels = (MNIST_DIR / "train-labels-idx1-ubyte").read_bytes()
    return uploaded_mnist(address, token, images, labels, unique("Train Digits"))


def long_dataset(address: str, token: str, rows: int = LONG_ROWS) -> str:
    """A CSV table `x,y` of `rows` rows (y = x mod 2) as the caller's dataset."""
    lines = "".join(f"{i % 97},{i % 2}\n" for i in range(rows))
    return uploaded_csv(address, token, ("x,y\n" + lines).encode(), unique("Long Table"))
