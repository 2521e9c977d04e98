"""Who may read what of the logs: the error log is for admins acting with the admin role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["NOT_ADMIN_FILTER", "error_log_refusal"]

NOT_ADMIN = "Only administrators of the backend can read the error log."
NOT_ADMIN_ROLE = (
    "Reading the error log needs the admin role, and in project “{project}” your role is "
    "“{role}”. Switch to the project “admin” to read it."
)
NOT_ADMIN_FILTER = "Only administrators of the backend can read another user's audit entries."


def error_log_refusal(context: Mapping[str, Any]) -> str | None:
    """Why the session may not read the error log, or None when it may.

    The backend grants the error log to the role "admin" and answers anyone else with 401,
    which would end the portal session; so the portal refuses first, with a reason.
    """
    if not context["is_admin"]:
        return NOT_ADMIN
    if context["role"] != "admin":
        return NOT_ADMIN_ROLE.format(project=context["project_id"], role=context["role"])
    return None
