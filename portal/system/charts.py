"""Geometry of the system page's line charts: one measurement over the last minute, hour or day.

The backend keeps each measurement in ring buffers ordered oldest to newest (60 seconds, 60
minutes, 24 hours); a chart draws one of them from 0 (or its lowest value, if negative) up to
a round number above its highest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from portal.core.charts import Plot, plot_area, polyline

__all__ = ["MEASURES", "SPANS", "Measure", "SeriesChart", "Span", "nice_ceiling", "series_chart"]


@dataclass(frozen=True)
class Measure:
    """A measured quantity: its key (``client.measurements.<key>()``), its name, its unit."""

    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class Span:
    """A time range shown: the Series array that covers it and how its start reads."""

    key: str
    label: str
    field: str
    start: str


MEASURES = (
    Measure("power", "Power", "W"),
    Measure("speed", "CPU speed", "MHz"),
    Measure("temperature", "Temperature", "°C"),
)
SPANS = (
    Span("minute", "Last minute", "seconds", "60 s ago"),
    Span("hour", "Last hour", "minutes", "60 min ago"),
    Span("day", "Last day", "hours", "24 h ago"),
)


@dataclass(frozen=True)
class SeriesChart(Plot):
    """A polyline of one measurement over one span, with its axes and labels."""

    id: str
    title: str
    unit: str
    span: Span
    points: str
    low: float
    high: float
    latest: float
    peak: float
    count: int

    @property
    def middle(self) -> float:
        """The height of the middle grid line."""
        return self.top + self.plot_height / 2

    @property
    def middle_value(self) -> float:
        """The value at the middle grid line."""
        return (self.low + self.high) / 2


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value`` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def series_chart(
    measure: Measure,
    span: Span,
    values: Sequence[float],
    *,
    width: int = 320,
    height: int = 150,
) -> SeriesChart:
    """The chart of ``values`` (oldest first) of one measurement over one span."""
    plot = plot_area(width, height, left=48, top=10, right=10, bottom=24)
    data = [float(value) for value in values] or [0.0]
    low = -nice_ceiling(-min(data)) if min(data) < 0 else 0.0
    high = nice_ceiling(max(data))
    return SeriesChart(
        **asdict(plot),
        id=f"{measure.key}-{span.key}",
        title=f"{measure.label}, {span.label.lower()}",
        unit=measure.unit,
        span=span,
        points=polyline(plot.spread([plot.y_of(value, low, high) for value in data])),
        low=low,
        high=high,
        latest=data[-1],
        peak=max(data),
        count=len(data),
    )
