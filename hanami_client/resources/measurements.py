"""Measurements: ``/v1.0alpha/power_consumption``, ``/speed``, ``/temperature_production``
(contract 2.10). Each is a ``Series`` sampled once a second: the last 60 seconds, 60 minutes,
24 hours and 365 days, oldest first; 0.0 where the host cannot measure."""

from __future__ import annotations

from hanami_client import _parse
from hanami_client.resources._base import Resource
from hanami_client.types import Series

__all__ = ["Measurements"]


class Measurements(Resource):
    """Power, speed and temperature of the backend's machine over time."""

    def power(self) -> Series:
        """CPU package power in W."""
        return self._series("measurements.power", "/power_consumption", "power")

    def speed(self) -> Series:
        """Mean current CPU core frequency in MHz."""
        return self._series("measurements.speed", "/speed", "current_speed")

    def temperature(self) -> Series:
        """Host temperature in °C."""
        return self._series("measurements.temperature", "/temperature_production", "temperature")

    def _series(self, operation: str, path: str, key: str) -> Series:
        data = self._transport.send_json("GET", path, operation=operation)
        return self._read(operation, lambda d: _parse.series(d, key), data)
