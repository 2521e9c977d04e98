"""Task pages of a cluster: the queue, starting train and request tasks, a task, its deletion."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from hanami_client import BadRequest, Conflict, Dataset, HanamiClient, NotFound, ServerError, Task
from hanami_client.rules import UUID_RE
from portal.core.decorators import login_required
from portal.core.errors import error_page
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page, wants_partial
from portal.datasets.accuracy import AccuracyProblem
from portal.hanami import get_hanami
from portal.tasks.evaluation import evaluate
from portal.tasks.forms import (
    EvaluationForm,
    Kind,
    TaskForms,
    build_task_forms,
    preferred_column,
)
from portal.tasks.fragments import live_context, rows_context
from portal.tasks.progress import measure_progress
from portal.tasks.routing import socket_path
from portal.tasks.selectors import (
    ColumnLookup,
    cluster_tasks,
    column_lookup,
    dataset_choices,
    hexagon_names,
    result_dataset,
)

#: The columns of an MNIST dataset: a request on one can be compared with its labels.
MNIST_COLUMNS = {"picture", "label"}


@require_GET
@login_required
def task_list(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """The cluster's tasks in queue order with live progress (the rows alone for htmx)."""
    hanami = get_hanami(request)
    uuid = str(cluster_uuid)
    cluster = None if wants_partial(request) else hanami.clusters.get(uuid)
    now = time.time()
    rows = [
        measure_progress(task, now=now) for task in cluster_tasks(client=hanami, cluster_uuid=uuid)
    ]
    context = {"cluster": cluster, "socket": socket_path(uuid), **rows_context(uuid, rows)}
    return render_page(request, "tasks/list.html", context, partial="rows")


def form_sources(*, client: HanamiClient, cluster_uuid: str) -> dict[str, Any]:
    """What both forms offer: the datasets, their columns, the hexagons (asked once)."""
    return {
        "datasets": dataset_choices(client=client),
        "columns_of": column_lookup(client=client),
        "hexagons": hexagon_names(cluster_uuid),
        "columns_url": reverse("tasks:columns", args=[cluster_uuid]),
    }


def forms_context(
    cluster_uuid: str, sources: dict[str, Any], sent: TaskForms | None = None
) -> dict[str, Any]:
    """Both forms (one of them as sent) and what the page says about them."""
    forms = {
        kind: sent
        if sent is not None and sent.kind == kind
        else build_task_forms(kind, data=None, **sources)
        for kind in ("train", "request")
    }
    return {
        "cluster_uuid": cluster_uuid,
        "train": forms["train"],
        "request_form": forms["request"],
        "known_template": sources["hexagons"] is not None,
    }


