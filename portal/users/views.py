"""User pages: list, create, detail with project assignments, assign/unassign, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanami_client import ProjectAssignment
from portal.core.decorators import admin_required
from portal.core.forms import ConfirmForm, send_form
from portal.core.htmx import htmx_redirect, render_page, wants_partial, with_toast
from portal.core.tables import Column, build_table
from portal.hanami import get_hanami
from portal.users.forms import AssignForm, UserCreateForm
from portal.users.selectors import user_assignments


def project_ids_text(assignments: tuple[ProjectAssignment, ...]) -> str:
    """The project ids of a user-list ``projects`` cell, comma-separated."""
    return ", ".join(entry.project_id for entry in assignments)


COLUMNS = [
    Column("id", "Id"),
    Column("name", "Name"),
    Column("is_admin", "Administrator"),
    Column("projects", "Projects", text=project_ids_text),
    Column("creator_id", "Created by"),
    Column("created_at", "Created at (UTC)"),
]


@require_GET
@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    """All users as a table that sorts, filters and pages through the URL."""
    table = build_table(
        request,
        get_hanami(request).users.list(),
        COLUMNS,
        html_id="users-table",
        noun="users",
        row_template="users/list.html#row",
        default_sort="id",
    )
    return render_page(request, "users/list.html", {"table": table}, partial="table")


@sensitive_post_parameters("passphrase", "passphrase_again")
@require_http_methods(["GET", "POST"])
@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    """Create a user; mistakes show next to the fields without a full reload."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = send_form(
            form,
            get_hanami(request).users.create,
            data["user_id"],
            data["name"],
            data["passphrase"],
            is_admin=data["is_admin"],
            conflict_field="user_id",
        )
        if created:
            return htmx_redirect(
                request, "users:detail", data["user_id"], toast=f"User “{data['user_id']}” created."
            )
    status = 422 if form.errors else 200
    return render_page(request, "users/create.html", {"form": form}, partial="form", status=status)


def _detail(
    request: HttpRequest,
    user_id: str,
    *,
    form: AssignForm | None = None,
    unassign_form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The detail page, or its assignments partial for htmx."""
    state = user_assignments(client=get_hanami(request), user_id=user_id)
    context = {
        "backend_user": state.user,
        "form": form or AssignForm(project_ids=state.available),
        "unassign_form": unassign_form,
    }
    return render_page(request, "users/detail.html", context, partial="assignments", status=status)


def _assignments_changed(request: HttpRequest, user_id: str, toast: str) -> HttpResponse:
    """After an assignment changed: the fresh partial with a toast, or back to the page."""
    if wants_partial(request):
        return with_toast(_detail(request, user_id), toast)
    return htmx_redirect(request, "users:detail", user_id, toast=toast)


@require_GET
@admin_required
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    """One user with their project assignments and roles."""
    return _detail(request, user_id)


@require_POST
@admin_required
def user_assign(request: HttpRequest, user_id: str) -> HttpResponse:
    """Assign the user to a project with a role (and maybe as project admin)."""
    hanami = get_hanami(request)
    available = user_assignments(client=hanami, user_id=user_id).available
    form = AssignForm(request.POST, project_ids=available)
    if form.is_valid():
        data = form.cleaned_data
        assigned = send_form(
            form,
            hanami.users.add_project,
            user_id,
            data["project_id"],
            data["role"],
            is_project_admin=data["is_project_admin"],
            conflict_field="project_id",
        )
        if assigned:
            toast = f"Assigned to project “{data['project_id']}” as “{data['role']}”."
            return _assignments_changed(request, user_id, toast)
    return _detail(request, user_id, form=form, status=422)


@require_POST
@admin_required
def user_unassign(request: HttpRequest, user_id: str, project_id: str) -> HttpResponse:
    """Remove the user from a project."""
    form = ConfirmForm(request.POST)
    if form.is_valid() and send_form(
        form, get_hanami(request).users.remove_project, user_id, project_id
    ):
        return _assignments_changed(request, user_id, f"Removed from project “{project_id}”.")
    return _detail(request, user_id, unassign_form=form, status=422)


@require_http_methods(["GET", "POST"])
@admin_required
def user_delete(request: HttpRequest, user_id: str) -> HttpResponse:
    """Ask for confirmation, then delete the user (the backend refuses deleting oneself)."""
    hanami = get_hanami(request)
    user = hanami.users.get(user_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and send_form(form, hanami.users.delete, user_id):
        return htmx_redirect(request, "users:list", toast=f"User “{user_id}” deleted.")
    status = 422 if form.errors else 200
    return render_page(
        request,
        "users/delete.html",
        {"backend_user": user, "form": form},
        partial="confirm",
        status=status,
    )
