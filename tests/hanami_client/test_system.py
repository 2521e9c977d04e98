"""System info and the thread map through the client: typed packages, cores and threads, and
a plain mapping of thread names to CPU ids."""

from __future__ import annotations

import socket

import responses

from hanami_client import CpuCore, CpuPackage, HanamiClient, SystemInfo

FAKE = "http://hanami.test"


def test_info_describes_the_backends_machine(member_client: HanamiClient) -> None:
    info = member_client.system.info()

    assert isinstance(info, SystemInfo)
    assert info.hostname == socket.gethostname()
    assert info.packages
    assert all(isinstance(package, CpuPackage) for package in info.packages)
    cores = [core for package in info.packages for core in package.cores]
    assert cores
    assert all(isinstance(core, CpuCore) and core.threads for core in cores)
    assert info.has_hyperthreading is any(len(core.threads) > 1 for core in cores)


def test_a_core_without_threads_has_zero_speeds() -> None:
    reply = {
        "info": {
            "hostname": "vm",
            "has_hyperthreading": False,
            "packages": [
                {"id": 0, "thermal_spec": 0, "power": 1.5, "cores": [{"id": 3, "threads": []}]}
            ],
        }
    }
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}/v1.0alpha/system_info", json=reply)

        info = client.system.info()

    assert info == SystemInfo(
        "vm", False, (CpuPackage(0, 0.0, 1.5, (CpuCore(3, 0, 0, 0, 0, 0, ()),)),)
    )


def test_threading_maps_thread_names_to_cpus(member_client: HanamiClient) -> None:
    thread_map = member_client.system.threading()

    assert "measurements" in thread_map
    assert all(isinstance(cpu, int) for cpus in thread_map.values() for cpu in cpus)


def test_an_empty_thread_map_is_empty() -> None:
    with responses.RequestsMock() as backend, HanamiClient(FAKE, "token") as client:
        backend.get(f"{FAKE}/v1.0alpha/threading", json={"thread_map": {}})

        assert client.system.threading() == {}
