"""The live parts of the task pages, rendered from templates: list rows and a task's progress.

Pages render them inline on load; the poller renders the same partials, wrapped with
``hx-swap-oob``, and sends them over the websocket, so a live update is ordinary HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from portal.tasks.charts import cycle_chart
from portal.tasks.progress import Progress

__all__ = ["live_context", "render_gone", "render_live", "render_rows", "rows_context"]


def live_context(
    cluster_uuid: str, progress: Progress, *, now: float | None = None
) -> dict[str, Any]:
    """What the progress partial of the detail page needs."""
    return {
        "cluster_uuid": cluster_uuid,
        "progress": progress,
        "chart": cycle_chart(progress, now=now),
    }


def rows_context(cluster_uuid: str, progresses: Sequence[Progress]) -> dict[str, Any]:
    """What the rows partial of the list needs."""
    return {"cluster_uuid": cluster_uuid, "rows": progresses}


def render_rows(cluster_uuid: str, progresses: Sequence[Progress]) -> str:
    """The list's rows as an out-of-band swap of ``#task-rows``."""
    return render_to_string("tasks/list.html#oob", rows_context(cluster_uuid, progresses))


def render_live(context: dict[str, Any]) -> str:
    """A task's summary and progress as out-of-band swaps of the detail page."""
    return render_to_string("tasks/detail.html#oob", context)


def render_gone(message: str) -> str:
    """The detail page's note that its task (or cluster) no longer exists."""
    return render_to_string("tasks/detail.html#gone", {"message": message})
