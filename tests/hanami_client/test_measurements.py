"""Measurements through the client: each a Series of four levels of floats, oldest first."""

from __future__ import annotations

import pytest
import responses

from hanami_client import HanamiClient, ProtocolError, Series

FAKE = "http://hanami.test"
LENGTHS = (60, 60, 24, 365)


@pytest.mark.parametrize("kind", ["power", "speed", "temperature"])
def test_each_measurement_is_a_series_of_four_levels(
    member_client: HanamiClient, kind: str
) -> None:
    series = getattr(member_client.measurements, kind)()

    assert isinstance(series, Series)
    levels = (series.seconds, series.minutes, series.hours, series.days)
    assert tuple(map(len, levels)) == LENGTHS
    assert all(isinstance(value, float) and value >= 0 for level in levels for value in level)


def test_integer_samples_become_floats() -> None:
    levels = {"seconds": [1, 2.5], "minutes": [0], "hours": [], "days": [3]}
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}/v1.0alpha/speed", json={"current_speed": levels})

        series = client.measurements.speed()

    assert series == Series(seconds=(1.0, 2.5), minutes=(0.0,), hours=(), days=(3.0,))


@pytest.mark.parametrize(
    "reply",
    [
        {"power": {"seconds": [], "minutes": [], "hours": []}},
        {"power": {"seconds": ["1"], "minutes": [], "hours": [], "days": []}},
        {"power": {"seconds": [True], "minutes": [], "hours": [], "days": []}},
        {"watts": {"seconds": [], "minutes": [], "hours": [], "days": []}},
    ],
)
def test_a_series_that_breaks_the_contract_is_a_protocol_error(reply: dict) -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}/v1.0alpha/power_consumption", json=reply)

        with pytest.raises(ProtocolError) as caught:
            client.measurements.power()

    assert caught.value.operation == "measurements.power"
