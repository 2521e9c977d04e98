"""Users and project assignments: every operation's success and failures against the backend."""

from __future__ import annotations

import pytest

from hanami_client import (
    BadRequest,
    Conflict,
    HanamiClient,
    NotFound,
    ProjectAssignment,
    Unauthorized,
    User,
)
from tests.conftest import Persona
from tests.hanami_client.support import fresh_id


@pytest.fixture
def project_id(admin_client: HanamiClient) -> str:
    return admin_client.projects.create(fresh_id("proj"), "Users Test Project").id


def test_create_returns_the_new_user_without_projects(admin_client: HanamiClient) -> None:
    user_id = fresh_id("user")

    user = admin_client.users.create(user_id, "Tsugumi Hazawa", "new password")

    assert isinstance(user, User)
    assert (user.id, user.name, user.is_admin, user.creator_id) == (
        user_id,
        "Tsugumi Hazawa",
        False,
        "asdf",
    )
    assert user.projects == ()


def test_create_an_admin(admin_client: HanamiClient, backend_address: str) -> None:
    user_id = fresh_id("boss")

    assert admin_client.users.create(user_id, "Second Admin", "boss-pass", is_admin=True).is_admin

    with HanamiClient(backend_address) as client:
        assert client.login(user_id, "boss-pass").project_id == "admin"


def test_a_user_id_with_at_sign_travels_unencoded(admin_client: HanamiClient) -> None:
    user_id = fresh_id("ann") + "@lab"
    admin_client.users.create(user_id, "Ann at the Lab", "ann-pass")

    assert admin_client.users.get(user_id).id == user_id
    admin_client.users.delete(user_id)


def test_get_returns_what_create_stored(admin_client: HanamiClient) -> None:
    created = admin_client.users.create(fresh_id("user"), "Stored User", "stored-pass")

    assert admin_client.users.get(created.id) == created


def test_list_rows_have_typed_cells(admin_client: HanamiClient, project_id: str) -> None:
    user_id = fresh_id("user")
    admin_client.users.create(user_id, "Listed User", "listed-pass")
    admin_client.users.add_project(user_id, project_id, "member", is_project_admin=True)

    table = admin_client.users.list()

    assert table.header == ("created_at", "id", "name", "creator_id", "projects", "is_admin")
    row = next(row for row in table if row["id"] == user_id)
    assert row["name"] == "Listed User"
    assert row["is_admin"] is False
    assert row["projects"] == (ProjectAssignment(project_id, "member", True),)
    bootstrap = next(row for row in table if row["id"] == "asdf")
    assert (bootstrap["creator_id"], bootstrap["is_admin"]) == ("HANAMI_INIT", True)


def test_delete_removes_the_user(admin_client: HanamiClient) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Doomed User", "doomed-pass").id

    assert admin_client.users.delete(user_id) is None

    with pytest.raises(NotFound):
        admin_client.users.get(user_id)


def test_creating_a_user_twice_is_a_conflict(admin_client: HanamiClient) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Twin User", "twin-pass").id

    with pytest.raises(Conflict) as caught:
        admin_client.users.create(user_id, "Twin User", "twin-pass")

    assert caught.value.status == 409
    assert caught.value.message == f"User with id '{user_id}' already exist."
    assert caught.value.operation == "users.create"


