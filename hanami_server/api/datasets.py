"""Dataset upload, progress, get, list and delete (contract 2.4); content, check: dataset_reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hanami_server import tempfiles
from hanami_server.convert_csv import build_csv
from hanami_server.convert_mnist import build_mnist
from hanami_server.datafile import ConversionError, DataFileError, DataFileWriter, read_header
from hanami_server.responses import ApiError, table
from hanami_server.routing import Call, Router
from hanami_server.store import datasets as store
from hanami_server.store.tempfiles import is_complete, tempfiles_of
from hanami_server.validation import NAME_PATTERN, UUID_PATTERN, integer, string

router = Router()

LIST_HEADER = ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
VERSION = "v1.0alpha"
_NAME = string(NAME_PATTERN, 4, 254)
_SIZE = integer(1, 10_000_000_000)
_UUID = string(UUID_PATTERN, 0, 0)
_ROLE_TEXT = {"input": "Input-data", "label": "Label-data"}
_KIND_TEXT = {"mnist": "MNIST", "csv": "CSV"}


def dataset_path(call: Call, dataset_uuid: str) -> Path:
    """Where a finalized dataset's file lives."""
    return call.state.config.datasets_dir / dataset_uuid


def not_found(dataset_uuid: str) -> ApiError:
    """Upstream's 404 for a dataset that does not exist or is not visible."""
    return ApiError(404, f"Data-set with uuid '{dataset_uuid}' not found")


def visible_dataset(call: Call, dataset_uuid: str) -> dict[str, Any]:
    """The dataset row the caller may see, or the 404."""
    dataset = store.get_dataset(call.state.db, dataset_uuid, call.user)
    if dataset is None:
        raise not_found(dataset_uuid)
    return dataset


def _row(dataset: dict[str, Any]) -> dict[str, Any]:
    return {key: dataset[key] for key in LIST_HEADER}


def _register(call: Call, kind: str, sizes: dict[str, int]) -> dict[str, Any]:
    """Allocate one temp file per input, then the rows; nothing stays behind on failure."""
    config = call.state.config
    files = {role: (str(uuid.uuid4()), size) for role, size in sizes.items()}
    file_uuids = [file_uuid for file_uuid, _ in files.values()]
    try:
        for file_uuid, size in files.values():
            tempfiles.allocate(config, file_uuid, size)
        dataset = store.register_dataset(
            call.state.db, name=call.inputs["name"], kind=kind, user=call.user, files=files
        )
    except OSError as error:
        tempfiles.remove(config, file_uuids)
        raise ApiError(500) from error
    except BaseException:
        tempfiles.remove(config, file_uuids)
        raise
    reply = _row(dataset)
    reply["uuid_input_file"] = files["input"][0]
    if "label" in files:
        reply["uuid_label_file"] = files["label"][0]
    return reply


@router.route(
    "POST",
    "dataset/upload/mnist",
    name=_NAME,
    input_data_size=_SIZE,
    label_data_size=_SIZE,
)
def register_mnist(call: Call) -> dict[str, Any]:
    """Register an MNIST upload: the row (listed at once) and two pre-allocated temp files."""
    sizes = {"input": call.inputs["input_data_size"], "label": call.inputs["label_data_size"]}
    return _register(call, "mnist", sizes)


@router.route("POST", "dataset/upload/csv", name=_NAME, input_data_size=_SIZE)
def register_csv(call: Call) -> dict[str, Any]:
    """Register a CSV upload: the row (listed at once) and one pre-allocated temp file."""
    return _register(call, "csv", {"input": call.inputs["input_data_size"]})


Builder = Callable[[list[Path], Path, str], DataFileWriter]


