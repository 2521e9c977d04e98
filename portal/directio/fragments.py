"""What the relay sends the page: rendered partials of the Try-it page, swapped out of band.

Every reply to a page's message renders ``#direct-outputs`` (a request) or the note (a train)
and clears or fills the problem line; the socket's state goes to ``#direct-status``. The page
renders the same partials when it loads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Literal

from django.template.loader import render_to_string

from hanami_client.direct import Outputs
from portal.directio.charts import BarChart, bar_chart, highest
from portal.directio.layout import View
from portal.directio.locks import Holder
from portal.directio.messages import DirectMessage

__all__ = [
    "OutputView",
    "State",
    "output_views",
    "render_outputs",
    "render_problem",
    "render_status",
    "render_trained",
]

PAGE = "directio/page.html"

#: ``connecting`` while the page loads; ``ready`` while this page drives the cluster;
#: ``in_use`` (another browser drives it), ``busy`` (a task runs, or a session elsewhere),
#: ``failed`` (the backend refused or vanished), ``expired`` (the sign-in is about to end):
#: the socket is closed.
State = Literal["connecting", "ready", "in_use", "busy", "failed", "expired"]


@dataclass(frozen=True)
class OutputView:
    """One output hexagon's values as the page shows them."""

    name: str
    values: list[float]
    chart: BarChart | None
    best: int


def output_views(outputs: Outputs, *, view: View) -> list[OutputView]:
    """The outputs in name order, each with its chart (digit scores on a scale up to 1)."""
    at_least = 1.0 if view == "digits" else 0.0
    return [
        OutputView(
            name=name,
            values=values,
            chart=bar_chart(values, at_least=at_least),
            best=highest(values) if values else -1,
        )
        for name, values in sorted(outputs.items())
    ]


def _when(holder: Holder) -> str:
    return datetime.datetime.fromtimestamp(holder.since, datetime.UTC).strftime("%H:%M")


def render_status(
    state: State, *, holder: Holder | None = None, user_id: str = "", detail: str = ""
) -> str:
    """The socket's state for ``#direct-status``; ``holder`` for ``in_use``."""
    context: dict[str, Any] = {
        "state": state,
        "holder": holder,
        "holder_is_me": holder is not None and holder.user_id == user_id,
        "since": _when(holder) if holder is not None else "",
        "detail": detail,
        "oob": True,
    }
    return render_to_string(f"{PAGE}#status", context)


def render_outputs(outputs: Outputs, *, view: View) -> str:
    """A request's reply: the outputs (the digit chart and the prediction on the canvas page)."""
    context = {"outputs": output_views(outputs, view=view), "view": view, "oob": True}
    return render_to_string(f"{PAGE}#outputs", context)


def render_trained(message: DirectMessage, *, view: View) -> str:
    """A train message's reply: a note of what was taught."""
    taught = None
    if view == "digits":
        (expected,) = message.expected.values()
        taught = highest(expected)
    return render_to_string(f"{PAGE}#trained", {"taught": taught, "oob": True})


def render_problem(text: str) -> str:
    """A refused message's reply: the reason, in the problem line."""
    return render_to_string(f"{PAGE}#problem", {"problem": text, "oob": True})
