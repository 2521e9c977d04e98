"""Read what Linux tells of the CPUs: topology, frequencies, RAPL energy counters, thermal zones.

Every reader answers 0 (or nothing) where the kernel offers no value or denies reading it, so a
virtual machine or a container gets zeros instead of errors. `root` is `/` on a real host; tests
point it at a directory tree shaped like sysfs and procfs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_CPU_DIR = re.compile(r"cpu([0-9]+)")
_RAPL_ZONE = re.compile(r"intel-rapl:([0-9]+)")
_PACKAGE_NAME = re.compile(r"package-([0-9]+)")
# cpufreq files of one CPU, in kHz: the wire names of system_info (contract 2.11) -> file
FREQUENCY_FILES = {
    "minimum_speed": "cpuinfo_min_freq",
    "maximum_speed": "cpuinfo_max_freq",
    "current_minimum_speed": "scaling_min_freq",
    "current_maximum_speed": "scaling_max_freq",
    "current_speed": "scaling_cur_freq",
}


@dataclass(frozen=True)
class Cpu:
    """One logical CPU (a hardware thread) and the core and package it belongs to."""

    id: int
    package: int
    core: int


@dataclass(frozen=True)
class EnergyCounter:
    """A package's RAPL energy counter in µJ and the value at which it wraps to 0."""

    package: int
    energy_uj: int
    wraps_at_uj: int


class Machine:
    """The readers, relative to one file system root."""

    def __init__(self, root: Path = Path("/")) -> None:
        self.root = root
        self._cpu_dir = root / "sys/devices/system/cpu"
        self._powercap = root / "sys/class/powercap"
        self._thermal = root / "sys/class/thermal"

    def cpus(self) -> list[Cpu]:
        """The online logical CPUs sorted by id; without sysfs, one core per CPU in package 0."""
        found = []
        for path in _children(self._cpu_dir):
            match = _CPU_DIR.fullmatch(path.name)
            if match is None or _read_int(path / "online", 1) == 0:
                continue
            cpu_id = int(match.group(1))
            package = _read_int(path / "topology/physical_package_id", 0)
            found.append(Cpu(cpu_id, package, _read_int(path / "topology/core_id", cpu_id)))
        if not found:
            found = [Cpu(cpu_id, 0, cpu_id) for cpu_id in range(os.cpu_count() or 1)]
        return sorted(found, key=lambda cpu: cpu.id)

    def frequencies_khz(self, cpu_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Each CPU's cpufreq values in kHz (0 where absent); the current speed falls back to
        /proc/cpuinfo where cpufreq is missing."""
        cpuinfo = self.cpuinfo_mhz()
        found = {}
        for cpu_id in cpu_ids:
            folder = self._cpu_dir / f"cpu{cpu_id}/cpufreq"
            values = {key: _read_int(folder / name, 0) for key, name in FREQUENCY_FILES.items()}
            if values["current_speed"] == 0:
                values["current_speed"] = round(cpuinfo.get(cpu_id, 0.0) * 1000)
            found[cpu_id] = values
        return found

    def cpuinfo_mhz(self) -> dict[int, float]:
        """`cpu MHz` of every processor in /proc/cpuinfo (x86 has it, many ARM kernels do not)."""
        speeds: dict[int, float] = {}
        processor = None
        for line in _read_text(self.root / "proc/cpuinfo").splitlines():
            key, _, value = (part.strip() for part in line.partition(":"))
            try:
                if key == "processor":
                    processor = int(value)
                elif key == "cpu MHz" and processor is not None:
                    speeds[processor] = float(value)
            except ValueError:
                continue
        return speeds

    def speed_mhz(self) -> float:
        """The mean current frequency in MHz over the first thread of every core; 0.0 if unknown."""
        first_threads: dict[tuple[int, int], int] = {}
        for cpu in self.cpus():
            first_threads.setdefault((cpu.package, cpu.core), cpu.id)
        frequencies = self.frequencies_khz(first_threads.values())
        known = [khz for values in frequencies.values() if (khz := values["current_speed"]) > 0]
        return sum(known) / len(known) / 1000 if known else 0.0

    def energy_counters(self) -> list[EnergyCounter]:
        """The RAPL package counters that can be read (reading usually needs root)."""
        counters = []
        for zone in _children(self._powercap):
            package = self._rapl_package(zone)
            energy = _read_int(zone / "energy_uj", -1)
            if package is None or energy < 0:
                continue
            counters.append(
                EnergyCounter(package, energy, _read_int(zone / "max_energy_range_uj", 0))
            )
        return counters

    def thermal_spec_watts(self, package: int) -> float:
        """A package's thermal design power from its RAPL zone, in W; 0.0 if unknown."""
        for zone in _children(self._powercap):
            if self._rapl_package(zone) == package:
                return _read_int(zone / "constraint_0_max_power_uw", 0) / 1e6
        return 0.0

    def temperature_celsius(self) -> float:
        """The hottest thermal zone in °C; 0.0 when the machine exposes none."""
        readings = []
        for zone in _children(self._thermal):
            if zone.name.startswith("thermal_zone"):
                millidegrees = _read_int(zone / "temp", 0)
                if millidegrees > 0:
                    readings.append(millidegrees / 1000)
        return max(readings, default=0.0)

    def _rapl_package(self, zone: Path) -> int | None:
        """The package a top-level RAPL zone measures (subzones like `intel-rapl:0:1` are not)."""
        if _RAPL_ZONE.fullmatch(zone.name) is None:
            return None
        name = _PACKAGE_NAME.fullmatch(_read_text(zone / "name").strip())
        return int(name.group(1)) if name else None


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _read_text(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def _read_int(path: Path, default: int) -> int:
    try:
        return int(_read_text(path).strip())
    except ValueError:
        return default
