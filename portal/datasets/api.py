"""JSON operations on datasets (mounted at /api/datasets, for every signed-in user).

The backend scopes what a caller sees (own datasets, the project's for a project admin,
everything for an admin): a dataset outside that scope answers 404 as a missing one does.
Uploads stream Django's uploaded files (spilled to disk past the memory limit) on to the
backend chunk by chunk; neither the portal nor the client reads a whole file into memory.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, UploadedFile

from hanami_client import Dataset, HanamiClient
from portal.datasets.schemas import (
    MAX_CONTENT_ROWS,
    AccuracyOut,
    ColumnQuery,
    ContentOut,
    DatasetName,
    DatasetOut,
    DatasetRowOut,
    DatasetUuidPath,
    DatasetUuidQuery,
)
from portal.hanami import get_hanami

__all__ = ["router"]

router = Router(tags=["datasets"])

#: Rows asked of the backend at a time: 1,000 MNIST pictures are some 25 MB as Python floats.
FETCH_ROWS = 1000

RowOffset = Annotated[int, Query(ge=0, le=1_000_000_000, description="The first row to read.")]
RowCount = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_CONTENT_ROWS,
        description=f"Rows to read, at most {MAX_CONTENT_ROWS:,}: page with row_offset.",
    ),
]


# The upload paths come first: /mnist and /csv must not be taken for a dataset uuid.
@router.post("/mnist", response={201: DatasetOut}, summary="Upload an MNIST dataset")
def upload_mnist(
    request: HttpRequest,
    name: DatasetName,
    images: File[UploadedFile],
    labels: File[UploadedFile],
) -> Dataset:
    """Upload an idx images file and its idx labels file as one dataset (multipart form)."""
    return get_hanami(request).datasets.upload_mnist(name, images.file, labels.file)


@router.post("/csv", response={201: DatasetOut}, summary="Upload a CSV dataset")
def upload_csv(request: HttpRequest, name: DatasetName, file: File[UploadedFile]) -> Dataset:
    """Upload a CSV file (a header line, then rows of numbers) as a dataset (multipart form)."""
    return get_hanami(request).datasets.upload_csv(name, file.file)


@router.get("", response=list[DatasetRowOut], summary="List datasets")
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    """The datasets the signed-in user may see, in the order the backend stores them."""
    return [dict(row) for row in get_hanami(request).datasets.list()]


@router.get("/{dataset_uuid}", response=DatasetOut, summary="Get a dataset")
def get_dataset(request: HttpRequest, dataset_uuid: DatasetUuidPath) -> Dataset:
    """One dataset with its size and column ranges; 404 when it is missing or not visible."""
    return get_hanami(request).datasets.get(dataset_uuid)


@router.delete("/{dataset_uuid}", response={204: None}, summary="Delete a dataset")
def delete_dataset(request: HttpRequest, dataset_uuid: DatasetUuidPath) -> None:
    """Delete a dataset and its file; 404 when it is missing or not visible."""
    get_hanami(request).datasets.delete(dataset_uuid)


def content_json(
    client: HanamiClient, dataset_uuid: str, column: str, row_offset: int, number_of_rows: int
) -> bytes:
    """``{"data": [...]}``, encoded page by page: only one page of floats is alive at a time."""
    end = row_offset + number_of_rows
    pages = []
    for start in range(row_offset, end, FETCH_ROWS):
        rows = client.datasets.content(
            dataset_uuid, column, row_offset=start, number_of_rows=min(FETCH_ROWS, end - start)
        )
        pages.append(json.dumps(rows, separators=(",", ":"))[1:-1].encode())
    return b'{"data":[' + b",".join(pages) + b"]}"


@router.get("/{dataset_uuid}/content", response=ContentOut, summary="Read rows of a column")
def dataset_content(
    request: HttpRequest,
    dataset_uuid: DatasetUuidPath,
    column: ColumnQuery,
    row_offset: RowOffset = 0,
    number_of_rows: RowCount = 1,
) -> HttpResponse:
    """Rows of one column range as floats; 400 when they run past the last row."""
    body = content_json(get_hanami(request), dataset_uuid, column, row_offset, number_of_rows)
    return HttpResponse(body, content_type="application/json")


@router.get("/{dataset_uuid}/check", response=AccuracyOut, summary="Check against a reference")
def check_dataset(
    request: HttpRequest, dataset_uuid: DatasetUuidPath, reference_uuid: DatasetUuidQuery
) -> dict[str, float]:
    """The accuracy (percent) of a result dataset against a labelled MNIST reference."""
    return {"accuracy": get_hanami(request).datasets.check(dataset_uuid, reference_uuid)}
