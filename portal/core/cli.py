"""Shared pieces of the management commands that mirror hanamictl: login, output and errors.

A resource command (``manage.py project create vecproj -n "Vector Project"``) subclasses
:class:`HanamiCommand`, declares its actions as argparse subparsers in ``add_actions`` and
implements ``handle_<action>(options)``. Credentials come from ``HANAMI_ADDRESS``,
``HANAMI_USER`` and ``HANAMI_PASSPHRASE``; ``-j/--json_output`` prints the raw response
JSON; any error is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hanami_client import ApiError, BackendUnavailable, HanamiClient, HanamiError, Table

__all__ = [
    "HanamiCommand",
    "ProgressBar",
    "add_global_flags",
    "error_line",
    "format_cell",
    "plain",
    "raw_json",
    "render_list",
    "render_single",
    "render_table",
    "render_values",
]


#: The environment variables hanamictl logs in with (the address has a default).
CREDENTIAL_VARIABLES = ("HANAMI_USER", "HANAMI_PASSPHRASE")


def error_line(error: HanamiError) -> str:
    """One line describing a client error, in hanamictl's words where it has them."""
    message = " ".join(error.message.splitlines()).strip()
    if isinstance(error, ApiError) and error.status is not None:
        return f"status {error.status}: err {message or '(the backend gave no reason)'}"
    if isinstance(error, BackendUnavailable):
        return f"backend unavailable: {message}"
    return f"backend error: {message}"


