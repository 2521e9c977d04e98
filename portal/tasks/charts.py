"""Geometry of a task's progress chart: rows done over time since its start, drawn as SVG."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from portal.core.charts import Plot, plot_area, polyline
from portal.tasks.progress import Progress, duration_text, parse_timestamp

__all__ = ["CycleChart", "cycle_chart"]


@dataclass(frozen=True)
class CycleChart(Plot):
    """A polyline of rows done (up) against seconds since the start (right), with its axes."""

    points: str
    total: int
    span: str
    count: int


def cycle_chart(
    progress: Progress, *, now: float | None = None, width: int = 480, height: int = 180
) -> CycleChart | None:
    """The chart of a started task: (start, 0), its samples, then now or its end; else None
    (also for a save or restore task, which counts no rows)."""
    task = progress.task
    start = parse_timestamp(task.start_timestamp)
    if start is None or not progress.counts_rows:
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
    plot = plot_area(width, height, left=56, top=10, right=12, bottom=28)
    span = max(points[-1][0] - start, 1e-9)
    total = max(task.total_number_of_cycles, max(cycle for _, cycle in points), 1)
    return CycleChart(
        **asdict(plot),
        points=polyline(
            (plot.left + (at - start) / span * plot.plot_width, plot.y_of(cycle, 0, total))
            for at, cycle in points
        ),
        total=total,
        # Whole-second timestamps and no sample between them: it took less than a second.
        span=duration_text(points[-1][0] - start) if points[-1][0] > start else "under 1 s",
        count=len(points),
    )
