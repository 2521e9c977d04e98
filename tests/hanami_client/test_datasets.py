"""Datasets once uploaded: get, list, content (paged), check and delete, their failures as typed
errors, and who sees what (contract 1.11)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hanami_client import BadRequest, Dataset, HanamiClient, NotFound, Unauthorized
from tests.conftest import Persona
from tests.hanami_client.support import csv_bytes, fresh_name, one_hot_csv

MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def sample_labels() -> list[int]:
    return list(LABELS.read_bytes()[8:])


def one_hot(label: int) -> list[float]:
    return [1.0 if k == label else 0.0 for k in range(10)]


@pytest.fixture(scope="module")
def member_module_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture(scope="module")
def digits(member_module_client: HanamiClient) -> Dataset:
    """The repository's 1,000-image MNIST sample, uploaded by the member."""
    return member_module_client.datasets.upload_mnist(fresh_name("Digits"), IMAGES, LABELS)


@pytest.fixture(scope="module")
def tall_csv(member_module_client: HanamiClient) -> Dataset:
    """A narrow CSV of 12,000 rows: more than one content page."""
    return member_module_client.datasets.upload_csv(fresh_name("Tall"), csv_bytes(12_000))


def test_get_returns_the_uploaded_mnist_dataset(
    member_client: HanamiClient, digits: Dataset
) -> None:
    dataset = member_client.datasets.get(digits.uuid)

    assert dataset == digits
    assert (dataset.number_of_rows, dataset.number_of_columns) == (1000, 794)
    assert dataset.description == {"picture": (0, 784), "label": (784, 794)}
    assert (dataset.owner_id, dataset.project_id) == ("memberuser", "alphaproj")
    assert (dataset.visibility, dataset.version) == ("private", "v1.0alpha")
    assert TIMESTAMP.fullmatch(dataset.created_at)


def test_a_csv_has_one_column_per_header_cell(tall_csv: Dataset) -> None:
    assert tall_csv.description == {"a": (0, 1), "b": (1, 2)}
    assert (tall_csv.number_of_rows, tall_csv.number_of_columns) == (12_000, 2)


def test_list_has_the_contract_columns_and_the_dataset(
    member_client: HanamiClient, digits: Dataset
) -> None:
    table = member_client.datasets.list()

    assert table.header == ("created_at", "uuid", "project_id", "owner_id", "visibility", "name")
    row = next(row for row in table if row["uuid"] == digits.uuid)
    assert dict(row) == {
        "created_at": digits.created_at,
        "uuid": digits.uuid,
        "project_id": "alphaproj",
        "owner_id": "memberuser",
        "visibility": "private",
        "name": digits.name,
    }


def test_content_holds_the_pixels_and_the_one_hot_labels(
    member_client: HanamiClient, digits: Dataset
) -> None:
    pixels = IMAGES.read_bytes()[16 + 5 * 784 : 16 + 7 * 784]

    labels = member_client.datasets.content(digits.uuid, "label", row_offset=3, number_of_rows=4)
    pictures = member_client.datasets.content(
        digits.uuid, "picture", row_offset=5, number_of_rows=2
    )

    assert labels == [one_hot(label) for label in sample_labels()[3:7]]
    assert pictures == [list(map(float, pixels[:784])), list(map(float, pixels[784:]))]


def test_content_defaults_to_the_first_row(member_client: HanamiClient, digits: Dataset) -> None:
    assert member_client.datasets.content(digits.uuid, "label") == [one_hot(sample_labels()[0])]


def test_content_pages_transparently_past_the_row_limit(
    member_client: HanamiClient, tall_csv: Dataset
) -> None:
    rows = member_client.datasets.content(
        tall_csv.uuid, "b", row_offset=1500, number_of_rows=10_500
    )

    assert rows == [[2.0 * i] for i in range(1500, 12_000)]


def test_content_of_every_row_in_one_call(member_client: HanamiClient, tall_csv: Dataset) -> None:
    rows = member_client.datasets.content(tall_csv.uuid, "a", number_of_rows=12_000)

    assert rows == [[float(i)] for i in range(12_000)]


def test_content_past_the_last_row_is_a_bad_request(
    member_client: HanamiClient, digits: Dataset
) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.datasets.content(digits.uuid, "label", row_offset=990, number_of_rows=20)

    assert caught.value.status == 400
    assert (
        caught.value.message == f"Dataset with UUID '{digits.uuid}' is invalid and can not be read."
    )
    assert caught.value.operation == "datasets.content"


def test_content_of_no_rows_is_a_bad_request(member_client: HanamiClient, digits: Dataset) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.datasets.content(digits.uuid, "label", number_of_rows=0)

    assert caught.value.message == "Given item 'number_of_rows' is smaller than 1"


