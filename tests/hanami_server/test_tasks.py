"""Train and request tasks, task get/list/delete (contract 2.6, 7) and request result datasets
(6.4), against the embedded server: replies, queue order, stopping, bad input without debris."""

from __future__ import annotations

import itertools
import re
import uuid

import numpy as np
import pytest

from hanami_server.tasks.columns import BLOCK_CELLS
from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import (
    DIGITS_TEMPLATE,
    SERIES_TEMPLATE,
    content,
    create_cluster,
    delete_task,
    get_task,
    io_item,
    list_tasks,
    long_dataset,
    mnist_train_dataset,
    post_request,
    post_train,
    request_digits,
    task_state,
    train_digits,
    train_long,
    unique,
    wait_for,
    wait_gone,
    wait_task,
)
from tests.hanami_server.uploads import (
    get_dataset,
    idx_images,
    idx_labels,
    listed_uuids,
    sample_mnist,
    uploaded_csv,
    uploaded_mnist,
)
from tests.hanami_server.wire import send

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
TASK_KEYS = [
    "current_cycle",
    "end_timestamp",
    "name",
    "queue_timestamp",
    "start_timestamp",
    "state",
    "total_number_of_cycles",
    "uuid",
]
DIGIT_RESULT = [{"dataset_column": "digit", "hexagon_name": "digit"}]


@pytest.fixture(scope="module")
def train_digits_uuid(backend: Backend, member: Persona) -> str:
    """The member's 4,000 mnist-5k training rows."""
    return mnist_train_dataset(backend.address, member.token)


@pytest.fixture(scope="module")
def long_table(backend: Backend, member: Persona) -> str:
    """The member's long `x,y` table (a train over it runs for seconds)."""
    return long_dataset(backend.address, member.token)


@pytest.fixture(scope="module")
def short_table(backend: Backend, member: Persona) -> str:
    """The member's `x,y` table of 50 rows."""
    data = "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(50))
    return uploaded_csv(backend.address, member.token, data.encode(), unique("Short Table"))


@pytest.fixture(scope="module")
def trained(backend: Backend, member: Persona, train_digits_uuid: str) -> str:
    """A digits cluster of the member after one train task over the 4,000 rows."""
    cluster_uuid = create_cluster(backend.address, member.token)
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, train_digits_uuid)
    wait_task(backend.address, member.token, cluster_uuid, task_uuid)
    return cluster_uuid


def _active_long_train(address: str, token: str, long_table: str) -> tuple[str, str]:
    """A series cluster whose long train task is active and has learned some rows."""
    cluster_uuid = create_cluster(address, token, SERIES_TEMPLATE)
    task_uuid = train_long(address, token, cluster_uuid, long_table)
    wait_for(
        lambda: task_state(address, token, cluster_uuid, task_uuid),
        lambda task: task["state"] == "active" and task["current_cycle"] > 0,
    )
    return cluster_uuid, task_uuid


def _stop(address: str, token: str, cluster_uuid: str, task_uuid: str) -> None:
    assert delete_task(address, token, cluster_uuid, task_uuid).status_code == 200
    wait_gone(address, token, cluster_uuid, task_uuid)


# --- train ------------------------------------------------------------------------------------


