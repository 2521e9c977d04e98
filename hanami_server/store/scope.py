"""Resource scoping of contract 1.11: which stored rows a token's user may see."""

from __future__ import annotations

from typing import Any

# A condition on a table with `owner_id` and `project_id`; its parameters come from `scope()`.
SCOPE = "(? OR (project_id = ? AND (? OR owner_id = ?)))"


def scope(user: dict[str, Any]) -> tuple[bool, str, bool, str]:
    """The parameters of SCOPE for this token context.

    A global admin sees everything, a project admin the token's project, anyone else only
    their own rows in the token's project.
    """
    return (
        user.get("is_admin") is True,
        str(user.get("project_id", "")),
        user.get("is_project_admin") is True,
        str(user.get("id", "")),
    )
