"""What a cluster's Try-it page offers: its hexagons, and the 28x28 canvas or a form of values.

The portal knows a cluster's hexagons from its record of the template; for a cluster created
elsewhere the user names one input and one output. Widths are not part of a template, so the
canvas is a rule of thumb: a cluster with one input and one output can be driven with a 28x28
drawing (784 pixel values 0..255, as an MNIST dataset stores them, and ten outputs, one per
digit); it is the page's first view when the input's name speaks of pictures. Every other
shape, or a user who prefers it, gets a form of values per hexagon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from portal.clusters.selectors import cluster_interfaces

__all__ = [
    "CANVAS_SIDE",
    "CANVAS_VALUES",
    "DIGITS",
    "HEXAGON_RE",
    "PIXEL_MAX",
    "Layout",
    "View",
    "known_hexagons",
    "page_layout",
]

View = Literal["digits", "values"]

CANVAS_SIDE = 28
CANVAS_VALUES = CANVAS_SIDE * CANVAS_SIDE
#: The largest pixel value: MNIST stores pixels as bytes, and clusters learn that scale.
PIXEL_MAX = 255
DIGITS = 10
#: A hexagon name of the template grammar (contract section 5).
HEXAGON_RE = re.compile(r"[A-Za-z0-9_]{1,254}")
PICTURE_WORDS = ("picture", "pixel", "image", "digit", "mnist")


@dataclass(frozen=True)
class Layout:
    """The hexagons the page drives, where their names come from, and the view shown."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    known: bool
    view: View

    @property
    def drawable(self) -> bool:
        """Whether the canvas fits: one input (the picture) and one output (the digit)."""
        return len(self.inputs) == 1 and len(self.outputs) == 1


def known_hexagons(cluster_uuid: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The input and output names of the cluster's template; None when the portal lacks it."""
    interfaces = cluster_interfaces(cluster_uuid)
    if interfaces is None:
        return None
    inputs, outputs = interfaces
    return tuple(item.name for item in inputs), tuple(item.name for item in outputs)


def looks_like_picture(name: str) -> bool:
    """Whether an input's name speaks of pictures (then the canvas is the first view)."""
    lowered = name.lower()
    return any(word in lowered for word in PICTURE_WORDS)


def page_layout(
    cluster_uuid: str,
    *,
    view: str | None = None,
    named: tuple[str, str] | None = None,
) -> Layout | None:
    """The page's layout: the template's hexagons, else the ``named`` input and output.

    None when neither is known. ``view`` picks the canvas (``digits``) or the form
    (``values``); the canvas only where it fits.
    """
    hexagons = known_hexagons(cluster_uuid)
    known = hexagons is not None
    if hexagons is None:
        if named is None:
            return None
        hexagons = ((named[0],), (named[1],))
    inputs, outputs = hexagons
    drawable = len(inputs) == 1 and len(outputs) == 1
    if view not in ("digits", "values"):
        view = "digits" if drawable and looks_like_picture(inputs[0]) else "values"
    if not drawable:
        view = "values"
    return Layout(inputs=inputs, outputs=outputs, known=known, view=view)
