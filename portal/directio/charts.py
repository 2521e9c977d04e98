"""Geometry of an output's bar chart: one bar per value, up or down from zero, drawn as SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from portal.core.charts import Plot, plot_area

__all__ = ["MAX_BARS", "Bar", "BarChart", "bar_chart", "highest"]

#: Outputs wider than this are shown as numbers only.
MAX_BARS = 64
#: Value labels are written on the bars up to this many bars, index labels up to ``MAX_LABELS``.
MAX_VALUE_TEXTS = 12
MAX_LABELS = 32


@dataclass(frozen=True)
class Bar:
    """One value's bar: its index, value, rectangle and whether it is the highest."""

    index: int
    value: float
    x: float
    y: float
    width: float
    height: float
    best: bool

    @property
    def centre(self) -> float:
        """The bar's horizontal middle, where its labels go."""
        return round(self.x + self.width / 2, 1)

    @property
    def text(self) -> str:
        """The value as written on the bar (formatted here: a template filter is slower)."""
        return f"{round(self.value, 2) + 0.0:.2f}"  # + 0.0: no "-0.00"

    @property
    def described(self) -> str:
        """The value as the chart's description reads it."""
        return f"{round(self.value, 3) + 0.0:.3f}"

    @property
    def text_y(self) -> float:
        """Where the bar's value is written: just above it."""
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class BarChart(Plot):
    """Bars around a zero line, with the scale's ends and what to label."""

    zero: float
    low: float
    high: float
    bars: tuple[Bar, ...]
    value_texts: bool
    labels: bool

    @property
    def label_y(self) -> int:
        """Where the index labels go, under the plot."""
        return self.bottom + 16


def highest(values: Sequence[float]) -> int:
    """The index of the largest value (the first one on a tie), as the MNIST check picks it."""
    return max(range(len(values)), key=lambda index: (values[index], -index))


def bar_chart(
    values: Sequence[float], *, at_least: float = 0.0, width: int = 420, height: int = 200
) -> BarChart | None:
    """The chart of an output's values (None when there are none or too many).

    The scale spans zero, the values and ``at_least`` (1.0 for digit scores, so that bars grow
    as the cluster grows sure and do not jump with every stroke).
    """
    if not values or len(values) > MAX_BARS:
        return None
    low = min(0.0, *values)
    high = max(at_least, *values)
    if high == low:
        high = low + 1.0
    plot = plot_area(width, height, left=8, top=18, right=8, bottom=24)
    zero = plot.y_of(0.0, low, high)
    step = plot.plot_width / len(values)
    best = highest(values)
    bars = []
    for index, value in enumerate(values):
        end = plot.y_of(value, low, high)
        bars.append(
            Bar(
                index=index,
                value=value,
                x=round(plot.left + index * step + step * 0.15, 1),
                y=round(min(end, zero), 1),
                width=round(step * 0.7, 1),
                height=round(abs(zero - end), 1),
                best=index == best,
            )
        )
    return BarChart(
        **asdict(plot),
        zero=round(zero, 1),
        low=low,
        high=high,
        bars=tuple(bars),
        value_texts=len(values) <= MAX_VALUE_TEXTS,
        labels=len(values) <= MAX_LABELS,
    )
