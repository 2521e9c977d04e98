"""Read the backend's logs a page at a time: 100 entries per page, oldest first.

The backend numbers pages from 0 and never says how many there are; the portal numbers them
from 1 (page 1 is the backend's page 0) and knows there may be a next page when this one is
full. A page past the end is empty, never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from hanami_client import HanamiClient, Table

__all__ = [
    "AUDIT_COLUMNS",
    "ERROR_COLUMNS",
    "LAST_PAGE",
    "PER_PAGE",
    "LogColumn",
    "LogKind",
    "LogPage",
    "cell_text",
    "read_log_page",
]

LogKind = Literal["audit", "errors"]

#: Entries per page, fixed by the backend.
PER_PAGE = 100
#: The highest page the backend accepts is 1,000,000,000 (from 0): the portal's is one more.
LAST_PAGE = 1_000_000_001


@dataclass(frozen=True)
class LogColumn:
    """A column of a log: the key in the backend's rows, its heading, long text or not."""

    key: str
    label: str
    long: bool = False


AUDIT_COLUMNS = (
    LogColumn("created_at", "Time (UTC)"),
    LogColumn("user_id", "User"),
    LogColumn("request_type", "Method"),
    LogColumn("endpoint", "Endpoint"),
)
ERROR_COLUMNS = (
    LogColumn("created_at", "Time (UTC)"),
    LogColumn("user_id", "User"),
    LogColumn("component", "Component"),
    LogColumn("context", "Context"),
    LogColumn("input_values", "Input values", long=True),
    LogColumn("message", "Message", long=True),
)


def cell_text(value: Any) -> Any:
    """A cell as the page shows it: objects (an error's input values) as indented JSON."""
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return value


@dataclass(frozen=True)
class LogPage:
    """One page of a log as the portal shows it (``number`` counts from 1)."""

    kind: LogKind
    number: int
    rows: Table
    user_id: str | None

    @property
    def columns(self) -> tuple[LogColumn, ...]:
        """The columns of this kind of log, in the order they are shown."""
        return AUDIT_COLUMNS if self.kind == "audit" else ERROR_COLUMNS

    @property
    def cells(self) -> list[list[tuple[Any, bool]]]:
        """Each entry's cells in column order, with whether the cell is long text."""
        return [[(cell_text(row[c.key]), c.long) for c in self.columns] for row in self.rows]

    @property
    def first(self) -> int:
        """The position in the log of this page's first entry (from 1)."""
        return (self.number - 1) * PER_PAGE + 1

    @property
    def last(self) -> int:
        """The position in the log of this page's last entry."""
        return self.first + len(self.rows) - 1

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page may hold entries: this one is full."""
        return len(self.rows) >= PER_PAGE and self.number < LAST_PAGE

    @property
    def past_end(self) -> bool:
        """An empty page after the first: the log has fewer entries than it skips."""
        return self.number > 1 and not self.rows


def read_log_page(
    *, client: HanamiClient, kind: LogKind, number: int, user_id: str | None = None
) -> LogPage:
    """Page ``number`` (from 1) of the audit or error log, of one user when ``user_id`` is set."""
    read = client.logs.audit if kind == "audit" else client.logs.errors
    return LogPage(kind, number, read(page=number - 1, user_id=user_id), user_id)
