"""Measurements (contract 2.10): the ring buffers, the Linux readers on a sysfs-shaped tree, one
sampler turning energy counters into watts, and the three endpoints over loopback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from hanami_server.measure.machine import Machine
from hanami_server.measure.rings import RingSeries
from hanami_server.measure.sampler import THREAD_NAME, Sampler
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import wait_for
from tests.hanami_server.wire import send, token_for

LENGTHS = {"seconds": 60, "minutes": 60, "hours": 24, "days": 365}
ENDPOINTS = {
    "/power_consumption": "power",
    "/speed": "current_speed",
    "/temperature_production": "temperature",
}


def write(root: Path, relative: str, text: str) -> None:
    """One file of a fake sysfs/procfs tree."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def rapl(root: Path, package: int, energy_uj: int, wraps_at: int = 262_143_328_850) -> None:
    """A RAPL package zone with its energy counter."""
    zone = f"sys/class/powercap/intel-rapl:{package}"
    write(root, f"{zone}/name", f"package-{package}\n")
    write(root, f"{zone}/energy_uj", f"{energy_uj}\n")
    write(root, f"{zone}/max_energy_range_uj", f"{wraps_at}\n")


def cpu(root: Path, cpu_id: int, package: int, core: int, khz: int | None = None) -> None:
    """A logical CPU with its topology and, optionally, its current cpufreq speed."""
    folder = f"sys/devices/system/cpu/cpu{cpu_id}"
    write(root, f"{folder}/topology/physical_package_id", f"{package}\n")
    write(root, f"{folder}/topology/core_id", f"{core}\n")
    if khz is not None:
        write(root, f"{folder}/cpufreq/scaling_cur_freq", f"{khz}\n")


# the ring buffers


def test_a_new_series_is_all_zeros_at_every_level() -> None:
    snapshot = RingSeries().snapshot()

    assert {name: len(values) for name, values in snapshot.items()} == LENGTHS
    assert all(value == 0.0 for values in snapshot.values() for value in values)


def test_seconds_run_oldest_to_newest() -> None:
    series = RingSeries()
    for value in (1.0, 2.0, 3.0):
        series.push(value)

    assert series.snapshot()["seconds"][-3:] == [1.0, 2.0, 3.0]
    assert series.snapshot()["minutes"] == [0.0] * 60


def test_a_full_minute_pushes_its_mean_one_level_up() -> None:
    series = RingSeries()
    for second in range(60):
        series.push(float(second))
    series.push(100.0)

    snapshot = series.snapshot()
    assert snapshot["minutes"][-1] == pytest.approx(29.5)
    assert snapshot["minutes"][:-1] == [0.0] * 59
    assert snapshot["seconds"][-1] == 100.0
    assert snapshot["seconds"][0] == 1.0


def test_a_full_hour_and_a_full_day_reach_the_days() -> None:
    series = RingSeries()
    for _ in range(24 * 3600):
        series.push(2.0)

    snapshot = series.snapshot()
    assert snapshot["hours"] == [2.0] * 24
    assert snapshot["days"][-1] == pytest.approx(2.0)
    assert snapshot["days"][:-1] == [0.0] * 364


# the readers and the sampler on a fake tree


def test_power_is_the_energy_used_since_the_last_sample(tmp_path: Path) -> None:
    rapl(tmp_path, 0, 1_000_000)
    rapl(tmp_path, 1, 5_000_000)
    sampler = Sampler(Machine(tmp_path))
    sampler.sample(10.0)
    rapl(tmp_path, 0, 31_000_000)  # 30 J in 2 s
    rapl(tmp_path, 1, 15_000_000)  # 10 J in 2 s

    sampler.sample(12.0)

    assert sampler.power.snapshot()["seconds"][-2:] == [0.0, pytest.approx(20.0)]
    assert sampler.package_power(0) == pytest.approx(15.0)
    assert sampler.package_power(1) == pytest.approx(5.0)


def test_a_counter_that_wrapped_still_gives_the_power(tmp_path: Path) -> None:
    rapl(tmp_path, 0, 999_000_000, wraps_at=1_000_000_000)
    sampler = Sampler(Machine(tmp_path))
    sampler.sample(0.0)
    rapl(tmp_path, 0, 4_000_000, wraps_at=1_000_000_000)

    sampler.sample(1.0)

    assert sampler.power.snapshot()["seconds"][-1] == pytest.approx(5.0)


def test_more_than_a_megawatt_counts_as_zero(tmp_path: Path) -> None:
    rapl(tmp_path, 0, 0)
    sampler = Sampler(Machine(tmp_path))
    sampler.sample(0.0)
    rapl(tmp_path, 0, 2_000_000_000_000)  # 2 MJ in one second

    sampler.sample(1.0)

    assert sampler.power.snapshot()["seconds"][-1] == 0.0


