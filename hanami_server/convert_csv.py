"""A CSV file into a float32 dataset file (contract 6.3).

Rules (upstream's): lines split on `\\n` only; lines without a comma are skipped; the first line
with a comma is the header; a trailing empty cell is dropped; missing cells become 0 and extra
cells are ignored (the ragged-row rule); a cell is a number when it matches `-?[0-9]+` or
`-?[0-9]+\\.[0-9]+`, 1 when it is `true` in any case, else 0. R: a file with no header line,
with a header but no data line, or with a number beyond the float32 range is refused. Pieces
whose every line is plain numbers (the usual case) are checked and parsed by numpy; any other
piece goes line by line.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hanami_server.datafile import FLOAT32, ConversionError, DataFileWriter, column_range

READ_BYTES = 1024 * 1024
_NUMBER_RE = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?")
_HEADER_RE = re.compile(rb"^[^\n]*,[^\n]*$", re.MULTILINE)
_NEGATIVE_ZERO_RE = re.compile(rb"-0+[,\n]")  # in a plain piece, only whole cells match
_PLAIN_CHARS = b"0123456789.,-\n"
_COMMA, _NEWLINE, _DOT, _MINUS = (ord(char) for char in ",\n.-")


def build_csv(source: Path, target: Path, name: str) -> DataFileWriter:
    """Convert the CSV file into a finished but uncommitted file for `target`; raises
    ConversionError (nothing left behind) when it holds no header or no data line."""
    bodies = _bodies(source)
    header: list[bytes] | None = None
    rest, blank = b"", True
    for body in bodies:
        found = _HEADER_RE.search(body)
        if found:
            header, rest = _cells(found.group()), body[found.end() + 1 :]
            break
        blank = blank and not body.strip()
    if header is None:
        if blank:
            raise ConversionError("The CSV file is empty")
        raise ConversionError("The CSV file has no header line: no line contains a comma")
    description = {
        cell.decode(errors="replace"): column_range(index, index + 1)
        for index, cell in enumerate(header)
    }
    writer = DataFileWriter(
        target, name=name, data_type=FLOAT32, description=description, columns=len(header)
    )
    try:
        for body in itertools.chain([rest], bodies):
            block = _rows(body, len(header))
            if not np.isfinite(block).all():
                row = writer.rows + int(np.flatnonzero(~np.isfinite(block).all(axis=1))[0]) + 1
                raise ConversionError(
                    f"The CSV file holds a number beyond the float32 range in data row {row}"
                )
            writer.append(block)
        if writer.rows == 0:
            raise ConversionError("The CSV file has a header line but no data line")
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return writer


def _bodies(source: Path) -> Iterator[bytes]:
    """The file in pieces of whole lines, each ending with `\\n` (about READ_BYTES each)."""
    carry = b""
    with source.open("rb") as file:
        while chunk := file.read(READ_BYTES):
            text = carry + chunk
            cut = text.rfind(b"\n") + 1
            carry = text[cut:]
            if cut:
                yield text[:cut]
    if carry:
        yield carry + b"\n"


def _cells(line: bytes) -> list[bytes]:
    cells = line.split(b",")
    if cells[-1] == b"":
        cells.pop()
    return cells


def _rows(body: bytes, columns: int) -> np.ndarray:
    """The data lines of a piece as a float32 block of `columns` columns."""
    plain = _plain_rows(body, columns)
    if plain is not None:
        return plain
    lines = [line for line in body.split(b"\n") if b"," in line]
    block = np.zeros((len(lines), columns), dtype=np.float32)
    for index, line in enumerate(lines):
        cells = _cells(line)[:columns]
        block[index, : len(cells)] = [_value(cell) for cell in cells]
    return block


def _value(cell: bytes) -> float:
    if _NUMBER_RE.fullmatch(cell):
        return float(cell) if b"." in cell else float(cell) + 0.0  # the integer -0 is 0
    return 1.0 if cell.lower() == b"true" else 0.0


def _plain_rows(body: bytes, columns: int) -> np.ndarray | None:
    """The rows when every line of the piece is exactly `columns` plain numbers, else None."""
    if not body or body.translate(None, _PLAIN_CHARS) or _NEGATIVE_ZERO_RE.search(body):
        return None
    chars = np.frombuffer(body, np.uint8)
    separator = (chars == _COMMA) | (chars == _NEWLINE)
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    starts_cell = np.concatenate(([True], separator[:-1]))
    after_digit = np.concatenate(([False], digit[:-1]))
    before_digit = np.concatenate((digit[1:], [False]))
    if (
        np.any(separator & starts_cell)  # an empty cell or an empty line
        or np.any((chars == _MINUS) & ~(starts_cell & before_digit))
        or np.any((chars == _DOT) & ~(after_digit & before_digit))
    ):
        return None
    separators = np.flatnonzero(separator)
    if separators.size % columns:
        return None
    line_ends = (chars[separators] == _NEWLINE).reshape(-1, columns)
    if not line_ends[:, -1].all() or line_ends[:, :-1].any():  # a line without `columns` cells
        return None
    cell_of_dot = np.searchsorted(separators, np.flatnonzero(chars == _DOT))
    if np.any(np.diff(cell_of_dot) == 0):  # a cell with two dots
        return None
    values = np.loadtxt(io.BytesIO(body), delimiter=",", dtype=np.float64, ndmin=2)
    return values.astype(np.float32)
