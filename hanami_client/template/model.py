"""What a parsed cluster template says (contract section 5): plain values, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass

Position = tuple[int, int, int]


@dataclass(frozen=True)
class Settings:
    """The template's settings, with upstream's defaults for those it omits."""

    neuron_cooldown: float = 1_000_000_000.0
    refractory_time: int = 1
    max_connection_distance: int = 1
    enable_reduction: bool = False


@dataclass(frozen=True)
class Interface:
    """A named input or output bound to a hexagon.

    ``flag`` is ``binary``/``match`` (inputs) or ``bool``/``int``/``float`` (outputs), "" if none.
    """

    name: str
    position: Position
    flag: str = ""


@dataclass(frozen=True)
class ClusterTemplate:
    """A valid template: hexagons in declaration order, axons as (source, target) pairs."""

    settings: Settings
    hexagons: tuple[Position, ...]
    axons: tuple[tuple[Position, Position], ...]
    inputs: tuple[Interface, ...]
    outputs: tuple[Interface, ...]
