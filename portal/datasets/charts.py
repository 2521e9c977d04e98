"""Geometry of the dataset pictures drawn as SVG: a line chart per column, a confusion heat map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.core.charts import Plot, plot_area, polyline

__all__ = ["HeatCell", "HeatMap", "LineChart", "Tick", "heat_map", "line_chart"]


@dataclass(frozen=True)
class LineChart:
    """A polyline of values, left to right, the highest value at the top."""

    width: int
    height: int
    points: str
    low: float
    high: float
    count: int


def line_chart(values: Sequence[float], *, width: int = 240, height: int = 64) -> LineChart:
    """The chart of ``values`` in a ``width`` x ``height`` box with a small margin."""
    plot = plot_area(width, height, left=4, top=4, right=4, bottom=4)
    low, high = (min(values), max(values)) if values else (0.0, 0.0)

    def y_of(value: float) -> float:
        if high == low:
            return height / 2
        return plot.top + (high - value) / (high - low) * plot.plot_height

    points = plot.spread([y_of(value) for value in values])
    return LineChart(width, height, polyline(points), low, high, len(values))


@dataclass(frozen=True)
class HeatCell:
    """One cell of the confusion matrix: where it is drawn, its count and its shade."""

    x: int
    y: int
    actual: int
    predicted: int
    count: int
    #: The cell's share of its row (how often this digit was predicted as that one), 0..1.
    opacity: str
    #: Dark enough for light text.
    strong: bool
    diagonal: bool


@dataclass(frozen=True)
class Tick:
    """An axis label and where its centre is."""

    position: int
    label: str


@dataclass(frozen=True)
class HeatMap(Plot):
    """A square grid of cells (the plot) with its axes."""

    cell: int
    cells: list[HeatCell]
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def text_offset(self) -> int:
        """Where a cell's number sits: its centre."""
        return self.cell // 2

    @property
    def middle_x(self) -> int:
        """The horizontal centre of the grid (for the x axis title)."""
        return self.left + self.plot_width // 2

    @property
    def middle_y(self) -> int:
        """The vertical centre of the grid (for the y axis title)."""
        return self.top + self.plot_height // 2


def heat_map(matrix: Sequence[Sequence[int]], *, cell: int = 44) -> HeatMap:
    """The drawing of a square count matrix: rows are actual classes, columns predicted ones."""
    size = len(matrix)
    left, top = 64, 12
    grid = size * cell
    cells = []
    for actual, row in enumerate(matrix):
        total = sum(row)
        for predicted, count in enumerate(row):
            share = count / total if total else 0.0
            cells.append(
                HeatCell(
                    x=left + predicted * cell,
                    y=top + actual * cell,
                    actual=actual,
                    predicted=predicted,
                    count=count,
                    opacity=f"{share:.2f}",
                    strong=share > 0.55,
                    diagonal=actual == predicted,
                )
            )
    x_ticks = [Tick(left + i * cell + cell // 2, str(i)) for i in range(size)]
    y_ticks = [Tick(top + i * cell + cell // 2, str(i)) for i in range(size)]
    return HeatMap(
        width=left + grid + 8,
        height=top + grid + 56,
        left=left,
        top=top,
        plot_width=grid,
        plot_height=grid,
        cell=cell,
        cells=cells,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
    )
