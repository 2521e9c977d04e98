"""JSON shapes of direct IO and mode switches in the portal API."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

__all__ = ["DirectOutputsOut", "DirectRequestIn", "DirectTrainIn", "ModeIn", "ModeOut"]

VALUES_HELP = "Hexagon name → its values (numbers), one vector per hexagon."


class ModeIn(Schema):
    """The mode to switch a cluster to."""

    mode: Literal["TASK", "DIRECT"] = Field(
        description="DIRECT (only from idle task mode: no task runs) or TASK (only from DIRECT)."
    )


class ModeOut(Schema):
    """The cluster and the mode it is in now."""

    uuid: str
    name: str
    created_at: str
    mode: str


class DirectRequestIn(Schema):
    """The inputs of one forward pass."""

    inputs: dict[str, list[float]] = Field(description=VALUES_HELP)


class DirectTrainIn(DirectRequestIn):
    """The inputs and expected outputs of one training pass."""

    expected: dict[str, list[float]] = Field(description=VALUES_HELP)


class DirectOutputsOut(Schema):
    """What a forward pass gave: every output hexagon's values."""

    outputs: dict[str, list[float]]
