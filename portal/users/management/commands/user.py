"""``manage.py user create|get|list|delete``: hanamictl's user commands."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError

from hanami_client.rules import PASSPHRASE_MIN_BYTES
from portal.core.cli import HanamiCommand

#: The fields hanamictl shows for a user, in its order.
USER_FIELDS = ("id", "name", "is_admin", "projects", "creator_id", "created_at")


def read_passphrase(given: str | None) -> str:
    """The passphrase of ``-p``, or asked twice on the terminal; refused without a terminal."""
    passphrase = given if given is not None else ask_passphrase()
    if len(passphrase.encode()) < PASSPHRASE_MIN_BYTES:
        raise CommandError(
            f"the passphrase needs at least {PASSPHRASE_MIN_BYTES} bytes", returncode=1
        )
    return passphrase


def ask_passphrase() -> str:
    """Ask twice on the terminal, without echo; refused when there is no terminal."""
    if not sys.stdin.isatty():
        raise CommandError(
            "no passphrase given: pass -p/--passphrase, or run on a terminal to be asked for it",
            returncode=1,
        )
    try:
        first = getpass.getpass("Enter Passphrase: ")
        second = getpass.getpass("Enter Passphrase again: ")
    except (EOFError, KeyboardInterrupt):
        raise CommandError("no passphrase entered", returncode=1) from None
    if second != first:
        raise CommandError("the two passphrases do not match", returncode=1)
    return first


class Command(HanamiCommand):
    """Manage the users of the backend (admins only)."""

    help = "Manage users of the Hanami backend, like hanamictl user."
    resource = "user"

    def add_actions(self, actions: Any) -> None:
        """Declare create, get, list and delete."""
        create = actions.add_parser("create", help="Create a new user.")
        create.add_argument("user_id", metavar="USER_ID")
        create.add_argument("-n", "--name", required=True, help="User name (mandatory)")
        create.add_argument(
            "-p",
            "--passphrase",
            "--password",
            dest="passphrase",
            help="Passphrase of the new user; asked twice on the terminal when not given "
            "(a flag is visible in the process list and the shell history)",
        )
        create.add_argument("--is_admin", action="store_true", help="Make the user an admin")
        get = actions.add_parser("get", help="Get information of a specific user.")
        get.add_argument("user_id", metavar="USER_ID")
        actions.add_parser("list", help="List all users.")
        delete = actions.add_parser("delete", help="Delete a specific user from the backend.")
        delete.add_argument("user_id", metavar="USER_ID")

    def handle_create(self, options: dict[str, Any]) -> None:
        """Create a user and show it."""
        passphrase = read_passphrase(options["passphrase"])
        with self.connect() as client:
            user = client.users.create(
                options["user_id"], options["name"], passphrase, is_admin=options["is_admin"]
            )
        self.show_single(user, USER_FIELDS)

    def handle_get(self, options: dict[str, Any]) -> None:
        """Show one user."""
        with self.connect() as client:
            user = client.users.get(options["user_id"])
        self.show_single(user, USER_FIELDS)

    def handle_list(self, options: dict[str, Any]) -> None:
        """Show every user."""
        with self.connect() as client:
            users = client.users.list()
        self.show_list(users, USER_FIELDS)

    def handle_delete(self, options: dict[str, Any]) -> None:
        """Delete a user."""
        with self.connect() as client:
            client.users.delete(options["user_id"])
        self.show_deleted(options["user_id"])