def plain(value: Any) -> Any:
    """The JSON-shaped value of a client value (typed values become dicts, tuples lists)."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def format_cell(value: Any) -> str:
    """A decoded JSON value as Go's ``%v`` prints it, as hanamictl's cells do: strings raw,
    ``true``, ``<nil>``, numbers as float64, lists ``[a b]``, maps ``map[k:v]`` (sorted keys)."""
    value = plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, dict):
        pairs = " ".join(f"{key}:{format_cell(item)}" for key, item in sorted(value.items()))
        return f"map[{pairs}]"
    if isinstance(value, list):
        return "[" + " ".join(format_cell(item) for item in value) + "]"
    return _go_number(value)


def _go_number(number: float) -> str:
    """A JSON number as Go's ``%v`` of a float64: the shortest digits, ``e`` notation only for
    exponents below -4 or from 21 on (``60000``, ``0.25``, ``1e-05``, ``1e+21``)."""
    shortest = Decimal(repr(float(number))).normalize()
    if shortest.is_zero():
        return "0"
    exponent = shortest.adjusted()
    if -4 <= exponent < 21:
        return format(shortest, "f")
    digits = "".join(map(str, shortest.as_tuple().digits))
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if shortest.is_signed() else ""
    return f"{sign}{mantissa}e{exponent:+03d}"


def _title(field: str) -> str:
    """A field name as a column title: upper case, ``_`` as space."""
    return field.replace("_", " ").strip().upper()


def _centre(text: str, width: int) -> str:
    """Centre as tablewriter does: the odd space goes to the right (str.center varies)."""
    left = (width - len(text)) // 2
    return " " * left + text.ljust(width - left)


def render_table(rows: Sequence[Sequence[str]], header: Sequence[str] = ()) -> str:
    """A bordered text table like hanamictl's tablewriter: centred header, left-aligned cells."""
    columns = list(zip(header, *rows, strict=True)) if header else list(zip(*rows, strict=True))
    widths = [max(len(text) for text in column) for column in columns]
    border = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def line(cells: Sequence[str], *, centre: bool = False) -> str:
        padded = [
            _centre(cell, width) if centre else cell.ljust(width)
            for cell, width in zip(cells, widths, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    lines = [border]
    if header:
        lines += [line(header, centre=True), border]
    lines += [line(row) for row in rows]
    lines.append(border)
    return "\n".join(lines)


def render_single(data: Mapping[str, Any], fields: Sequence[str]) -> str:
    """hanamictl's single-object output: one row per field, its name then its value (a map as
    compact JSON, anything else as ``%v``)."""
    return render_table([[_title(field), _single_cell(data.get(field))] for field in fields])


def _single_cell(value: Any) -> str:
    value = plain(value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return format_cell(value)


def render_list(table: Table, fields: Sequence[str]) -> str:
    """hanamictl's list output: the listed fields that the reply has, in the listed order."""
    shown = [field for field in fields if field in table.header]
    rows = [[format_cell(row[field]) for field in shown] for row in table]
    return render_table(rows, [_title(field) for field in shown])


def render_values(rows: Sequence[Sequence[float]], offset: int) -> str:
    """hanamictl's values output: the row number (offset + i), then every value as ``%f``."""
    header = ["", *(str(index) for index in range(len(rows[0]) if rows else 0))]
    body = [[str(offset + i), *(f"{value:f}" for value in row)] for i, row in enumerate(rows)]
    return render_table(body, header)


class ProgressBar:
    """Progress as one line of a terminal, redrawn in place: bar, percent, amounts, rate.

    Amounts count ``unit`` s of ``scale`` items (MB of bytes by default; rows with
    ``unit="rows", scale=1``).
    """

    def __init__(
        self,
        write: Callable[[str], object],
        label: str,
        *,
        width: int = 30,
        unit: str = "MB",
        scale: float = 1e6,
    ) -> None:
        self.write = write
        self.label = label
        self.width = width
        self.unit = unit
        self.scale = scale
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = ""

    def __call__(
        self, done: int, total: int, *, fraction: float | None = None, note: str = ""
    ) -> None:
        """Show ``done`` of ``total`` (at most ten times a second, and always the end)."""
        now = time.monotonic()
        if fraction is None:
            fraction = min(done / total, 1.0) if total else 1.0
        if fraction < 1.0 and now - self.drawn_at < 0.1:
            return
        filled = int(fraction * self.width)
        digits = 0 if self.scale == 1 else 1
        rate = done / self.scale / max(now - self.started, 1e-3)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} "
            f"{done / self.scale:.{digits}f}/{total / self.scale:.{digits}f} {self.unit} "
            f"{rate:,.{digits}f} {self.unit}/s"
        )
        if note:
            line += f" {note}"
        # Spaces wipe what is left of a longer previous line.
        self.write("\r" + line.ljust(len(self.shown)))
        self.shown = line
        self.drawn_at = now

    def close(self) -> None:
        """End the line, if one was drawn, so that what follows starts on a line of its own."""
        if self.shown:
            self.write("\n")
            self.shown = ""


def raw_json(value: Any) -> str:
    """The backend's reply as hanamictl's ``-j`` prints it: JSON, sorted keys, 4-space indent."""
    if isinstance(value, Table):
        value = {"header": value.header, "body": [row.values_list for row in value]}
    return json.dumps(plain(value), indent=4, sort_keys=True, ensure_ascii=False)


def add_global_flags(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """Add ``-j/--json_output`` and ``--insecure`` (a subcommand's copy must not reset them)."""
    parser.add_argument(
        "-j",
        "--json_output",
        action="store_true",
        default=default,
        help="print the raw response JSON instead of a table",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        default=default,
        help="skip the TLS certificate check of an https backend",
    )


class HanamiCommand(BaseCommand):
    """Base of the hanamictl-like commands: ``manage.py <resource> <action> [args]``."""

    requires_system_checks: list[str] = []
    #: The resource the command manages, for messages ("project", "user", ...).
    resource = ""

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the subcommands of ``add_actions``; hanamictl's global flags go before or after."""
        add_global_flags(parser, default=False)
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        self.add_actions(actions)
        for action in actions.choices.values():
            add_global_flags(action, default=argparse.SUPPRESS)

    def add_actions(self, actions: Any) -> None:
        """Declare the actions: ``actions.add_parser(name, help=...)`` with their arguments."""
        raise NotImplementedError

    def run_from_argv(self, argv: list[str]) -> None:
        """Run from the command line; any error is one line on stderr and exit status 1."""
        # Not marked as called from the command line, the parser raises CommandError on bad
        # arguments instead of printing the usage and exiting with status 2.
        parser = self.create_parser(argv[0], argv[1])
        try:
            self.execute(**vars(parser.parse_args(argv[2:])))
        except CommandError as error:
            self.stderr.write(str(error))
            sys.exit(error.returncode)

    def handle(self, *args: str, **options: Any) -> None:
        """Run ``handle_<action>``, turning a client error into one line and exit status 1."""
        self.options = options
        try:
            with warnings.catch_warnings():
                if options["insecure"]:
                    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
                getattr(self, f"handle_{options['action']}")(options)
        except HanamiError as error:
            raise CommandError(error_line(error), returncode=1) from None

    def connect(self) -> HanamiClient:
        """A client logged in with the credentials of ``HANAMI_USER`` / ``HANAMI_PASSPHRASE``."""
        address = os.environ.get("HANAMI_ADDRESS") or settings.HANAMI_ADDRESS
        missing = [name for name in CREDENTIAL_VARIABLES if not os.environ.get(name)]
        if missing:
            raise CommandError(
                f"{' and '.join(missing)} not set: export the id and passphrase of a backend user",
                returncode=1,
            )
        verify = False if self.options["insecure"] else settings.HANAMI_VERIFY_TLS
        client = HanamiClient(address, verify=verify, timeout=settings.HANAMI_TIMEOUT)
        user_id = os.environ["HANAMI_USER"]
        try:
            client.login(user_id, os.environ["HANAMI_PASSPHRASE"])
        except HanamiError as error:
            client.close()
            raise CommandError(
                f"login as '{user_id}' failed: {error_line(error)}", returncode=1
            ) from None
        return client

    @contextmanager
    def terminal_progress(
        self, label: str, *, unit: str = "MB", scale: float = 1e6
    ) -> Iterator[ProgressBar | None]:
        """A progress bar on stderr when it is a terminal, else None: nothing is drawn."""
        if not self.stderr.isatty():
            yield None
            return

        def write(text: str) -> None:
            self.stderr.write(text, style_func=str, ending="")
            self.stderr.flush()

        bar = ProgressBar(write, label, unit=unit, scale=scale)
        try:
            yield bar
        finally:
            bar.close()

    def show_single(self, value: Any, fields: Sequence[str]) -> None:
        """Print one object: raw JSON with ``-j``, otherwise the field table."""
        if self.options["json_output"]:
            self.stdout.write(raw_json(value))
        else:
            self.stdout.write(render_single(plain(value), fields))

    def show_list(self, table: Table, fields: Sequence[str]) -> None:
        """Print a list reply: raw JSON with ``-j``, otherwise the table of ``fields``."""
        if self.options["json_output"]:
            self.stdout.write(raw_json(table))
        else:
            self.stdout.write(render_list(table, fields))

    def show_values(self, rows: Sequence[Sequence[float]], offset: int) -> None:
        """Print content rows: the raw ``data`` array with ``-j``, otherwise the values table."""
        if self.options["json_output"]:
            # Go prints a whole float64 without a fraction: 255, not 255.0.
            data = [[int(v) if float(v).is_integer() else v for v in row] for row in rows]
            self.stdout.write(json.dumps(data, indent=4))
        else:
            self.stdout.write(render_values(rows, offset))

    def show_deleted(self, identifier: str) -> None:
        """Print hanamictl's confirmation of a delete."""
        self.stdout.write(f"successfully deleted {self.resource} '{identifier}'")
