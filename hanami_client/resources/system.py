"""System: ``/v1.0alpha/system_info`` and ``/threading`` (contract 2.11)."""

from __future__ import annotations

from hanami_client import _parse
from hanami_client.resources._base import Resource
from hanami_client.types import SystemInfo

__all__ = ["System"]


class System(Resource):
    """The backend's machine and how its threads are placed on the CPUs."""

    def info(self) -> SystemInfo:
        """Hostname, hyperthreading, CPU packages with their cores, threads and speeds (kHz)."""
        data = self._transport.send_json("GET", "/system_info", operation="system.info")
        return self._read("system.info", _parse.system_info, data)

    def threading(self) -> dict[str, list[int]]:
        """Each backend thread by name -> the CPU ids it may run on (may be empty)."""
        data = self._transport.send_json("GET", "/threading", operation="system.threading")
        return self._read("system.threading", _parse.thread_map, data)
