"""The SDK facade's ``dataset`` module: the official names, signatures, return types and
exceptions over our client, and an official-style script that runs unchanged."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
import responses

from hanami_client import HanamiClient
from hanami_client.sdk import dataset, hanami_exceptions
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import Persona
from tests.hanami_client.support import (
    csv_bytes,
    fresh_name,
    idx_images,
    idx_labels,
    raw_reply_server,
)

API = "/v1.0alpha"
V = ("verify_connection", True)
MNIST = Path(__file__).parents[1] / "data" / "mnist-5k"
SCRIPT = Path(__file__).with_name("official_sdk_dataset_script.py")

# Contract section 9: every function's parameters in order, with their defaults.
SIGNATURES = {
    dataset.list_datasets: ["token", "address", V],
    dataset.get_dataset: ["token", "address", "dataset_uuid", V],
    dataset.delete_dataset: ["token", "address", "checkpoint_uuid", V],
    dataset.check_mnist_dataset: [
        "token",
        "address",
        "dataset_uuid",
        "reference_dataset_uuid",
        V,
    ],
    dataset.download_dataset_content: [
        "token",
        "address",
        "dataset_uuid",
        "column_name",
        "number_of_rows",
        ("row_offset", 0),
        V,
    ],
    dataset.wait_until_upload_complete: ["token", "address", "uuid", V],
    dataset.send_data: ["token", "address", "dataset_uuid", "file_uuid", "data", V],
    dataset.upload_mnist_files: [
        "token",
        "address",
        "name",
        "input_file_path",
        "label_file_path",
        V,
    ],
    dataset.upload_csv_files: ["token", "address", "name", "input_file_path", V],
}


@pytest.mark.parametrize("function", list(SIGNATURES), ids=lambda f: f.__name__)
def test_signature_matches_the_official_sdk(function: object) -> None:
    parameters = inspect.signature(function).parameters.values()

    described = [
        p.name if p.default is inspect.Parameter.empty else (p.name, p.default) for p in parameters
    ]

    assert described == SIGNATURES[function]


def test_send_data_is_a_coroutine_function_as_upstream() -> None:
    assert inspect.iscoroutinefunction(dataset.send_data)


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes(csv_bytes(20))
    return path


def test_upload_csv_files_returns_the_uuid_and_the_rest_return_raw_bytes(
    backend_address: str, member: Persona, csv_path: Path
) -> None:
    token = member.token

    dataset_uuid = dataset.upload_csv_files(token, backend_address, fresh_name("SDK"), csv_path)
    fetched = dataset.get_dataset(token, backend_address, dataset_uuid)
    listed = dataset.list_datasets(token, backend_address)
    content = dataset.download_dataset_content(token, backend_address, dataset_uuid, "b", 2, 3)
    deleted = dataset.delete_dataset(token, backend_address, dataset_uuid)

    assert isinstance(dataset_uuid, str)
    assert isinstance(fetched, bytes)
    assert json.loads(fetched)["number_of_rows"] == 20
    assert dataset_uuid in [row[1] for row in json.loads(listed)["body"]]
    assert content == b'{"data":[[6.0],[8.0]]}'
    assert deleted == b"{}"


def test_upload_mnist_files_and_check(
    backend_address: str, member: Persona, tmp_path: Path
) -> None:
    labels = tmp_path / "labels"
    labels.write_bytes(idx_labels([3, 1, 4]))
    images = tmp_path / "images"
    images.write_bytes(idx_images(3))

    dataset_uuid = dataset.upload_mnist_files(
        member.token, backend_address, fresh_name("SDK Digits"), str(images), str(labels)
    )
    checked = dataset.check_mnist_dataset(member.token, backend_address, dataset_uuid, dataset_uuid)

    assert 0.0 <= json.loads(checked)["accuracy"] <= 100.0
    dataset.delete_dataset(member.token, backend_address, dataset_uuid)


def test_a_refused_upload_raises_bad_request_and_leaves_nothing(
    backend_address: str, member: Persona, tmp_path: Path
) -> None:
    name = fresh_name("SDK Bad")
    labels = tmp_path / "labels"
    labels.write_bytes(idx_labels([3, 11, 4]))
    images = tmp_path / "images"
    images.write_bytes(idx_images(3))

    with pytest.raises(hanami_exceptions.BadRequestException):
        dataset.upload_mnist_files(member.token, backend_address, name, str(images), str(labels))

    listed = json.loads(dataset.list_datasets(member.token, backend_address))["body"]
    assert name not in [row[-1] for row in listed]


def test_missing_and_malformed_uuids_raise_the_official_exceptions(
    backend_address: str, member: Persona
) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(hanami_exceptions.NotFoundException) as caught:
        dataset.delete_dataset(member.token, backend_address, missing)
    with pytest.raises(hanami_exceptions.BadRequestException):
        dataset.get_dataset(member.token, backend_address, "fail_dataset", False)

    assert caught.value.message == f"Data-set with uuid '{missing}' not found".encode()


def test_more_than_one_page_of_content_is_refused_as_upstream(
    backend_address: str, member: Persona, csv_path: Path
) -> None:
    dataset_uuid = dataset.upload_csv_files(
        member.token, backend_address, fresh_name("SDK"), csv_path
    )

    with pytest.raises(hanami_exceptions.BadRequestException):
        dataset.download_dataset_content(member.token, backend_address, dataset_uuid, "a", 10_001)


async def test_send_data_fills_a_registered_file_and_the_wait_sees_it(
    backend_address: str, member: Persona
) -> None:
    data = csv_bytes(30_000)
    with HanamiClient(backend_address, member.token) as client:
        ticket = client.datasets.register_csv(fresh_name("SDK Send"), len(data))
        try:
            sent = await dataset.send_data(
                member.token,
                backend_address,
                ticket.dataset_uuid,
                ticket.input_file_uuid,
                data,
            )
            complete = dataset.wait_until_upload_complete(
                member.token, backend_address, ticket.dataset_uuid
            )
        finally:
            client.datasets.delete(ticket.dataset_uuid)

    assert (sent, complete) == (True, True)


async def test_send_data_into_an_unknown_file_returns_false(
    backend_address: str, member: Persona
) -> None:
    missing = str(uuid.uuid4())

    assert await dataset.send_data(member.token, backend_address, missing, missing, b"x") is False


def test_an_upload_whose_websocket_init_is_refused_raises_internal_server_error(
    backend_address: str, member: Persona, csv_path: Path
) -> None:
    ticket = {
        "uuid": str(uuid.uuid4()),
        "uuid_input_file": str(uuid.uuid4()),  # a temp file the real backend does not know
        "name": "SDK Ghost",
    }
    with responses.RequestsMock() as rest:  # the websocket still reaches the real backend
        rest.post(f"{backend_address}{API}/dataset/upload/csv", json=ticket)
        cleanup = rest.delete(f"{backend_address}{API}/dataset", json={})

        with pytest.raises(hanami_exceptions.InternalServerErrorException):
            dataset.upload_csv_files(member.token, backend_address, "SDK Ghost", csv_path)

    assert cleanup.call_count == 1


def test_upstreams_status_1_raises_requests_connection_error() -> None:
    reply = b"HTTP/1.1 001 Unknown\r\nContent-Length: 19\r\n\r\nrow_offset too high"
    with raw_reply_server(reply) as address, pytest.raises(requests.ConnectionError):
        dataset.download_dataset_content("token", address, str(uuid.uuid4()), "label", 1)


def test_official_sdk_dataset_script_runs_against_the_embedded_backend(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    command = [
        sys.executable,
        str(SCRIPT),
        fresh_backend.address,
        ADMIN_ID,
        ADMIN_PASSPHRASE,
        str(MNIST),
        str(tmp_path),
    ]

    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["datasets", "ok", "done"]
