"""The table component's logic: filter, sort and paginate rows through query parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 20


def cell_text(value: Any) -> str:
    """How a cell reads for filtering and sorting."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: the row key, its heading, and how its cells read as text."""

    key: str
    label: str
    sortable: bool = True
    text: Callable[[Any], str] = cell_text


@dataclass(frozen=True)
class Heading:
    """A column heading with the link that sorts by it."""

    label: str
    sort_url: str | None
    aria_sort: str
    arrow: str


@dataclass(frozen=True)
class PageLink:
    """One entry of the pagination: a page number with its link, or a gap."""

    label: str
    url: str | None
    current: bool = False


@dataclass
class TableView:
    """Everything the table component needs to render one view of a list."""

    id: str
    noun: str
    path: str
    query: str
    sort: str
    headings: list[Heading]
    page: Page
    total: int
    row_template: str
    page_links: list[PageLink] = field(default_factory=list)
    previous_url: str | None = None
    next_url: str | None = None

    @property
    def matched(self) -> int:
        """How many rows pass the filter."""
        return self.page.paginator.count


def _url(path: str, **params: Any) -> str:
    kept = {key: value for key, value in params.items() if value not in ("", None, 1)}
    return f"{path}?{urlencode(kept)}" if kept else path


def build_table(
    request: HttpRequest,
    rows: Iterable[Mapping[str, Any]],
    columns: list[Column],
    *,
    html_id: str,
    noun: str,
    row_template: str,
    default_sort: str,
    per_page: int = PER_PAGE,
) -> TableView:
    """Filter (``q``), sort (``sort``, ``-`` for descending) and paginate (``page``) the rows."""
    all_rows = list(rows)
    by_key = {column.key: column for column in columns}
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", default_sort)
    descending = sort.startswith("-")
    sort_key = sort.removeprefix("-")
    if sort_key not in by_key or not by_key[sort_key].sortable:
        sort, descending, sort_key = default_sort, False, default_sort.removeprefix("-")

    needle = query.casefold()
    matching = [
        row
        for row in all_rows
        if not needle or any(needle in c.text(row[c.key]).casefold() for c in columns)
    ]
    sort_column = by_key[sort_key]
    matching.sort(key=lambda row: sort_column.text(row[sort_key]).casefold(), reverse=descending)

    page = Paginator(matching, per_page).get_page(request.GET.get("page"))
    path = request.path
    headings = [_heading(column, sort_key, descending, path, query) for column in columns]
    view = TableView(
        id=html_id,
        noun=noun,
        path=path,
        query=query,
        sort=sort,
        headings=headings,
        page=page,
        total=len(all_rows),
        row_template=row_template,
    )
    if page.paginator.num_pages > 1:
        _add_pagination(view, path, query, sort)
    return view


def _heading(column: Column, sort_key: str, descending: bool, path: str, query: str) -> Heading:
    if not column.sortable:
        return Heading(column.label, None, "none", "")
    if column.key != sort_key:
        return Heading(column.label, _url(path, q=query, sort=column.key), "none", "")
    if descending:
        return Heading(column.label, _url(path, q=query, sort=column.key), "descending", "▼")
    return Heading(column.label, _url(path, q=query, sort=f"-{column.key}"), "ascending", "▲")


def _add_pagination(view: TableView, path: str, query: str, sort: str) -> None:
    page = view.page
    paginator = page.paginator
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == paginator.ELLIPSIS:
            view.page_links.append(PageLink(str(number), None))
        else:
            url = _url(path, q=query, sort=sort, page=number)
            view.page_links.append(PageLink(str(number), url, number == page.number))
    if page.has_previous():
        view.previous_url = _url(path, q=query, sort=sort, page=page.previous_page_number())
    if page.has_next():
        view.next_url = _url(path, q=query, sort=sort, page=page.next_page_number())
