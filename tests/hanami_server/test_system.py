"""System info and the thread map (contract 2.11, R of 11 #42): the CPU layout from a
sysfs-shaped tree and from this host, and the server's real threads with the CPUs they may use."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from hanami_server.measure.machine import Machine
from hanami_server.measure.sampler import Sampler
from hanami_server.measure.system import system_info
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend
from tests.conftest import Persona
from tests.hanami_server.task_helpers import (
    SERIES_TEMPLATE,
    create_cluster,
    delete_task,
    long_dataset,
    train_long,
    wait_for,
)
from tests.hanami_server.test_measurements import cpu, rapl, write
from tests.hanami_server.wire import send, token_for

CORE_KEYS = {
    "id",
    "minimum_speed",
    "maximum_speed",
    "current_minimum_speed",
    "current_maximum_speed",
    "current_speed",
    "threads",
}


def _get(address: str, token: str, path: str) -> dict:
    reply = send(address, "GET", path, token=token)
    assert reply.status_code == 200, reply.text
    return reply.json()


# the layout from a fake tree


def test_threads_sharing_a_core_mean_hyperthreading(tmp_path: Path) -> None:
    for cpu_id, (package, core) in enumerate([(0, 0), (0, 1), (0, 0), (0, 1)]):
        cpu(tmp_path, cpu_id, package, core)

    info = system_info(Sampler(Machine(tmp_path)))

    assert info["has_hyperthreading"] is True
    [package] = info["packages"]
    assert [(core["id"], core["threads"]) for core in package["cores"]] == [
        (0, [{"id": 0}, {"id": 2}]),
        (1, [{"id": 1}, {"id": 3}]),
    ]


def test_packages_carry_their_cores_speeds_thermal_spec_and_power(tmp_path: Path) -> None:
    cpu(tmp_path, 0, package=0, core=0)
    cpu(tmp_path, 1, package=1, core=0)
    speeds = {
        "cpuinfo_min_freq": 800_000,
        "cpuinfo_max_freq": 4_000_000,
        "scaling_min_freq": 1_000_000,
        "scaling_max_freq": 3_500_000,
        "scaling_cur_freq": 2_400_000,
    }
    for name, khz in speeds.items():
        write(tmp_path, f"sys/devices/system/cpu/cpu1/cpufreq/{name}", f"{khz}\n")
    rapl(tmp_path, 1, 0)
    write(tmp_path, "sys/class/powercap/intel-rapl:1/constraint_0_max_power_uw", "125000000\n")
    sampler = Sampler(Machine(tmp_path))
    sampler.sample(0.0)
    rapl(tmp_path, 1, 40_000_000)
    sampler.sample(1.0)

    info = system_info(sampler)

    assert info["has_hyperthreading"] is False
    first, second = info["packages"]
    assert (first["id"], first["thermal_spec"], first["power"]) == (0, 0.0, 0.0)
    assert (second["id"], second["thermal_spec"], second["power"]) == (1, 125.0, 40.0)
    assert second["cores"] == [
        {
            "id": 0,
            "minimum_speed": 800_000,
            "maximum_speed": 4_000_000,
            "current_minimum_speed": 1_000_000,
            "current_maximum_speed": 3_500_000,
            "current_speed": 2_400_000,
            "threads": [{"id": 1}],
        }
    ]


def test_offline_cpus_are_left_out(tmp_path: Path) -> None:
    cpu(tmp_path, 0, package=0, core=0)
    cpu(tmp_path, 1, package=0, core=1)
    write(tmp_path, "sys/devices/system/cpu/cpu1/online", "0\n")

    [package] = system_info(Sampler(Machine(tmp_path)))["packages"]

    assert [core["threads"] for core in package["cores"]] == [[{"id": 0}]]


def test_without_sysfs_every_cpu_is_a_core_of_package_zero(tmp_path: Path) -> None:
    [package] = system_info(Sampler(Machine(tmp_path)))["packages"]

    assert package["id"] == 0
    assert len(package["cores"]) == (os.cpu_count() or 1)
    assert all(core["maximum_speed"] == 0 for core in package["cores"])


# this host, over loopback


def test_system_info_describes_this_host(backend: Backend, member: Persona) -> None:
    info = _get(backend.address, member.token, "/system_info")["info"]

    assert info["hostname"] == socket.gethostname()
    cores = [core for package in info["packages"] for core in package["cores"]]
    assert all(set(core) == CORE_KEYS for core in cores)
    threads = [thread["id"] for core in cores for thread in core["threads"]]
    assert sorted(threads) == [found.id for found in Machine().cpus()]
    assert info["has_hyperthreading"] is any(len(core["threads"]) > 1 for core in cores)
    assert all(isinstance(p["thermal_spec"], float) for p in info["packages"])


def test_the_thread_map_names_the_servers_threads(backend: Backend, member: Persona) -> None:
    thread_map = _get(backend.address, member.token, "/threading")["thread_map"]

    assert {"MainThread", "measurements", "tempfile-purger"} <= set(thread_map)
    every_cpu = {found.id for found in Machine().cpus()}
    assert all(cpus and set(cpus) <= every_cpu for cpus in thread_map.values())
    assert all(cpus == sorted(cpus) for cpus in thread_map.values())


def test_requests_run_on_the_servers_own_pool_of_threads(backend: Backend, member: Persona) -> None:
    thread_map = _get(backend.address, member.token, "/threading")["thread_map"]

    # asyncio's default pool (cpu count + 4 threads named asyncio_N) would be too small
    assert any(name.startswith("request_") for name in thread_map)
    assert not any(name.startswith("asyncio_") for name in thread_map)


def test_a_cluster_worker_shows_up_while_it_trains(backend: Backend, member: Persona) -> None:
    table = long_dataset(backend.address, member.token)
    cluster_uuid = create_cluster(backend.address, member.token, SERIES_TEMPLATE)
    task_uuid = train_long(backend.address, member.token, cluster_uuid, table)
    try:
        thread_map = wait_for(
            lambda: _get(backend.address, member.token, "/threading")["thread_map"],
            lambda found: f"cluster-{cluster_uuid[:8]}" in found,
            30,
        )
    finally:
        delete_task(backend.address, member.token, cluster_uuid, task_uuid)

    assert thread_map[f"cluster-{cluster_uuid[:8]}"]


def test_the_thread_map_answers_right_after_start(fresh_backend: Backend) -> None:
    token = token_for(fresh_backend.address, ADMIN_ID, ADMIN_PASSPHRASE)

    thread_map = _get(fresh_backend.address, token, "/threading")["thread_map"]

    assert "measurements" in thread_map


@pytest.mark.parametrize("path", ["/system_info", "/threading"])
def test_system_endpoints_take_no_inputs(backend: Backend, member: Persona, path: str) -> None:
    reply = send(backend.address, "GET", path, token=member.token, query={"x": 1})

    assert reply.status_code == 400
    assert reply.text == "Validation failed, because item 'x' is not in the list of allowed keys"