def test_a_train_task_answers_queued_then_finishes(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    name = unique("Train")
    reply = post_train(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        [io_item(member_digits, "label", "digit")],
        name=name,
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "text/json"
    created = reply.json()
    assert reply.text.startswith('{"current_cycle":0,"end_timestamp":"-","name":"')
    assert sorted(created) == TASK_KEYS
    assert created["state"] == "queued"
    assert (created["current_cycle"], created["total_number_of_cycles"]) == (0, 1000)
    assert (created["start_timestamp"], created["end_timestamp"]) == ("-", "-")
    assert created["name"] == name
    assert TIMESTAMP.fullmatch(created["queue_timestamp"])
    assert str(uuid.UUID(created["uuid"], version=4)) == created["uuid"]

    done = wait_task(backend.address, member.token, cluster_uuid, created["uuid"])
    assert done["current_cycle"] == done["total_number_of_cycles"] == 1000
    assert created["queue_timestamp"] <= done["start_timestamp"] <= done["end_timestamp"]
    assert TIMESTAMP.fullmatch(done["end_timestamp"])


def test_a_task_on_an_idle_cluster_is_active_once_the_create_call_answered(
    backend: Backend, member: Persona, long_table: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token, SERIES_TEMPLATE)
    task_uuid = train_long(backend.address, member.token, cluster_uuid, long_table)
    started = task_state(backend.address, member.token, cluster_uuid, task_uuid)
    assert started["state"] in ("active", "finished")
    assert started["start_timestamp"] != "-"
    _stop(backend.address, member.token, cluster_uuid, task_uuid)


def test_training_grows_the_cluster_counters(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)

    def counters() -> tuple[int, int]:
        reply = send(
            backend.address, "GET", "/cluster", token=member.token, query={"uuid": cluster_uuid}
        )
        return reply.json()["number_of_blocks"], reply.json()["number_of_sections"]

    assert counters() == (0, 0)
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, task_uuid)
    blocks, sections = counters()
    assert blocks > 0
    assert sections > 0


def test_time_length_stops_early_as_upstream(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    body = {
        "name": unique("Train"),
        "cluster_uuid": cluster_uuid,
        "inputs": [io_item(member_digits, "picture", "pixels")],
        "outputs": [io_item(member_digits, "label", "digit")],
        "time_length": 3,
    }
    reply = send(backend.address, "POST", "/task/train", token=member.token, body=body)
    assert reply.status_code == 200, reply.text
    done = wait_task(backend.address, member.token, cluster_uuid, reply.json()["uuid"])
    assert (done["current_cycle"], done["total_number_of_cycles"]) == (998, 1000)


# --- list and get ------------------------------------------------------------------------------


def test_the_list_shows_every_task_as_strings_sorted_by_uuid(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    first = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    second = request_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, second)
    listed = list_tasks(backend.address, member.token, cluster_uuid)
    assert listed["header"] == ["uuid", "state", "percentage", "queued", "start", "end"]
    rows = listed["body"]
    assert [row[0] for row in rows] == sorted([first, second])
    for row in rows:
        task = task_state(backend.address, member.token, cluster_uuid, row[0])
        assert row == [
            task["uuid"],
            "finished",
            "1.000000",
            task["queue_timestamp"],
            task["start_timestamp"],
            task["end_timestamp"],
        ]


def test_an_unknown_task_is_not_found(backend: Backend, member: Persona, trained: str) -> None:
    unknown = str(uuid.uuid4())
    reply = get_task(backend.address, member.token, trained, unknown)
    assert (reply.status_code, reply.text) == (404, f"Task with UUID '{unknown}' not found")
    reply = delete_task(backend.address, member.token, trained, unknown)
    assert (reply.status_code, reply.text) == (
        404,
        f"Task with UUID '{unknown}'not found in Cluster with UUID '{trained}",
    )


def test_a_task_is_found_only_with_its_own_cluster(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    other_uuid = create_cluster(backend.address, member.token)
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    reply = get_task(backend.address, member.token, other_uuid, task_uuid)
    assert (reply.status_code, reply.text) == (404, f"Task with UUID '{task_uuid}' not found")
    assert list_tasks(backend.address, member.token, other_uuid)["body"] == []


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_task_calls_on_an_unknown_cluster_are_not_found(
    backend: Backend, member: Persona, method: str
) -> None:
    cluster_uuid = str(uuid.uuid4())
    for path, query in [
        ("/task", {"uuid": str(uuid.uuid4()), "cluster_uuid": cluster_uuid}),
        ("/task/all", {"cluster_uuid": cluster_uuid}),
    ]:
        if method == "DELETE" and path == "/task/all":
            continue
        reply = send(backend.address, method, path, token=member.token, query=query)
        assert (reply.status_code, reply.text) == (
            404,
            f"Cluster with uuid '{cluster_uuid}' not found",
        )


def test_tasks_of_an_invisible_cluster_are_not_found(
    backend: Backend, member: Persona, outsider: Persona, trained: str
) -> None:
    reply = send(
        backend.address, "GET", "/task/all", token=outsider.token, query={"cluster_uuid": trained}
    )
    assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{trained}' not found")


# --- request and its result dataset ------------------------------------------------------------


def test_a_request_writes_its_result_dataset(
    backend: Backend, member: Persona, member_digits: str, trained: str
) -> None:
    name = unique("Request")
    reply = post_request(
        backend.address,
        member.token,
        trained,
        [io_item(member_digits, "picture", "pixels")],
        DIGIT_RESULT,
        name=name,
    )
    assert reply.status_code == 200, reply.text
    task_uuid = reply.json()["uuid"]
    assert reply.json()["total_number_of_cycles"] == 1000
    done = wait_task(backend.address, member.token, trained, task_uuid)
    assert done["current_cycle"] == 1000

    result = get_dataset(backend.address, member.token, task_uuid).json()
    assert result["name"] == name
    assert result["description"] == {"digit": {"column_end": 10, "column_start": 0}}
    assert (result["number_of_rows"], result["number_of_columns"]) == (1000, 10)
    assert (result["owner_id"], result["project_id"]) == (member.user_id, member.project_id)
    assert result["visibility"] == "private"
    rows = content(backend.address, member.token, task_uuid, "digit", 5)
    assert [len(row) for row in rows] == [10] * 5

    check = send(
        backend.address,
        "GET",
        "/dataset/check",
        token=member.token,
        query={"uuid": task_uuid, "reference_uuid": member_digits},
    )
    assert check.status_code == 200, check.text
    assert check.json()["accuracy"] > 85.0


def test_the_result_dataset_exists_with_no_rows_until_the_request_ran(
    backend: Backend, member: Persona, long_table: str, short_table: str
) -> None:
    cluster_uuid, train_uuid = _active_long_train(backend.address, member.token, long_table)
    reply = post_request(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(short_table, "x", "x")],
        [{"dataset_column": "y", "hexagon_name": "y"}],
    )
    assert reply.status_code == 200, reply.text
    request_uuid = reply.json()["uuid"]
    assert (
        task_state(backend.address, member.token, cluster_uuid, request_uuid)["state"] == "queued"
    )
    waiting = get_dataset(backend.address, member.token, request_uuid)
    assert waiting.status_code == 200, waiting.text
    assert (waiting.json()["number_of_rows"], waiting.json()["number_of_columns"]) == (0, 1)
    assert request_uuid in listed_uuids(backend.address, member.token)

    _stop(backend.address, member.token, cluster_uuid, train_uuid)
    wait_task(backend.address, member.token, cluster_uuid, request_uuid)
    assert get_dataset(backend.address, member.token, request_uuid).json()["number_of_rows"] == 50


def test_several_results_take_consecutive_column_ranges(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    template = DIGITS_TEMPLATE.replace("  3,1,1\ninputs", "  3,1,1\n  3,2,1\ninputs").replace(
        "digit: 3,1,1", "digit: 3,1,1\n  again: 3,2,1"
    )
    cluster_uuid = create_cluster(backend.address, member.token, template)
    labels = io_item(member_digits, "label", "digit")
    reply = post_train(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        [labels, {**labels, "hexagon_name": "again"}],
    )
    assert reply.status_code == 200, reply.text
    reply = post_request(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        [
            {"dataset_column": "second", "hexagon_name": "again"},
            {"dataset_column": "first", "hexagon_name": "digit"},
        ],
    )
    assert reply.status_code == 200, reply.text
    request_uuid = reply.json()["uuid"]
    wait_task(backend.address, member.token, cluster_uuid, request_uuid)
    result = get_dataset(backend.address, member.token, request_uuid).json()
    assert result["description"] == {
        "second": {"column_end": 10, "column_start": 0},
        "first": {"column_end": 20, "column_start": 10},
    }
    assert result["number_of_columns"] == 20
    first = content(backend.address, member.token, request_uuid, "first", 3)
    second = content(backend.address, member.token, request_uuid, "second", 3)
    assert first == second  # both outputs learned the same labels from the same hidden block


def test_a_dataset_larger_than_one_block_is_read_block_by_block(
    backend: Backend, member: Persona, trained: str
) -> None:
    images, labels = sample_mnist()
    pictures = np.frombuffer(images, np.uint8, 1000 * 784, 16).reshape(1000, 28, 28)
    digits = np.frombuffer(labels, np.uint8, 1000, 8)
    repeats = BLOCK_CELLS // (794 * 1000) + 2  # more rows than one block of picture + label
    large = uploaded_mnist(
        backend.address,
        member.token,
        idx_images(np.tile(pictures, (repeats, 1, 1))),
        idx_labels(np.tile(digits, repeats)),
        unique("Large Digits"),
    )
    rows = 1000 * repeats
    cluster_uuid = create_cluster(backend.address, member.token)
    train_uuid = train_digits(backend.address, member.token, cluster_uuid, large)
    assert (
        wait_task(backend.address, member.token, cluster_uuid, train_uuid)["current_cycle"] == rows
    )
    request_uuid = request_digits(backend.address, member.token, cluster_uuid, large)
    assert (
        wait_task(backend.address, member.token, cluster_uuid, request_uuid)["current_cycle"]
        == rows
    )
    assert get_dataset(backend.address, member.token, request_uuid).json()["number_of_rows"] == rows
    # the same picture gets the same answer in the first block and in the last one (up to the
    # rounding of matrix products over batches of other sizes)
    query = {"uuid": request_uuid, "column_name": "digit", "number_of_rows": 20}
    answers = [
        send(
            backend.address,
            "GET",
            "/dataset/content",
            token=member.token,
            query={**query, "row_offset": offset},
        ).json()["data"]
        for offset in (0, rows - 1000)
    ]
    np.testing.assert_allclose(answers[0], answers[1], atol=1e-5)


def test_deleting_a_request_task_keeps_its_result_dataset(
    backend: Backend, member: Persona, member_digits: str, trained: str
) -> None:
    task_uuid = request_digits(backend.address, member.token, trained, member_digits)
    wait_task(backend.address, member.token, trained, task_uuid)
    reply = delete_task(backend.address, member.token, trained, task_uuid)
    assert (reply.status_code, reply.text) == (200, "{}")
    assert get_dataset(backend.address, member.token, task_uuid).json()["number_of_rows"] == 1000


# --- bad input: a clear message, and nothing created ------------------------------------------

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _train_cases(digits: str) -> list[tuple[str, list, list, int, str]]:
    pictures, labels = io_item(digits, "picture", "pixels"), io_item(digits, "label", "digit")
    no_hexagon = {"dataset_uuid": digits, "dataset_column": "picture"}
    return [
        ("not an object", ["pixels"], [labels], 400, "'hexagon_name' is missing"),
        ("no hexagon", [no_hexagon], [labels], 400, "'hexagon_name' is missing"),
        (
            "no dataset",
            [{"hexagon_name": "pixels", "dataset_column": "picture"}],
            [labels],
            400,
            "'dataset_uuid' is missing",
        ),
        (
            "no column",
            [{"hexagon_name": "pixels", "dataset_uuid": digits}],
            [labels],
            400,
            "'dataset_column' is missing",
        ),
        (
            "number value",
            [{**pictures, "dataset_column": 5}],
            [labels],
            400,
            "'dataset_column' must be a string, got a number",
        ),
        (
            "unknown input dataset",
            [{**pictures, "dataset_uuid": UNKNOWN}],
            [labels],
            404,
            f"Data-set with uuid '{UNKNOWN}' not found",
        ),
        (
            "unknown output dataset",
            [pictures],
            [{**labels, "dataset_uuid": UNKNOWN}],
            404,
            f"Data-set with uuid '{UNKNOWN}' not found",
        ),
        (
            "unknown input column",
            [{**pictures, "dataset_column": "nothing"}],
            [labels],
            404,
            "Dataset has no input for columsn with name 'nothing'",
        ),
        (
            "unknown output column",
            [pictures],
            [{**labels, "dataset_column": "nothing"}],
            404,
            "Dataset has no input for columsn with name 'nothing'",
        ),
        (
            "unknown hexagon",
            [{**pictures, "hexagon_name": "eyes"}],
            [labels],
            404,
            "Hexagon with name 'eyes' not found",
        ),
        (
            "output hexagon as input",
            [{**pictures, "hexagon_name": "digit"}],
            [labels],
            404,
            "Hexagon with name 'digit' not found",
        ),
        (
            "input named twice",
            [pictures, pictures],
            [labels],
            400,
            "The input hexagon 'pixels' is named by two items",
        ),
        (
            "no expected values",
            [pictures],
            [],
            400,
            "A train task needs expected values for the output hexagon 'digit'",
        ),
    ]


@pytest.mark.parametrize("case", range(13))
def test_a_bad_train_item_creates_nothing(
    backend: Backend, member: Persona, member_digits: str, case: int
) -> None:
    _, inputs, outputs, status, message = _train_cases(member_digits)[case]
    cluster_uuid = create_cluster(backend.address, member.token)
    reply = post_train(backend.address, member.token, cluster_uuid, inputs, outputs)
    assert (reply.status_code, reply.text) == (status, message)
    assert list_tasks(backend.address, member.token, cluster_uuid)["body"] == []


def test_input_items_are_checked_before_output_items(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    reply = post_train(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "nothing", "pixels")],
        [{"dataset_column": "label"}],
    )
    assert (reply.status_code, reply.text) == (
        404,
        "Dataset has no input for columsn with name 'nothing'",
    )


def test_a_dataset_of_another_project_is_not_found(
    backend: Backend, member: Persona, outsider: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, outsider.token)
    reply = post_train(
        backend.address,
        outsider.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        [io_item(member_digits, "label", "digit")],
    )
    assert (reply.status_code, reply.text) == (
        404,
        f"Data-set with uuid '{member_digits}' not found",
    )


def test_a_column_of_another_width_is_refused_once_the_hexagon_is_sized(
    backend: Backend, member: Persona, member_digits: str, trained: str
) -> None:
    before = list_tasks(backend.address, member.token, trained)["body"]
    reply = post_train(
        backend.address,
        member.token,
        trained,
        [io_item(member_digits, "label", "pixels")],
        [io_item(member_digits, "label", "digit")],
    )
    assert (reply.status_code, reply.text) == (
        400,
        "The input hexagon 'pixels' has 784 values, but the column 'label' has 10",
    )
    assert list_tasks(backend.address, member.token, trained)["body"] == before


def test_a_train_task_without_inputs_is_refused(
    backend: Backend, member: Persona, member_digits: str, trained: str
) -> None:
    before = list_tasks(backend.address, member.token, trained)["body"]
    reply = post_train(
        backend.address, member.token, trained, [], [io_item(member_digits, "label", "digit")]
    )
    assert (reply.status_code, reply.text) == (400, "A train task needs at least one input")
    assert list_tasks(backend.address, member.token, trained)["body"] == before


def test_a_task_on_a_cluster_without_hexagons_is_refused(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    body = {"name": unique("Empty"), "template": ""}
    cluster_uuid = send(backend.address, "POST", "/cluster", token=member.token, body=body).json()[
        "uuid"
    ]
    reply = post_train(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        [io_item(member_digits, "label", "digit")],
    )
    assert reply.status_code == 400
    assert reply.text == (
        f"Cluster with uuid '{cluster_uuid}' has no hexagons: it was created without a template"
    )


def test_a_task_on_an_unknown_cluster_is_not_found(backend: Backend, member: Persona) -> None:
    cluster_uuid = str(uuid.uuid4())
    reply = post_train(backend.address, member.token, cluster_uuid, [], [])
    assert (reply.status_code, reply.text) == (404, f"Cluster with uuid '{cluster_uuid}' not found")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "abc"}, "Given item 'name' is shorter than 4 characters"),
        (
            {"inputs": {}},
            "Value-validation failed, because a item 'inputs'  has the false type: "
            "Exprect array-type.",
        ),
        ({"time_length": 0}, "Given item 'time_length' is smaller than 1"),
        ({"time_length": 1001}, "Given item 'time_length' is bigger than 1000"),
        (
            {"results": []},
            "Validation failed, because item 'results' is not in the list of allowed keys",
        ),
    ],
)
def test_train_fields_are_validated(
    backend: Backend, member: Persona, trained: str, change: dict, message: str
) -> None:
    body = {"name": unique("Train"), "cluster_uuid": trained, "inputs": [], "outputs": []}
    reply = send(
        backend.address, "POST", "/task/train", token=member.token, body={**body, **change}
    )
    assert (reply.status_code, reply.text) == (400, message)