@require_GET
@login_required
def task_new(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """The train and request forms (both alone for htmx, to embed in the cluster page)."""
    hanami = get_hanami(request)
    uuid = str(cluster_uuid)
    cluster = hanami.clusters.get(uuid)
    sources = form_sources(client=hanami, cluster_uuid=uuid)
    context = {"cluster": cluster, **forms_context(uuid, sources)}
    return render_page(request, "tasks/new.html", context, partial="forms")


def send_task(forms: TaskForms, *, client: HanamiClient, cluster_uuid: str) -> Task | None:
    """Start the task of a valid form; a refusal becomes an error at the fields it names."""
    name = forms.main.cleaned_data["name"]
    inputs = [form.item() for form in forms.inputs.forms]
    second = [form.item() for form in forms.second.forms]
    try:
        if forms.kind == "train":
            return client.tasks.train(name, cluster_uuid, inputs, second)
        return client.tasks.request(name, cluster_uuid, inputs, second)
    except (BadRequest, NotFound, Conflict) as error:
        forms.attach_refusal(error.message or "The backend refused this task.")
        return None


def detail_url(task: Task, forms: TaskForms, columns_of: ColumnLookup) -> str:
    """Where a started task is shown: a request on MNIST inputs is compared with their labels."""
    url = reverse("tasks:detail", args=[task.cluster_uuid, task.uuid])
    first = forms.inputs.forms[0].cleaned_data["dataset"]
    if forms.kind == "request" and set(columns_of(first)) == MNIST_COLUMNS:
        url += "?" + urlencode({"reference": first})
    return url


def start_task(request: HttpRequest, cluster_uuid: UUID, kind: Kind) -> HttpResponse:
    """Start a task from its form, or show the form again (with errors, or edited)."""
    hanami = get_hanami(request)
    uuid = str(cluster_uuid)
    # The hexagon names come from the portal's record: only for a cluster the backend shows.
    cluster = hanami.clusters.get(uuid)
    sources = form_sources(client=hanami, cluster_uuid=uuid)
    forms = build_task_forms(kind, data=request.POST, **sources)
    editing = "add" in request.POST or "remove" in request.POST
    if not editing and forms.is_valid():
        task = send_task(forms, client=hanami, cluster_uuid=uuid)
        if task is not None:
            url = detail_url(task, forms, sources["columns_of"])
            return htmx_redirect(request, url, toast=f"Task “{task.name}” started.")
    status = 200 if editing else 422
    if wants_partial(request):
        context = {"cluster_uuid": uuid, "train" if kind == "train" else "request_form": forms}
        return render(request, f"tasks/new.html#{kind}_form", context, status=status)
    context = {"cluster": cluster, **forms_context(uuid, sources, forms)}
    return render(request, "tasks/new.html", context, status=status)


@require_POST
@login_required
def task_train(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Start a train task (or edit its form's items)."""
    return start_task(request, cluster_uuid, "train")


@require_POST
@login_required
def task_request(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Start a request task (or edit its form's items)."""
    return start_task(request, cluster_uuid, "request")


@require_GET
@login_required
def task_columns(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """The column options of the dataset chosen in an item (the dependent select)."""
    dataset = next((value for key, value in request.GET.items() if key.endswith("dataset")), "")
    columns = (
        column_lookup(client=get_hanami(request))(dataset) if UUID_RE.fullmatch(dataset) else []
    )
    selected = preferred_column(request.GET.get("role", ""), columns)
    return render(
        request, "tasks/new.html#column_options", {"columns": columns, "selected": selected}
    )


def evaluation_context(
    *, client: HanamiClient, task: Task, result: Dataset, reference: str | None
) -> dict[str, Any]:
    """The comparison form of a request task and, for a chosen reference, its outcome."""
    choices = [choice for choice in dataset_choices(client=client) if choice[0] != result.uuid]
    form = EvaluationForm({"reference": reference} if reference else None, choices=choices)
    context: dict[str, Any] = {
        "evaluation_form": form,
        "evaluation": None,
        "waiting": False,
        "task": task,
    }
    if not form.is_valid():
        return context
    if task.state != "finished":
        context["waiting"] = True
        return context
    try:
        # The result as it is now: the one read with the task may predate its rows.
        finished = client.datasets.get(result.uuid)
        chosen = client.datasets.get(form.cleaned_data["reference"])
        context["evaluation"] = evaluate(client=client, result=finished, reference=chosen)
    except AccuracyProblem as problem:
        form.add_error("reference", str(problem))
    except (BadRequest, NotFound, ServerError) as error:
        form.add_error(None, error.message or "The backend could not read these datasets.")
    return context


@require_GET
@login_required
def task_detail(request: HttpRequest, cluster_uuid: UUID, task_uuid: UUID) -> HttpResponse:
    """A task with its live progress; a request task also links and evaluates its results."""
    hanami = get_hanami(request)
    uuid, task_id = str(cluster_uuid), str(task_uuid)
    cluster = hanami.clusters.get(uuid)
    task = hanami.tasks.get(task_id, uuid)
    result = result_dataset(client=hanami, task=task)
    context: dict[str, Any] = {
        "cluster": cluster,
        "task": task,
        "result": result,
        "socket": socket_path(uuid, task_id),
        **live_context(uuid, measure_progress(task)),
    }
    if result is not None:
        reference = request.GET.get("reference")
        context.update(
            evaluation_context(client=hanami, task=task, result=result, reference=reference)
        )
    return render(request, "tasks/detail.html", context)


@require_GET
@login_required
def task_evaluation(request: HttpRequest, cluster_uuid: UUID, task_uuid: UUID) -> HttpResponse:
    """The comparison of a request task's results with a labelled dataset (a partial for htmx)."""
    uuid, task_id = str(cluster_uuid), str(task_uuid)
    page = reverse("tasks:detail", args=[uuid, task_id])
    reference = request.GET.get("reference", "")
    if reference:
        page += "?" + urlencode({"reference": reference})
    if not wants_partial(request):
        return redirect(page)
    hanami = get_hanami(request)
    task = hanami.tasks.get(task_id, uuid)
    result = result_dataset(client=hanami, task=task)
    if result is None:
        message = "This task has no result dataset you may see."
        return error_page(request, status=404, template="errors/404.html", message=message)
    context = evaluation_context(client=hanami, task=task, result=result, reference=reference)
    context["cluster_uuid"] = uuid
    status = 422 if context["evaluation_form"].errors else 200
    response = render(request, "tasks/detail.html#evaluation", context, status=status)
    return push_url(response, page)


def deletion_consequence(task: Task) -> str:
    """What deleting a task does, given its state."""
    if task.state == "queued":
        return "It leaves the queue and never runs."
    if task.state == "active":
        return (
            "It stops now: what it learned so far stays in the cluster, and a request keeps "
            "the rows it wrote. It then leaves the list."
        )
    return "It leaves the list. What it learned or wrote (a result dataset) stays."


@require_http_methods(["GET", "POST"])
@login_required
def task_delete(request: HttpRequest, cluster_uuid: UUID, task_uuid: UUID) -> HttpResponse:
    """Ask for confirmation, then delete the task (stopping it if it runs)."""
    hanami = get_hanami(request)
    uuid, task_id = str(cluster_uuid), str(task_uuid)
    task = hanami.tasks.get(task_id, uuid)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, hanami.tasks.delete, task_id, uuid):
        return htmx_redirect(
            request, "tasks:list", uuid, toast=f"Task “{task.name or task.uuid}” deleted."
        )
    status = 422 if form.errors else 200
    context = {
        "task": task,
        "cluster_uuid": uuid,
        "form": form,
        "consequence": deletion_consequence(task),
    }
    return render_page(request, "tasks/delete.html", context, partial="confirm", status=status)
