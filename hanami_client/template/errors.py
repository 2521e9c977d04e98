"""Why a template was refused, and upstream's text-table report of it.

Upstream builds its report in the cluster parser's ``error()`` and renders it with its
``ErrorContainer`` (a two-column text table without header, cells split at newlines and cut
into pieces of at most 200 characters). Its one quirk is kept: ``position in line`` and
``broken part in string`` are only shown when the line is longer than the offending part's end
(``len(line) > position - 1 + length``), so anything that ends a line, the end of input, or a
part spanning several lines is reported as ``UNKNOWN POSITION (maybe a string was not closed)``.
Widths are counted in characters; upstream counts bytes, which only differs inside a quoted
string with non-ASCII characters (a syntax error either way).
"""

from __future__ import annotations

DECODE_MESSAGE = "Uploaded template is not a valid base64-String."
_MAX_CELL_WIDTH = 200
_HEADER_WIDTHS = (len("key"), len("value"))
_UNKNOWN = "position in line: UNKNOWN POSITION (maybe a string was not closed)"


class TemplateDecodeError(ValueError):
    """The template field is not usable base64 (empty decode or length not a multiple of 4)."""

    def __init__(self) -> None:
        super().__init__(DECODE_MESSAGE)
        self.message = DECODE_MESSAGE


class TemplateError(ValueError):
    """A template the grammar refuses: upstream's message, 1-based line and position in line."""

    def __init__(
        self, message: str, line_number: int, position: int, length: int, line_text: str
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line_number = line_number
        self.position = position
        self.length = length
        self.line_text = line_text

    def describe(self) -> str:
        """One line for people: ``line 3, position 5: refractory_time must be >= 1``."""
        return f"line {self.line_number}, position {self.position}: {self.message}"

    def report(self) -> str:
        """Upstream's full report, the text after ``...not a valid cluster-template: \\n``."""
        lines = [
            "ERROR while parsing cluster-definition string ",
            f"parser-message: {self.message} ",
            f"line-number: {self.line_number} ",
        ]
        start = self.position - 1
        if len(self.line_text) > start + self.length:
            broken = self.line_text[start : start + self.length]
            lines += [f"position in line: {self.position}", f'broken part in string: "{broken}"']
        else:
            lines.append(_UNKNOWN)
        return _table("Error-Message Nr. 0", lines)


def _table(key: str, value_lines: list[str]) -> str:
    """Upstream's headerless two-column table with one row."""
    cell = [
        line[i : i + _MAX_CELL_WIDTH]
        for line in value_lines
        for i in range(0, max(len(line), 1), _MAX_CELL_WIDTH)
    ]
    key_width = max(_HEADER_WIDTHS[0], len(key))
    value_width = max(_HEADER_WIDTHS[1], *(len(line) for line in cell))
    border = f"+{'-' * (key_width + 2)}+{'-' * (value_width + 2)}+\n"
    rows = [
        f"| {(key if i == 0 else '').ljust(key_width)} | {line.ljust(value_width)} |\n"
        for i, line in enumerate(cell)
    ]
    return border + "".join(rows) + border