def _request_cases(digits: str) -> list[tuple[list, list, int, str]]:
    pictures = io_item(digits, "picture", "pixels")
    return [
        (
            [{**pictures, "dataset_column": "nothing"}],
            DIGIT_RESULT,
            404,
            "Dataset doesn't contain column with name 'nothing'",
        ),
        ([pictures], [{"hexagon_name": "digit"}], 400, "'dataset_column' is missing"),
        ([pictures], ["digit"], 400, "'hexagon_name' is missing"),
        (
            [pictures],
            [{"dataset_column": "out", "hexagon_name": "pixels"}],
            404,
            "Hexagon with name 'pixels' not found",
        ),
        (
            [pictures],
            DIGIT_RESULT * 2,
            400,
            "The result column 'digit' is named by two items",
        ),
        ([], DIGIT_RESULT, 400, "A request task needs at least one input"),
        ([pictures], [], 400, "A request task needs at least one result"),
    ]


@pytest.mark.parametrize("case", range(7))
def test_a_bad_request_creates_neither_task_nor_dataset(
    backend: Backend, member: Persona, member_digits: str, trained: str, case: int
) -> None:
    inputs, results, status, message = _request_cases(member_digits)[case]
    tasks_before = list_tasks(backend.address, member.token, trained)["body"]
    datasets_before = listed_uuids(backend.address, member.token)
    reply = post_request(backend.address, member.token, trained, inputs, results)
    assert (reply.status_code, reply.text) == (status, message)
    assert list_tasks(backend.address, member.token, trained)["body"] == tasks_before
    assert listed_uuids(backend.address, member.token) == datasets_before


