"""A script written for the official Python SDK (``hanami_sdk``); only its import line was changed.

Usage: python official_sdk_script.py ADDRESS USER_ID PASSPHRASE (run against an empty backend:
it deletes every project and user the admin can see).
"""

import contextlib
import json
import sys

import urllib3

from hanami_client.sdk import hanami_exceptions, hanami_token, project, user

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

address, admin_id, admin_passphrase = sys.argv[1:4]

project_id = "test_project"
project_name = "Test Project"
user_id = "tsugumi"
user_name = "Tsugumi"
passphrase = "new password"


def expect(exception, call, *args):
    try:
        call(*args)
    except exception:
        return
    sys.exit(f"{call.__name__}{args[2:]} did not raise {exception.__name__}")


def delete_all_projects(token):
    for entry in json.loads(project.list_projects(token, address, False))["body"]:
        project.delete_project(token, address, entry[1], False)


def delete_all_users(token):
    for entry in json.loads(user.list_users(token, address, False))["body"]:
        with contextlib.suppress(hanami_exceptions.ConflictException):  # the admin running this
            user.delete_user(token, address, entry[1], False)


def test_project(token):
    project.create_project(token, address, project_id, project_name, False)
    expect(
        hanami_exceptions.ConflictException,
        project.create_project,
        token,
        address,
        project_id,
        project_name,
        False,
    )
    assert json.loads(project.list_projects(token, address, False))["body"][0][1] == project_id
    stored = json.loads(project.get_project(token, address, project_id, False))
    assert stored["name"] == project_name
    expect(
        hanami_exceptions.NotFoundException,
        project.get_project,
        token,
        address,
        "fail_project",
        False,
    )
    project.delete_project(token, address, project_id, False)
    expect(
        hanami_exceptions.NotFoundException,
        project.delete_project,
        token,
        address,
        project_id,
        False,
    )
    print("projects ok")


def test_user(token):
    user.create_user(token, address, user_id, user_name, passphrase, True, False)
    expect(
        hanami_exceptions.ConflictException,
        user.create_user,
        token,
        address,
        user_id,
        user_name,
        passphrase,
        True,
        False,
    )
    user.list_users(token, address, False)
    assert json.loads(user.get_user(token, address, user_id, False))["is_admin"] is True
    expect(hanami_exceptions.NotFoundException, user.get_user, token, address, "fail_user", False)
    user.delete_user(token, address, user_id, False)
    expect(hanami_exceptions.NotFoundException, user.delete_user, token, address, user_id, False)
    expect(hanami_exceptions.ConflictException, user.delete_user, token, address, admin_id, False)
    print("users ok")


def test_assignments(token):
    project.create_project(token, address, project_id, project_name, False)
    project.create_project(token, address, "other_project", "Other Project", False)
    user.create_user(token, address, user_id, user_name, passphrase, False, False)
    user.add_roject_to_user(token, address, user_id, project_id, "member", False, False)
    user.add_roject_to_user(token, address, user_id, "other_project", "member", True, False)
    own = json.loads(user.list_projects_of_user(token, address, False))["projects"]
    assert own == [{"is_project_admin": True, "project_id": "admin", "role": "admin"}]

    member_token = hanami_token.request_token(address, user_id, passphrase, False)
    switched = json.loads(user.switch_project(member_token, address, "other_project", False))
    assert switched["id"] == user_id
    assert switched["token"] != member_token

    user.remove_project_fromUser(token, address, user_id, "other_project", False)
    expect(
        hanami_exceptions.NotFoundException,
        user.remove_project_fromUser,
        token,
        address,
        user_id,
        "other_project",
        False,
    )
    expect(
        hanami_exceptions.UnauthorizedException,
        user.list_users,
        member_token,
        address,
        False,
    )
    print("assignments ok")


admin_token = hanami_token.request_token(address, admin_id, admin_passphrase, False)
expect(
    hanami_exceptions.UnauthorizedException,
    hanami_token.request_token,
    address,
    admin_id,
    "wrong passphrase",
    False,
)

delete_all_projects(admin_token)
delete_all_users(admin_token)

test_project(admin_token)
test_user(admin_token)
test_assignments(admin_token)

delete_all_projects(admin_token)
delete_all_users(admin_token)
print("done")
