"""The first slice in a real browser: an admin sets up a project and a user, who then signs in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE

pytestmark = pytest.mark.browser

PROJECT_ID = "browserproj"
USER_ID = "browseruser"
USER_NAME = "Browser user"
USER_PASSPHRASE = "browser-passphrase"
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def sign_in(page: Page, user_id: str, passphrase: str) -> None:
    """Fill in the sign-in page and submit it."""
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("User id").fill(user_id)
    page.get_by_label("Passphrase").fill(passphrase)
    page.get_by_role("button", name="Sign in").click()


def test_admin_sets_up_a_member_who_cannot_open_admin_pages(page: Page, screenshots: Path) -> None:
    step = iter(range(1, 100))

    def snap(name: str) -> None:
        page.screenshot(path=screenshots / f"{next(step):02d}-{name}.png", full_page=True)

    page.goto("/")
    snap("sign-in")
    sign_in(page, ADMIN_ID, ADMIN_PASSPHRASE)
    expect(page.get_by_role("heading", name=f"Welcome, {ADMIN_ID}")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Resources")
    snap("admin-dashboard")

    navigation.get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Project id").fill(PROJECT_ID)
    page.get_by_label("Name").fill("Browser project")
    snap("project-form")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name=f"Project “{PROJECT_ID}”")).to_be_visible()
    snap("project-created")

    navigation.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="New user").click()
    page.get_by_label("User id").fill(USER_ID)
    page.get_by_label("Name").fill(USER_NAME)
    page.get_by_label(re.compile(r"^Passphrase:?$")).fill(USER_PASSPHRASE)
    page.get_by_label("Passphrase again").fill(USER_PASSPHRASE)
    snap("user-form")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name=f"User “{USER_ID}”")).to_be_visible()
    snap("user-created")

    assign = page.get_by_role("form", name="Assign to a project")
    assign.get_by_label(re.compile(r"^Project:?$")).select_option(PROJECT_ID)
    assign.get_by_label("Role").fill("member")
    assign.get_by_role("button", name="Assign").click()
    assignments = page.get_by_role("region", name="Projects and roles")
    expect(assignments.get_by_role("row", name=re.compile(PROJECT_ID))).to_contain_text("member")
    snap("user-assigned")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, USER_ID, USER_PASSPHRASE)
    expect(page.get_by_role("heading", name=f"Welcome, {USER_NAME}")).to_be_visible()
    expect(navigation.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(navigation.get_by_role("link", name="Projects")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Users")).to_have_count(0)
    snap("member-dashboard")

    for path in ("/projects/", "/users/", f"/users/{USER_ID}/"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    snap("member-refused")

    page.goto("/")
    readable = page.evaluate(
        "() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage),"
        " document.documentElement.outerHTML].join('\\n')"
    )
    cookies = "\n".join(cookie["value"] for cookie in page.context.cookies())
    assert USER_NAME in readable
    assert not JWT.search(readable)
    assert not JWT.search(cookies)
