"""``hanami_sdk.dataset``: datasets. The REST functions return the raw JSON reply as bytes.

``delete_dataset``'s misnamed ``checkpoint_uuid`` is the official name. The uploads stream their
files through ``HanamiClient`` (the official SDK reads them whole) and delete the dataset again
when a step fails; a refused websocket init raises ``InternalServerErrorException`` as upstream.
``wait_until_upload_complete`` polls every 0.5 s like the official one, but gives up (False)
after COMPLETE_WAIT_SECONDS instead of looping forever.
"""

from __future__ import annotations

import time
from typing import NoReturn

from hanami_client._client import HanamiClient
from hanami_client._errors import HanamiError
from hanami_client._http import QueryValue
from hanami_client.sdk import hanami_exceptions
from hanami_client.sdk._shim import request, translate

__all__ = [
    "COMPLETE_WAIT_SECONDS",
    "check_mnist_dataset",
    "delete_dataset",
    "download_dataset_content",
    "get_dataset",
    "list_datasets",
    "send_data",
    "upload_csv_files",
    "upload_mnist_files",
    "wait_until_upload_complete",
]

#: How long ``wait_until_upload_complete`` polls before it answers False.
COMPLETE_WAIT_SECONDS = 60.0


def list_datasets(token: str, address: str, verify_connection: bool = True) -> bytes | None:
    """GET /dataset/all."""
    return request(token, address, verify_connection, "GET", "/dataset/all")


def get_dataset(
    token: str, address: str, dataset_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """GET /dataset."""
    query = {"uuid": dataset_uuid}
    return request(token, address, verify_connection, "GET", "/dataset", query=query)


def delete_dataset(
    token: str, address: str, checkpoint_uuid: str, verify_connection: bool = True
) -> bytes | None:
    """DELETE /dataset (the parameter's name is the official SDK's)."""
    query = {"uuid": checkpoint_uuid}
    return request(token, address, verify_connection, "DELETE", "/dataset", query=query)


def check_mnist_dataset(
    token: str,
    address: str,
    dataset_uuid: str,
    reference_dataset_uuid: str,
    verify_connection: bool = True,
) -> bytes | None:
    """GET /dataset/check."""
    query = {"uuid": dataset_uuid, "reference_uuid": reference_dataset_uuid}
    return request(token, address, verify_connection, "GET", "/dataset/check", query=query)


def download_dataset_content(
    token: str,
    address: str,
    dataset_uuid: str,
    column_name: str,
    number_of_rows: int,
    row_offset: int = 0,
    verify_connection: bool = True,
) -> bytes | None:
    """GET /dataset/content (one request: at most 10,000 rows, as upstream)."""
    query: dict[str, QueryValue] = {
        "uuid": dataset_uuid,
        "column_name": column_name,
        "row_offset": row_offset,
        "number_of_rows": number_of_rows,
    }
    return request(token, address, verify_connection, "GET", "/dataset/content", query=query)


def wait_until_upload_complete(
    token: str, address: str, uuid: str, verify_connection: bool = True
) -> bool:
    """Poll GET /dataset/progress every 0.5 s: True once complete, False after the wait bound."""
    deadline = time.monotonic() + COMPLETE_WAIT_SECONDS
    with HanamiClient(address, token, verify=verify_connection) as client:
        try:
            while not client.datasets.upload_complete(uuid):
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.5)
        except HanamiError as error:
            translate(error)
            return False
    return True


async def send_data(
    token: str,
    address: str,
    dataset_uuid: str,
    file_uuid: str,
    data: bytes,
    verify_connection: bool = True,
) -> bool:
    """Send ``data`` over one ``file_upload`` websocket in 128 KiB chunks; False if init fails."""
    with HanamiClient(address, token, verify=verify_connection) as client:
        try:
            await client.datasets.send_file_async(file_uuid, data)
        except HanamiError as error:
            if error.operation != "websocket.init":
                translate(error)
            return False
    return True


def upload_mnist_files(
    token: str,
    address: str,
    name: str,
    input_file_path: str,
    label_file_path: str,
    verify_connection: bool = True,
) -> str:
    """Upload an MNIST image and label file pair; returns the new dataset's uuid."""
    with HanamiClient(address, token, verify=verify_connection) as client:
        try:
            return client.datasets.upload_mnist(name, input_file_path, label_file_path).uuid
        except HanamiError as error:
            _upload_failed(error)


def upload_csv_files(
    token: str, address: str, name: str, input_file_path: str, verify_connection: bool = True
) -> str:
    """Upload a CSV file; returns the new dataset's uuid."""
    with HanamiClient(address, token, verify=verify_connection) as client:
        try:
            return client.datasets.upload_csv(name, input_file_path).uuid
        except HanamiError as error:
            _upload_failed(error)


def _upload_failed(error: HanamiError) -> NoReturn:
    """Raise what the official upload raises: a refused init is an internal server error."""
    if error.operation == "websocket.init":
        raise hanami_exceptions.InternalServerErrorException() from error
    translate(error)
    raise error