def test_subzones_and_unreadable_counters_are_left_out(tmp_path: Path) -> None:
    rapl(tmp_path, 0, 0)
    write(tmp_path, "sys/class/powercap/intel-rapl:0:0/name", "core\n")
    write(tmp_path, "sys/class/powercap/intel-rapl:0:0/energy_uj", "0\n")
    write(tmp_path, "sys/class/powercap/intel-rapl:1/name", "package-1\n")

    assert [counter.package for counter in Machine(tmp_path).energy_counters()] == [0]


def test_speed_is_the_mean_over_the_first_thread_of_every_core(tmp_path: Path) -> None:
    cpu(tmp_path, 0, package=0, core=0, khz=2_000_000)
    cpu(tmp_path, 1, package=0, core=1, khz=3_000_000)
    cpu(tmp_path, 2, package=0, core=0, khz=9_000_000)  # the second thread of core 0

    assert Machine(tmp_path).speed_mhz() == pytest.approx(2500.0)


def test_speed_falls_back_to_proc_cpuinfo(tmp_path: Path) -> None:
    cpu(tmp_path, 0, package=0, core=0)
    cpu(tmp_path, 1, package=0, core=1)
    write(
        tmp_path,
        "proc/cpuinfo",
        "processor\t: 0\ncpu MHz\t\t: 1200.500\n\nprocessor\t: 1\ncpu MHz\t\t: 1800.500\n",
    )

    assert Machine(tmp_path).speed_mhz() == pytest.approx(1500.5)


def test_temperature_is_the_hottest_zone(tmp_path: Path) -> None:
    write(tmp_path, "sys/class/thermal/thermal_zone0/temp", "41000\n")
    write(tmp_path, "sys/class/thermal/thermal_zone1/temp", "57500\n")
    write(tmp_path, "sys/class/thermal/cooling_device0/temp", "99000\n")

    assert Machine(tmp_path).temperature_celsius() == 57.5


def test_a_machine_without_sensors_reads_zeros(tmp_path: Path) -> None:
    sampler = Sampler(Machine(tmp_path))

    sampler.sample(0.0)
    sampler.sample(1.0)

    for series in (sampler.power, sampler.speed, sampler.temperature):
        assert series.snapshot()["seconds"][-2:] == [0.0, 0.0]


def test_the_sampler_thread_samples_once_a_second_until_stopped(tmp_path: Path) -> None:
    write(tmp_path, "sys/class/thermal/thermal_zone0/temp", "30000\n")
    sampler = Sampler(Machine(tmp_path))

    sampler.start()
    try:
        wait_for(lambda: sampler.temperature.snapshot()["seconds"][-2], lambda v: v == 30.0, 10)
        assert THREAD_NAME in [thread.name for thread in threading.enumerate()]
    finally:
        sampler.stop()

    assert THREAD_NAME not in [thread.name for thread in threading.enumerate()]


# the endpoints


@pytest.mark.parametrize(("path", "key"), ENDPOINTS.items())
def test_each_series_has_four_levels_of_numbers(
    backend: Backend, member: Persona, path: str, key: str
) -> None:
    reply = send(backend.address, "GET", path, token=member.token)

    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "text/json"
    [(name, levels)] = reply.json().items()
    assert name == key
    assert {level: len(values) for level, values in levels.items()} == LENGTHS
    assert all(isinstance(v, float) and v >= 0 for values in levels.values() for v in values)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_measurements_take_no_inputs(backend: Backend, member: Persona, path: str) -> None:
    reply = send(backend.address, "GET", path, token=member.token, query={"page": 1})

    assert reply.status_code == 400
    assert reply.text == "Validation failed, because item 'page' is not in the list of allowed keys"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_measurements_need_a_token(backend: Backend, path: str) -> None:
    assert send(backend.address, "GET", path).status_code == 401


def test_a_new_server_fills_the_speed_second_by_second(fresh_backend: Backend) -> None:
    if Machine().speed_mhz() == 0.0:
        pytest.skip("this host tells no CPU speed (no cpufreq, no cpu MHz in /proc/cpuinfo)")
    token = token_for(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)

    def seconds() -> list[float]:
        reply = send(fresh_backend.address, "GET", "/speed", token=token)
        return reply.json()["current_speed"]["seconds"]

    first = wait_for(seconds, lambda values: values[-1] > 0, 10)
    filled = sum(value > 0 for value in first)

    wait_for(seconds, lambda values: sum(value > 0 for value in values) >= filled + 2, 10)
