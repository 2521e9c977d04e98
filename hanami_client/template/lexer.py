"""Tokens of a cluster template, matched like upstream's flex scanner (contract section 5).

At each point the longest match wins, ties going to the earlier rule: the version lexemes,
keywords, punctuation, quoted strings, integers, floats, identifiers. Spaces, tabs and newlines
only separate tokens; any other character (``#``, ``\\r``, a lone ``-``, non-ASCII, NUL) is an
``invalid character``. Tokens are produced lazily, so an error is found in text order.
A keyword or punctuation is its own token kind; the others are ``version``, ``string``,
``number`` (INT), ``decimal`` (FLOAT), ``identifier`` and ``end``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hanami_client.template.errors import TemplateError

VERSION_LEXEMES = ("version:1", "version: 1")
KEYWORDS = frozenset(
    {
        "settings",
        "hexagons",
        "axons",
        "inputs",
        "outputs",
        "neuron_cooldown",
        "max_connection_distance",
        "refractory_time",
        "enable_reduction",
        "binary",
        "match",
        "true",
        "false",
        "True",
        "False",
        "bool",
        "int",
        "float",
    }
)
_VERSIONS = tuple(("version", lexeme) for lexeme in VERSION_LEXEMES)
_PUNCTUATION = tuple((lexeme, lexeme) for lexeme in ("->", ",", ":", "(", ")"))
_INT64 = range(-(2**63), 2**63)
_PATTERNS = (
    ("string", re.compile(r'"(?:\\.|[^"\\])*"')),
    ("number", re.compile(r"-?[0-9]+")),
    ("decimal", re.compile(r"-?[0-9]+\.[0-9]+")),
    ("identifier", re.compile(r"[A-Za-z0-9_]+")),
)


@dataclass(frozen=True)
class Token:
    """One lexeme: kind (a keyword or punctuation is its own kind), text and 1-based place."""

    kind: str
    text: str
    line: int
    column: int
    offset: int


class Lexer:
    """Turns template text into tokens, ending with an ``end`` token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")

    def error(self, message: str, line: int, column: int, length: int) -> TemplateError:
        """A TemplateError at a place of this text."""
        return TemplateError(message, line, column, length, self.lines[line - 1])

    def tokens(self) -> Iterator[Token]:
        """The tokens in order; raises TemplateError for what no rule matches."""
        text, offset, line, line_start = self.text, 0, 1, 0
        while offset < len(text):
            char = text[offset]
            if char in " \t":
                offset += 1
            elif char == "\n":
                offset, line, line_start = offset + 1, line + 1, offset + 1
            else:
                kind, length = self._longest(offset)
                column = offset - line_start + 1
                if kind == "invalid":
                    raise self.error("invalid character", line, column, 1)
                lexeme = text[offset : offset + length]
                if kind == "number" and int(lexeme) not in _INT64:
                    raise self.error("integer is out of range", line, column, length)
                yield Token(kind, lexeme, line, column, offset)
                offset += length
        yield Token("end", "", line, offset - line_start + 1, offset)

    def _longest(self, offset: int) -> tuple[str, int]:
        """The kind and length of the longest (then earliest-rule) match at ``offset``."""
        text = self.text
        candidates = [
            (kind, len(lexeme))
            for kind, lexeme in (*_VERSIONS, *_PUNCTUATION)
            if text.startswith(lexeme, offset)
        ]
        for kind, pattern in _PATTERNS:
            match = pattern.match(text, offset)
            if match:
                word = match.group()
                candidates.append((word if word in KEYWORDS else kind, len(word)))
        if not candidates:
            return "invalid", 1
        candidates.sort(key=lambda candidate: -candidate[1])
        return candidates[0]
