"""The dataset operations of the JSON API, against the real embedded backend."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hanami_client import Dataset, HanamiClient
from tests.backend import free_port
from tests.conftest import Persona
from tests.portal.conftest import sign_in_page, unique_id
from tests.portal.test_api import sign_in_with_csrf

MNIST = Path(__file__).resolve().parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"
MISSING = "0badc0de-0000-4000-8000-000000000000"
CSV = b"alpha,beta,gamma\n1,2.5,true\n-4,0.25,x\n7,8,9\n"


def label_bytes() -> bytes:
    """The t10k labels, one byte each (the idx header is 8 bytes)."""
    return LABELS.read_bytes()[8:]


def one_hot_csv(labels: bytes, wrong_from: int | None = None) -> bytes:
    """A result dataset: columns c0..c9 one-hot of each label, wrong from row ``wrong_from`` on."""
    lines = [",".join(f"c{i}" for i in range(10))]
    for row, label in enumerate(labels):
        hit = (label + 1) % 10 if wrong_from is not None and row >= wrong_from else label
        lines.append(",".join("1" if i == hit else "0" for i in range(10)))
    return ("\n".join(lines) + "\n").encode()


def upload_csv(client: Client, name: str, content: bytes, **extra: Any) -> Any:
    """POST /api/datasets/csv with one file."""
    upload = io.BytesIO(content)
    upload.name = "data.csv"
    return client.post("/api/datasets/csv", {"name": name, "file": upload}, **extra)


def upload_mnist(client: Client, name: str, images: bytes, labels: bytes, **extra: Any) -> Any:
    """POST /api/datasets/mnist with the two idx files."""
    image_file, label_file = io.BytesIO(images), io.BytesIO(labels)
    image_file.name, label_file.name = "images-idx3-ubyte", "labels-idx1-ubyte"
    body = {"name": name, "images": image_file, "labels": label_file}
    return client.post("/api/datasets/mnist", body, **extra)


@pytest.fixture(scope="module")
def member_mnist(backend_address: str, member: Persona) -> Iterator[Dataset]:
    """The t10k sample uploaded by the member (through hanami_client) for this module."""
    with HanamiClient(backend_address, member.token) as client:
        dataset = client.datasets.upload_mnist(unique_id("Member digits "), IMAGES, LABELS)
        yield dataset
        client.datasets.delete(dataset.uuid)


@pytest.fixture
def outsider_web(web: str, outsider: Persona) -> Client:
    """A browser session of a member of another project (betaproj)."""
    client = Client()
    assert sign_in_page(client, outsider.user_id, outsider.passphrase).status_code == 302
    return client


@pytest.fixture
def csv_dataset(member_web: Client) -> dict[str, Any]:
    """A small CSV dataset the member uploaded through the API for this test."""
    response = upload_csv(member_web, unique_id("Small table "), CSV)
    assert response.status_code == 201, response.content
    return response.json()


OPERATIONS = [
    ("get", "/api/datasets", {}),
    ("get", f"/api/datasets/{MISSING}", {}),
    ("delete", f"/api/datasets/{MISSING}", {}),
    ("get", f"/api/datasets/{MISSING}/content", {"column": "picture"}),
    ("get", f"/api/datasets/{MISSING}/check", {"reference_uuid": MISSING}),
]


# --- authentication and CSRF ------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "query"), OPERATIONS)
def test_anonymous_caller_gets_401_for_dataset_operations(
    web: str, method: str, path: str, query: dict[str, str]
) -> None:
    response = getattr(Client(), method)(path, query)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first.", "code": "not_authenticated"}


def test_anonymous_upload_gets_401_and_stores_nothing(web: str, admin_web: Client) -> None:
    name = unique_id("Anonymous ")
    assert upload_csv(Client(), name, CSV).status_code == 401
    images, labels = IMAGES.read_bytes(), LABELS.read_bytes()
    assert upload_mnist(Client(), name, images, labels).status_code == 401
    assert name not in {row["name"] for row in admin_web.get("/api/datasets").json()}


def test_upload_and_delete_need_the_csrf_token(web: str, member: Persona) -> None:
    client = sign_in_with_csrf(Client(enforce_csrf_checks=True), member.user_id, member.passphrase)
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value}
    name = unique_id("Guarded table ")

    refused = upload_csv(client, name, CSV)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed", "code": "forbidden"}
    assert name not in {row["name"] for row in client.get("/api/datasets").json()}

    created = upload_csv(client, name, CSV, headers=headers)
    assert created.status_code == 201
    dataset_uuid = created.json()["uuid"]
    assert client.delete(f"/api/datasets/{dataset_uuid}").status_code == 403
    assert client.get(f"/api/datasets/{dataset_uuid}").status_code == 200
    assert client.delete(f"/api/datasets/{dataset_uuid}", headers=headers).status_code == 204


def test_unreachable_backend_answers_503(settings: Any, member_web: Client) -> None:
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = member_web.get("/api/datasets")
    assert response.status_code == 503
    assert response.json()["code"] == "backend_unavailable"


# --- uploads ----------------------------------------------------------------------------------


def test_member_uploads_the_mnist_sample(member_web: Client, member: Persona) -> None:
    name = unique_id("Digits ")
    response = upload_mnist(member_web, name, IMAGES.read_bytes(), LABELS.read_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == name
    assert body["description"] == {
        "picture": {"column_start": 0, "column_end": 784},
        "label": {"column_start": 784, "column_end": 794},
    }
    assert (body["number_of_rows"], body["number_of_columns"]) == (1000, 794)
    assert (body["owner_id"], body["project_id"]) == (member.user_id, member.project_id)
    assert body["visibility"] == "private"
    assert body["version"] == "v1.0alpha"

    labels = member_web.get(
        f"/api/datasets/{body['uuid']}/content",
        {"column": "label", "row_offset": 0, "number_of_rows": 3},
    ).json()["data"]
    assert [row.index(1.0) for row in labels] == list(label_bytes()[:3])
    picture = member_web.get(
        f"/api/datasets/{body['uuid']}/content", {"column": "picture", "row_offset": 999}
    ).json()["data"]
    assert picture == [[float(pixel) for pixel in IMAGES.read_bytes()[-784:]]]


def test_member_uploads_a_csv(member_web: Client) -> None:
    name = unique_id("Table ")
    response = upload_csv(member_web, name, CSV)
    assert response.status_code == 201
    body = response.json()
    assert body["description"] == {
        "alpha": {"column_start": 0, "column_end": 1},
        "beta": {"column_start": 1, "column_end": 2},
        "gamma": {"column_start": 2, "column_end": 3},
    }
    assert (body["number_of_rows"], body["number_of_columns"]) == (3, 3)
    content = member_web.get(
        f"/api/datasets/{body['uuid']}/content", {"column": "beta", "number_of_rows": 3}
    )
    assert content.json() == {"data": [[2.5], [0.25], [8.0]]}
    gamma = member_web.get(
        f"/api/datasets/{body['uuid']}/content", {"column": "gamma", "number_of_rows": 3}
    )
    assert gamma.json() == {"data": [[1.0], [0.0], [9.0]]}


def test_upload_larger_than_the_memory_limit_streams_from_a_temporary_file(
    settings: Any, member_web: Client
) -> None:
    # Past this size Django spills an upload to a temporary file: the portal streams that one.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    rows = 60_000
    content = b"x,y\n" + b"".join(f"{i},{i % 7}\n".encode() for i in range(rows))
    assert len(content) > 3 * 131072
    response = upload_csv(member_web, unique_id("Spilled table "), content)
    assert response.status_code == 201, response.content
    dataset_uuid = response.json()["uuid"]
    assert response.json()["number_of_rows"] == rows
    last = member_web.get(
        f"/api/datasets/{dataset_uuid}/content", {"column": "x", "row_offset": rows - 2}
    )
    assert last.json() == {"data": [[float(rows - 2)]]}
    # The portal asks the backend for a few pages of rows and joins them into one answer.
    many = member_web.get(
        f"/api/datasets/{dataset_uuid}/content",
        {"column": "x", "row_offset": 999, "number_of_rows": 10_000},
    )
    assert many.json() == {"data": [[float(i)] for i in range(999, 10_999)]}


@pytest.mark.parametrize(
    ("name", "field"),
    [("abc", "name"), ("9digits", "name"), ("bad!name", "name"), ("x" * 255, "name")],
)
def test_invalid_dataset_name_is_refused_with_422_before_the_backend(
    member_web: Client, name: str, field: str
) -> None:
    response = upload_csv(member_web, name, CSV)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert name not in {row["name"] for row in member_web.get("/api/datasets").json()}


def test_upload_without_its_files_is_422(member_web: Client) -> None:
    response = member_web.post("/api/datasets/mnist", {"name": "Lonely name"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert {error["loc"][-1] for error in response.json()["errors"]} == {"images", "labels"}


def names(client: Client) -> set[str]:
    """The names of the datasets the session sees."""
    return {row["name"] for row in client.get("/api/datasets").json()}


@pytest.mark.parametrize(
    ("images", "labels"),
    [
        (b"", LABELS.read_bytes()),  # an empty file
        (IMAGES.read_bytes()[:-100], LABELS.read_bytes()),  # truncated images
        (IMAGES.read_bytes(), LABELS.read_bytes()[:-10]),  # fewer labels than images
        (IMAGES.read_bytes(), LABELS.read_bytes()[:8] + b"\x0c" * 1000),  # label 12
        (b"\x00\x00\x08\x01" + IMAGES.read_bytes()[4:], LABELS.read_bytes()),  # labels' magic
    ],
    ids=["empty", "truncated", "label-count", "label-range", "magic"],
)
def test_bad_mnist_files_are_refused_with_400_and_leave_nothing(
    member_web: Client, images: bytes, labels: bytes
) -> None:
    name = unique_id("Broken digits ")
    before = names(member_web)
    response = upload_mnist(member_web, name, images, labels)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"
    assert response.json()["detail"]
    assert names(member_web) == before


@pytest.mark.parametrize("content", [b"", b"1\n2\n3\n"], ids=["empty", "no-header-line"])
def test_bad_csv_is_refused_with_400_and_leaves_nothing(member_web: Client, content: bytes) -> None:
    before = names(member_web)
    response = upload_csv(member_web, unique_id("Broken table "), content)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert names(member_web) == before


# --- list, get, delete ------------------------------------------------------------------------


def test_list_shows_the_members_own_datasets(
    member_web: Client, member_mnist: Dataset, member: Persona
) -> None:
    response = member_web.get("/api/datasets")
    assert response.status_code == 200
    rows = {row["uuid"]: row for row in response.json()}
    assert rows[member_mnist.uuid] == {
        "uuid": member_mnist.uuid,
        "name": member_mnist.name,
        "owner_id": member.user_id,
        "project_id": member.project_id,
        "visibility": "private",
        "created_at": member_mnist.created_at,
    }


def test_get_shows_size_and_column_ranges(member_web: Client, member_mnist: Dataset) -> None:
    response = member_web.get(f"/api/datasets/{member_mnist.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == member_mnist.uuid
    assert body["number_of_rows"] == 1000
    assert body["description"]["label"] == {"column_start": 784, "column_end": 794}


def test_another_projects_member_cannot_see_the_dataset(
    outsider_web: Client, member_mnist: Dataset
) -> None:
    assert member_mnist.uuid not in {
        row["uuid"] for row in outsider_web.get("/api/datasets").json()
    }
    response = outsider_web.get(f"/api/datasets/{member_mnist.uuid}")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Data-set with uuid '{member_mnist.uuid}' not found",
        "code": "not_found",
    }
    assert outsider_web.delete(f"/api/datasets/{member_mnist.uuid}").status_code == 404
    content = outsider_web.get(f"/api/datasets/{member_mnist.uuid}/content", {"column": "label"})
    assert content.status_code == 404


def test_admin_sees_every_projects_datasets(admin_web: Client, member_mnist: Dataset) -> None:
    assert member_mnist.uuid in {row["uuid"] for row in admin_web.get("/api/datasets").json()}
    assert admin_web.get(f"/api/datasets/{member_mnist.uuid}").status_code == 200


def test_missing_dataset_is_404(member_web: Client) -> None:
    response = member_web.get(f"/api/datasets/{MISSING}")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Data-set with uuid '{MISSING}' not found",
        "code": "not_found",
    }


def test_invalid_uuid_in_the_path_is_422(member_web: Client) -> None:
    response = member_web.get("/api/datasets/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("dataset_uuid: ")


def test_member_deletes_their_dataset(member_web: Client, csv_dataset: dict[str, Any]) -> None:
    path = f"/api/datasets/{csv_dataset['uuid']}"
    response = member_web.delete(path)
    assert response.status_code == 204
    assert response.content == b""
    assert member_web.get(path).status_code == 404
    assert member_web.delete(path).status_code == 404
    assert csv_dataset["uuid"] not in {
        row["uuid"] for row in member_web.get("/api/datasets").json()
    }


# --- content ----------------------------------------------------------------------------------


def test_content_pages_through_rows(member_web: Client, member_mnist: Dataset) -> None:
    path = f"/api/datasets/{member_mnist.uuid}/content"
    labels = label_bytes()
    page = member_web.get(path, {"column": "label", "row_offset": 990, "number_of_rows": 10})
    assert page.status_code == 200
    rows = page.json()["data"]
    assert len(rows) == 10
    assert all(len(row) == 10 and sum(row) == 1.0 for row in rows)
    assert [row.index(1.0) for row in rows] == list(labels[990:])


def test_content_defaults_to_one_row_at_the_start(
    member_web: Client, member_mnist: Dataset
) -> None:
    response = member_web.get(f"/api/datasets/{member_mnist.uuid}/content", {"column": "label"})
    assert len(response.json()["data"]) == 1


def test_content_past_the_last_row_is_400(member_web: Client, member_mnist: Dataset) -> None:
    response = member_web.get(
        f"/api/datasets/{member_mnist.uuid}/content",
        {"column": "label", "row_offset": 995, "number_of_rows": 10},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert member_mnist.uuid in response.json()["detail"]


def test_content_of_a_missing_column_is_404(member_web: Client, member_mnist: Dataset) -> None:
    response = member_web.get(f"/api/datasets/{member_mnist.uuid}/content", {"column": "colour"})
    assert response.status_code == 404
    assert response.json()["detail"] == (
        f"Column with name 'colour' was not found in dataset with UUID '{member_mnist.uuid}'"
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"column": "label", "number_of_rows": 10_001}, "number_of_rows"),
        ({"column": "label", "number_of_rows": 0}, "number_of_rows"),
        ({"column": "label", "row_offset": -1}, "row_offset"),
        ({"column": "9lives"}, "column"),
        ({}, "column"),
    ],
)
def test_invalid_content_query_is_422(
    member_web: Client, member_mnist: Dataset, query: dict[str, Any], field: str
) -> None:
    response = member_web.get(f"/api/datasets/{member_mnist.uuid}/content", query)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")


# --- accuracy check ---------------------------------------------------------------------------


@pytest.mark.parametrize(("wrong_from", "accuracy"), [(None, 100.0), (750, 75.0)])
def test_check_compares_a_result_with_the_reference_labels(
    member_web: Client, member_mnist: Dataset, wrong_from: int | None, accuracy: float
) -> None:
    result = upload_csv(member_web, unique_id("Result "), one_hot_csv(label_bytes(), wrong_from))
    assert result.status_code == 201
    response = member_web.get(
        f"/api/datasets/{result.json()['uuid']}/check", {"reference_uuid": member_mnist.uuid}
    )
    assert response.status_code == 200
    assert response.json()["accuracy"] == pytest.approx(accuracy, abs=0.01)


def test_check_against_a_missing_reference_is_404(
    member_web: Client, member_mnist: Dataset
) -> None:
    response = member_web.get(
        f"/api/datasets/{member_mnist.uuid}/check", {"reference_uuid": MISSING}
    )
    assert response.status_code == 404
    assert MISSING in response.json()["detail"]


def test_check_of_a_dataset_without_the_needed_columns_is_400(
    member_web: Client, member_mnist: Dataset, csv_dataset: dict[str, Any]
) -> None:
    response = member_web.get(
        f"/api/datasets/{csv_dataset['uuid']}/check", {"reference_uuid": member_mnist.uuid}
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_check_without_a_reference_is_422(member_web: Client, member_mnist: Dataset) -> None:
    response = member_web.get(f"/api/datasets/{member_mnist.uuid}/check")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("reference_uuid: ")


# --- documentation ----------------------------------------------------------------------------


def test_openapi_schema_lists_the_dataset_operations(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith("/api/datasets")
    }
    assert operations == {
        ("get", "/api/datasets"),
        ("post", "/api/datasets/mnist"),
        ("post", "/api/datasets/csv"),
        ("get", "/api/datasets/{dataset_uuid}"),
        ("delete", "/api/datasets/{dataset_uuid}"),
        ("get", "/api/datasets/{dataset_uuid}/content"),
        ("get", "/api/datasets/{dataset_uuid}/check"),
    }
    content = schema["paths"]["/api/datasets/{dataset_uuid}/content"]["get"]["parameters"]
    rows = next(parameter for parameter in content if parameter["name"] == "number_of_rows")
    assert rows["schema"]["maximum"] == 10_000
