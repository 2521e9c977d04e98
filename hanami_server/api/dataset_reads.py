"""Dataset content download and the accuracy check (contract 2.4, 6.5), read through a memory
map so only the requested rows are touched; R: status 400 where upstream sends its status 1."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from hanami_server.accuracy import REFERENCE_COLUMNS, RESULT_COLUMNS, accuracy
from hanami_server.api.datasets import dataset_path
from hanami_server.datafile import DataFileError, DataHeader, open_rows, read_header
from hanami_server.responses import ApiError, JsonText
from hanami_server.routing import Call, Router
from hanami_server.store import datasets as store
from hanami_server.validation import NAME_PATTERN, UUID_PATTERN, Field, integer, string

router = Router()

_UUID = string(UUID_PATTERN, 0, 0)
# 0..255 as upstream prints them once they are floats
_BYTE_TEXT = np.array([f"{value}.0" for value in range(256)], dtype=object)


def _open(call: Call, dataset: dict[str, Any]) -> tuple[DataHeader, np.ndarray]:
    """Header and memory-mapped rows of a finalized dataset; 500 when there is no file."""
    if not dataset["finalized"]:
        raise ApiError(500)
    path = dataset_path(call, dataset["uuid"])
    try:
        header = read_header(path)
        return header, open_rows(path, header)
    except (OSError, DataFileError, ValueError) as error:
        raise ApiError(500) from error


@router.route(
    "GET",
    "dataset/content",
    uuid=_UUID,
    column_name=Field("string", True, NAME_PATTERN),
    row_offset=integer(0, 1_000_000_000),
    number_of_rows=integer(1, 10_000),
)
def download_content(call: Call) -> JsonText:
    """Rows [row_offset, row_offset + number_of_rows) of one column range, as floats."""
    dataset_uuid, column = call.inputs["uuid"], call.inputs["column_name"]
    dataset = store.get_dataset(call.state.db, dataset_uuid, call.user)
    if dataset is None:
        raise ApiError(404, f"Data-set with uuid '{dataset_uuid}' not found")
    header, rows = _open(call, dataset)
    columns = header.description.get(column)
    if columns is None:
        raise ApiError(
            404, f"Column with name '{column}' was not found in dataset with UUID '{dataset_uuid}'"
        )
    start, count = call.inputs["row_offset"], call.inputs["number_of_rows"]
    if start + count > header.number_of_rows:
        raise ApiError(400, f"Dataset with UUID '{dataset_uuid}' is invalid and can not be read.")
    block = rows[start : start + count, columns["column_start"] : columns["column_end"]]
    return JsonText('{"data":' + rows_json(block) + "}")


def rows_json(block: np.ndarray) -> str:
    """A 2-D block as a JSON list of lists of floats (non-finite values as null)."""
    if block.dtype == np.uint8:
        texts = _BYTE_TEXT[block]
        return "[" + ",".join("[" + ",".join(row) + "]" for row in texts) + "]"
    values = np.asarray(block, dtype=np.float64)
    listed: list[list[Any]] = values.tolist()
    if not np.isfinite(values).all():
        listed = [[v if np.isfinite(v) else None for v in row] for row in listed]
    return json.dumps(listed, separators=(",", ":"))


@router.route("GET", "dataset/check", uuid=_UUID, reference_uuid=_UUID)
def check_accuracy(call: Call) -> dict[str, Any]:
    """The accuracy in percent of a result dataset against a labelled MNIST reference."""
    result_uuid, reference_uuid = call.inputs["uuid"], call.inputs["reference_uuid"]
    found = {}
    for dataset_uuid in (result_uuid, reference_uuid):
        dataset = store.get_dataset(call.state.db, dataset_uuid, call.user)
        if dataset is None:
            raise ApiError(404, f"Dataset with uuid '{dataset_uuid}' not found")
        found[dataset_uuid] = dataset
    result_header, result = _open(call, found[result_uuid])
    reference_header, reference = _open(call, found[reference_uuid])
    # upstream's texts, uuids swapped as upstream has them, then what is actually wrong
    result_invalid = (
        f"Dataset with result with UUID '{reference_uuid}' is invalid and can not be checked"
    )
    reference_invalid = f"Dataset with UUID '{result_uuid}' is invalid and can not be compared"
    if result_header.number_of_columns < RESULT_COLUMNS[1]:
        raise ApiError(
            400,
            f"{result_invalid}: the result dataset '{result_uuid}' has"
            f" {result_header.number_of_columns} columns, the check reads columns 0 to 9",
        )
    if reference_header.number_of_columns < REFERENCE_COLUMNS[1]:
        raise ApiError(
            400,
            f"{reference_invalid}: the reference dataset '{reference_uuid}' has"
            f" {reference_header.number_of_columns} columns, the check reads its labels from"
            " columns 784 to 793 (an MNIST dataset)",
        )
    rows = min(result_header.number_of_rows, reference_header.number_of_rows)
    if rows == 0:
        raise ApiError(
            400,
            f"{result_invalid}: the result dataset '{result_uuid}' or the reference dataset"
            f" '{reference_uuid}' has no rows",
        )
    return {"accuracy": accuracy(result, reference, rows)}
