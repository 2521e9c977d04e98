"""Sign in, sign out and switch project: the token lives only in the server-side session."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hanami_client import BadRequest, TokenInfo, Unauthorized
from portal.accounts.forms import ProjectSwitchForm, SignInForm
from portal.core.decorators import login_required
from portal.core.session import (
    end_session,
    hanami_session,
    remember_projects,
    start_session,
    store_token,
)
from portal.hanami import get_hanami


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it points into this site, else the dashboard."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _projects_for(request: HttpRequest, info: TokenInfo) -> list[str]:
    """Projects a freshly signed-in user may switch to (only admins may ask the backend)."""
    if not info.is_admin:
        return []
    own = get_hanami(request).users.get(info.id)
    return [info.project_id, *(assignment.project_id for assignment in own.projects)]


@sensitive_post_parameters("passphrase")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The sign-in page: user id and passphrase go to the backend's POST /token."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if hanami_session(request) is not None:
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["user_id"],
            password=form.cleaned_data["passphrase"],
        )
        if user is not None:
            info: TokenInfo = request.hanami_token
            start_session(request, user, info)
            remember_projects(request, _projects_for(request, info))
            return redirect(next_url)
        form.add_error(None, getattr(request, "hanami_login_error", "Sign-in was refused."))
    status = 422 if form.errors else 200
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out: the session, and the token in it, are gone."""
    end_session(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@login_required
def project_switch(request: HttpRequest) -> HttpResponse:
    """Renew the token for another project (PUT /token) and go back to where the user was."""
    initial = {"project_id": hanami_session(request)["project_id"]}
    form = ProjectSwitchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            info = get_hanami(request).renew_token(form.cleaned_data["project_id"])
        except (Unauthorized, BadRequest) as error:
            # Here a 401 means "not assigned to that project", not an expired session.
            form.add_error("project_id", error.message or "You cannot switch to this project.")
        else:
            store_token(request, info)
            messages.success(request, f"You are now working in project “{info.project_id}”.")
            return redirect(safe_next(request, form.cleaned_data["next"]))
    status = 422 if form.errors else 200
    return render(request, "accounts/project.html", {"form": form}, status=status)
