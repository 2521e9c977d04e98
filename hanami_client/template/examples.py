"""Templates worth starting from: the shape the upstream tests train on MNIST."""

from __future__ import annotations

# Contract section 9 (the SDK workflow) and section 5 example C: three hexagons in a row, the
# input first, the output last; the hidden hexagon between them learns.
UPSTREAM_TEST_SHAPE = """version: 1
settings:
  neuron_cooldown: 100000.0
  refractory_time: 1
  max_connection_distance: 1
  enable_reduction: false
hexagons:
  1,1,1
  2,1,1
  3,1,1
inputs:
  picture_hex: 1,1,1
outputs:
  label_hex: 3,1,1
"""
