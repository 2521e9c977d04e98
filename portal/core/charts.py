"""What the portal's SVG charts share: a plot area inside margins, and values placed on it.

The templates draw the charts with presentation attributes and classes only (the CSP forbids
inline styles), so a chart is an ordinary fragment that htmx and the websockets swap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Plot", "plot_area", "polyline"]


@dataclass(frozen=True)
class Plot:
    """A chart's size and its plot area: top left corner, ``plot_width`` x ``plot_height``."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int

    @property
    def right(self) -> int:
        """The right edge of the plot."""
        return self.left + self.plot_width

    @property
    def bottom(self) -> int:
        """The lower edge of the plot."""
        return self.top + self.plot_height

    def y_of(self, value: float, low: float, high: float) -> float:
        """Where ``value`` sits on a scale from ``low`` (the lower edge) to ``high`` (the top)."""
        return self.bottom - (value - low) / (high - low) * self.plot_height

    def spread(self, heights: Sequence[float]) -> list[tuple[float, float]]:
        """Points at ``heights``, evenly spaced from edge to edge (one height: a flat line)."""
        step = self.plot_width / (len(heights) - 1) if len(heights) > 1 else 0.0
        points = [(self.left + index * step, y) for index, y in enumerate(heights)]
        if len(points) == 1:
            points.append((self.right, points[0][1]))
        return points


def plot_area(width: int, height: int, *, left: int, top: int, right: int, bottom: int) -> Plot:
    """The plot of a ``width`` x ``height`` chart inside these margins."""
    return Plot(width, height, left, top, width - left - right, height - top - bottom)


def polyline(points: Iterable[tuple[float, float]]) -> str:
    """The ``points`` of an SVG polyline, to a tenth of a unit."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
