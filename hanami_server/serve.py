"""Serve the application with daphne on one TCP port until a signal stops it; purge, measure and
record background errors meanwhile; then stop the clusters' workers."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from daphne.server import Server

from hanami_server.app import HanamiApp
from hanami_server.close_reasons import send_close_reasons
from hanami_server.purge import start_purger
from hanami_server.state import ServerState
from hanami_server.store.logs import ErrorLogHandler

logger = logging.getLogger("hanami_server")

# Threads for the blocking work of requests and websocket frames (database, files, engine passes).
# asyncio's default of cpu count + 4 is too few: a save or load on an idle cluster holds one until
# it completes (contract 2.5), so a handful of those must not stall every other request.
BLOCKING_THREADS = 32


def _when_listening(server: Server) -> None:
    """Give the running loop its pool of request threads and the close frames with reasons."""
    executor = ThreadPoolExecutor(max_workers=BLOCKING_THREADS, thread_name_prefix="request")
    asyncio.get_event_loop().set_default_executor(executor)
    send_close_reasons(server)


def serve(state: ServerState) -> int:
    """Run daphne (REST and websocket on one port); 0 after a clean stop, 1 if it never listened."""
    config = state.config
    interface = config.host.replace(":", r"\:")
    server = Server(
        HanamiApp(state),
        endpoints=[f"tcp:port={config.port}:interface={interface}"],
        signal_handlers=True,
        server_name="Hanami",
        websocket_max_message_size=16 * 1024 * 1024,
        websocket_max_frame_size=16 * 1024 * 1024,
        ready_callable=lambda: _when_listening(server),
    )
    logger.info(
        "hanami_server listening on http://%s:%d (REST /v1.0alpha, websocket /), data dir %s",
        config.host,
        config.port,
        config.data_dir,
    )
    error_log = ErrorLogHandler(state.db)
    logger.addHandler(error_log)
    stop_purger = start_purger(state)
    state.sampler.start()
    try:
        server.run()
    finally:
        stop_purger.set()
        state.sampler.stop()
        state.runtimes.shutdown()
        logger.removeHandler(error_log)
    if not server.listening_addresses:
        logger.error("could not listen on %s:%d", config.host, config.port)
        return 1
    logger.info("hanami_server stopped")
    return 0
