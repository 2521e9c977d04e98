"""Security of the pages: admin-only pages, CSRF, Content Security Policy, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.backend import free_port
from tests.conftest import Persona
from tests.portal.conftest import HTMX

ADMIN_PAGES = [
    ("get", "/projects/"),
    ("get", "/projects/new/"),
    ("post", "/projects/new/"),
    ("get", "/projects/alphaproj/"),
    ("get", "/projects/alphaproj/delete/"),
    ("post", "/projects/alphaproj/delete/"),
    ("get", "/users/"),
    ("get", "/users/new/"),
    ("post", "/users/new/"),
    ("get", "/users/memberuser/"),
    ("get", "/users/memberuser/delete/"),
    ("post", "/users/memberuser/delete/"),
    ("post", "/users/memberuser/projects/"),
    ("post", "/users/memberuser/projects/alphaproj/remove/"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_member_gets_403_on_every_admin_page(
    member_web: Client, settings: Any, method: str, path: str
) -> None:
    # Nothing listens here: a request that reached the backend would answer 503 instead.
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = getattr(member_web, method)(path)
    assert response.status_code == 403
    assert "Only administrators of the backend can manage users and projects." in (
        response.content.decode()
    )


def test_member_cannot_open_user_list_over_htmx_either(member_web: Client) -> None:
    response = member_web.get("/users/", **HTMX)
    assert response.status_code == 403
    assert response["HX-Reswap"] == "none"
    assert "Only administrators" in response["HX-Trigger"]


def test_member_sees_no_admin_navigation(member_web: Client) -> None:
    html = member_web.get("/").content.decode()
    assert 'href="/projects/"' not in html
    assert 'href="/users/"' not in html
    assert "alphaproj" in html


def test_admin_sees_projects_and_users_in_the_navigation(admin_web: Client) -> None:
    nav = re.search(r'<nav class="site-nav".*?</nav>', admin_web.get("/").content.decode(), re.S)
    assert nav is not None
    assert 'href="/projects/"' in nav.group(0)
    assert 'href="/users/"' in nav.group(0)


def test_admin_outside_the_admin_role_is_told_to_switch(admin_web: Client) -> None:
    session = admin_web.session
    session["hanami"] = {**session["hanami"], "project_id": "alphaproj", "role": "member"}
    session.save()
    response = admin_web.get("/users/")
    assert response.status_code == 403
    assert "Switch to the project “admin”" in response.content.decode()


def test_post_without_csrf_token_is_refused(web: str, admin: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"user_id": admin.user_id, "passphrase": admin.passphrase}
    )
    assert response.status_code == 403
    assert "Reload the page and try again" in response.content.decode()
    assert "hanami" not in client.session


def test_signed_in_post_without_csrf_token_is_refused(web: str, admin: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    form = {"user_id": admin.user_id, "passphrase": admin.passphrase}
    assert (
        client.post(reverse("accounts:login"), {**form, "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    refused = client.post(reverse("projects:create"), {"project_id": "csrfproj", "name": "Nope"})
    assert refused.status_code == 403
    signed_out = client.post(reverse("accounts:logout"))
    assert signed_out.status_code == 403
    assert "hanami" in client.session


def test_script_asking_for_json_gets_a_json_csrf_refusal(web: str, admin: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"),
        {"user_id": admin.user_id, "passphrase": admin.passphrase},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "Reload the page and try again" in response.json()["detail"]


def test_htmx_header_carries_the_csrf_token(web: str, admin: Persona) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login")).content.decode()
    header = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page)
    assert header is not None
    form = {"user_id": admin.user_id, "passphrase": admin.passphrase}
    response = client.post(reverse("accounts:login"), form, HTTP_X_CSRFTOKEN=header.group(1))
    assert response.status_code == 302


def test_content_security_policy_forbids_inline_and_eval(web: str) -> None:
    response = Client().get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    directives = {
        name: value
        for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))
    }
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    # The portal's own websockets only ('self' covers ws:// and wss:// of the same host).
    assert directives["connect-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_have_no_inline_script_or_style(admin_web: Client) -> None:
    for path in [
        "/",
        "/projects/",
        "/projects/new/",
        "/users/",
        "/users/asdf/",
        "/accounts/project/",
    ]:
        html = admin_web.get(path).content.decode()
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, path
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert re.search(r"\son[a-z]+=", html) is None, path
        assert "hx-on" not in html, path


def test_layout_loads_htmx_from_django_htmx_and_configures_it_for_csp(admin_web: Client) -> None:
    html = admin_web.get("/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)
    assert '"allowEval":false' in html
    assert '"allowScriptTags":false' in html
    assert '"includeIndicatorStyles":false' in html
    assert '<script src="/static/js/portal.js" defer>' in html
    assert 'aria-live="polite"' in html


def test_security_headers_are_set(web: str) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_lax(admin_web: Client) -> None:
    cookie = admin_web.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
