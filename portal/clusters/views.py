"""Cluster pages: list, create with the template editor and its live preview, detail, delete,
and the detail page's save and restore forms."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanami_client import BadRequest, Cluster, Conflict, HanamiClient, NotFound
from portal.checkpoints.selectors import checkpoint_choices
from portal.clusters.examples import EXAMPLES, example_text
from portal.clusters.forms import ClusterCreateForm, RestoreForm, SaveForm
from portal.clusters.preview import template_preview
from portal.clusters.selectors import cluster_template, save_state
from portal.clusters.services import (
    TEMPLATE_REFUSAL,
    cluster_create,
    cluster_delete,
    normalise_template,
    refused_template,
)
from portal.core.decorators import login_required
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page, wants_partial, with_toast
from portal.core.session import hanami_session
from portal.core.tables import Column, build_table
from portal.hanami import get_hanami

COLUMNS = [
    Column("name", "Name"),
    Column("uuid", "Uuid"),
    Column("owner_id", "Owner"),
    Column("project_id", "Project"),
    Column("created_at", "Created at (UTC)"),
]


@require_GET
@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    """The visible clusters as a table that sorts, filters and pages through the URL."""
    table = build_table(
        request,
        get_hanami(request).clusters.list(),
        COLUMNS,
        html_id="clusters-table",
        noun="clusters",
        row_template="clusters/list.html#row",
        default_sort="name",
    )
    return render_page(request, "clusters/list.html", {"table": table}, partial="table")


def _create(request: HttpRequest, form: ClusterCreateForm) -> Cluster | None:
    """Send a valid form to the backend; its refusal becomes an error at the field it concerns."""
    data = form.cleaned_data
    try:
        return cluster_create(
            client=get_hanami(request),
            name=data["name"],
            text=data["template"],
            created_by=hanami_session(request)["user_id"],
        )
    except Conflict as error:
        form.add_error("name", error.message or "A cluster with this name already exists.")
    except BadRequest as error:
        problem = refused_template(error, data["template"])
        message = f"{TEMPLATE_REFUSAL} {problem.describe()}" if problem else error.message
        form.add_error("template", message or "The backend refused this template.")
    return None


@require_http_methods(["GET", "POST"])
@login_required
def cluster_create_page(request: HttpRequest) -> HttpResponse:
    """The template editor; ``?example=<key>`` starts from one of the examples."""
    if request.method == "POST":
        form = ClusterCreateForm(request.POST)
        cluster = _create(request, form) if form.is_valid() else None
        if cluster is not None:
            return htmx_redirect(
                request, "clusters:detail", cluster.uuid, toast=f"Cluster “{cluster.name}” created."
            )
        text = normalise_template(form["template"].value() or "")
    else:
        text = example_text(request.GET.get("example", "")) or EXAMPLES[0].text
        form = ClusterCreateForm(initial={"template": text})
    context = {
        "form": form,
        "preview": template_preview(text),
        "examples": EXAMPLES,
        "chosen": request.GET.get("example", ""),
        "refused": bool(form.errors.get("template")),
    }
    status = 422 if form.errors else 200
    return render_page(request, "clusters/create.html", context, partial="form", status=status)


@require_POST
@login_required
def cluster_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview of the posted template: the picture, or the refusal."""
    text = normalise_template(request.POST.get("template", ""))
    return render(request, "clusters/create.html#preview", {"preview": template_preview(text)})


def _detail_context(hanami: HanamiClient, cluster: Cluster, **forms: Any) -> dict[str, Any]:
    """What the detail page shows; ``forms`` replace the empty save or restore form."""
    text = cluster_template(cluster.uuid)
    return {
        "cluster": cluster,
        "template_lines": text.splitlines() if text is not None else None,
        "preview": template_preview(text) if text is not None else None,
        "save_form": SaveForm(),
        "restore_form": RestoreForm(choices=checkpoint_choices(client=hanami)),
        **forms,
    }


def _refused(request: HttpRequest, uuid: str, partial: str, **forms: Any) -> HttpResponse:
    """A refused save or restore: its form partial for htmx, else the page with the form."""
    if wants_partial(request):
        context = {"cluster": {"uuid": uuid}, **forms}
        return render(request, f"clusters/detail.html#{partial}", context, status=422)
    hanami = get_hanami(request)
    context = _detail_context(hanami, hanami.clusters.get(uuid), **forms)
    return render(request, "clusters/detail.html", context, status=422)


