"""The picture of a cluster template: hexagons at their grid positions, axons as arrows.

Hexagons are pointy-topped on an offset grid: ``x`` is the column, ``y`` the row (odd rows
shifted half a hexagon to the right), so positions that differ by one touch as the engine's
neighbours do. Each ``z`` gets its own panel, side by side, labelled ``z = n``. The result is
plain numbers and strings; ``templates/clusters/picture.html`` turns them into SVG.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from hanami_client.template import ClusterTemplate, Interface, Position

__all__ = [
    "AxonShape",
    "HexagonShape",
    "LayerLabel",
    "PictureTooLarge",
    "TemplatePicture",
    "draw_template",
    "position_text",
]

RADIUS = 38.0
WIDTH = math.sqrt(3) * RADIUS
ROW_HEIGHT = 1.5 * RADIUS
#: Hexagons are drawn a little smaller than their cell so that neighbours show a gap.
INSET = 0.94
MARGIN = 12.0
LABEL_HEIGHT = 22.0
LAYER_GAP = WIDTH
#: Beyond this many columns or rows (or layers) the hexagons would be too small to read.
MAX_SPAN = 40
MAX_LAYERS = 8
NAME_CHARS = 11


class PictureTooLarge(ValueError):
    """The hexagons spread over more columns, rows or layers than a picture can show."""


@dataclass(frozen=True)
class HexagonShape:
    """One hexagon: its centre, role (``input``/``output``/``both``/``hidden``), text."""

    position: Position
    x: float
    y: float
    role: str
    marker: str
    name: str
    flag: str
    title: str

    @property
    def coordinates(self) -> str:
        """The position as the template writes it."""
        return position_text(self.position)


@dataclass(frozen=True)
class AxonShape:
    """An axon: a curved path from its source hexagon to its target (the arrowhead at the end)."""

    path: str
    title: str


@dataclass(frozen=True)
class LayerLabel:
    """The heading of one z layer's panel."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class TemplatePicture:
    """Everything the SVG partial draws, and a sentence that describes it."""

    outline: str
    width: int
    height: int
    hexagons: list[HexagonShape]
    axons: list[AxonShape]
    layers: list[LayerLabel]
    description: str


def position_text(position: Position) -> str:
    """``x,y,z`` as in the template."""
    return ",".join(str(value) for value in position)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _outline() -> str:
    """The six corners of a pointy-topped hexagon around (0, 0)."""
    radius = RADIUS * INSET
    half = WIDTH * INSET / 2
    corners = [
        (0.0, -radius),
        (half, -radius / 2),
        (half, radius / 2),
        (0.0, radius),
        (-half, radius / 2),
        (-half, -radius / 2),
    ]
    return " ".join(f"{_number(x)},{_number(y)}" for x, y in corners)


#: Every hexagon has this outline, moved to its centre.
OUTLINE = _outline()


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _interface_text(kind: str, interface: Interface) -> str:
    flag = f" ({interface.flag})" if interface.flag else ""
    return f"{kind} {interface.name}{flag}"


def _hexagon(
    position: Position,
    centre: tuple[float, float],
    inputs: list[Interface],
    outputs: list[Interface],
) -> HexagonShape:
    """A hexagon with the marker and name of the interfaces bound to it (if any)."""
    bound = inputs + outputs
    role = "both" if inputs and outputs else "input" if inputs else "output" if outputs else ""
    role = role or "hidden"
    marker = {"both": "in/out", "input": "in", "output": "out", "hidden": ""}[role]
    name = flag = ""
    if bound:
        name = _short(bound[0].name) + (f" +{len(bound) - 1}" if len(bound) > 1 else "")
        flag = f"({bound[0].flag})" if bound[0].flag else ""
    parts = [_interface_text("input", i) for i in inputs]
    parts += [_interface_text("output", o) for o in outputs]
    title = f"Hexagon {position_text(position)}" + (f": {', '.join(parts)}" if parts else "")
    return HexagonShape(position, *centre, role, marker, name, flag, title)


