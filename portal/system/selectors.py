"""Read the backend's machine for the system page: measurements, processors and thread map."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_client import CpuPackage, HanamiClient, Series, SystemInfo
from portal.system.charts import MEASURES

__all__ = ["CoreRow", "Machine", "read_machine", "read_measurements", "read_thread_map"]


@dataclass(frozen=True)
class CoreRow:
    """A core as the page lists it: speeds in MHz, None where the machine does not tell."""

    package: int
    id: int
    threads: tuple[int, ...]
    current_speed: int | None
    minimum_speed: int | None
    maximum_speed: int | None
    current_minimum_speed: int | None
    current_maximum_speed: int | None


@dataclass(frozen=True)
class Machine:
    """The system information of the backend with its cores listed flat."""

    info: SystemInfo
    cores: list[CoreRow]

    @property
    def hostname(self) -> str:
        """The machine's name."""
        return self.info.hostname

    @property
    def has_hyperthreading(self) -> bool:
        """Whether a core runs more than one thread."""
        return self.info.has_hyperthreading

    @property
    def packages(self) -> tuple[CpuPackage, ...]:
        """The processor packages (sockets)."""
        return self.info.packages

    @property
    def thread_count(self) -> int:
        """Processor threads over all cores."""
        return sum(len(core.threads) for core in self.cores)


def mhz(khz: int) -> int | None:
    """A speed the backend gives in kHz as whole MHz; None for 0, which means unknown."""
    return round(khz / 1000) if khz > 0 else None


def read_machine(*, client: HanamiClient) -> Machine:
    """The backend's system information, its cores flattened for a table."""
    info = client.system.info()
    cores = [
        CoreRow(
            package=package.id,
            id=core.id,
            threads=core.threads,
            current_speed=mhz(core.current_speed),
            minimum_speed=mhz(core.minimum_speed),
            maximum_speed=mhz(core.maximum_speed),
            current_minimum_speed=mhz(core.current_minimum_speed),
            current_maximum_speed=mhz(core.current_maximum_speed),
        )
        for package in info.packages
        for core in package.cores
    ]
    return Machine(info=info, cores=cores)


def read_measurements(*, client: HanamiClient) -> dict[str, Series]:
    """Power, speed and temperature series by measure key."""
    return {measure.key: getattr(client.measurements, measure.key)() for measure in MEASURES}


def read_thread_map(*, client: HanamiClient) -> list[tuple[str, list[int]]]:
    """The backend's threads by name, each with the CPU ids it may run on."""
    return sorted(client.system.threading().items())
