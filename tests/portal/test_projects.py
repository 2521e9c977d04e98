"""Project pages against the real embedded backend: list, create, detail, delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import Persona
from tests.portal.conftest import HTMX, sign_in_page, unique_id


def backend_project_ids(client: Client) -> set[str]:
    """The ids the backend lists, read through the portal's own session (the table's rows)."""
    from portal.hanami import new_hanami

    with new_hanami(client.session["hanami"]["token"]) as hanami:
        return {row["id"] for row in hanami.projects.list()}


def create(client: Client, project_id: str, name: str = "Some project", **extra: Any) -> Any:
    return client.post(
        reverse("projects:create"), {"project_id": project_id, "name": name}, **extra
    )


def test_create_project_redirects_to_its_page(admin_web: Client) -> None:
    project_id = unique_id("proj")
    response = create(admin_web, project_id, "My new project")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project_id])
    page = admin_web.get(response["Location"]).content.decode()
    assert "My new project" in page
    assert f"Project “{project_id}” created." in page
    assert project_id in backend_project_ids(admin_web)


def test_create_project_over_htmx_answers_hx_redirect(admin_web: Client) -> None:
    project_id = unique_id("proj")
    response = create(admin_web, project_id, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("projects:detail", args=[project_id])


@pytest.mark.parametrize(
    ("project_id", "name", "message"),
    [
        ("", "Valid name", "This field is required."),
        ("abc", "Valid name", "Too short: use at least 4 characters"),
        ("a" * 255, "Valid name", "Too long: use at most 254 characters"),
        ("1project", "Valid name", "Not allowed here"),
        ("bad-id-here", "Valid name", "Not allowed here"),
        ("goodid", "", "This field is required."),
        ("goodid", "9 starts with digit", "Not allowed here"),
        ("goodid", "semi;colon", "Not allowed here"),
    ],
)
def test_bad_project_input_is_shown_inline_and_changes_nothing(
    admin_web: Client, project_id: str, name: str, message: str
) -> None:
    before = backend_project_ids(admin_web)
    response = create(admin_web, project_id, name, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert html.lstrip().startswith('<form id="project-form"')
    assert "<html" not in html
    assert backend_project_ids(admin_web) == before


def test_duplicate_project_id_gets_the_backend_message_on_the_field(admin_web: Client) -> None:
    project_id = unique_id("proj")
    assert create(admin_web, project_id, "First").status_code == 302
    response = create(admin_web, project_id, "Second", **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"Project with id &#x27;{project_id}&#x27; already exist." in html
    assert 'id="id_project_id_error"' in html


def test_project_list_is_a_table_with_every_project(admin_web: Client, member: Persona) -> None:
    response = admin_web.get(reverse("projects:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table>" in html
    assert 'href="/projects/alphaproj/"' in html
    assert 'role="search"' in html
    assert 'hx-push-url="true"' in html


def test_project_list_htmx_request_gets_only_the_table(admin_web: Client, member: Persona) -> None:
    response = admin_web.get(reverse("projects:list"), {"q": "alphaproj"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="projects-table"')
    assert "<html" not in html
    assert "alphaproj" in html


def test_boosted_or_history_requests_get_the_whole_page(admin_web: Client) -> None:
    boosted = admin_web.get(reverse("projects:list"), HTTP_HX_BOOSTED="true", **HTMX)
    restore = admin_web.get(
        reverse("projects:list"), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in boosted.content.decode()
    assert "<html" in restore.content.decode()


@pytest.fixture
def many_projects(settings: Any, db: None, fresh_backend: Backend) -> Client:
    """An admin session on a backend of its own holding 25 projects (p00..p24 reversed names)."""
    from hanami_client import HanamiClient

    settings.HANAMI_ADDRESS = fresh_backend.address
    with HanamiClient(fresh_backend.address) as hanami:
        hanami.login(ADMIN_ID, ADMIN_PASSPHRASE)
        for number in range(25):
            hanami.projects.create(f"proj{number:02d}", f"Name {24 - number:02d}")
    browser = Client()
    assert sign_in_page(browser, ADMIN_ID, ADMIN_PASSPHRASE).status_code == 302
    return browser


def row_ids(html: str) -> list[str]:
    import re

    return re.findall(r'<th scope="row"><a href="/projects/(\w+)/">', html)


def test_table_pages_twenty_rows_at_a_time(many_projects: Client) -> None:
    first = many_projects.get("/projects/", **HTMX).content.decode()
    second = many_projects.get("/projects/?page=2", **HTMX).content.decode()
    assert row_ids(first) == [f"proj{n:02d}" for n in range(20)]
    assert row_ids(second) == [f"proj{n:02d}" for n in range(20, 25)]
    assert "Page 1 of 2" in first
    assert 'href="/projects/?sort=id&amp;page=2"' in first


def test_table_sorts_by_a_column_both_ways(many_projects: Client) -> None:
    by_name = many_projects.get("/projects/?sort=name", **HTMX).content.decode()
    assert row_ids(by_name)[:3] == ["proj24", "proj23", "proj22"]
    assert 'aria-sort="ascending"' in by_name
    backwards = many_projects.get("/projects/?sort=-id", **HTMX).content.decode()
    assert row_ids(backwards)[:2] == ["proj24", "proj23"]
    assert 'aria-sort="descending"' in backwards


def test_table_filters_by_text_and_keeps_the_filter_in_links(many_projects: Client) -> None:
    html = many_projects.get("/projects/?q=Name 0&sort=-name", **HTMX).content.decode()
    assert row_ids(html) == [f"proj{n:02d}" for n in range(15, 25)]
    assert "10 of 25 projects match" in html
    assert 'href="/projects/?q=Name+0&amp;sort=name"' in html


def test_table_ignores_an_unknown_sort_column_and_a_bad_page(many_projects: Client) -> None:
    html = many_projects.get("/projects/?sort=password&page=abc", **HTMX).content.decode()
    assert row_ids(html)[0] == "proj00"


def test_project_detail_shows_the_project_and_its_members(
    admin_web: Client, member: Persona
) -> None:
    html = admin_web.get(reverse("projects:detail", args=["alphaproj"])).content.decode()
    assert "Project “alphaproj”" in html
    assert 'href="/users/memberuser/"' in html


def test_unknown_project_gives_the_404_page_with_the_backend_message(admin_web: Client) -> None:
    response = admin_web.get(reverse("projects:detail", args=["nosuchproject"]))
    assert response.status_code == 404
    assert "Project with id &#x27;nosuchproject&#x27; not found" in response.content.decode()


def test_delete_asks_for_confirmation_first(admin_web: Client) -> None:
    project_id = unique_id("proj")
    create(admin_web, project_id)
    page = admin_web.get(reverse("projects:delete", args=[project_id]))
    assert page.status_code == 200
    assert f"Delete project “{project_id}”?" in page.content.decode()
    assert project_id in backend_project_ids(admin_web)


def test_confirmed_delete_removes_the_project(admin_web: Client) -> None:
    project_id = unique_id("proj")
    create(admin_web, project_id)
    response = admin_web.post(reverse("projects:delete", args=[project_id]), **HTMX)
    assert response["HX-Redirect"] == reverse("projects:list")
    assert project_id not in backend_project_ids(admin_web)
    listing = admin_web.get(reverse("projects:list")).content.decode()
    assert f"Project “{project_id}” deleted." in listing


def test_project_names_are_escaped(admin_web: Client, backend_address: str) -> None:
    # The backend's rules forbid markup in names, so escaping is checked on the filter echo.
    html = admin_web.get("/projects/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
