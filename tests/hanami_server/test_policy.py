"""The policy grammar of contract 8.2 and the shipped default policy."""

from __future__ import annotations

import pytest

from hanami_server.policy import PolicyError, default_policy, parse_policy


@pytest.mark.parametrize(
    ("endpoint", "method", "role", "allowed"),
    [
        ("v1.0alpha/user", "GET", "admin", True),
        ("v1.0alpha/user", "GET", "member", False),
        ("v1.0alpha/user/all", "GET", "member", False),
        ("v1.0alpha/user/project", "POST", "member", True),
        ("v1.0alpha/project/all", "GET", "member", False),
        ("v1.0alpha/token", "PUT", "member", True),
        ("v1.0alpha/token", "POST", "admin", False),
        ("v1.0alpha/error_log", "GET", "member", False),
        ("v1.0alpha/audit_log", "GET", "member", True),
        ("v1.0alpha/dataset", "PUT", "member", True),
        ("v1.0alpha/dataset/content", "GET", "member", True),
        ("v1.0alpha/cluster/all", "GET", "member", True),
        ("v1.0alpha/template/all", "GET", "admin", True),
        ("v1.0alpha/nothing", "GET", "admin", False),
        ("v1.0alpha/user", "GET", "reader", False),
    ],
)
def test_shipped_policy(endpoint: str, method: str, role: str, allowed: bool) -> None:
    assert default_policy().allows(endpoint, method, role) is allowed


def test_whitespace_around_methods_and_roles_is_free() -> None:
    policy = parse_policy("  v1.0alpha/x  \n-GET :admin ,  member\n   -   POST:   reader\n")
    assert policy.allows("v1.0alpha/x", "GET", "member")
    assert policy.allows("v1.0alpha/x", "POST", "reader")
    assert not policy.allows("v1.0alpha/x", "POST", "admin")


def test_first_block_of_a_repeated_endpoint_wins() -> None:
    policy = parse_policy(
        "v1.0alpha/x\n- GET: admin\n\nv1.0alpha/x\n- GET: member\n- PUT: member\n"
    )
    assert policy.allows("v1.0alpha/x", "GET", "admin")
    assert not policy.allows("v1.0alpha/x", "GET", "member")
    assert not policy.allows("v1.0alpha/x", "PUT", "member")


@pytest.mark.parametrize(
    "text",
    [
        "- GET: admin\n",
        "v1.0alpha/x\n- PATCH: admin\n",
        "v1.0alpha/x y\n",
        "v1.0alpha/x\n- GET: a,\n",
    ],
)
def test_malformed_policy_is_refused(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_policy(text)
