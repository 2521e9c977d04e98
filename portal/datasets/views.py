"""Dataset pages: list, upload, detail with a preview, delete, and the accuracy comparison."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from hanami_client import BadRequest, HanamiClient, NotFound, ServerError
from portal.core.decorators import login_required
from portal.core.errors import error_page
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page
from portal.core.session import hanami_session
from portal.core.tables import Column, PageLink, build_table, cell_text
from portal.datasets.accuracy import AccuracyProblem, confusion_matrix
from portal.datasets.charts import heat_map
from portal.datasets.forms import AccuracyForm, DatasetUploadForm
from portal.datasets.models import Upload
from portal.datasets.selectors import (
    KIND_LABELS,
    add_details,
    dataset_kind,
    dataset_row,
    dataset_rows,
    file_bytes,
    may_delete,
    mnist_preview,
    table_preview,
)
from portal.datasets.uploads import upload_state
from portal.hanami import get_hanami

NOT_ALLOWED = (
    "Only the owner of a dataset, an admin of its project or an administrator may delete it."
)


def kind_text(kind: str | None) -> str:
    """How a dataset's kind reads in the table."""
    return KIND_LABELS.get(kind or "", "")


COLUMNS = [
    Column("name", "Name"),
    Column("kind", "Type", sortable=False, text=kind_text),
    Column("uuid", "Uuid"),
    Column("owner_id", "Owner"),
    Column("project_id", "Project"),
    Column("number_of_rows", "Rows", sortable=False, text=cell_text),
    Column("number_of_columns", "Columns", sortable=False, text=cell_text),
    Column("size", "Size", sortable=False, text=cell_text),
]
KIND_FILTERS = [(None, "All types"), ("mnist", "MNIST"), ("csv", "CSV")]


def kind_links(request: HttpRequest, kind: str | None) -> list[PageLink]:
    """Links to the list of each kind, keeping the filter text and the sort order."""
    kept = {key: request.GET[key] for key in ("q", "sort") if request.GET.get(key)}
    query = f"?{urlencode(kept)}" if kept else ""
    links = []
    for value, label in KIND_FILTERS:
        path = reverse("datasets:list_kind", args=[value]) if value else reverse("datasets:list")
        links.append(PageLink(label, path + query, value == kind))
    return links


@require_GET
@login_required
def dataset_list(request: HttpRequest, kind: str | None = None) -> HttpResponse:
    """The visible datasets as a table; details are asked for the rows on the page only."""
    hanami = get_hanami(request)
    table = build_table(
        request,
        dataset_rows(client=hanami, kind=kind),
        COLUMNS,
        html_id="datasets-table",
        noun="datasets",
        row_template="datasets/list.html#row",
        default_sort="name",
    )
    add_details(client=hanami, rows=table.page.object_list)
    context = {"table": table, "kind": kind, "kind_links": kind_links(request, kind)}
    return render_page(request, "datasets/list.html", context, partial="table")


@require_GET
@login_required
def dataset_upload(request: HttpRequest) -> HttpResponse:
    """The upload page: the form, and the user's uploads that were interrupted."""
    pending = [
        {**upload_state(upload), "project_id": upload.project_id, "created_at": upload.created_at}
        for upload in Upload.objects.filter(owner=request.user).order_by("-created_at")
    ]
    context = {"form": DatasetUploadForm(), "pending": pending}
    return render(request, "datasets/upload.html", context)


def _unfinished(request: HttpRequest, hanami: HanamiClient, uuid: str) -> HttpResponse | None:
    """The page of a dataset whose upload was never finished (the backend has no data for it)."""
    row = dataset_row(client=hanami, uuid=uuid)
    if row is None:
        return None
    context = {
        "dataset": row,
        "finished": False,
        "may_delete": may_delete(
            hanami_session(request), owner_id=row["owner_id"], project_id=row["project_id"]
        ),
        "upload": Upload.objects.filter(owner=request.user, dataset_uuid=uuid).first(),
    }
    return render(request, "datasets/detail.html", context)


