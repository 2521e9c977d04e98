"""Pieces shared by the API schemas: strings checked by the wire contract's field rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from ninja import Field

__all__ = ["anchored", "rule_string"]


def anchored(pattern: re.Pattern[str]) -> str:
    """The rule's regex matching the whole value, as the backend applies it."""
    return f"^(?:{pattern.pattern})$"


def rule_string(
    pattern: re.Pattern[str],
    description: str,
    *,
    limits: tuple[int, int] | None = None,
    source: Callable[..., Any] = Field,
) -> Any:
    """A string type for a schema field (or a Path/Query/Form parameter) checked by one rule."""
    lengths = {"min_length": limits[0], "max_length": limits[1]} if limits else {}
    return Annotated[str, source(pattern=anchored(pattern), description=description, **lengths)]
