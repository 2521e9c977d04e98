"""System info and the thread map (contract 2.11); the map is read when asked, so it never
answers 500 (11 #42)."""

from __future__ import annotations

from typing import Any

from hanami_server.measure.system import system_info, thread_map
from hanami_server.routing import Call, Router

router = Router()


@router.route("GET", "system_info")
def get_system_info(call: Call) -> dict[str, Any]:
    """Hostname, hyperthreading and the CPU packages with their cores and threads."""
    return {"info": system_info(call.state.sampler)}


@router.route("GET", "threading")
def get_thread_map(call: Call) -> dict[str, Any]:
    """Each server thread by name -> the CPU ids it may run on."""
    return {"thread_map": thread_map()}
