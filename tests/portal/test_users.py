"""User pages against the real embedded backend: list, create, detail, assign, unassign, delete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanami_client import HanamiClient, User
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id


@pytest.fixture
def hanami(backend_address: str, admin: Persona) -> Iterator[HanamiClient]:
    """A direct admin client, to look at what the backend holds (and to prepare data)."""
    client = HanamiClient(backend_address, admin.token)
    yield client
    client.close()


def user_ids(hanami: HanamiClient) -> set[str]:
    return {row["id"] for row in hanami.users.list()}


def create_form(user_id: str, **changes: Any) -> dict[str, Any]:
    form = {
        "user_id": user_id,
        "name": "Test person",
        "passphrase": "secret-pass",
        "passphrase_again": "secret-pass",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_create_user_then_see_their_page(admin_web: Client, hanami: HanamiClient) -> None:
    user_id = unique_id("user")
    response = admin_web.post(reverse("users:create"), create_form(user_id, is_admin="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("users:detail", args=[user_id])
    created = hanami.users.get(user_id)
    assert created.name == "Test person"
    assert created.is_admin is True
    page = admin_web.get(response["Location"]).content.decode()
    assert f"User “{user_id}” created." in page


def test_created_user_signs_in_with_the_passphrase_given_twice(
    admin_web: Client, hanami: HanamiClient
) -> None:
    user_id = unique_id("user")
    admin_web.post(reverse("users:create"), create_form(user_id, is_admin="on"))
    assert sign_in_page(Client(), user_id, "secret-pass").status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"user_id": ""}, "This field is required."),
        ({"user_id": "abc"}, "Too short"),
        ({"user_id": "u" * 255}, "Too long"),
        ({"user_id": "user name"}, "Not allowed here"),
        ({"user_id": "_leading"}, "Not allowed here"),
        ({"name": ""}, "This field is required."),
        ({"name": "Bob!"}, "Not allowed here"),
        ({"name": "Bob"}, "Too short"),
        ({"passphrase_again": "other-pass"}, "The two passphrases do not match."),
        ({"passphrase": "abc", "passphrase_again": "abc"}, "Too short: use at least 4"),
        ({"passphrase": "", "passphrase_again": ""}, "This field is required."),
    ],
)
def test_bad_user_input_is_shown_inline_and_changes_nothing(
    admin_web: Client, hanami: HanamiClient, changes: dict[str, Any], message: str
) -> None:
    before = user_ids(hanami)
    user_id = changes.pop("user_id", unique_id("user"))
    response = admin_web.post(reverse("users:create"), create_form(user_id, **changes), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert html.lstrip().startswith('<form id="user-form"')
    assert user_ids(hanami) == before


def test_passphrases_are_never_sent_back_in_the_form(admin_web: Client) -> None:
    form = create_form("abc", passphrase="topsecret1", passphrase_again="topsecret1")
    html = admin_web.post(reverse("users:create"), form).content.decode()
    assert "topsecret1" not in html


def test_duplicate_user_id_gets_the_backend_message(admin_web: Client, member: Persona) -> None:
    response = admin_web.post(reverse("users:create"), create_form(member.user_id), **HTMX)
    assert response.status_code == 422
    assert "User with id &#x27;memberuser&#x27; already exist." in response.content.decode()


def test_user_list_shows_users_with_their_projects(admin_web: Client, member: Persona) -> None:
    html = admin_web.get(reverse("users:list")).content.decode()
    assert 'href="/users/memberuser/"' in html
    assert '<span class="tag">alphaproj</span>' in html


def test_user_list_filters_by_project_over_htmx(
    admin_web: Client, member: Persona, outsider: Persona
) -> None:
    response = admin_web.get(reverse("users:list"), {"q": "betaproj"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="users-table"')
    assert 'href="/users/outsideruser/"' in html
    assert 'href="/users/memberuser/"' not in html


def test_user_detail_lists_assignments_and_roles(admin_web: Client, member: Persona) -> None:
    html = admin_web.get(reverse("users:detail", args=[member.user_id])).content.decode()
    assert 'href="/projects/alphaproj/"' in html
    assert "<td>member</td>" in html
    assert "Assign to a project" in html


@pytest.fixture
def lone_user(admin_web: Client, hanami: HanamiClient) -> User:
    """A user without projects, and a project they are not in."""
    user_id, project_id = unique_id("user"), unique_id("proj")
    hanami.projects.create(project_id, "Assignment target")
    return hanami.users.create(user_id, "Lone user", "lone-pass")


def project_for(hanami: HanamiClient, user: User) -> str:
    assigned = {entry.project_id for entry in hanami.users.get(user.id).projects}
    return next(row["id"] for row in hanami.projects.list() if row["id"] not in assigned)


def test_assign_over_htmx_updates_the_assignments_and_toasts(
    admin_web: Client, hanami: HanamiClient, lone_user: User
) -> None:
    project_id = project_for(hanami, lone_user)
    response = admin_web.post(
        reverse("users:assign", args=[lone_user.id]),
        {"project_id": project_id, "role": "reader", "is_project_admin": "on"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="assignments"')
    assert "<td>reader</td>" in html
    assert "Assigned to project" in response["HX-Trigger"]
    entry = next(e for e in hanami.users.get(lone_user.id).projects if e.project_id == project_id)
    assert (entry.role, entry.is_project_admin) == ("reader", True)


def test_assign_without_htmx_comes_back_to_the_page(
    admin_web: Client, hanami: HanamiClient, lone_user: User
) -> None:
    project_id = project_for(hanami, lone_user)
    response = admin_web.post(
        reverse("users:assign", args=[lone_user.id]), {"project_id": project_id, "role": "member"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("users:detail", args=[lone_user.id])


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"project_id": "nosuchproject", "role": "member"}, "Select a valid choice."),
        ({"role": "bad role"}, "Not allowed here"),
        ({"role": "abc"}, "Too short"),
    ],
)
def test_bad_assignment_is_shown_inline_and_changes_nothing(
    admin_web: Client, hanami: HanamiClient, lone_user: User, form: dict[str, str], message: str
) -> None:
    form = {"project_id": project_for(hanami, lone_user), **form}
    response = admin_web.post(reverse("users:assign", args=[lone_user.id]), form, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert hanami.users.get(lone_user.id).projects == ()


def test_unassign_removes_the_project(
    admin_web: Client, hanami: HanamiClient, lone_user: User
) -> None:
    project_id = project_for(hanami, lone_user)
    hanami.users.add_project(lone_user.id, project_id, "member")
    url = reverse("users:unassign", args=[lone_user.id, project_id])
    response = admin_web.post(url, **HTMX)
    assert response.status_code == 200
    assert "Removed from project" in response["HX-Trigger"]
    assert hanami.users.get(lone_user.id).projects == ()


def test_unassigning_a_project_not_assigned_shows_the_backend_message(
    admin_web: Client, lone_user: User
) -> None:
    url = reverse("users:unassign", args=[lone_user.id, "alphaproj"])
    response = admin_web.post(url, **HTMX)
    assert response.status_code == 422
    assert "is not assigned to user with id" in response.content.decode()


def test_delete_user_after_confirmation(admin_web: Client, hanami: HanamiClient) -> None:
    user_id = unique_id("user")
    hanami.users.create(user_id, "Short lived", "gone-pass")
    confirm = admin_web.get(reverse("users:delete", args=[user_id])).content.decode()
    assert f"Delete user “{user_id}”?" in confirm
    response = admin_web.post(reverse("users:delete", args=[user_id]))
    assert response.status_code == 302
    assert user_id not in user_ids(hanami)


def test_deleting_oneself_gets_the_backend_409_message_and_changes_nothing(
    admin_web: Client, hanami: HanamiClient
) -> None:
    response = admin_web.post(reverse("users:delete", args=["asdf"]), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="confirm-delete"')
    assert "tries to delete himself, which is not allowed." in html
    assert "asdf" in user_ids(hanami)
