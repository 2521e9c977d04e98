"""The system page and API against the real embedded backend, and the chart geometry."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hanami_client import HanamiClient
from portal.system.charts import MEASURES, SPANS, nice_ceiling, series_chart
from tests.conftest import Persona

CHART_IDS = [f"{measure.key}-{span.key}" for measure in MEASURES for span in SPANS]
LENGTHS = {"seconds": 60, "minutes": 60, "hours": 24, "days": 365}


def points(svg: str) -> list[tuple[float, float]]:
    text = re.search(r'points="([^"]+)"', svg).group(1)
    return [tuple(float(part) for part in pair.split(",")) for pair in text.split()]


# --- chart geometry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (0, 1),
        (-3, 1),
        (0.7, 1),
        (1, 1),
        (1.2, 2),
        (2.1, 2.5),
        (3, 5),
        (7, 10),
        (42, 50),
        (2401, 2500),
    ],
)
def test_nice_ceiling_rounds_up_to_1_2_2_5_5(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == ceiling


def test_a_chart_draws_oldest_left_newest_right_from_zero() -> None:
    power, minute = MEASURES[0], SPANS[0]
    values = [0.0] * 58 + [20.0, 40.0]
    chart = series_chart(power, minute, values, width=320, height=150)
    assert (chart.id, chart.title, chart.unit) == ("power-minute", "Power, last minute", "W")
    assert (chart.low, chart.high, chart.latest, chart.peak, chart.count) == (0, 50, 40, 40, 60)
    drawn = [tuple(float(n) for n in pair.split(",")) for pair in chart.points.split()]
    assert len(drawn) == 60
    assert drawn[0] == (chart.left, chart.bottom)
    assert drawn[-1][0] == pytest.approx(chart.right)
    # 40 of 50 W: four fifths up the plot.
    assert drawn[-1][1] == pytest.approx(chart.bottom - 0.8 * chart.plot_height, abs=0.05)
    assert chart.middle_value == 25


def test_a_chart_of_negative_values_reaches_below_zero() -> None:
    chart = series_chart(MEASURES[2], SPANS[2], [-4.0, 2.0])
    assert (chart.low, chart.high) == (-5, 2)


# --- page ------------------------------------------------------------------------------------


def test_system_page_shows_nine_charts_the_machine_and_threads(
    member_web: Client, backend_address: str, member: Persona
) -> None:
    response = member_web.get("/system/")
    assert response.status_code == 200
    content = response.content.decode()
    for chart_id in CHART_IDS:
        assert f'<div id="chart-{chart_id}" class="system-chart">' in content
    minute = content.split('id="chart-speed-minute"', 1)[1].split("</figure>", 1)[0]
    assert len(points(minute)) == 60
    day = content.split('id="chart-temperature-day"', 1)[1].split("</figure>", 1)[0]
    assert len(points(day)) == 24
    assert 'ws-connect="/ws/system/"' in content
    with HanamiClient(backend_address, member.token) as client:
        info = client.system.info()
    assert f"<dt>Hostname</dt><dd>{info.hostname}</dd>" in content
    cores = sum(len(package.cores) for package in info.packages)
    assert f"<dt>Cores</dt><dd>{cores}</dd>" in content
    core_table = content.split('class="cores-table"', 1)[1].split("</tbody>", 1)[0]
    assert core_table.count('<th scope="row">') == cores
    # The backend's sampler thread, and the CPUs it may use.
    assert re.search(r"<code>measurements</code></th><td>\d+(, \d+)*</td>", content)


def test_system_page_needs_sign_in(web: str) -> None:
    response = Client().get("/system/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fsystem%2F"


# --- API -------------------------------------------------------------------------------------


def test_api_measurements_have_four_levels_each(member_web: Client) -> None:
    reply = member_web.get("/api/system/measurements").json()
    assert set(reply) == {"power", "speed", "temperature"}
    for series in reply.values():
        assert {level: len(values) for level, values in series.items()} == LENGTHS


def test_api_system_info_and_thread_map(member_web: Client) -> None:
    info = member_web.get("/api/system/info").json()
    assert set(info) == {"hostname", "has_hyperthreading", "packages"}
    core = info["packages"][0]["cores"][0]
    assert set(core) == {
        "id",
        "minimum_speed",
        "maximum_speed",
        "current_minimum_speed",
        "current_maximum_speed",
        "current_speed",
        "threads",
    }
    assert all(isinstance(thread, int) for thread in core["threads"])
    threads = member_web.get("/api/system/threading").json()
    assert all(
        isinstance(cpus, list) and all(isinstance(cpu, int) for cpu in cpus)
        for cpus in threads.values()
    )


def test_api_system_needs_a_session(web: str) -> None:
    assert Client().get("/api/system/info").status_code == 401


def test_openapi_schema_lists_the_system_operations(web: str) -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith("/api/system")
    }
    assert operations == {
        ("get", "/api/system/info"),
        ("get", "/api/system/threading"),
        ("get", "/api/system/measurements"),
    }