@require_GET
@login_required
def dataset_detail(request: HttpRequest, dataset_uuid: UUID) -> HttpResponse:
    """One dataset: its facts, column ranges, and a preview drawn from its content."""
    hanami = get_hanami(request)
    uuid = str(dataset_uuid)
    try:
        dataset = hanami.datasets.get(uuid)
    except ServerError:
        # The backend answers 500 for a registered dataset that has no data file yet.
        page = _unfinished(request, hanami, uuid)
        if page is None:
            raise
        return page
    kind = dataset_kind(dataset)
    context: dict[str, Any] = {
        "dataset": dataset,
        "finished": True,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "size": file_bytes(dataset),
        "column_ranges": sorted(
            ((name, start, end, end - start) for name, (start, end) in dataset.description.items()),
            key=lambda entry: entry[1],
        ),
        "may_delete": may_delete(
            hanami_session(request), owner_id=dataset.owner_id, project_id=dataset.project_id
        ),
    }
    digits = mnist_preview(client=hanami, dataset=dataset) if kind == "mnist" else []
    context["digits"] = digits
    context["preview"] = None if digits else table_preview(client=hanami, dataset=dataset)
    return render(request, "datasets/detail.html", context)


def deletion_consequence(row: Mapping[str, Any]) -> str:
    """What deleting a dataset does, naming it exactly (names need not be unique)."""
    return (
        f"The dataset {row['uuid']} of {row['owner_id']} in project {row['project_id']} and its "
        "file are removed from the backend. This cannot be undone."
    )


@require_http_methods(["GET", "POST"])
@login_required
def dataset_delete(request: HttpRequest, dataset_uuid: UUID) -> HttpResponse:
    """Ask for confirmation, then delete the dataset (owner, project admin or admin only)."""
    hanami = get_hanami(request)
    uuid = str(dataset_uuid)
    row = dataset_row(client=hanami, uuid=uuid)
    if row is None:
        message = "The backend does not know this dataset."
        return error_page(request, status=404, template="errors/404.html", message=message)
    context = hanami_session(request)
    if not may_delete(context, owner_id=row["owner_id"], project_id=row["project_id"]):
        return error_page(request, status=403, template="errors/403.html", message=NOT_ALLOWED)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, hanami.datasets.delete, uuid):
        # An interrupted upload of it cannot go on any more, whoever started it.
        Upload.objects.filter(dataset_uuid=uuid).delete()
        return htmx_redirect(request, "datasets:list", toast=f"Dataset “{row['name']}” deleted.")
    status = 422 if form.errors else 200
    return render_page(
        request,
        "datasets/delete.html",
        {"dataset": row, "form": form, "consequence": deletion_consequence(row)},
        partial="confirm",
        status=status,
    )


def _compare(hanami: HanamiClient, form: AccuracyForm) -> dict[str, Any] | None:
    """The confusion matrix and the backend's own check of a valid form (None on a problem)."""
    try:
        result = hanami.datasets.get(form.cleaned_data["result"])
        reference = hanami.datasets.get(form.cleaned_data["reference"])
        confusion = confusion_matrix(client=hanami, result=result, reference=reference)
    except AccuracyProblem as problem:
        form.add_error(None, str(problem))
        return None
    except (BadRequest, NotFound, ServerError) as error:
        form.add_error(None, error.message or "The backend could not read these datasets.")
        return None
    outcome: dict[str, Any] = {
        "result": result,
        "reference": reference,
        "confusion": confusion,
        "heat_map": heat_map(confusion.matrix),
    }
    try:
        outcome["backend_accuracy"] = hanami.datasets.check(result.uuid, reference.uuid)
    except (BadRequest, ServerError) as error:
        outcome["backend_refusal"] = error.message or "The backend's check gave no answer."
    return outcome


@require_GET
@login_required
def dataset_accuracy(request: HttpRequest) -> HttpResponse:
    """Compare a result dataset with a labelled reference: accuracy and confusion matrix."""
    hanami = get_hanami(request)
    choices = [
        (row["uuid"], f"{row['name']} ({row['uuid'][:8]})") for row in hanami.datasets.list()
    ]
    form = AccuracyForm(request.GET or None, choices=choices)
    outcome = _compare(hanami, form) if form.is_valid() else None
    status = 422 if form.errors else 200
    return render_page(
        request,
        "datasets/accuracy.html",
        {"form": form, "outcome": outcome},
        partial="comparison",
        status=status,
    )
