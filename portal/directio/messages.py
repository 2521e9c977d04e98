"""The messages a Try-it page sends over its socket, checked before anything reaches the backend.

A message is one JSON object::

    {"kind": "request" | "train",
     "inputs":   {"<input hexagon>": [numbers] | "numbers separated by spaces or commas"},
     "expected": {"<output hexagon>": [...]}}            (train only; ignored for a request)

The page's form of values sends its fields flat, as htmx's ``ws-send`` does: ``inputs.<hexagon>``
and ``expected.<hexagon>`` are folded into the objects above (its ``HEADERS`` are ignored). An
empty field is left out: an input left out counts as zeros (the engine's rule).

Every refusal is a ``MessageError`` whose text tells the person at the page what to change.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from portal.directio.layout import CANVAS_VALUES, DIGITS, HEXAGON_RE, PIXEL_MAX, Layout

__all__ = [
    "MAX_TEXT_CHARS",
    "MAX_VALUES",
    "DirectMessage",
    "MessageError",
    "Rules",
    "check_message",
    "parse_message",
    "read_message",
]

Kind = Literal["request", "train"]

#: A longer message is refused unread (784 pixels take some 4,000 characters); daphne closes a
#: frame over 1 MiB (code 1009) before it gets here.
MAX_TEXT_CHARS = 1_000_000
#: The most values one hexagon may get in one message.
MAX_VALUES = 500_000
SEPARATORS = re.compile(r"[\s,;]+")


class MessageError(ValueError):
    """A message the relay refuses; the text says why, in words for the page."""


@dataclass(frozen=True)
class DirectMessage:
    """One checked message: what to do and the values per hexagon."""

    kind: Kind
    inputs: dict[str, list[float]]
    expected: dict[str, list[float]]


@dataclass
class Rules:
    """What one socket accepts, and the widths the backend took from it so far.

    ``inputs``/``outputs`` are None when the portal does not know the template (the backend
    then judges the names). The canvas fixes every input at 784 pixels of 0..255 and every
    expected vector at ten values. Otherwise the first message the backend accepted fixes each
    hexagon's width for the socket's life: upstream would silently pad or grow it.
    """

    inputs: frozenset[str] | None = None
    outputs: frozenset[str] | None = None
    input_width: int | None = None
    expected_width: int | None = None
    pixels: bool = False
    widths: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, layout: Layout) -> Rules:
        """The rules of a page: its known hexagons, and the canvas's sizes for ``digits``."""
        known = layout.known
        canvas = layout.view == "digits"
        return cls(
            inputs=frozenset(layout.inputs) if known else None,
            outputs=frozenset(layout.outputs) if known else None,
            input_width=CANVAS_VALUES if canvas else None,
            expected_width=DIGITS if canvas else None,
            pixels=canvas,
        )

    def learn(self, message: DirectMessage) -> None:
        """Keep the widths of a message the backend accepted."""
        for values in (message.inputs, message.expected):
            for name, numbers in values.items():
                self.widths.setdefault(name, len(numbers))


def read_message(text: str | None) -> dict[str, Any]:
    """The JSON object of a text frame; a binary frame or other JSON is refused."""
    if text is None:
        raise MessageError("Send text: a JSON object with kind and inputs, not binary data.")
    if len(text) > MAX_TEXT_CHARS:
        raise MessageError(f"This message is too long: at most {MAX_TEXT_CHARS:,} characters.")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise MessageError(f"This message is not JSON ({error}).") from None
    except RecursionError:
        raise MessageError("This message is not a message: its JSON nests too deeply.") from None
    if not isinstance(data, dict):
        raise MessageError("A message is a JSON object with kind and inputs.")
    return data


def parse_message(text: str | None, rules: Rules) -> DirectMessage:
    """The checked message of a text frame, or a ``MessageError`` that says what is wrong."""
    return check_message(read_message(text), rules)