def test_content_of_an_unknown_column_is_not_found(
    member_client: HanamiClient, digits: Dataset
) -> None:
    with pytest.raises(NotFound) as caught:
        member_client.datasets.content(digits.uuid, "nothing")

    assert caught.value.message == (
        f"Column with name 'nothing' was not found in dataset with UUID '{digits.uuid}'"
    )


def test_check_of_a_perfect_result_is_one_hundred_percent(
    member_client: HanamiClient, digits: Dataset
) -> None:
    result = member_client.datasets.upload_csv(fresh_name("Result"), one_hot_csv(sample_labels()))

    accuracy = member_client.datasets.check(result.uuid, digits.uuid)

    assert isinstance(accuracy, float)
    assert accuracy == pytest.approx(100.0)


def test_check_counts_the_rows_whose_maximum_is_the_label(
    member_client: HanamiClient, digits: Dataset
) -> None:
    labels = sample_labels()
    guesses = [(label + 1) % 10 if i < 250 else label for i, label in enumerate(labels)]
    result = member_client.datasets.upload_csv(fresh_name("Result"), one_hot_csv(guesses))

    assert member_client.datasets.check(result.uuid, digits.uuid) == pytest.approx(75.0)


def test_check_against_an_unknown_reference_is_not_found(
    member_client: HanamiClient, digits: Dataset
) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        member_client.datasets.check(digits.uuid, missing)

    assert caught.value.message == f"Dataset with uuid '{missing}' not found"
    assert caught.value.operation == "datasets.check"


def test_check_against_a_reference_without_labels_is_a_bad_request(
    member_client: HanamiClient, digits: Dataset, tall_csv: Dataset
) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.datasets.check(digits.uuid, tall_csv.uuid)

    assert caught.value.status == 400


def test_a_uuid_that_is_no_uuid_is_a_bad_request(member_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        member_client.datasets.get("fail_dataset")

    assert caught.value.message.startswith("Given item 'uuid' doesn't match with regex")


def test_an_unknown_dataset_is_not_found(member_client: HanamiClient) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(NotFound) as caught:
        member_client.datasets.get(missing)

    assert (caught.value.status, caught.value.message, caught.value.operation) == (
        404,
        f"Data-set with uuid '{missing}' not found",
        "datasets.get",
    )


def test_delete_removes_the_dataset_and_a_second_delete_is_not_found(
    member_client: HanamiClient,
) -> None:
    dataset = member_client.datasets.upload_csv(fresh_name("Doomed"), csv_bytes(3))

    assert member_client.datasets.delete(dataset.uuid) is None

    with pytest.raises(NotFound):
        member_client.datasets.get(dataset.uuid)
    with pytest.raises(NotFound) as caught:
        member_client.datasets.delete(dataset.uuid)
    assert caught.value.operation == "datasets.delete"
    assert dataset.uuid not in [row["uuid"] for row in member_client.datasets.list()]


def test_without_a_token_datasets_are_unauthorized(backend_address: str) -> None:
    with HanamiClient(backend_address) as client, pytest.raises(Unauthorized) as caught:
        client.datasets.list()

    assert caught.value.operation == "datasets.list"


def test_an_outsider_neither_sees_nor_touches_a_members_dataset(
    outsider_client: HanamiClient, digits: Dataset
) -> None:
    assert digits.uuid not in [row["uuid"] for row in outsider_client.datasets.list()]
    for operation in (
        lambda: outsider_client.datasets.get(digits.uuid),
        lambda: outsider_client.datasets.content(digits.uuid, "label"),
        lambda: outsider_client.datasets.check(digits.uuid, digits.uuid),
        lambda: outsider_client.datasets.delete(digits.uuid),
    ):
        with pytest.raises(NotFound):
            operation()


def test_an_admin_sees_and_reads_every_project_s_datasets(
    admin_client: HanamiClient, digits: Dataset
) -> None:
    assert digits.uuid in [row["uuid"] for row in admin_client.datasets.list()]
    assert admin_client.datasets.get(digits.uuid) == digits


def test_an_outsider_cannot_upload_into_a_members_temp_file(
    member_client: HanamiClient, outsider_client: HanamiClient
) -> None:
    ticket = member_client.datasets.register_csv(fresh_name("Guarded"), 8)
    try:
        with pytest.raises(NotFound) as caught:
            outsider_client.datasets.send_file(ticket.input_file_uuid, b"a,b\n1,2\n")
    finally:
        member_client.datasets.delete(ticket.dataset_uuid)

    assert caught.value.message == f"Tempfile with UUID '{ticket.input_file_uuid}' not found"
    assert caught.value.operation == "websocket.init"
