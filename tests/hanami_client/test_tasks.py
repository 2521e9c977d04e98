"""Tasks: train and request as typed values, their live progress through ``wait``, list and
delete, their failures as typed errors, and the result dataset a request writes."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import responses

from hanami_client import (
    BadRequest,
    Cluster,
    Dataset,
    HanamiClient,
    NotFound,
    ProtocolError,
    Task,
    TaskInput,
    TaskResult,
    TaskTimeout,
)
from tests.hanami_client.learning import (
    DIGIT,
    TEST_ROWS,
    TRAIN_ROWS,
    labels,
    pictures,
    request_digits,
    start_training,
    wait_until_gone,
)
from tests.hanami_client.support import fresh_name

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
FAKE = "http://hanami.test"
CLUSTER = "7bd1a35c-4c4e-4f2e-9a8e-0b8f4f6f2c11"
TASK = "0d9c2b55-3c55-4f43-8a49-2f1d1c1de0a7"


def busy(client: HanamiClient, cluster: Cluster, train_set: Dataset, passes: int = 3) -> None:
    """Queue training passes, so that tasks created next wait behind them."""
    for _ in range(passes):
        start_training(client, cluster, train_set)


def wait_until_started(client: HanamiClient, task: Task) -> Task:
    """Poll until the task left the queue (it starts almost at once on an idle cluster)."""
    deadline = time.monotonic() + 10
    while (current := client.tasks.get(task.uuid, task.cluster_uuid)).state == "queued":
        assert time.monotonic() < deadline, f"task {task.uuid} never started"
        time.sleep(0.005)
    return current


# -- create ------------------------------------------------------------------------------------


def test_train_answers_a_queued_task_of_the_cluster(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    name = fresh_name("First Pass")

    task = client.tasks.train(name, cluster.uuid, pictures(train_set), labels(train_set))

    assert isinstance(task, Task)
    assert uuid.UUID(task.uuid).version == 4
    assert (task.name, task.cluster_uuid, task.state) == (name, cluster.uuid, "queued")
    assert (task.current_cycle, task.total_number_of_cycles) == (0, TRAIN_ROWS)
    assert TIMESTAMP.fullmatch(task.queue_timestamp)
    assert (task.start_timestamp, task.end_timestamp) == (None, None)
    assert (task.fraction, task.done) == (0.0, False)


def test_a_trained_task_finishes_with_every_row_counted(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    task = start_training(client, cluster, train_set)

    finished = client.tasks.wait(task, interval=0.05)

    assert (finished.uuid, finished.name, finished.cluster_uuid) == (
        task.uuid,
        task.name,
        cluster.uuid,
    )
    assert finished.state == "finished"
    assert finished.current_cycle == finished.total_number_of_cycles == TRAIN_ROWS
    assert (finished.fraction, finished.done) == (1.0, True)
    assert finished.queue_timestamp == task.queue_timestamp
    assert finished.start_timestamp is not None
    assert finished.end_timestamp is not None
    assert TIMESTAMP.fullmatch(finished.start_timestamp)
    assert TIMESTAMP.fullmatch(finished.end_timestamp)
    assert finished.queue_timestamp <= finished.start_timestamp <= finished.end_timestamp


def test_training_grows_the_clusters_counters(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    client.tasks.wait(start_training(client, cluster, train_set), interval=0.05)

    counted = client.clusters.get(cluster.uuid)

    assert counted.number_of_blocks > 0
    assert counted.number_of_sections > 0


def test_the_total_is_the_smallest_row_count_of_the_datasets(
    client: HanamiClient, cluster: Cluster, train_set: Dataset, test_set: Dataset
) -> None:
    task = client.tasks.train(
        fresh_name("Mixed"), cluster.uuid, pictures(train_set), labels(test_set)
    )

    assert task.total_number_of_cycles == TEST_ROWS


def test_a_request_answers_a_queued_task_whose_uuid_names_its_result_dataset(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    name = fresh_name("Ask")

    task = client.tasks.request(name, trained.uuid, pictures(test_set), [DIGIT])

    assert (task.name, task.cluster_uuid, task.state) == (name, trained.uuid, "queued")
    assert (task.current_cycle, task.total_number_of_cycles) == (0, TEST_ROWS)
    assert (task.start_timestamp, task.end_timestamp) == (None, None)
    assert client.datasets.get(task.uuid).name == name
    client.tasks.wait(task, interval=0.05)


# -- the result dataset ------------------------------------------------------------------------


def test_the_result_dataset_holds_one_row_per_input_row(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    task = request_digits(client, trained, test_set)

    result = client.datasets.get(task.uuid)
    rows = client.datasets.content(task.uuid, "digit", row_offset=100, number_of_rows=10)

    assert (result.uuid, result.name, result.owner_id) == (task.uuid, task.name, "memberuser")
    assert result.description == {"digit": (0, 10)}
    assert (result.number_of_rows, result.number_of_columns) == (TEST_ROWS, 10)
    assert len(rows) == 10
    assert all(len(row) == 10 for row in rows)


def test_the_result_predicts_most_test_digits(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    task = request_digits(client, trained, test_set)

    assert client.datasets.check(task.uuid, test_set.uuid) > 80.0


def test_several_results_get_consecutive_column_ranges(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    results = [TaskResult("first", "digit"), TaskResult("second", "digit")]
    task = client.tasks.request(fresh_name("Twice"), trained.uuid, pictures(test_set), results)
    client.tasks.wait(task, interval=0.05)

    result = client.datasets.get(task.uuid)
    first = client.datasets.content(task.uuid, "first", row_offset=5, number_of_rows=3)
    second = client.datasets.content(task.uuid, "second", row_offset=5, number_of_rows=3)

    assert result.description == {"first": (0, 10), "second": (10, 20)}
    assert first == second


def test_the_same_request_twice_gives_identical_results(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    one = request_digits(client, trained, test_set)
    two = request_digits(client, trained, test_set)

    assert client.datasets.content(
        one.uuid, "digit", number_of_rows=TEST_ROWS
    ) == client.datasets.content(two.uuid, "digit", number_of_rows=TEST_ROWS)


def test_deleting_a_request_task_keeps_its_result_dataset(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    task = request_digits(client, trained, test_set)

    client.tasks.delete(task.uuid, trained.uuid)

    assert client.datasets.get(task.uuid).number_of_rows == TEST_ROWS


# -- get and list ------------------------------------------------------------------------------


def test_get_returns_the_task_with_its_cluster(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    task = request_digits(client, trained, test_set)

    assert client.tasks.get(task.uuid, trained.uuid) == task


def test_list_has_the_contract_columns_with_typed_cells(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    finished = client.tasks.wait(start_training(client, cluster, train_set), interval=0.05)
    waiting = [start_training(client, cluster, train_set) for _ in range(3)][-1]

    table = client.tasks.list(cluster.uuid)

    assert table.header == ("uuid", "state", "percentage", "queued", "start", "end")
    rows = {row["uuid"]: row for row in table}
    assert dict(rows[finished.uuid]) == {
        "uuid": finished.uuid,
        "state": "finished",
        "percentage": 1.0,
        "queued": finished.queue_timestamp,
        "start": finished.start_timestamp,
        "end": finished.end_timestamp,
    }
    assert (rows[waiting.uuid]["state"], rows[waiting.uuid]["percentage"]) == ("queued", 0.0)
    assert (rows[waiting.uuid]["start"], rows[waiting.uuid]["end"]) == (None, None)
    assert len(table) == 4


def test_a_new_cluster_lists_no_tasks(client: HanamiClient, cluster: Cluster) -> None:
    table = client.tasks.list(cluster.uuid)

    assert (table.header, len(table)) == (
        ("uuid", "state", "percentage", "queued", "start", "end"),
        0,
    )


# -- wait --------------------------------------------------------------------------------------


def test_wait_shows_every_poll_to_progress_until_finished(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    busy(client, cluster, train_set)
    task = start_training(client, cluster, train_set)
    seen: list[Task] = []

    finished = client.tasks.wait(task, progress=seen.append, interval=0.02)

    assert seen[-1] == finished
    assert finished.state == "finished"
    assert finished.current_cycle == TRAIN_ROWS
    assert seen[0].state == "queued"
    assert {polled.uuid for polled in seen} == {task.uuid}
    cycles = [polled.current_cycle for polled in seen]
    assert cycles == sorted(cycles)
    assert cycles[0] < cycles[-1]
    assert [polled.done for polled in seen].count(True) == 1


def test_wait_on_a_finished_task_polls_once(
    client: HanamiClient, trained: Cluster, test_set: Dataset
) -> None:
    task = request_digits(client, trained, test_set)
    seen: list[Task] = []

    assert client.tasks.wait(task, progress=seen.append) == task
    assert seen == [task]


def test_wait_gives_up_after_its_timeout_and_the_task_goes_on(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    busy(client, cluster, train_set)
    task = start_training(client, cluster, train_set)

    with pytest.raises(TaskTimeout) as caught:
        client.tasks.wait(task, timeout=0)

    assert caught.value.operation == "tasks.wait"
    assert caught.value.status is None
    assert task.uuid in caught.value.message
    assert "within 0 s" in caught.value.message
    assert client.tasks.wait(task, interval=0.05).state == "finished"


def test_wait_for_a_deleted_task_is_not_found(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    busy(client, cluster, train_set)
    task = start_training(client, cluster, train_set)
    client.tasks.delete(task.uuid, cluster.uuid)

    with pytest.raises(NotFound) as caught:
        client.tasks.wait(task)

    assert caught.value.operation == "tasks.get"


@pytest.mark.parametrize("interval", [0, -1.0])
def test_wait_refuses_an_interval_that_would_spin(client: HanamiClient, interval: float) -> None:
    task = Task(str(uuid.uuid4()), "Idle", "queued", 0, 1, "-", None, None, str(uuid.uuid4()))

    with pytest.raises(ValueError, match="interval must be positive"):
        client.tasks.wait(task, interval=interval)


# -- delete ------------------------------------------------------------------------------------


def test_deleting_a_queued_task_removes_it_before_it_runs(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    busy(client, cluster, train_set)
    task = start_training(client, cluster, train_set)
    assert client.tasks.get(task.uuid, cluster.uuid).state == "queued"

    assert client.tasks.delete(task.uuid, cluster.uuid) is None

    with pytest.raises(NotFound):
        client.tasks.get(task.uuid, cluster.uuid)
    assert task.uuid not in [row["uuid"] for row in client.tasks.list(cluster.uuid)]


def test_deleting_the_active_task_stops_it_and_the_queue_goes_on(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    active = start_training(client, cluster, train_set)
    following = start_training(client, cluster, train_set)
    assert wait_until_started(client, active).state == "active"

    client.tasks.delete(active.uuid, cluster.uuid)

    wait_until_gone(client, active)
    assert client.tasks.wait(following, interval=0.05).state == "finished"


def test_deleting_a_finished_task_twice_is_not_found(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    task = client.tasks.wait(start_training(client, cluster, train_set), interval=0.05)
    client.tasks.delete(task.uuid, cluster.uuid)

    with pytest.raises(NotFound) as caught:
        client.tasks.delete(task.uuid, cluster.uuid)

    assert caught.value.message == (
        f"Task with UUID '{task.uuid}'not found in Cluster with UUID '{cluster.uuid}"
    )
    assert caught.value.operation == "tasks.delete"


def test_deleting_the_cluster_takes_its_tasks_along(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    busy(client, cluster, train_set, passes=2)

    client.clusters.delete(cluster.uuid)

    with pytest.raises(NotFound) as caught:
        client.tasks.list(cluster.uuid)
    assert caught.value.message == f"Cluster with uuid '{cluster.uuid}' not found"


# -- failures ----------------------------------------------------------------------------------


def test_a_task_on_an_unknown_cluster_is_not_found(
    client: HanamiClient, train_set: Dataset
) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        client.tasks.train("Lost Task", missing, pictures(train_set), labels(train_set))

    assert caught.value.message == f"Cluster with uuid '{missing}' not found"
    assert caught.value.operation == "tasks.train"


def test_an_unknown_hexagon_is_not_found(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    inputs = [TaskInput(train_set.uuid, "picture", "nowhere")]

    with pytest.raises(NotFound) as caught:
        client.tasks.train(fresh_name("Lost"), cluster.uuid, inputs, labels(train_set))

    assert caught.value.message == "Hexagon with name 'nowhere' not found"
    assert len(client.tasks.list(cluster.uuid)) == 0


def test_an_unknown_output_column_is_not_found_with_upstreams_words(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    outputs = [TaskInput(train_set.uuid, "nothing", "digit")]

    with pytest.raises(NotFound) as caught:
        client.tasks.train(fresh_name("Lost"), cluster.uuid, pictures(train_set), outputs)

    assert caught.value.message == "Dataset has no input for columsn with name 'nothing'"


def test_an_unknown_dataset_is_not_found(client: HanamiClient, cluster: Cluster) -> None:
    missing = str(uuid.uuid4())
    items = [TaskInput(missing, "picture", "pixels")]

    with pytest.raises(NotFound) as caught:
        client.tasks.request(fresh_name("Lost"), cluster.uuid, items, [DIGIT])

    assert caught.value.message == f"Data-set with uuid '{missing}' not found"
    assert caught.value.operation == "tasks.request"


def test_a_request_before_any_training_is_a_bad_request(
    client: HanamiClient, cluster: Cluster, test_set: Dataset
) -> None:
    name = fresh_name("Early")

    with pytest.raises(BadRequest) as caught:
        client.tasks.request(name, cluster.uuid, pictures(test_set), [DIGIT])

    assert caught.value.status == 400
    assert name not in [row["name"] for row in client.datasets.list()]
    assert len(client.tasks.list(cluster.uuid)) == 0


def test_a_time_length_out_of_range_is_a_bad_request(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    with pytest.raises(BadRequest) as caught:
        client.tasks.train(
            fresh_name("Zero"), cluster.uuid, pictures(train_set), labels(train_set), 0
        )

    assert caught.value.operation == "tasks.train"
    assert "time_length" in caught.value.message


def test_an_invalid_task_name_is_a_bad_request(
    client: HanamiClient, cluster: Cluster, train_set: Dataset
) -> None:
    with pytest.raises(BadRequest) as caught:
        client.tasks.train("Tsk", cluster.uuid, pictures(train_set), labels(train_set))

    assert caught.value.message == "Given item 'name' is shorter than 4 characters"


def test_an_unknown_task_is_not_found(client: HanamiClient, cluster: Cluster) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        client.tasks.get(missing, cluster.uuid)

    assert caught.value.message == f"Task with UUID '{missing}' not found"


def test_a_malformed_task_uuid_is_a_bad_request(client: HanamiClient, cluster: Cluster) -> None:
    with pytest.raises(BadRequest) as caught:
        client.tasks.get("fail_task", cluster.uuid)

    assert caught.value.message.startswith("Given item 'uuid' doesn't match with regex")


def test_an_outsider_neither_sees_nor_starts_tasks_on_a_members_cluster(
    client: HanamiClient,
    outsider_client: HanamiClient,
    trained: Cluster,
    test_set: Dataset,
) -> None:
    task = request_digits(client, trained, test_set)

    with pytest.raises(NotFound):
        outsider_client.tasks.get(task.uuid, trained.uuid)
    with pytest.raises(NotFound):
        outsider_client.tasks.list(trained.uuid)
    with pytest.raises(NotFound):
        outsider_client.tasks.delete(task.uuid, trained.uuid)
    with pytest.raises(NotFound):
        outsider_client.tasks.request("Foreign Ask", trained.uuid, pictures(test_set), [DIGIT])
    assert client.tasks.get(task.uuid, trained.uuid) == task


# -- values and replies that break the contract (faked at the HTTP level) -----------------------


def a_task(state: str, current: int, total: int) -> Task:
    return Task(TASK, "Values", state, current, total, "2024-01-01 00:00:00", None, None, CLUSTER)


@pytest.mark.parametrize(
    ("state", "current", "total", "fraction", "done"),
    [
        ("queued", 0, 4000, 0.0, False),
        ("active", 1000, 4000, 0.25, False),
        ("active", 5000, 4000, 1.0, False),
        ("active", 0, 0, 0.0, False),
        ("aborted", 2000, 4000, 0.5, True),
        ("finished", 0, 1, 1.0, True),
        ("finished", 3999, 4000, 1.0, True),
    ],
)
def test_fraction_and_done_follow_the_state_and_cycles(
    state: str, current: int, total: int, fraction: float, done: bool
) -> None:
    task = a_task(state, current, total)

    assert (task.fraction, task.done) == (fraction, done)


def task_reply(**changes: object) -> dict[str, object]:
    reply: dict[str, object] = {
        "current_cycle": 10,
        "end_timestamp": "-",
        "name": "Faked",
        "queue_timestamp": "2024-01-01 00:00:00",
        "start_timestamp": "2024-01-01 00:00:01",
        "state": "active",
        "total_number_of_cycles": 40,
        "uuid": TASK,
    }
    return {**reply, **changes}


@pytest.mark.parametrize(
    "changes",
    [{"state": "paused"}, {"current_cycle": -1}, {"current_cycle": "10"}, {"end_timestamp": None}],
    ids=["unknown state", "negative cycle", "cycle as text", "null timestamp"],
)
def test_a_task_reply_that_breaks_the_contract_is_a_protocol_error(
    changes: dict[str, object],
) -> None:
    with responses.RequestsMock() as upstream, HanamiClient(FAKE, "token") as faked:
        upstream.get(f"{FAKE}/v1.0alpha/task", json=task_reply(**changes))

        with pytest.raises(ProtocolError) as caught:
            faked.tasks.get(TASK, CLUSTER)

    assert (caught.value.operation, caught.value.status) == ("tasks.get", 200)


@pytest.mark.parametrize("percentage", ["1.5", "-0.1", "half", True])
def test_a_list_whose_percentage_is_no_fraction_is_a_protocol_error(percentage: object) -> None:
    header = ["uuid", "state", "percentage", "queued", "start", "end"]
    row = [TASK, "active", percentage, "2024-01-01 00:00:00", "2024-01-01 00:00:01", "-"]
    with responses.RequestsMock() as upstream, HanamiClient(FAKE, "token") as faked:
        upstream.get(f"{FAKE}/v1.0alpha/task/all", json={"header": header, "body": [row]})

        with pytest.raises(ProtocolError) as caught:
            faked.tasks.list(CLUSTER)

    assert caught.value.operation == "tasks.list"
