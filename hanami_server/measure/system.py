"""The machine's CPU layout as `GET /system_info` reports it, and which CPUs each of the server's
threads may run on as `GET /threading` reports it (contract 2.11)."""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from hanami_server.measure.machine import Cpu
from hanami_server.measure.sampler import Sampler


def system_info(sampler: Sampler) -> dict[str, Any]:
    """Hostname, hyperthreading and packages -> cores -> threads, with speeds in kHz."""
    machine = sampler.machine
    cpus = machine.cpus()
    frequencies = machine.frequencies_khz(cpu.id for cpu in cpus)
    cores: dict[int, dict[int, list[Cpu]]] = {}
    for cpu in cpus:
        cores.setdefault(cpu.package, {}).setdefault(cpu.core, []).append(cpu)
    packages = [
        {
            "id": package,
            "thermal_spec": machine.thermal_spec_watts(package),
            "power": sampler.package_power(package),
            "cores": [
                {
                    "id": core,
                    **frequencies[threads[0].id],
                    "threads": [{"id": cpu.id} for cpu in threads],
                }
                for core, threads in sorted(package_cores.items())
            ],
        }
        for package, package_cores in sorted(cores.items())
    ]
    hyperthreading = any(len(threads) > 1 for found in cores.values() for threads in found.values())
    return {
        "hostname": socket.gethostname(),
        "has_hyperthreading": hyperthreading,
        "packages": packages,
    }


def thread_map() -> dict[str, list[int]]:
    """Each live thread of this process by name -> the CPU ids it may run on."""
    every_cpu = list(range(os.cpu_count() or 1))
    affinity = getattr(os, "sched_getaffinity", None)
    found = {}
    for thread in threading.enumerate():
        if thread.native_id is None:
            continue
        try:
            found[thread.name] = sorted(affinity(thread.native_id)) if affinity else every_cpu
        except OSError:  # the thread ended since it was listed
            continue
    return found
