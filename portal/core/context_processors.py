"""Template context for the layout: the signed-in user, current project and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.core.session import public_context, switchable_projects


def portal(request: HttpRequest) -> dict[str, Any]:
    """``hanami`` (the session context without the token) and ``switchable_projects``."""
    if getattr(request, "user", None) is None:
        return {"hanami": None, "switchable_projects": []}
    return {"hanami": public_context(request), "switchable_projects": switchable_projects(request)}
