"""GET /dataset, /dataset/all, DELETE /dataset, /dataset/content and /dataset/check (2.4, 6.5)."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from tests.backend import Backend
from tests.conftest import Persona
from tests.hanami_server.uploads import (
    content,
    generated_mnist,
    get_dataset,
    listed_uuids,
    register_mnist,
    sample_mnist,
    upload_file,
    uploaded_csv,
)
from tests.hanami_server.wire import send

SAMPLE_IMAGES, SAMPLE_LABEL_FILE = sample_mnist()
SAMPLE_LABELS = np.frombuffer(SAMPLE_LABEL_FILE, np.uint8, offset=8)
LIST_HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]


def _check(backend: Backend, token: str, result: str, reference: str):
    query = {"uuid": result, "reference_uuid": reference}
    return send(backend.address, "GET", "/dataset/check", token=token, query=query)


def _scores_csv(scores: np.ndarray) -> bytes:
    """A result-like dataset: ten score columns per row."""
    header = ",".join(f"d{index}" for index in range(scores.shape[1]))
    lines = [",".join(f"{value:.2f}" for value in row) for row in scores]
    return (header + "\n" + "\n".join(lines) + "\n").encode()


def test_get_reads_name_and_size_from_the_file(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    reply = get_dataset(backend.address, member.token, member_digits)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/json"
    got = reply.json()
    assert list(got) == [
        "created_at",
        "description",
        "name",
        "number_of_columns",
        "number_of_rows",
        "owner_id",
        "project_id",
        "uuid",
        "version",
        "visibility",
    ]
    assert got["description"] == {
        "label": {"column_end": 794, "column_start": 784},
        "picture": {"column_end": 784, "column_start": 0},
    }
    assert (got["name"], got["number_of_rows"], got["number_of_columns"]) == (
        "Member Digits",
        1000,
        794,
    )
    assert (got["owner_id"], got["project_id"], got["version"], got["visibility"]) == (
        member.user_id,
        member.project_id,
        "v1.0alpha",
        "private",
    )


def test_get_of_an_unfinalized_dataset_is_upstreams_empty_500(
    backend: Backend, member: Persona
) -> None:
    images, labels = generated_mnist(2)
    ticket = register_mnist(backend.address, member.token, images, labels)
    reply = get_dataset(backend.address, member.token, ticket["uuid"])
    assert (reply.status_code, reply.text) == (500, "")


def test_get_of_an_unknown_dataset_is_not_found(backend: Backend, member: Persona) -> None:
    unknown = str(uuid.uuid4())
    reply = get_dataset(backend.address, member.token, unknown)
    assert (reply.status_code, reply.text) == (404, f"Data-set with uuid '{unknown}' not found")
    upper = get_dataset(backend.address, member.token, unknown.upper())
    assert upper.status_code == 404


def test_list_has_the_contract_header_in_registration_order(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    first = uploaded_csv(backend.address, member.token, b"a,b\n1,2\n", "First Table")
    second = uploaded_csv(backend.address, member.token, b"a,b\n1,2\n", "First Table")
    reply = send(backend.address, "GET", "/dataset/all", token=member.token)
    assert reply.status_code == 200
    table = reply.json()
    assert list(table) == ["body", "header"]
    assert table["header"] == LIST_HEADER
    uuids = [row[1] for row in table["body"]]
    assert uuids.index(member_digits) < uuids.index(first) < uuids.index(second)
    row = table["body"][uuids.index(first)]
    assert row[2:] == [member.project_id, member.user_id, "private", "First Table"]


def test_delete_removes_row_file_and_temp_files(backend: Backend, member: Persona) -> None:
    dataset_uuid = uploaded_csv(backend.address, member.token, b"a,b\n1,2\n")
    assert (backend.data_dir / "datasets" / dataset_uuid).exists()
    reply = send(
        backend.address, "DELETE", "/dataset", token=member.token, query={"uuid": dataset_uuid}
    )
    assert (reply.status_code, reply.text) == (200, "{}")
    assert not (backend.data_dir / "datasets" / dataset_uuid).exists()
    assert dataset_uuid not in listed_uuids(backend.address, member.token)
    assert get_dataset(backend.address, member.token, dataset_uuid).status_code == 404
    again = send(
        backend.address, "DELETE", "/dataset", token=member.token, query={"uuid": dataset_uuid}
    )
    assert (again.status_code, again.text) == (
        404,
        f"Data-set with uuid '{dataset_uuid}' not found",
    )


def test_delete_of_an_unfinished_upload_removes_its_temp_files(
    backend: Backend, member: Persona
) -> None:
    images, labels = generated_mnist(300)
    ticket = register_mnist(backend.address, member.token, images, labels)
    upload_file(backend.address, member.token, ticket["uuid_input_file"], images)
    query = {"uuid": ticket["uuid"]}
    assert send(backend.address, "DELETE", "/dataset", token=member.token, query=query).ok
    tempfiles = backend.data_dir / "tempfiles"
    assert not (tempfiles / ticket["uuid_input_file"]).exists()
    assert not (tempfiles / ticket["uuid_label_file"]).exists()
    progress = send(backend.address, "GET", "/dataset/progress", token=member.token, query=query)
    assert progress.status_code == 404


def test_content_returns_pixels_and_one_hot_labels_as_floats(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    pictures = content(backend.address, member.token, member_digits, "picture", 0, 2)
    assert pictures.status_code == 200
    assert pictures.text.startswith('{"data":[[0.0,0.0,')
    expected = np.frombuffer(SAMPLE_IMAGES, np.uint8, offset=16)[: 2 * 784].reshape(2, 784)
    assert pictures.json()["data"] == expected.astype(float).tolist()
    labels = content(backend.address, member.token, member_digits, "label", 995, 5).json()["data"]
    assert labels == np.eye(10)[SAMPLE_LABELS[995:]].tolist()


@pytest.mark.parametrize(("offset", "rows"), [(0, 1000), (999, 1), (500, 250)])
def test_content_pages_cover_any_range_inside_the_dataset(
    backend: Backend, member: Persona, member_digits: str, offset: int, rows: int
) -> None:
    reply = content(backend.address, member.token, member_digits, "label", offset, rows)
    assert reply.status_code == 200
    assert reply.json()["data"] == np.eye(10)[SAMPLE_LABELS[offset : offset + rows]].tolist()


@pytest.mark.parametrize(("offset", "rows"), [(999, 2), (1000, 1), (0, 1001), (1_000_000_000, 1)])
def test_content_past_the_end_is_400_with_upstreams_text(
    backend: Backend, member: Persona, member_digits: str, offset: int, rows: int
) -> None:
    reply = content(backend.address, member.token, member_digits, "label", offset, rows)
    assert (reply.status_code, reply.text) == (
        400,
        f"Dataset with UUID '{member_digits}' is invalid and can not be read.",
    )


@pytest.mark.parametrize(
    ("offset", "rows", "message"),
    [
        (0, 0, "Given item 'number_of_rows' is smaller than 1"),
        (0, 10_001, "Given item 'number_of_rows' is bigger than 10000"),
        (-1, 1, "Given item 'row_offset' is smaller than 0"),
        (1_000_000_001, 1, "Given item 'row_offset' is bigger than 1000000000"),
    ],
)
def test_content_limits_are_validated(
    backend: Backend, member: Persona, member_digits: str, offset: int, rows: int, message: str
) -> None:
    reply = content(backend.address, member.token, member_digits, "label", offset, rows)
    assert (reply.status_code, reply.text) == (400, message)


def test_content_of_an_unknown_column_is_not_found(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    reply = content(backend.address, member.token, member_digits, "nothing", 0, 1)
    assert (reply.status_code, reply.text) == (
        404,
        f"Column with name 'nothing' was not found in dataset with UUID '{member_digits}'",
    )


def test_content_needs_both_row_fields(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    query = {"uuid": member_digits, "column_name": "label", "row_offset": 0}
    reply = send(backend.address, "GET", "/dataset/content", token=member.token, query=query)
    assert (reply.status_code, reply.text) == (
        400,
        "Validation failed, because variable 'number_of_rows' is required, but is not set.",
    )


def test_content_of_an_unknown_dataset_is_not_found(backend: Backend, member: Persona) -> None:
    unknown = str(uuid.uuid4())
    reply = content(backend.address, member.token, unknown, "label", 0, 1)
    assert (reply.status_code, reply.text) == (404, f"Data-set with uuid '{unknown}' not found")


def test_check_works_below_10000_rows(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    scores = np.eye(10)[SAMPLE_LABELS] * 0.9
    scores[:37] = np.roll(scores[:37], 1, axis=1)  # 37 wrong answers
    result = uploaded_csv(backend.address, member.token, _scores_csv(scores), "Result Scores")
    reply = _check(backend, member.token, result, member_digits)
    assert reply.status_code == 200
    assert reply.text == '{"accuracy":96.30000305175781}'
    assert reply.json()["accuracy"] == float(np.float32(963) * np.float32(0.1))


def test_check_counts_only_the_rows_both_datasets_have(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    scores = np.eye(10)[SAMPLE_LABELS[:400]]
    scores[:100] = np.roll(scores[:100], 3, axis=1)
    result = uploaded_csv(backend.address, member.token, _scores_csv(scores), "Short Result")
    assert _check(backend, member.token, result, member_digits).json() == {"accuracy": 75.0}


def test_check_picks_index_0_when_every_value_is_at_most_minus_0_1(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    scores = np.full((1000, 10), -0.5)
    scores[:, 9] = -0.1
    result = uploaded_csv(backend.address, member.token, _scores_csv(scores), "Negative Result")
    accuracy = _check(backend, member.token, result, member_digits).json()["accuracy"]
    assert accuracy == float(np.float32(np.count_nonzero(SAMPLE_LABELS == 0)) * np.float32(0.1))


def test_check_refuses_a_reference_without_label_columns(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    result = uploaded_csv(backend.address, member.token, _scores_csv(np.eye(10)), "Small Result")
    reply = _check(backend, member.token, result, result)
    assert reply.status_code == 400
    assert reply.text.startswith(
        f"Dataset with UUID '{result}' is invalid and can not be compared: "
    )
    assert "has 10 columns" in reply.text


def test_check_refuses_a_result_narrower_than_ten_columns(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    narrow = uploaded_csv(backend.address, member.token, b"a,b\n1,2\n", "Narrow Result")
    reply = _check(backend, member.token, narrow, member_digits)
    assert reply.status_code == 400
    assert reply.text.startswith(
        f"Dataset with result with UUID '{member_digits}' is invalid and can not be checked: "
    )
    assert "has 2 columns" in reply.text


def test_check_of_unknown_datasets_is_not_found(
    backend: Backend, member: Persona, member_digits: str
) -> None:
    unknown = str(uuid.uuid4())
    reply = _check(backend, member.token, unknown, member_digits)
    assert (reply.status_code, reply.text) == (404, f"Dataset with uuid '{unknown}' not found")
    reply = _check(backend, member.token, member_digits, unknown)
    assert (reply.status_code, reply.text) == (404, f"Dataset with uuid '{unknown}' not found")
