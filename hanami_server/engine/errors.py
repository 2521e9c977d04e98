"""The one exception of the engine: bad input that a server answers with 400."""

from __future__ import annotations


class EngineError(ValueError):
    """Input the network can not take (unknown hexagon, wrong width, no size yet, bad state)."""
