"""Typed readers of settings from the environment; each fails loudly on a bad value."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

__all__ = ["env_bool", "env_int", "env_list", "env_str"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The value of NAME, or the content of the file named by NAME_FILE (for secrets)."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {error}") from error


def env_str(name: str, default: str | None = None, *, hint: str = "") -> str:
    """A string setting; without a default the variable (or NAME_FILE) is required."""
    value = _raw(name)
    if value is not None and value != "":
        return value
    if default is None:
        reason = f": {hint}" if hint else ""
        raise ImproperlyConfigured(f"Set the environment variable {name} (or {name}_FILE){reason}")
    return default


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: 1/true/yes/on or 0/false/no/off (any case)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    """An integer setting."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str] | None = None, *, hint: str = "") -> list[str]:
    """A comma-separated list setting; without a default the variable is required."""
    value = env_str(name, None if default is None else ",".join(default), hint=hint)
    return [item.strip() for item in value.split(",") if item.strip()]
