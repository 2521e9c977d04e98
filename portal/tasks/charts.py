"""Geometry of a task's progress chart: rows done over time since its start, drawn as SVG.

Like the dataset charts, the template draws it with presentation attributes and classes only
(the CSP forbids inline styles), so the websocket swaps it like any other fragment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from portal.tasks.progress import Progress, duration_text, parse_timestamp

__all__ = ["CycleChart", "cycle_chart"]


@dataclass(frozen=True)
class CycleChart:
    """A polyline of rows done (up) against seconds since the start (right), with its axes."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: str
    total: int
    span: str
    count: int

    @property
    def right(self) -> int:
        """The right edge of the plot."""
        return self.left + self.plot_width

    @property
    def bottom(self) -> int:
        """The lower edge of the plot."""
        return self.top + self.plot_height


def cycle_chart(
    progress: Progress, *, now: float | None = None, width: int = 480, height: int = 180
) -> CycleChart | None:
    """The chart of a started task: (start, 0), its samples, then now or its end; else None."""
    task = progress.task
    start = parse_timestamp(task.start_timestamp)
    if start is None:
        return None
    now = time.time() if now is None else now
    points = [(start, 0)] + [(s.at, s.cycle) for s in progress.samples if s.at >= start]
    end = parse_timestamp(task.end_timestamp)
    last_at = points[-1][0]
    if task.done:
        # The end timestamp has whole seconds: it may read earlier than the last sample.
        points.append((max(end if end is not None else last_at, last_at), task.current_cycle))
    elif task.state == "active":
        points.append((max(now, last_at), task.current_cycle))
    if len(points) > 2 and points[-1] == points[-2]:
        points.pop()
    left, top, right_margin, bottom_margin = 56, 10, 12, 28
    plot_width = width - left - right_margin
    plot_height = height - top - bottom_margin
    span = max(points[-1][0] - start, 1e-9)
    total = max(task.total_number_of_cycles, max(cycle for _, cycle in points), 1)
    text = " ".join(
        f"{left + (at - start) / span * plot_width:.1f},"
        f"{top + plot_height - cycle / total * plot_height:.1f}"
        for at, cycle in points
    )
    return CycleChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        points=text,
        total=total,
        span=duration_text(points[-1][0] - start),
        count=len(points),
    )
