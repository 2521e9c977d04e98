"""The background checker that purges idle upload temp files (contract 2.4 step 5, R: the
configured `tempfile_timeout` is honoured)."""

from __future__ import annotations

import logging
import threading

from hanami_server.state import ServerState

logger = logging.getLogger(__name__)
MAX_INTERVAL_SECONDS = 60.0


def check_interval(timeout_minutes: float) -> float:
    """Seconds between checks: a tenth of the timeout (upstream: 10 checks), at most 60."""
    return min(MAX_INTERVAL_SECONDS, timeout_minutes * 6)


def start_purger(state: ServerState) -> threading.Event:
    """Start the checker thread; setting the returned event stops it."""
    stop = threading.Event()
    interval = check_interval(state.config.tempfile_timeout_minutes)

    def run() -> None:
        while not stop.wait(interval):
            try:
                state.uploads.purge_idle(state.db, state.config)
            except Exception:  # the checker must survive a failed round
                logger.exception("purging idle temp files failed")

    threading.Thread(target=run, name="tempfile-purger", daemon=True).start()
    return stop
