"""The one sampler thread: once a second it reads power, speed and temperature into ring buffers
(contract 2.10). Power is the RAPL energy consumed since the previous sample over the time
passed; the first sample, a counter that cannot be read, or more than 1 MW count as 0.0."""

from __future__ import annotations

import logging
import threading
import time

from hanami_server.measure.machine import EnergyCounter, Machine
from hanami_server.measure.rings import RingSeries

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0
MAX_WATTS = 1e6
THREAD_NAME = "measurements"


class Sampler:
    """Power (W), speed (MHz) and temperature (°C) series of one machine."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.power = RingSeries()
        self.speed = RingSeries()
        self.temperature = RingSeries()
        self._package_power: dict[int, float] = {}
        self._previous: tuple[float, dict[int, EnergyCounter]] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def package_power(self, package: int) -> float:
        """The package's power in W as of the latest sample."""
        return self._package_power.get(package, 0.0)

    def sample(self, now: float) -> None:
        """Take one sample at monotonic time `now` (seconds)."""
        counters = {counter.package: counter for counter in self.machine.energy_counters()}
        watts: dict[int, float] = {}
        if self._previous is not None:
            then, earlier = self._previous
            for package, counter in counters.items():
                if package in earlier and now > then:
                    watts[package] = _watts(earlier[package], counter, now - then)
        self._previous = (now, counters)
        self._package_power = watts
        self.power.push(sum(watts.values(), 0.0))
        self.speed.push(self.machine.speed_mhz())
        self.temperature.push(self.machine.temperature_celsius())

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after its current sample."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        due = time.monotonic()
        failing = False
        while not self._stop.is_set():
            try:
                self.sample(time.monotonic())
                failing = False
            except Exception:  # the sampler must survive a failed read; log a streak once
                if not failing:
                    logger.exception("taking a measurement failed")
                failing = True
            # a stalled machine resumes at one sample a second instead of catching up
            due = max(due + INTERVAL_SECONDS, time.monotonic())
            self._stop.wait(due - time.monotonic())


def _watts(earlier: EnergyCounter, later: EnergyCounter, seconds: float) -> float:
    """Average power between two readings of one counter, across one wrap of the counter."""
    consumed = later.energy_uj - earlier.energy_uj
    if consumed < 0:
        consumed += later.wraps_at_uj
    watts = consumed / 1e6 / seconds
    return watts if 0.0 <= watts <= MAX_WATTS else 0.0