def _finalize(call: Call, kind: str, roles: dict[str, str], build: Builder) -> dict[str, Any]:
    """Convert the complete temp files (role -> uuid) into the dataset file, atomically."""
    dataset_uuid = call.inputs["uuid"]
    dataset = visible_dataset(call, dataset_uuid)
    if dataset["kind"] != kind:
        raise ApiError(
            400,
            f"Data-set with uuid '{dataset_uuid}' was registered as a"
            f" {_KIND_TEXT.get(dataset['kind'], dataset['kind'])} upload, not {_KIND_TEXT[kind]}",
        )
    registered = {row["uuid"]: row for row in tempfiles_of(call.state.db, dataset_uuid)}
    for role, file_uuid in roles.items():
        row = registered.get(file_uuid)
        if row is None or row["state"] != "open" or row["role"] != role:
            raise ApiError(404, f"{_ROLE_TEXT[role]} with uuid '{file_uuid}' not found.")
    for role, file_uuid in roles.items():
        row = registered[file_uuid]
        if not is_complete(row):
            raise ApiError(
                400,
                f"{_ROLE_TEXT[role]} with uuid '{file_uuid}' is not completely uploaded:"
                f" {row['received']} of {row['size']} bytes received",
            )
    config = call.state.config
    sources = [tempfiles.tempfile_path(config, file_uuid) for file_uuid in roles.values()]
    try:
        writer = build(sources, dataset_path(call, dataset_uuid), dataset["name"])
    except ConversionError as error:
        raise ApiError(400, str(error)) from error
    try:
        done = store.finalize_dataset(
            call.state.db, dataset_uuid, list(roles.values()), writer.commit
        )
    finally:
        writer.discard()
    if not done:
        raise not_found(dataset_uuid)
    tempfiles.remove(config, list(roles.values()))
    return {"uuid": dataset_uuid}


@router.route(
    "PUT",
    "dataset/upload/mnist",
    uuid=_UUID,
    uuid_input_file=_UUID,
    uuid_label_file=_UUID,
)
def finalize_mnist(call: Call) -> dict[str, Any]:
    """Convert the uploaded idx files into the dataset file and delete the temp files."""
    roles = {"input": call.inputs["uuid_input_file"], "label": call.inputs["uuid_label_file"]}
    return _finalize(
        call, "mnist", roles, lambda paths, target, name: build_mnist(*paths, target, name)
    )


@router.route("PUT", "dataset/upload/csv", uuid=_UUID, uuid_input_file=_UUID)
def finalize_csv(call: Call) -> dict[str, Any]:
    """Convert the uploaded CSV file into the dataset file and delete the temp file."""
    roles = {"input": call.inputs["uuid_input_file"]}
    return _finalize(
        call, "csv", roles, lambda paths, target, name: build_csv(paths[0], target, name)
    )


@router.route("GET", "dataset/progress", uuid=_UUID)
def upload_progress(call: Call) -> dict[str, Any]:
    """Whether every temp file has all its segments (true after finalize; false once purged)."""
    dataset = visible_dataset(call, call.inputs["uuid"])
    files = tempfiles_of(call.state.db, dataset["uuid"])
    complete = all(is_complete(row) for row in files) if files else bool(dataset["finalized"])
    return {"complete": complete, "uuid": dataset["uuid"]}


@router.route("GET", "dataset", uuid=_UUID)
def get_dataset(call: Call) -> dict[str, Any]:
    """A dataset with its file header's name, columns and size; 500 until finalized (upstream)."""
    dataset = visible_dataset(call, call.inputs["uuid"])
    if not dataset["finalized"]:
        raise ApiError(500)
    try:
        header = read_header(dataset_path(call, dataset["uuid"]))
    except (OSError, DataFileError, ValueError) as error:
        raise ApiError(500) from error
    return {
        "created_at": dataset["created_at"],
        "description": header.description,
        "name": header.name,
        "number_of_columns": header.number_of_columns,
        "number_of_rows": header.number_of_rows,
        "owner_id": dataset["owner_id"],
        "project_id": dataset["project_id"],
        "uuid": dataset["uuid"],
        "version": VERSION,
        "visibility": dataset["visibility"],
    }


@router.route("GET", "dataset/all")
def list_datasets(call: Call) -> dict[str, Any]:
    """The datasets the caller may see, in registration order (unfinalized ones too)."""
    rows = [
        [dataset[column] for column in LIST_HEADER]
        for dataset in store.list_datasets(call.state.db, call.user)
    ]
    return table(LIST_HEADER, rows)


@router.route("DELETE", "dataset", uuid=_UUID)
def delete_dataset(call: Call) -> dict[str, Any]:
    """Delete a dataset: soft in the database, its file and temp files from disk."""
    dataset_uuid = call.inputs["uuid"]
    file_uuids = store.delete_dataset(call.state.db, dataset_uuid, call.user)
    if file_uuids is None:
        raise not_found(dataset_uuid)
    tempfiles.remove(call.state.config, file_uuids)
    try:
        dataset_path(call, dataset_uuid).unlink(missing_ok=True)
    except OSError as error:
        raise ApiError(500) from error
    return {}
