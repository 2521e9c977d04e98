"""Signing in and out against the real embedded backend; the token stays in the server session."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanami_client import HanamiClient
from portal.core.errors import EXPIRED_MESSAGE
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, free_port
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page


def backend_token(client: Client) -> str:
    return client.session["hanami"]["token"]


def test_sign_in_page_asks_for_user_id_and_passphrase(web: str) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_user_id">User id</label>' in html
    assert '<label for="id_passphrase">Passphrase</label>' in html
    assert 'type="password"' in html


def test_admin_signs_in_and_lands_on_the_dashboard(web: str, admin: Persona) -> None:
    client = Client()
    response = sign_in_page(client, admin.user_id, admin.passphrase)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Welcome, asdf" in page
    assert ">admin</dd>" in page


def test_session_holds_the_backend_context(admin_web: Client, admin: Persona) -> None:
    context = admin_web.session["hanami"]
    assert context["user_id"] == admin.user_id
    assert context["is_admin"] is True
    assert context["project_id"] == "admin"
    assert context["role"] == "admin"
    assert context["expires_at"] > time.time()
    assert context["token"].count(".") == 2


def test_shadow_user_is_created_without_a_usable_password(admin_web: Client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="asdf")
    assert user.is_staff is True
    assert not user.has_usable_password()


def test_token_never_reaches_a_page_or_a_cookie(admin_web: Client) -> None:
    token = backend_token(admin_web)
    pages = [
        reverse("dashboard"),
        reverse("projects:list"),
        reverse("projects:create"),
        reverse("users:list"),
        reverse("users:create"),
        reverse("users:detail", args=["asdf"]),
        reverse("accounts:project"),
    ]
    for path in pages:
        response = admin_web.get(path)
        assert response.status_code == 200, path
        assert token not in response.content.decode(), path
        for name, value in response.headers.items():
            assert token not in value, (path, name)
    for morsel in admin_web.cookies.values():
        assert token not in morsel.value
        assert token[:20] not in morsel.value


def test_wrong_passphrase_shows_the_backend_message_and_signs_nobody_in(
    web: str, member: Persona
) -> None:
    client = Client()
    response = sign_in_page(client, member.user_id, "not-the-passphrase")
    assert response.status_code == 422
    assert "User or passphrase is incorrect." in response.content.decode()
    assert "hanami" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_unknown_user_gets_the_same_message(web: str) -> None:
    response = sign_in_page(Client(), "nosuchuser", "whatever")
    assert response.status_code == 422
    assert "User or passphrase is incorrect." in response.content.decode()


@pytest.mark.parametrize(
    ("user_id", "passphrase", "message"),
    [
        ("", "asdfasdf", "This field is required."),
        ("abc", "asdfasdf", "Too short"),
        ("9lives", "asdfasdf", "Not allowed here"),
        ("asdf", "", "This field is required."),
        ("asdf", "abc", "at least 4 characters"),
    ],
)
def test_malformed_sign_in_is_refused_before_the_backend(
    web: str, user_id: str, passphrase: str, message: str
) -> None:
    response = sign_in_page(Client(), user_id, passphrase)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_sign_in_returns_to_next(web: str, admin: Persona) -> None:
    response = sign_in_page(Client(), admin.user_id, admin.passphrase, next_url="/users/")
    assert response["Location"] == "/users/"


def test_sign_in_ignores_a_next_on_another_site(web: str, admin: Persona) -> None:
    response = sign_in_page(
        Client(), admin.user_id, admin.passphrase, next_url="https://evil.example/"
    )
    assert response["Location"] == reverse("dashboard")


def test_pages_send_anonymous_visitors_to_sign_in_with_next(web: str) -> None:
    response = Client().get("/users/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fusers%2F%3Fq%3Dx"


def test_sign_out_forgets_the_token(admin_web: Client) -> None:
    response = admin_web.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "hanami" not in admin_web.session
    assert admin_web.get(reverse("dashboard")).status_code == 302


def test_sign_out_needs_a_post(admin_web: Client) -> None:
    assert admin_web.get(reverse("accounts:logout")).status_code == 405
    assert "hanami" in admin_web.session


def expire(client: Client) -> None:
    session = client.session
    session["hanami"] = {**session["hanami"], "expires_at": int(time.time()) - 5}
    session.save()


def test_expired_token_sends_back_to_sign_in_with_next_and_a_message(admin_web: Client) -> None:
    expire(admin_web)
    response = admin_web.get("/projects/?sort=name")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fprojects%2F%3Fsort%3Dname"
    assert "hanami" not in admin_web.session
    page = admin_web.get(response["Location"]).content.decode()
    assert EXPIRED_MESSAGE in page


def test_expired_token_on_an_htmx_request_redirects_the_whole_page(admin_web: Client) -> None:
    expire(admin_web)
    response = admin_web.get(
        "/projects/?page=2", HTTP_HX_CURRENT_URL="http://testserver/projects/?q=a", **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fprojects%2F%3Fq%3Da"


def test_token_refused_by_the_backend_signs_out_and_comes_back_afterwards(
    admin_web: Client, admin: Persona
) -> None:
    session = admin_web.session
    session["hanami"] = {**session["hanami"], "token": "not.a.token"}
    session.save()
    response = admin_web.get("/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fusers%2F"
    assert EXPIRED_MESSAGE in admin_web.get(response["Location"]).content.decode()
    again = sign_in_page(admin_web, admin.user_id, admin.passphrase, next_url="/users/")
    assert again["Location"] == "/users/"


def test_backend_down_gives_a_clear_503_page(admin_web: Client, settings: Any) -> None:
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = admin_web.get("/projects/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "The backend is unavailable" in html
    assert "Traceback" not in html
    assert "hanami" in admin_web.session


def test_backend_down_on_an_htmx_request_gives_a_toast(admin_web: Client, settings: Any) -> None:
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = admin_web.get("/projects/?q=x", **HTMX)
    assert response.status_code == 503
    assert response["HX-Reswap"] == "none"
    assert '"toast"' in response["HX-Trigger"]
    assert "cannot be reached" in response["HX-Trigger"]


def test_sign_in_while_the_backend_is_down_gives_the_503_page(
    settings: Any, db: None, admin: Persona
) -> None:
    settings.HANAMI_ADDRESS = f"http://127.0.0.1:{free_port()}"
    response = sign_in_page(Client(), admin.user_id, admin.passphrase)
    assert response.status_code == 503
    assert "The backend is unavailable" in response.content.decode()


def test_five_wrong_passphrases_lock_the_user_id_for_fifteen_minutes(
    web: str, outsider: Persona
) -> None:
    client = Client()
    for _ in range(4):
        assert sign_in_page(client, outsider.user_id, "wrong-pass").status_code == 422
    locked = sign_in_page(client, outsider.user_id, "wrong-pass")
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    right = sign_in_page(client, outsider.user_id, outsider.passphrase)
    assert right.status_code == 429
    assert "hanami" not in client.session


def test_lockout_is_per_user_id(web: str, outsider: Persona, admin: Persona) -> None:
    client = Client()
    for _ in range(5):
        sign_in_page(client, outsider.user_id, "wrong-pass")
    assert sign_in_page(client, admin.user_id, admin.passphrase).status_code == 302


def test_member_switches_into_an_assigned_project_only(member_web: Client) -> None:
    response = member_web.post(reverse("accounts:project"), {"project_id": "betaproj", "next": "/"})
    assert response.status_code == 422
    assert "is not assigned to the project" in response.content.decode()
    assert member_web.session["hanami"]["project_id"] == "alphaproj"


def test_admin_switch_renews_the_token(settings: Any, db: None, fresh_backend: Backend) -> None:
    settings.HANAMI_ADDRESS = fresh_backend.address
    with HanamiClient(fresh_backend.address) as client:
        client.login(ADMIN_ID, ADMIN_PASSPHRASE)
        client.projects.create("switchproj", "Switch target")
        client.users.add_project(ADMIN_ID, "switchproj", "admin")
    browser = Client()
    assert sign_in_page(browser, ADMIN_ID, ADMIN_PASSPHRASE).status_code == 302
    assert browser.session["hanami_projects"] == ["admin", "switchproj"]
    before = browser.session["hanami"]["token"]
    response = browser.post(
        reverse("accounts:project"), {"project_id": "switchproj", "next": "/users/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/users/"
    context = browser.session["hanami"]
    assert context["project_id"] == "switchproj"
    assert context["role"] == "admin"
    assert context["token"] != before
    assert browser.get("/users/").status_code == 200
