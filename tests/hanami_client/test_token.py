"""Token: login, renew / switch project, and reading the claims locally."""

from __future__ import annotations

import pytest

from hanami_client import BadRequest, HanamiClient, Unauthorized
from tests.conftest import Persona
from tests.hanami_client.support import fresh_id


def test_login_keeps_the_token_and_reads_its_claims(backend_address: str) -> None:
    with HanamiClient(backend_address) as client:
        info = client.login("asdf", "asdfasdf")

        assert (info.id, info.name, info.is_admin) == ("asdf", "asdf", True)
        assert (info.project_id, info.role, info.is_project_admin) == ("admin", "admin", True)
        assert info.expires_at > 0
        assert client.token == info.token
        assert client.token_info() == info


def test_member_login_lands_in_their_first_project(backend_address: str, member: Persona) -> None:
    with HanamiClient(backend_address) as client:
        info = client.login(member.user_id, member.passphrase)

    assert (info.id, info.is_admin) == ("memberuser", False)
    assert (info.project_id, info.role, info.is_project_admin) == ("alphaproj", "member", False)


def test_login_with_a_wrong_passphrase_is_unauthorized(backend_address: str) -> None:
    with HanamiClient(backend_address) as client, pytest.raises(Unauthorized) as caught:
        client.login("asdf", "not-the-passphrase")

    assert caught.value.status == 401
    assert caught.value.message == "ACCESS DENIED!\nUser or passphrase is incorrect."
    assert caught.value.operation == "token.login"
    assert client.token is None


def test_login_with_a_too_short_id_is_a_bad_request(backend_address: str) -> None:
    with HanamiClient(backend_address) as client, pytest.raises(BadRequest) as caught:
        client.login("abc", "asdfasdf")

    assert caught.value.status == 400
    assert caught.value.message == "Given item 'id' is shorter than 4 characters"


def test_login_of_a_user_without_project_is_refused(
    backend_address: str, admin_client: HanamiClient
) -> None:
    user_id = fresh_id("lonely")
    admin_client.users.create(user_id, "Lonely User", "lonely-pass")

    with HanamiClient(backend_address) as client, pytest.raises(Unauthorized) as caught:
        client.login(user_id, "lonely-pass")

    assert caught.value.message == f"User with id '{user_id}' has no project assigned."


def test_login_sends_a_non_ascii_passphrase_as_utf8(
    backend_address: str, admin_client: HanamiClient
) -> None:
    user_id = fresh_id("sakura")
    passphrase = "Kirschblüte 🌸 桜"
    admin_client.users.create(user_id, "Sakura User", passphrase)
    admin_client.users.add_project(user_id, "alphaproj", "member")

    with HanamiClient(backend_address) as client:
        assert client.login(user_id, passphrase).id == user_id


def test_renew_token_switches_to_another_assigned_project(
    backend_address: str, admin_client: HanamiClient
) -> None:
    user_id, first, second = fresh_id("switcher"), fresh_id("first"), fresh_id("second")
    for project_id in (first, second):
        admin_client.projects.create(project_id, "Switch Project")
    admin_client.users.create(user_id, "Switching User", "switch-pass")
    admin_client.users.add_project(user_id, first, "member")
    admin_client.users.add_project(user_id, second, "tester", is_project_admin=True)

    with HanamiClient(backend_address) as client:
        before = client.login(user_id, "switch-pass")
        after = client.renew_token(second)

        assert before.project_id == first
        assert (after.project_id, after.role, after.is_project_admin) == (second, "tester", True)
        assert client.token == after.token != before.token
        assert client.token_info().project_id == second


def test_an_admin_switches_into_an_assigned_project_and_back(
    backend_address: str, admin_client: HanamiClient
) -> None:
    user_id, project_id = fresh_id("chief"), fresh_id("proj")
    admin_client.projects.create(project_id, "Chief Project")
    admin_client.users.create(user_id, "Chief Admin", "chief-pass", is_admin=True)
    admin_client.users.add_project(user_id, project_id, "member")

    with HanamiClient(backend_address) as client:
        client.login(user_id, "chief-pass")
        inside = client.renew_token(project_id)
        back = client.renew_token("admin")

    assert (inside.project_id, inside.role, inside.is_admin) == (project_id, "member", True)
    assert (back.project_id, back.role) == ("admin", "admin")


def test_switching_into_a_foreign_project_is_unauthorized(
    backend_address: str, member: Persona, outsider: Persona
) -> None:
    with HanamiClient(backend_address, member.token) as client:
        with pytest.raises(Unauthorized) as caught:
            client.renew_token(outsider.project_id)

        assert client.token == member.token
    assert caught.value.status == 401
    assert caught.value.message == (
        "User with id 'memberuser' is not assigned to the project with id 'betaproj'."
    )
    assert caught.value.operation == "token.renew"


def test_token_can_be_set_on_an_existing_client(backend_address: str, admin: Persona) -> None:
    with HanamiClient(backend_address) as client:
        client.token = admin.token
        assert client.token_info().id == "asdf"
        assert client.projects.list().header == ("created_at", "id", "name", "creator_id")


def test_a_request_without_token_is_unauthorized(backend_address: str) -> None:
    with HanamiClient(backend_address) as client, pytest.raises(Unauthorized) as caught:
        client.projects.list()

    assert caught.value.status == 401
    assert caught.value.message.startswith("Failed to validate JWT-Token with error:")
    assert caught.value.operation == "projects.list"


def test_token_info_without_a_token_asks_for_login() -> None:
    with pytest.raises(Unauthorized) as caught:
        HanamiClient("http://127.0.0.1:11418").token_info()

    assert caught.value.status is None
    assert caught.value.operation == "token.info"


def test_token_info_of_a_malformed_token_is_unauthorized() -> None:
    with pytest.raises(Unauthorized, match="not a backend token"):
        HanamiClient("http://127.0.0.1:11418", "not.a.jwt").token_info()
