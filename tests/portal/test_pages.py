"""Pages that belong to no resource: dashboard, health check, error pages, the layout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from django.test import Client

from tests.conftest import Persona
from tests.portal.conftest import HTMX


def test_healthz_answers_ok_without_signing_in(web: str) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_dashboard_shows_user_project_and_role(member_web: Client, member: Persona) -> None:
    html = member_web.get("/").content.decode()
    assert "Welcome, User memberuser" in html
    assert "<dd>alphaproj</dd>" in html
    assert "<dd>member</dd>" in html
    assert 'action="/accounts/logout/"' in html
    assert 'action="/accounts/project/"' in html


def test_layout_has_a_project_switcher_with_a_label(admin_web: Client) -> None:
    html = admin_web.get("/").content.decode()
    assert '<label for="project-switch">Current project</label>' in html
    assert '<option value="admin" selected>admin</option>' in html


def test_unknown_address_gives_the_404_page(admin_web: Client) -> None:
    response = admin_web.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is no page at this address." in response.content.decode()


def test_wrong_method_is_refused(admin_web: Client) -> None:
    assert admin_web.post("/").status_code == 405
    assert admin_web.delete("/projects/").status_code == 405


def test_messages_area_is_a_polite_live_region(web: str) -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert 'id="toasts" class="toasts" role="status" aria-live="polite"' in html


def test_signed_in_user_visiting_sign_in_goes_on(admin_web: Client) -> None:
    response = admin_web.get("/accounts/login/?next=/users/")
    assert response.status_code == 302
    assert response["Location"] == "/users/"


FAULTY = "http://faulty-backend.invalid:11418"


@pytest.fixture
def faulty_backend(admin_web: Client, settings: Any) -> Iterator[responses.RequestsMock]:
    """The signed-in admin's portal now talks to a backend that breaks (faked at the HTTP level)."""
    settings.HANAMI_ADDRESS = FAULTY
    with responses.RequestsMock() as mock:
        yield mock


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, ""), (200, "this is not json"), (200, '{"header": ["id"], "body": "nope"}')],
)
def test_broken_backend_reply_gives_a_clear_502_page(
    admin_web: Client, faulty_backend: responses.RequestsMock, status: int, body: str
) -> None:
    faulty_backend.get(f"{FAULTY}/v1.0alpha/project/all", status=status, body=body)
    response = admin_web.get("/projects/")
    assert response.status_code == 502
    html = response.content.decode()
    assert "The backend failed to answer properly." in html
    assert "Traceback" not in html
    assert "hanami" in admin_web.session


def test_broken_backend_reply_on_htmx_gives_an_error_toast(
    admin_web: Client, faulty_backend: responses.RequestsMock
) -> None:
    faulty_backend.get(f"{FAULTY}/v1.0alpha/project/all", status=500, body="")
    response = admin_web.get("/projects/?q=a", **HTMX)
    assert response.status_code == 502
    assert response["HX-Reswap"] == "none"
    assert "The backend failed to answer properly." in response["HX-Trigger"]


def test_server_error_page_renders_without_any_context(rf: Any) -> None:
    from portal.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Traceback" not in html