def _axon(source: tuple[float, float], target: tuple[float, float], title: str) -> AxonShape:
    """A gently bent arrow between two centres (a loop above the hexagon when they are one)."""
    (sx, sy), (tx, ty) = source, target
    if (sx, sy) == (tx, ty):
        top = sy - RADIUS * 1.7
        path = (
            f"M{_number(sx - 9)},{_number(sy - RADIUS * 0.6)} "
            f"C{_number(sx - 26)},{_number(top)} {_number(sx + 26)},{_number(top)} "
            f"{_number(sx + 9)},{_number(sy - RADIUS * 0.6)}"
        )
        return AxonShape(path, title)
    length = math.hypot(tx - sx, ty - sy)
    ux, uy = (tx - sx) / length, (ty - sy) / length
    start = (sx + ux * RADIUS * 0.6, sy + uy * RADIUS * 0.6)
    end = (tx - ux * RADIUS * 0.75, ty - uy * RADIUS * 0.75)
    bend = min(length * 0.25, RADIUS * 1.2)
    control = ((sx + tx) / 2 + uy * bend, (sy + ty) / 2 - ux * bend)
    path = (
        f"M{_number(start[0])},{_number(start[1])} "
        f"Q{_number(control[0])},{_number(control[1])} {_number(end[0])},{_number(end[1])}"
    )
    return AxonShape(path, title)


def _span(values: Iterable[int]) -> tuple[int, int]:
    ordered = sorted(values)
    return ordered[0], ordered[-1] - ordered[0] + 1


def _count(number: int, noun: str) -> str:
    """``1 hexagon``, ``3 hexagons``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _describe(template: ClusterTemplate, layers: int) -> str:
    axons = len(template.axons)
    parts = [
        f"{_count(len(template.hexagons), 'hexagon')} in {_count(layers, 'layer')}, "
        f"{_count(axons, 'axon') if axons else 'no axons'}."
    ]
    for label, interfaces in (("Inputs", template.inputs), ("Outputs", template.outputs)):
        named = [f"{i.name} at {position_text(i.position)}" for i in interfaces]
        parts.append(f"{label}: {'; '.join(named)}.")
    return " ".join(parts)


def draw_template(template: ClusterTemplate) -> TemplatePicture:
    """The picture of a valid template; PictureTooLarge when it spreads too far to be read."""
    min_x, columns = _span(x for x, _, _ in template.hexagons)
    min_y, rows = _span(y for _, y, _ in template.hexagons)
    layers = sorted({z for _, _, z in template.hexagons})
    if max(columns, rows) > MAX_SPAN or len(layers) > MAX_LAYERS:
        raise PictureTooLarge(
            f"The hexagons spread over {_count(columns, 'column')}, {_count(rows, 'row')} and "
            f"{_count(len(layers), 'layer')}; a picture shows at most {MAX_SPAN} columns "
            f"and rows and {MAX_LAYERS} layers."
        )
    panel_width = columns * WIDTH + WIDTH / 2
    panel_of = {z: index for index, z in enumerate(layers)}

    def centre(position: Position) -> tuple[float, float]:
        x, y, z = position
        left = MARGIN + panel_of[z] * (panel_width + LAYER_GAP)
        shift = WIDTH / 2 if y % 2 else 0.0
        return (
            round(left + (x - min_x) * WIDTH + WIDTH / 2 + shift, 1),
            round(MARGIN + LABEL_HEIGHT + (y - min_y) * ROW_HEIGHT + RADIUS, 1),
        )

    hexagons = [
        _hexagon(
            position,
            centre(position),
            [i for i in template.inputs if i.position == position],
            [o for o in template.outputs if o.position == position],
        )
        for position in template.hexagons
    ]
    axons = [
        _axon(
            centre(source),
            centre(target),
            f"Axon from {position_text(source)} to {position_text(target)}",
        )
        for source, target in template.axons
    ]
    labels = [
        LayerLabel(MARGIN + index * (panel_width + LAYER_GAP), MARGIN + 14, f"z = {z}")
        for index, z in enumerate(layers)
    ]
    width = 2 * MARGIN + len(layers) * panel_width + (len(layers) - 1) * LAYER_GAP
    height = 2 * MARGIN + LABEL_HEIGHT + (rows - 1) * ROW_HEIGHT + 2 * RADIUS
    return TemplatePicture(
        OUTLINE,
        math.ceil(width),
        math.ceil(height),
        hexagons,
        axons,
        labels,
        _describe(template, len(layers)),
    )
