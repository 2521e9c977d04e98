"""Example templates the editor offers to start from (contract section 5)."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_client.template.examples import UPSTREAM_TEST_SHAPE

__all__ = ["EXAMPLES", "Example", "example_text"]


@dataclass(frozen=True)
class Example:
    """A template to start from: its key in the picker, what it shows, and its text."""

    key: str
    label: str
    text: str


EXAMPLES = (
    Example(
        "row",
        "Three hexagons in a row: input, hidden, output (the upstream test shape, for MNIST)",
        UPSTREAM_TEST_SHAPE,
    ),
    Example(
        "minimal",
        "Minimal: one setting, two hexagons, no axons",
        """version: 1
settings:
  refractory_time: 2
hexagons:
  1,1,1
  2,1,1
inputs:
  sensor: 1,1,1
outputs:
  result: 2,1,1
""",
    ),
    Example(
        "axons",
        "An axon and flags: a binary input and a float output",
        """version: 1
settings:
  neuron_cooldown: 5000.5
  max_connection_distance: 2
  enable_reduction: true
hexagons:
  1,1,1
  2,1,1
  5,1,1
  6,1,1
axons:
  2,1,1 -> 5,1,1
inputs:
  pixels: 1,1,1 (binary)
  extra: 2,1,1
outputs:
  digit: 6,1,1 (float)
""",
    ),
    Example(
        "layers",
        "Two layers (z = 1 and z = 2) joined by an axon, with every kind of flag",
        """version: 1
settings:
  neuron_cooldown: 100000.0
  max_connection_distance: 2
hexagons:
  1,1,1
  2,1,1
  3,1,1
  1,2,2
  2,2,2
  3,2,2
axons:
  1,2,2 -> 3,1,1
inputs:
  picture: 1,1,1 (match)
  context: 1,2,2 (binary)
outputs:
  label: 3,1,1 (bool)
  score: 3,2,2 (int)
""",
    ),
)


def example_text(key: str) -> str | None:
    """The text of the example called ``key``, or None."""
    return next((example.text for example in EXAMPLES if example.key == key), None)
