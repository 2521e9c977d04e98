"""The IO items of a train or request task (contract 2.6), checked before anything is created
(R of contract 11 #5): item by item, inputs first, each against its dataset, its column, the
template's hexagons and the sizes those hexagons will have when the queue before it has run."""

from __future__ import annotations

from typing import Any

from hanami_server.api.datasets import not_found as dataset_not_found
from hanami_server.datafile import DataFileError, DataHeader, read_header
from hanami_server.responses import ApiError
from hanami_server.routing import Call
from hanami_server.store import datasets as store

IO_KEYS = ("hexagon_name", "dataset_uuid", "dataset_column")
RESULT_KEYS = ("hexagon_name", "dataset_column")
TRAIN_COLUMN_MISSING = "Dataset has no input for columsn with name '{}'"
REQUEST_COLUMN_MISSING = "Dataset doesn't contain column with name '{}'"


def hexagon_not_found(name: str) -> ApiError:
    """Our 404 for a hexagon the cluster's template does not declare (R of contract 11 #6)."""
    return ApiError(404, f"Hexagon with name '{name}' not found")


def item_values(item: Any, keys: tuple[str, ...]) -> dict[str, str]:
    """The item's values of `keys`: 400 for a missing key (upstream's text) or a non-string."""
    if not isinstance(item, dict):
        raise ApiError(400, f"'{keys[0]}' is missing")
    for key in keys:
        if key not in item:
            raise ApiError(400, f"'{key}' is missing")
        if not isinstance(item[key], str):
            raise ApiError(400, f"'{key}' must be a string, got {_json_type(item[key])}")
    return {key: item[key] for key in keys}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"


class DatasetHeaders:
    """The headers of the datasets a task names, each looked up (scoped) and read once."""

    def __init__(self, call: Call) -> None:
        self._call = call
        self._headers: dict[str, DataHeader] = {}

    def header(self, dataset_uuid: str) -> DataHeader:
        """The header of a visible, finalized dataset; 404 when not visible, 400 when not
        completely uploaded yet."""
        if dataset_uuid not in self._headers:
            call = self._call
            dataset = store.get_dataset(call.state.db, dataset_uuid, call.user)
            if dataset is None:
                raise dataset_not_found(dataset_uuid)
            if not dataset["finalized"]:
                raise ApiError(
                    400, f"Data-set with uuid '{dataset_uuid}' is not completely uploaded yet"
                )
            try:
                header = read_header(call.state.config.datasets_dir / dataset_uuid)
            except (OSError, DataFileError, ValueError) as error:
                raise ApiError(500) from error
            self._headers[dataset_uuid] = header
        return self._headers[dataset_uuid]


def check_io_items(
    raw: list[Any],
    *,
    kind: str,
    sizes: dict[str, int],
    datasets: DatasetHeaders,
    column_missing: str,
) -> list[dict[str, Any]]:
    """Checked `inputs`/`outputs` items (kind "input"/"output", `sizes` the planned sizes of the
    template's hexagons of that kind), each with its dataset's row count and its width."""
    checked: list[dict[str, Any]] = []
    for item in raw:
        values = item_values(item, IO_KEYS)
        header = datasets.header(values["dataset_uuid"])
        column = header.description.get(values["dataset_column"])
        if column is None:
            raise ApiError(404, column_missing.format(values["dataset_column"]))
        name = values["hexagon_name"]
        if name not in sizes:
            raise hexagon_not_found(name)
        if any(other["hexagon_name"] == name for other in checked):
            raise ApiError(400, f"The {kind} hexagon '{name}' is named by two items")
        width = column["column_end"] - column["column_start"]
        if sizes[name] and sizes[name] != width:
            raise ApiError(
                400,
                f"The {kind} hexagon '{name}' has {sizes[name]} values, but the column"
                f" '{values['dataset_column']}' has {width}",
            )
        checked.append({**values, "rows": header.number_of_rows, "width": width})
    return checked


def check_result_items(raw: list[Any], *, sizes: dict[str, int]) -> list[dict[str, Any]]:
    """Checked `results` items with consecutive column ranges in their order (R of contract 11
    #16); `sizes` are the planned output sizes, all known (checked before)."""
    checked: list[dict[str, Any]] = []
    offset = 0
    for item in raw:
        values = item_values(item, RESULT_KEYS)
        name, column = values["hexagon_name"], values["dataset_column"]
        if name not in sizes:
            raise hexagon_not_found(name)
        if any(other["dataset_column"] == column for other in checked):
            raise ApiError(400, f"The result column '{column}' is named by two items")
        checked.append({**values, "column_start": offset, "column_end": offset + sizes[name]})
        offset += sizes[name]
    return checked


def claimed_sizes(items: list[dict[str, Any]]) -> dict[str, int]:
    """The widths the checked items give their hexagons."""
    return {item["hexagon_name"]: item["width"] for item in items}


def stored_items(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What a task's spec keeps of its checked IO items."""
    return [{key: item[key] for key in IO_KEYS} for item in items]
