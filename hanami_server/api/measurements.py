"""Power, speed and temperature series of the last minute, hour, day and year (contract 2.10),
as the sampler has filled them."""

from __future__ import annotations

from typing import Any

from hanami_server.routing import Call, Router

router = Router()


@router.route("GET", "power_consumption")
def power_consumption(call: Call) -> dict[str, Any]:
    """CPU package power in W."""
    return {"power": call.state.sampler.power.snapshot()}


@router.route("GET", "speed")
def speed(call: Call) -> dict[str, Any]:
    """Mean current core frequency in MHz."""
    return {"current_speed": call.state.sampler.speed.snapshot()}


@router.route("GET", "temperature_production")
def temperature_production(call: Call) -> dict[str, Any]:
    """The hottest thermal zone in °C."""
    return {"temperature": call.state.sampler.temperature.snapshot()}
