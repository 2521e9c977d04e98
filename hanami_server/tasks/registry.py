"""The runtimes of the clusters in use, created on demand and shut down together."""

from __future__ import annotations

import threading
from typing import Any

from hanami_server.config import Config
from hanami_server.db import Database
from hanami_server.tasks.runtime import ClusterClosed, ClusterRuntime, forget_cluster

SHUTDOWN_SECONDS = 30.0


class Runtimes:
    """One ClusterRuntime per cluster, for the life of the server process."""

    def __init__(self, db: Database, config: Config) -> None:
        self._db = db
        self._config = config
        self._lock = threading.Lock()
        self._runtimes: dict[str, ClusterRuntime] = {}
        self._dropped: set[str] = set()
        self._closing = False

    def of(self, cluster: dict[str, Any]) -> ClusterRuntime:
        """The runtime of a live cluster row (created on first use)."""
        with self._lock:
            if self._closing or cluster["uuid"] in self._dropped:
                raise ClusterClosed(cluster["uuid"])
            runtime = self._runtimes.get(cluster["uuid"])
            if runtime is None:
                runtime = ClusterRuntime(self._db, self._config, cluster)
                self._runtimes[cluster["uuid"]] = runtime
            return runtime

    def loaded(self, cluster_uuid: str) -> ClusterRuntime | None:
        """The runtime of a cluster if one was created."""
        with self._lock:
            return self._runtimes.get(cluster_uuid)

    def drop(self, cluster_uuid: str) -> None:
        """A cluster was deleted: stop its work, forget its tasks and its state file."""
        with self._lock:
            self._dropped.add(cluster_uuid)
            runtime = self._runtimes.pop(cluster_uuid, None)
        if runtime is None:
            forget_cluster(self._db, self._config, cluster_uuid)
        else:
            runtime.close(deleted=True)

    def shutdown(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Stop every worker at its next batch; unfinished tasks end `aborted`."""
        with self._lock:
            self._closing = True
            runtimes = list(self._runtimes.values())
        workers = [runtime.close(deleted=False) for runtime in runtimes]
        for worker in workers:
            if worker is not None:
                worker.join(timeout)
