"""JSON reading of the backend's machine (mounted at /api/system), for every signed-in user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hanami_client import Series, SystemInfo
from portal.hanami import get_hanami
from portal.system.schemas import MeasurementsOut, SystemInfoOut
from portal.system.selectors import read_measurements

__all__ = ["router"]

router = Router(tags=["system"])


@router.get("/info", response=SystemInfoOut, summary="Describe the machine")
def system_info(request: HttpRequest) -> SystemInfo:
    """Hostname, hyperthreading, processor packages with their cores, threads and speeds."""
    return get_hanami(request).system.info()


@router.get("/threading", response=dict[str, list[int]], summary="Map threads to CPUs")
def thread_map(request: HttpRequest) -> dict[str, list[int]]:
    """Each backend thread by name with the CPU ids it may run on (empty at first)."""
    return get_hanami(request).system.threading()


@router.get("/measurements", response=MeasurementsOut, summary="Read the measurements")
def measurements(request: HttpRequest) -> dict[str, Series]:
    """Power, speed and temperature over the last minute, hour, day and year."""
    return read_measurements(client=get_hanami(request))