def check_message(data: Mapping[str, Any], rules: Rules) -> DirectMessage:
    """The checked message of a JSON object, or a ``MessageError`` that says what is wrong."""
    kind = data.get("kind")
    if kind not in ("request", "train"):
        raise MessageError("Say what to do: kind is “request” or “train”.")
    inputs = _values_of(data, "inputs", rules)
    if not inputs:
        raise MessageError("Give values for at least one input hexagon.")
    expected = _values_of(data, "expected", rules) if kind == "train" else {}
    if kind == "train":
        _check_expected(expected, rules)
    return DirectMessage(kind=kind, inputs=inputs, expected=expected)


def _values_of(data: Mapping[str, Any], group: str, rules: Rules) -> dict[str, list[float]]:
    """The ``inputs`` or ``expected`` of a message, nested or as flat form fields."""
    given = data.get(group, {})
    if not isinstance(given, dict):
        raise MessageError(f"{group} is an object: hexagon name → values.")
    items = dict(given)
    prefix = f"{group}."
    items.update(
        {key[len(prefix) :]: value for key, value in data.items() if key.startswith(prefix)}
    )
    values = {}
    for name, raw in items.items():
        numbers = _numbers(name, raw)
        if numbers:
            _check_hexagon(name, group, numbers, rules)
            values[name] = numbers
    return values


def _numbers(name: str, raw: Any) -> list[float]:
    """The values given for one hexagon: a list of numbers, or numbers in a text."""
    if isinstance(raw, str):
        raw = [part for part in SEPARATORS.split(raw.strip()) if part]
        try:
            numbers = [float(part) for part in raw]
        except ValueError:
            bad = next(part for part in raw if not _is_number(part))
            raise MessageError(f"{name}: “{bad[:40]}” is not a number.") from None
    elif isinstance(raw, list) and all(_is_json_number(item) for item in raw):
        numbers = [float(item) for item in raw]
    else:
        raise MessageError(f"{name}: give a list of numbers.")
    if len(numbers) > MAX_VALUES:
        raise MessageError(f"{name}: at most {MAX_VALUES:,} values per hexagon.")
    if not all(math.isfinite(number) for number in numbers):
        raise MessageError(f"{name}: only finite numbers (no NaN or infinity).")
    return numbers


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_json_number(item: Any) -> bool:
    return isinstance(item, int | float) and not isinstance(item, bool)


def _check_hexagon(name: str, group: str, numbers: list[float], rules: Rules) -> None:
    """Refuse an unknown hexagon, a width other than the socket's, a pixel out of range."""
    if not HEXAGON_RE.fullmatch(name):
        raise MessageError(f"“{name[:60]}” is not a hexagon name: use letters, digits and _.")
    kind, known, width = (
        ("input", rules.inputs, rules.input_width)
        if group == "inputs"
        else ("output", rules.outputs, rules.expected_width)
    )
    if known is not None and name not in known:
        names = ", ".join(sorted(known))
        raise MessageError(
            f"“{name}” is not an {kind} hexagon of this cluster (its {kind}s: {names})."
        )
    if width is not None and len(numbers) != width:
        raise MessageError(f"{name} takes {width} values; this message has {len(numbers)}.")
    learned = rules.widths.get(name)
    if learned is not None and len(numbers) != learned:
        raise MessageError(
            f"{name} takes {learned} values; this message has {len(numbers)}. A hexagon keeps "
            "the number of values it first got (from a task or a message) for good."
        )
    if rules.pixels and group == "inputs":
        wrong = next((value for value in numbers if not 0 <= value <= PIXEL_MAX), None)
        if wrong is not None:
            raise MessageError(f"{name}: pixel values go from 0 to {PIXEL_MAX}; got {wrong:g}.")


def _check_expected(expected: dict[str, list[float]], rules: Rules) -> None:
    """Training needs expected values for every output hexagon (at least one when unknown)."""
    if rules.outputs is None:
        if not expected:
            raise MessageError("Training needs expected values for an output hexagon.")
        return
    missing = sorted(rules.outputs - expected.keys())
    if missing:
        raise MessageError(
            f"Training needs expected values for every output hexagon: {', '.join(missing)}."
        )
