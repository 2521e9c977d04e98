"""Ring buffers of one measured value at four resolutions (contract 2.10)."""

from __future__ import annotations

import threading
from collections import deque

# each level: its wire name and how many values it holds
LEVELS: tuple[tuple[str, int], ...] = (
    ("seconds", 60),
    ("minutes", 60),
    ("hours", 24),
    ("days", 365),
)


class RingSeries:
    """Samples pushed once a second. Each level is ordered oldest to newest and starts as zeros;
    when a level has taken as many values as it holds, their mean goes one level up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._levels = [deque([0.0] * size, maxlen=size) for _, size in LEVELS]
        self._counts = [0] * len(LEVELS)

    def push(self, value: float) -> None:
        """Add the newest sample; wrapped levels pass their mean upwards."""
        with self._lock:
            for level, buffer in enumerate(self._levels):
                buffer.append(value)
                self._counts[level] += 1
                if self._counts[level] < len(buffer):
                    return
                self._counts[level] = 0
                value = sum(buffer) / len(buffer)

    def snapshot(self) -> dict[str, list[float]]:
        """The four levels as the wire sends them: `seconds`, `minutes`, `hours`, `days`."""
        with self._lock:
            levels = zip(LEVELS, self._levels, strict=True)
            return {name: list(buffer) for (name, _), buffer in levels}
