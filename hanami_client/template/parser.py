"""The cluster template grammar of contract section 5, parsed into a ClusterTemplate.

Reading of the contract, as upstream's flex/bison parser behaves:

- Lexing is whitespace-insensitive except for the version: flex matches the two version lexemes
  ``version:1`` and ``version: 1`` on the raw text as whole tokens, longest match first, so
  ``version:  1``, ``version :1`` or ``version:`` + newline + ``1`` lex as the identifier
  ``version`` and fail as a ``syntax error`` on it. Whitespace between any other tokens is free,
  and none is needed where the longest match already separates them (``version:1settings:``).
- A grammar violation is ``syntax error`` (bison's plain message) at the first token that cannot
  continue the template, or at the end of input (``parse_template("")`` is refused there: the
  caller treats an absent or empty template as a cluster without hexagons).
- Semantic checks run as soon as their construct is complete, before the next token is read, so
  the first problem in text order wins. They point at the offending part: a setting's value, the
  ``x,y,z`` of a duplicated, unknown or interface position, an interface's name.
- Positions wrap to uint32 like upstream's (``-1,1,1`` is ``4294967295,1,1``, also when checking
  for duplicates); integers outside int64 are ``integer is out of range``.
- Repeated settings: the last one wins. Several interfaces may share a hexagon.
- R (contract section 5): an input or output name used twice, across inputs and outputs, is
  refused with ``Name '<n>' is used by more than one input or output.``

Not checked, as upstream: hexagon adjacency; huge ``refractory_time``/``max_connection_distance``
values are kept as parsed.
"""

from __future__ import annotations

from dataclasses import replace

from hanami_client.template.errors import TemplateError
from hanami_client.template.lexer import Lexer, Token
from hanami_client.template.model import ClusterTemplate, Interface, Position, Settings

SETTINGS = ("neuron_cooldown", "refractory_time", "max_connection_distance", "enable_reduction")
INPUT_FLAGS = ("binary", "match")
OUTPUT_FLAGS = ("bool", "int", "float")
MAX_NAME_LENGTH = 254
_UINT32 = 2**32
_BOOLS = {"true": True, "True": True, "false": False, "False": False}


def parse_template(text: str) -> ClusterTemplate:
    """The template ``text`` describes; raises TemplateError with upstream's message."""
    return _Parser(text).template()


class _Parser:
    """Recursive descent over lazily read tokens (one token of lookahead)."""

    def __init__(self, text: str) -> None:
        self._lexer = Lexer(text)
        self._tokens = self._lexer.tokens()
        self._next: Token | None = None
        self._settings = Settings()
        self._hexagons: dict[Position, None] = {}
        self._names: set[str] = set()

    def template(self) -> ClusterTemplate:
        """template := version settings hexagons [axons] inputs outputs, then the end."""
        self._expect("version")
        self._section("settings")
        self._setting()
        while self._peek().kind in SETTINGS:
            self._setting()
        self._section("hexagons")
        self._hexagon()
        while self._peek().kind == "number":
            self._hexagon()
        axons = []
        if self._peek().kind == "axons":
            self._section("axons")
            axons.append(self._axon())
            while self._peek().kind == "number":
                axons.append(self._axon())
        inputs = self._interfaces("inputs", INPUT_FLAGS)
        outputs = self._interfaces("outputs", OUTPUT_FLAGS)
        self._expect("end")
        return ClusterTemplate(
            settings=self._settings,
            hexagons=tuple(self._hexagons),
            axons=tuple(axons),
            inputs=inputs,
            outputs=outputs,
        )

    def _peek(self) -> Token:
        if self._next is None:
            self._next = next(self._tokens)
        return self._next

    def _take(self) -> Token:
        token = self._peek()
        self._next = None
        return token

    def _expect(self, *kinds: str) -> Token:
        token = self._take()
        if token.kind not in kinds:
            raise self._error("syntax error", token, token)
        return token

    def _section(self, keyword: str) -> None:
        self._expect(keyword)
        self._expect(":")

    def _error(self, message: str, first: Token, last: Token) -> TemplateError:
        """An error on the text from ``first`` to the end of ``last``."""
        length = last.offset + len(last.text) - first.offset
        return self._lexer.error(message, first.line, first.column, length)

    def _setting(self) -> None:
        name = self._expect(*SETTINGS).kind
        self._expect(":")
        if name == "neuron_cooldown":
            token = self._expect("number", "decimal")
            if float(token.text) <= 1.0:
                raise self._error("neuron_cooldown must be > 1.0", token, token)
            self._settings = replace(self._settings, neuron_cooldown=float(token.text))
        elif name == "enable_reduction":
            value = _BOOLS[self._expect(*_BOOLS).kind]
            self._settings = replace(self._settings, enable_reduction=value)
        else:
            token = self._expect("number")
            if int(token.text) < 1:
                raise self._error(f"{name} must be >= 1", token, token)
            self._settings = replace(self._settings, **{name: int(token.text)})

    def _position(self) -> tuple[Position, Token, Token]:
        """pos := INT "," INT "," INT, wrapped to uint32; with its first and last token."""
        first = self._expect("number")
        self._expect(",")
        middle = self._expect("number")
        self._expect(",")
        last = self._expect("number")
        x, y, z = (int(token.text) % _UINT32 for token in (first, middle, last))
        return (x, y, z), first, last

    def _known(self, message: str) -> Position:
        """A position that must be a declared hexagon; ``message`` prefixes its refusal."""
        position, first, last = self._position()
        if position not in self._hexagons:
            raise self._error(f"{message} {_show(position)} doesn't exist.", first, last)
        return position

    def _hexagon(self) -> None:
        position, first, last = self._position()
        if position in self._hexagons:
            message = f"Hexagon with the position {_show(position)} already exist."
            raise self._error(message, first, last)
        self._hexagons[position] = None

    def _axon(self) -> tuple[Position, Position]:
        source = self._known("Source-Hexagon of axon with the position")
        self._expect("->")
        return source, self._known("Target-Hexagon of axon with the position")

    def _interfaces(self, keyword: str, flags: tuple[str, ...]) -> tuple[Interface, ...]:
        """inputs/outputs := keyword ":" iface ["(" flag ")"] {...}."""
        self._section(keyword)
        found = [self._interface(flags)]
        while self._peek().kind == "identifier":
            found.append(self._interface(flags))
        return tuple(found)

    def _interface(self, flags: tuple[str, ...]) -> Interface:
        name = self._expect("identifier")
        self._expect(":")
        position = self._known("Hexagon with the position")
        if len(name.text) > MAX_NAME_LENGTH:
            message = f"Name '{name.text}' is longer than {MAX_NAME_LENGTH} characters."
            raise self._error(message, name, name)
        if name.text in self._names:
            message = f"Name '{name.text}' is used by more than one input or output."
            raise self._error(message, name, name)
        self._names.add(name.text)
        flag = ""
        if self._peek().kind == "(":
            self._take()
            flag = self._expect(*flags).kind
            self._expect(")")
        return Interface(name.text, position, flag)


def _show(position: Position) -> str:
    """Upstream's ``Position::toString``: ``[ x , y , z ]``."""
    return "[ {} , {} , {} ]".format(*position)