def test_a_request_before_any_training_is_refused(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    datasets_before = listed_uuids(backend.address, member.token)
    reply = post_request(
        backend.address,
        member.token,
        cluster_uuid,
        [io_item(member_digits, "picture", "pixels")],
        DIGIT_RESULT,
    )
    assert (reply.status_code, reply.text) == (
        400,
        "The output hexagon 'digit' has no size yet: train the cluster first",
    )
    assert listed_uuids(backend.address, member.token) == datasets_before


def test_a_request_queued_behind_a_train_uses_the_sizes_that_train_gives(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    train_digits(backend.address, member.token, cluster_uuid, member_digits)
    request_uuid = request_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, request_uuid)
    assert get_dataset(backend.address, member.token, request_uuid).json()["number_of_rows"] == 1000


# --- queue, delete, stop -------------------------------------------------------------------------


def test_tasks_run_one_at_a_time_in_queue_order(
    backend: Backend, member: Persona, long_table: str, short_table: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid, long_uuid = _active_long_train(address, token, long_table)
    inputs = [io_item(short_table, "x", "x")]
    results = [{"dataset_column": "y", "hexagon_name": "y"}]
    first = post_request(address, token, cluster_uuid, inputs, results).json()["uuid"]
    train = post_train(address, token, cluster_uuid, inputs, [io_item(short_table, "y", "y")])
    second = post_request(address, token, cluster_uuid, inputs, results).json()["uuid"]
    queued = [first, train.json()["uuid"], second]
    for task_uuid in queued:
        task = task_state(address, token, cluster_uuid, task_uuid)
        assert (task["state"], task["start_timestamp"], task["current_cycle"]) == ("queued", "-", 0)
    assert task_state(address, token, cluster_uuid, long_uuid)["state"] == "active"

    _stop(address, token, cluster_uuid, long_uuid)
    done = [wait_task(address, token, cluster_uuid, task_uuid) for task_uuid in queued]
    for before, after in itertools.pairwise(done):
        assert before["end_timestamp"] <= after["start_timestamp"]
    # the train between the two requests changed what the second one answers
    assert content(address, token, first, "y", 50) != content(address, token, second, "y", 50)


def test_deleting_a_queued_task_removes_it_before_it_runs(
    backend: Backend, member: Persona, long_table: str, short_table: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid, long_uuid = _active_long_train(address, token, long_table)
    queued = post_train(
        address,
        token,
        cluster_uuid,
        [io_item(short_table, "x", "x")],
        [io_item(short_table, "y", "y")],
    ).json()["uuid"]
    reply = delete_task(address, token, cluster_uuid, queued)
    assert (reply.status_code, reply.text) == (200, "{}")
    assert get_task(address, token, cluster_uuid, queued).status_code == 404
    assert [row[0] for row in list_tasks(address, token, cluster_uuid)["body"]] == [long_uuid]
    _stop(address, token, cluster_uuid, long_uuid)
    assert list_tasks(address, token, cluster_uuid)["body"] == []


def test_deleting_an_active_task_really_stops_it(
    backend: Backend, member: Persona, long_table: str, short_table: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid, long_uuid = _active_long_train(address, token, long_table)
    follower = post_request(
        address,
        token,
        cluster_uuid,
        [io_item(short_table, "x", "x")],
        [{"dataset_column": "y", "hexagon_name": "y"}],
    ).json()["uuid"]
    reply = delete_task(address, token, cluster_uuid, long_uuid)
    assert (reply.status_code, reply.text) == (200, "{}")
    stopped = get_task(address, token, cluster_uuid, long_uuid)
    if stopped.status_code == 200:
        assert stopped.json()["state"] == "aborted"
        assert stopped.json()["current_cycle"] < stopped.json()["total_number_of_cycles"]
    wait_gone(address, token, cluster_uuid, long_uuid)
    assert long_uuid not in [row[0] for row in list_tasks(address, token, cluster_uuid)["body"]]
    # the worker is free again: the next task runs at once instead of after the long one
    wait_task(address, token, cluster_uuid, follower)


def test_deleting_a_finished_task_removes_it(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    cluster_uuid = create_cluster(backend.address, member.token)
    task_uuid = train_digits(backend.address, member.token, cluster_uuid, member_digits)
    wait_task(backend.address, member.token, cluster_uuid, task_uuid)
    reply = delete_task(backend.address, member.token, cluster_uuid, task_uuid)
    assert (reply.status_code, reply.text) == (200, "{}")
    again = delete_task(backend.address, member.token, cluster_uuid, task_uuid)
    assert (again.status_code, again.text) == (
        404,
        f"Task with UUID '{task_uuid}'not found in Cluster with UUID '{cluster_uuid}",
    )
    assert list_tasks(backend.address, member.token, cluster_uuid)["body"] == []


def test_deleting_a_cluster_while_its_task_runs_stops_everything(
    backend: Backend, member: Persona, long_table: str, short_table: str, member_digits: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid, long_uuid = _active_long_train(address, token, long_table)
    request_uuid = post_request(
        address,
        token,
        cluster_uuid,
        [io_item(short_table, "x", "x")],
        [{"dataset_column": "y", "hexagon_name": "y"}],
    ).json()["uuid"]
    reply = send(address, "DELETE", "/cluster", token=token, query={"uuid": cluster_uuid})
    assert (reply.status_code, reply.text) == (200, "{}")
    gone = get_task(address, token, cluster_uuid, long_uuid)
    assert (gone.status_code, gone.text) == (404, f"Cluster with uuid '{cluster_uuid}' not found")
    assert not (backend.data_dir / "clusters" / f"{cluster_uuid}.npz").exists()
    # the queued request never ran; its dataset stays, empty
    assert get_dataset(address, token, request_uuid).json()["number_of_rows"] == 0
    other = create_cluster(address, token)
    task_uuid = train_digits(address, token, other, member_digits)
    wait_task(address, token, other, task_uuid)


def test_the_api_answers_while_a_task_trains(
    backend: Backend, member: Persona, long_table: str
) -> None:
    address, token = backend.address, member.token
    cluster_uuid, long_uuid = _active_long_train(address, token, long_table)
    seen = []
    for _ in range(20):
        seen.append(task_state(address, token, cluster_uuid, long_uuid)["current_cycle"])
        reply = send(address, "GET", "/cluster", token=token, query={"uuid": cluster_uuid})
        assert reply.status_code == 200
    assert seen == sorted(seen)
    _stop(address, token, cluster_uuid, long_uuid)
