"""The policy file of contract 8.2: which roles may call which endpoint with which method."""

from __future__ import annotations

import re
from importlib import resources

METHODS = ("GET", "POST", "PUT", "DELETE")
_ENDPOINT_RE = re.compile(r"[A-Za-z0-9_/.\-]+")
_RULE_RE = re.compile(r"-\s*([A-Z]+)\s*:\s*(.*)")


class PolicyError(ValueError):
    """The policy text does not follow the grammar."""


class Policy:
    """Parsed rules: endpoint -> method -> allowed roles."""

    def __init__(self, rules: dict[str, dict[str, frozenset[str]]]) -> None:
        self.rules = rules

    def allows(self, endpoint: str, method: str, role: str) -> bool:
        """True when the role is listed for the endpoint and method; anything unlisted is denied."""
        return role in self.rules.get(endpoint, {}).get(method, frozenset())


def parse_policy(text: str) -> Policy:
    """Parse policy text; when an endpoint appears twice, its first block wins."""
    rules: dict[str, dict[str, frozenset[str]]] = {}
    seen: set[str] = set()
    current: dict[str, frozenset[str]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        rule = _RULE_RE.fullmatch(line)
        if rule:
            if current is None:
                raise PolicyError(f"line {number}: a rule before any endpoint")
            method, roles = rule.groups()
            if method not in METHODS:
                raise PolicyError(f"line {number}: unknown method {method!r}")
            names = [role.strip() for role in roles.split(",")]
            if not all(names):
                raise PolicyError(f"line {number}: empty role name")
            current.setdefault(method, frozenset(names))
            continue
        if not _ENDPOINT_RE.fullmatch(line):
            raise PolicyError(f"line {number}: not an endpoint path: {line!r}")
        current = {} if line in seen else rules.setdefault(line, {})
        seen.add(line)
    return Policy(rules)


def default_policy() -> Policy:
    """The policy upstream ships, kept beside this module as `policies`."""
    return parse_policy(resources.files(__package__).joinpath("policies").read_text())
