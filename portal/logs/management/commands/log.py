"""``manage.py log audit|errors [-u USER] [-p PAGE]``: the backend's logs a page at a time.

hanamictl has no log commands; these print a page like its list commands do (``-j`` for the
raw reply). Pages count from 1, as on the log pages: page 1 is the backend's page 0.
"""

from __future__ import annotations

import argparse
from typing import Any

from hanami_client import Row, Table
from portal.core.cli import HanamiCommand
from portal.logs.selectors import LAST_PAGE, LogKind, read_log_page

AUDIT_FIELDS = ("created_at", "user_id", "endpoint", "request_type")
ERROR_FIELDS = ("created_at", "user_id", "component", "context", "input_values", "message")


def page_number(text: str) -> int:
    """A page from 1 to the last the backend accepts."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= number <= LAST_PAGE:
        raise argparse.ArgumentTypeError(f"the page must be from 1 to {LAST_PAGE}")
    return number


def one_line(table: Table) -> Table:
    """The rows with line breaks in text cells written as ``\\n``, so each row stays one line."""
    rows = tuple(
        Row(
            table.header,
            [v.replace("\n", "\\n") if isinstance(v, str) else v for v in row.values_list],
        )
        for row in table
    )
    return Table(header=table.header, rows=rows)


class Command(HanamiCommand):
    """Read the audit log (your own entries; admins may name a user) or the error log (admins)."""

    help = "Read the audit or error log of the Hanami backend, 100 entries per page."
    resource = "log"

    def add_actions(self, actions: Any) -> None:
        """Declare audit and errors."""
        for name, text in (
            ("audit", "Show a page of the audit log: your requests that changed something."),
            ("errors", "Show a page of the error log (admins only)."),
        ):
            action = actions.add_parser(name, help=text)
            action.add_argument("-u", "--user", help="the user whose entries to show (admins only)")
            action.add_argument(
                "-p", "--page", type=page_number, default=1, help="the page, 1 for the first"
            )

    def handle_audit(self, options: dict[str, Any]) -> None:
        """Show a page of the audit log."""
        self._show("audit", AUDIT_FIELDS, options)

    def handle_errors(self, options: dict[str, Any]) -> None:
        """Show a page of the error log."""
        self._show("errors", ERROR_FIELDS, options)

    def _show(self, kind: LogKind, fields: tuple[str, ...], options: dict[str, Any]) -> None:
        with self.connect() as client:
            log = read_log_page(
                client=client, kind=kind, number=options["page"], user_id=options["user"]
            )
        rows = log.rows if options["json_output"] else one_line(log.rows)
        self.show_list(rows, fields)
        if log.past_end:
            self.stderr.write(f"page {log.number} is past the end of the log")
