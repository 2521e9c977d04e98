"""Declarative input fields and upstream's validation, with its exact order and message texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Patterns as upstream registers them; the error message wraps each in "^...$", which is why
# B64 (registered with its own anchors) prints as "^^...$$".
UUID_PATTERN = r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"
ID_PATTERN = r"[a-zA-Z][a-zA-Z_0-9]*"
ID_EXT_PATTERN = r"[a-zA-Z][a-zA-Z_0-9@]*"
NAME_PATTERN = r"[a-zA-Z][a-zA-Z_0-9\- ]*"
B64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

_TYPE_CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float),
    "bool": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "map": lambda v: isinstance(v, dict),
}


@dataclass(frozen=True)
class Field:
    """One input field: its type, whether it is required, and its regex and inclusive limits."""

    type: str
    required: bool = True
    pattern: str = ""
    low: int = 0
    high: int = 0
    default: Any = None

    def __post_init__(self) -> None:
        if self.type not in _TYPE_CHECKS:
            raise ValueError(f"unknown field type {self.type!r}")


def string(pattern: str, low: int, high: int, *, required: bool = True) -> Field:
    """A string field with a regex and a length range in bytes."""
    return Field("string", required, pattern, low, high)


def integer(low: int, high: int, *, required: bool = True) -> Field:
    """An int field with inclusive limits."""
    return Field("int", required, "", low, high)


def boolean(*, required: bool = True) -> Field:
    """A bool field (upstream's dead defaults make most of them required)."""
    return Field("bool", required)


def check_completeness(inputs: dict[str, Any], fields: dict[str, Field]) -> str | None:
    """Step 9: unknown keys first, then missing required keys, both in alphabetical order."""
    for key in sorted(inputs):
        if key not in fields:
            return f"Validation failed, because item '{key}' is not in the list of allowed keys"
    for key in sorted(fields):
        if fields[key].required and key not in inputs:
            return f"Validation failed, because variable '{key}' is required, but is not set."
    return None


def fill_defaults(inputs: dict[str, Any], fields: dict[str, Field]) -> None:
    """Step 10a: optional fields that declare a default get it when absent."""
    for key, field in fields.items():
        if field.default is not None and key not in inputs:
            inputs[key] = field.default


def check_values(inputs: dict[str, Any], fields: dict[str, Field]) -> str | None:
    """Step 10b: per field in alphabetical order, type, then regex, then limits."""
    for key in sorted(fields):
        if key not in inputs:
            continue
        field, value = fields[key], inputs[key]
        if not _TYPE_CHECKS[field.type](value):
            return (
                f"Value-validation failed, because a item '{key}'  has the false type: "
                f"Exprect {field.type}-type."
            )
        if field.pattern and not re.fullmatch(field.pattern, value):
            return f"Given item '{key}' doesn't match with regex \"^{field.pattern}$\""
        problem = _check_limits(key, value, field)
        if problem:
            return problem
    return None


def _check_limits(key: str, value: Any, field: Field) -> str | None:
    if field.low == 0 and field.high == 0:
        return None
    if field.type == "int":
        if value < field.low:
            return f"Given item '{key}' is smaller than {field.low}"
        if value > field.high:
            return f"Given item '{key}' is bigger than {field.high}"
    if field.type == "string":
        length = len(value.encode())
        if length < field.low:
            return f"Given item '{key}' is shorter than {field.low} characters"
        if length > field.high:
            return f"Given item '{key}' is longer than {field.high} characters"
    return None


def validate(inputs: dict[str, Any], fields: dict[str, Field]) -> str | None:
    """Steps 9 and 10 in order; the first failure's message, or None when the input is valid."""
    problem = check_completeness(inputs, fields)
    if problem:
        return problem
    fill_defaults(inputs, fields)
    return check_values(inputs, fields)
