"""JSON shapes of the backend's machine in the portal API."""

from __future__ import annotations

from ninja import Field, Schema

__all__ = ["MeasurementsOut", "SeriesOut", "SystemInfoOut"]


class SeriesOut(Schema):
    """One measurement over time, each list oldest first; 0.0 where nothing was measured."""

    seconds: list[float] = Field(description="The last 60 seconds.")
    minutes: list[float] = Field(description="The last 60 minutes, one mean each.")
    hours: list[float] = Field(description="The last 24 hours, one mean each.")
    days: list[float] = Field(description="The last 365 days, one mean each.")


class MeasurementsOut(Schema):
    """Power, speed and temperature of the backend's machine."""

    power: SeriesOut = Field(description="CPU package power in W.")
    speed: SeriesOut = Field(description="Mean current core speed in MHz.")
    temperature: SeriesOut = Field(description="Temperature in °C.")


class CoreOut(Schema):
    """A processor core; speeds in kHz, 0 where the machine does not tell."""

    id: int
    minimum_speed: int
    maximum_speed: int
    current_minimum_speed: int
    current_maximum_speed: int
    current_speed: int
    threads: list[int] = Field(description="The CPU ids of the core's threads.")


class PackageOut(Schema):
    """A processor package (socket)."""

    id: int
    thermal_spec: float = Field(description="Thermal design power in W.")
    power: float = Field(description="Power in W at the latest sample.")
    cores: list[CoreOut]


class SystemInfoOut(Schema):
    """The machine the backend runs on."""

    hostname: str
    has_hyperthreading: bool
    packages: list[PackageOut]