def test_a_too_short_passphrase_is_a_bad_request(admin_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        admin_client.users.create(fresh_id("user"), "Short Pass", "abc")

    assert caught.value.status == 400
    assert caught.value.message == "Given item 'passphrase' is shorter than 8 characters"


def test_a_name_with_wrong_characters_is_a_bad_request(admin_client: HanamiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        admin_client.users.create(fresh_id("user"), "Robert'); DROP", "robert-pass")

    assert caught.value.message.startswith("Given item 'name' doesn't match with regex")


def test_getting_an_unknown_user_is_not_found(admin_client: HanamiClient) -> None:
    with pytest.raises(NotFound) as caught:
        admin_client.users.get("fail_user")

    assert caught.value.status == 404
    assert caught.value.message == "User with id 'fail_user' not found"
    assert caught.value.operation == "users.get"


def test_deleting_twice_is_not_found(admin_client: HanamiClient) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Once User", "once-pass").id
    admin_client.users.delete(user_id)

    with pytest.raises(NotFound) as caught:
        admin_client.users.delete(user_id)

    assert caught.value.message == f"User with id '{user_id}' not found"
    assert caught.value.operation == "users.delete"


def test_an_admin_cannot_delete_themself(admin_client: HanamiClient) -> None:
    with pytest.raises(Conflict) as caught:
        admin_client.users.delete("asdf")

    assert caught.value.status == 409
    assert (
        caught.value.message == "User with id 'asdf' tries to delete himself, which is not allowed."
    )
    assert admin_client.users.get("asdf").is_admin


def test_add_project_returns_the_user_with_the_assignment(
    admin_client: HanamiClient, project_id: str
) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Assigned User", "assigned-pass").id

    user = admin_client.users.add_project(user_id, project_id, "researcher", is_project_admin=True)

    assert user.id == user_id
    assert user.projects == (ProjectAssignment(project_id, "researcher", True),)
    assert admin_client.users.get(user_id).projects == user.projects


def test_adding_the_same_project_twice_is_a_conflict(
    admin_client: HanamiClient, project_id: str
) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Assigned User", "assigned-pass").id
    admin_client.users.add_project(user_id, project_id, "member")

    with pytest.raises(Conflict) as caught:
        admin_client.users.add_project(user_id, project_id, "member")

    assert caught.value.message == (
        f"Project with ID '{project_id}' is already assigned to user with id '{user_id}'."
    )
    assert caught.value.operation == "users.add_project"


def test_adding_a_project_to_an_unknown_user_is_not_found(
    admin_client: HanamiClient, project_id: str
) -> None:
    with pytest.raises(NotFound, match="User with id 'nosuchuser' not found"):
        admin_client.users.add_project("nosuchuser", project_id, "member")


def test_a_too_short_role_is_a_bad_request(admin_client: HanamiClient, project_id: str) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Role User", "role-pass").id

    with pytest.raises(BadRequest, match="Given item 'role' is shorter than 4 characters"):
        admin_client.users.add_project(user_id, project_id, "abc")


def test_remove_project_returns_the_user_without_it(
    admin_client: HanamiClient, project_id: str
) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Leaving User", "leaving-pass").id
    admin_client.users.add_project(user_id, "alphaproj", "member")
    admin_client.users.add_project(user_id, project_id, "member")

    user = admin_client.users.remove_project(user_id, project_id)

    assert user.projects == (ProjectAssignment("alphaproj", "member", False),)


def test_removing_a_project_that_is_not_assigned_is_not_found(
    admin_client: HanamiClient, project_id: str
) -> None:
    user_id = admin_client.users.create(fresh_id("user"), "Free User", "free-pass").id

    with pytest.raises(NotFound) as caught:
        admin_client.users.remove_project(user_id, project_id)

    assert caught.value.message == (
        f"Project with ID '{project_id}' is not assigned to user with id '{user_id}' "
        "and so it can not be removed from the user."
    )
    assert caught.value.operation == "users.remove_project"


def test_list_projects_of_a_member(admin_client: HanamiClient, member: Persona) -> None:
    assert admin_client.users.list_projects(member.user_id) == [
        ProjectAssignment("alphaproj", "member", False)
    ]


def test_list_projects_of_an_admin_is_the_admin_project(admin_client: HanamiClient) -> None:
    assert admin_client.users.list_projects("asdf") == [ProjectAssignment("admin", "admin", True)]


def test_list_projects_of_an_unknown_user_is_not_found(admin_client: HanamiClient) -> None:
    with pytest.raises(NotFound) as caught:
        admin_client.users.list_projects("nosuchuser")

    assert caught.value.message == "User with id 'nosuchuser' not found"
    assert caught.value.operation == "users.list_projects"


@pytest.mark.parametrize("operation", ["list", "get", "create", "delete", "add_project"])
def test_member_cannot_manage_users(member_client: HanamiClient, operation: str) -> None:
    calls = {
        "list": lambda: member_client.users.list(),
        "get": lambda: member_client.users.get("asdf"),
        "create": lambda: member_client.users.create(
            fresh_id("user"), "Sneaky User", "sneaky-pass"
        ),
        "delete": lambda: member_client.users.delete("outsideruser"),
        "add_project": lambda: member_client.users.add_project("memberuser", "betaproj", "member"),
    }

    with pytest.raises(Unauthorized) as caught:
        calls[operation]()

    assert caught.value.status == 401
    assert caught.value.operation == f"users.{operation}"
