"""What the task and checkpoint tests share: the MNIST sample, its IO items, trained clusters."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from hanami_client import (
    Cluster,
    Dataset,
    HanamiClient,
    NotFound,
    Task,
    TaskInput,
    TaskResult,
)
from tests.hanami_client.support import fresh_name
from tests.hanami_client.test_clusters import TEMPLATE

MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"
TRAIN_ROWS = 4000
TEST_ROWS = 1000

# TEMPLATE's interfaces: "pixels" (input, 1,1,1) and "digit" (output, 3,1,1).
DIGIT = TaskResult("digit", "digit")

# The same interface names on another shape: its checkpoints do not fit TEMPLATE's clusters.
OTHER_TEMPLATE = (
    "version: 1\nsettings:\n  max_connection_distance: 2\nhexagons:\n  1,1,1\n  2,1,1\n"
    "  3,1,1\n  4,1,1\ninputs:\n  pixels: 1,1,1\n  extra: 2,1,1\noutputs:\n  digit: 4,1,1\n"
)


def upload_train_set(client: HanamiClient) -> Dataset:
    """The sample's 4,000 training digits."""
    return client.datasets.upload_mnist(
        fresh_name("Train"),
        MNIST / "train-images-idx3-ubyte",
        MNIST / "train-labels-idx1-ubyte",
    )


def upload_test_set(client: HanamiClient) -> Dataset:
    """The sample's 1,000 test digits."""
    return client.datasets.upload_mnist(
        fresh_name("Test"),
        MNIST / "t10k-images-idx3-ubyte",
        MNIST / "t10k-labels-idx1-ubyte",
    )


def pictures(dataset: Dataset) -> list[TaskInput]:
    """A dataset's pictures into the input hexagon."""
    return [TaskInput(dataset.uuid, "picture", "pixels")]


def labels(dataset: Dataset) -> list[TaskInput]:
    """A dataset's one-hot labels as the output hexagon's expected values."""
    return [TaskInput(dataset.uuid, "label", "digit")]


def new_cluster(client: HanamiClient, template: str = TEMPLATE) -> Cluster:
    """An untrained cluster of a fresh name."""
    return client.clusters.create(fresh_name("Learner"), template)


@contextlib.contextmanager
def deleted_after(client: HanamiClient, cluster: Cluster) -> Iterator[Cluster]:
    """Hand out a cluster and delete it afterwards, with whatever still runs on it."""
    try:
        yield cluster
    finally:
        with contextlib.suppress(NotFound):
            client.clusters.delete(cluster.uuid)


def start_training(client: HanamiClient, cluster: Cluster, dataset: Dataset) -> Task:
    """Queue one pass over a dataset's pictures and labels."""
    return client.tasks.train(fresh_name("Train"), cluster.uuid, pictures(dataset), labels(dataset))


def trained_cluster(client: HanamiClient, dataset: Dataset) -> Cluster:
    """A new cluster after one finished pass over ``dataset``."""
    cluster = new_cluster(client)
    finished = client.tasks.wait(start_training(client, cluster, dataset), interval=0.05)
    assert finished.state == "finished"
    return cluster


def request_digits(client: HanamiClient, cluster: Cluster, dataset: Dataset) -> Task:
    """Run a request over a dataset's pictures until it finished; its result dataset is ready."""
    task = client.tasks.request(fresh_name("Request"), cluster.uuid, pictures(dataset), [DIGIT])
    finished = client.tasks.wait(task, interval=0.05)
    assert finished.state == "finished"
    return finished


def wait_until_gone(client: HanamiClient, task: Task, seconds: float = 30.0) -> None:
    """Poll until the task is no longer there (a deleted active task is dropped soon after)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client.tasks.get(task.uuid, task.cluster_uuid)
        except NotFound:
            return
        time.sleep(0.05)
    raise AssertionError(f"task {task.uuid} still there after {seconds} s")