@require_GET
@login_required
def cluster_detail(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """One cluster: facts, counters, template and picture, tasks, save, restore."""
    hanami = get_hanami(request)
    cluster = hanami.clusters.get(str(cluster_uuid))
    return render(request, "clusters/detail.html", _detail_context(hanami, cluster))


def _save_status(request: HttpRequest, cluster_uuid: str, checkpoint_uuid: str) -> dict[str, Any]:
    state = save_state(
        client=get_hanami(request), cluster_uuid=cluster_uuid, checkpoint_uuid=checkpoint_uuid
    )
    return {"cluster_uuid": cluster_uuid, "checkpoint_uuid": checkpoint_uuid, "state": state}


@require_POST
@login_required
def cluster_save(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Save the cluster's state as a checkpoint (a queued task), then follow it until done."""
    uuid = str(cluster_uuid)
    hanami = get_hanami(request)
    form = SaveForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            checkpoint_uuid = hanami.clusters.save(uuid, name)
        except (BadRequest, NotFound, Conflict) as error:
            form.add_error(None, error.message or "The backend refused to save this cluster.")
        else:
            toast = f"Saving checkpoint “{name}”."
            if not wants_partial(request):
                return htmx_redirect(request, "clusters:detail", uuid, toast=toast)
            saving = {**_save_status(request, uuid, checkpoint_uuid), "name": name}
            context = {
                "cluster": {"uuid": uuid},
                "save_form": SaveForm(),
                "saving": saving,
                # The restore form swaps in too, out of band, to offer the new checkpoint.
                "restore_form": RestoreForm(choices=checkpoint_choices(client=hanami)),
            }
            return with_toast(render(request, "clusters/detail.html#saved", context), toast)
    return _refused(request, uuid, "save", save_form=form)


@require_GET
@login_required
def cluster_save_status(
    request: HttpRequest, cluster_uuid: UUID, checkpoint_uuid: UUID
) -> HttpResponse:
    """Where a save task is: the link to its checkpoint once saved (polled while waiting)."""
    get_hanami(request).clusters.get(str(cluster_uuid))  # not found unless the user sees it
    saving = {
        **_save_status(request, str(cluster_uuid), str(checkpoint_uuid)),
        "name": request.GET.get("name", ""),
    }
    return render(request, "clusters/detail.html#saving", {"saving": saving})


@require_POST
@login_required
def cluster_restore(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Restore a checkpoint into the cluster (a queued task); a refusal shows at the field."""
    uuid = str(cluster_uuid)
    hanami = get_hanami(request)
    choices = checkpoint_choices(client=hanami)
    form = RestoreForm(request.POST, choices=choices)
    if form.is_valid():
        checkpoint_uuid = form.cleaned_data["checkpoint"]
        label = dict(choices)[checkpoint_uuid]
        try:
            hanami.clusters.restore(uuid, checkpoint_uuid)
        except (BadRequest, NotFound, Conflict) as error:
            form.add_error("checkpoint", error.message or "The backend refused this checkpoint.")
        else:
            toast = f"Restoring checkpoint {label} into this cluster."
            if not wants_partial(request):
                return htmx_redirect(request, "clusters:detail", uuid, toast=toast)
            context = {"cluster": {"uuid": uuid}, "restore_form": RestoreForm(choices=choices)}
            return with_toast(render(request, "clusters/detail.html#restore", context), toast)
    return _refused(request, uuid, "restore", restore_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def cluster_delete_page(request: HttpRequest, cluster_uuid: UUID) -> HttpResponse:
    """Ask for confirmation, then delete the cluster with its tasks."""
    hanami = get_hanami(request)
    uuid = str(cluster_uuid)
    cluster = hanami.clusters.get(uuid)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, cluster_delete, client=hanami, uuid=uuid):
        return htmx_redirect(request, "clusters:list", toast=f"Cluster “{cluster.name}” deleted.")
    consequence = (
        f"The cluster {cluster.uuid} of {cluster.owner_id} in project {cluster.project_id} is "
        "removed from the backend with its queued and running tasks; its checkpoints and "
        "result datasets stay. This cannot be undone."
    )
    status = 422 if form.errors else 200
    return render_page(
        request,
        "clusters/delete.html",
        {"cluster": cluster, "form": form, "consequence": consequence},
        partial="confirm",
        status=status,
    )
