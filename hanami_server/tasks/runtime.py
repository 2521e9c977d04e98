"""One cluster's runtime: its FIFO queue, ONE worker thread started on demand (it ends when the
queue is empty), its mode, and the cluster's network, loaded lazily from its state file or built
from the template. Whoever uses the network holds `engine_lock`: the worker for a task, a
direct-IO socket for one pass (contract 3.2).

Modes (contract 2.5, 7): in TASK mode queued tasks run one after another; in DIRECT mode they
wait until the cluster is switched back. Direct IO runs in DIRECT mode, and in TASK mode while
no task is queued or active (contract 11 #43: attaching needs no mode). What direct IO learns is
saved when the cluster goes back to TASK mode, when the socket closes (after the task that holds
the network then, so a closing socket never waits for a task) and at shutdown (not after every
pass: a state file is megabytes). The mode lives in memory: a restart is in TASK mode."""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from hanami_client.template import parse_template
from hanami_server.config import Config
from hanami_server.db import Database, now_timestamp
from hanami_server.engine import EngineError, Network
from hanami_server.store import clusters as cluster_store
from hanami_server.store import tasks as task_store
from hanami_server.tasks import request, restore, save, train
from hanami_server.tasks.model import Task
from hanami_server.tasks.sizes import Sizes, merged, of_network, planned, unsized
from hanami_server.tasks.statefile import read_state, write_state

logger = logging.getLogger(__name__)

# each job runs one task on the worker thread; True when it did all of its work
JOBS: dict[str, Callable[[ClusterRuntime, Task], bool]] = {
    "train": train.run_train,
    "request": request.run_request,
    "save": save.run_save,
    "restore": restore.run_restore,
}


TASK_MODE, DIRECT_MODE = "TASK", "DIRECT"
Result = TypeVar("Result")


class ClusterClosed(Exception):
    """The cluster was deleted or the server is stopping: it takes no new tasks."""


class ClusterBusy(Exception):
    """Direct IO was asked for while a task is queued or active in TASK mode."""


class DirectReplaced(Exception):
    """A newer direct-IO socket attached to the cluster (the last one wins, contract 3.1)."""


def state_path(config: Config, cluster_uuid: str) -> Path:
    """Where a cluster's learned network state is kept."""
    return config.clusters_dir / f"{cluster_uuid}.npz"


def forget_cluster(db: Database, config: Config, cluster_uuid: str) -> None:
    """Drop a deleted cluster's task history and its network state file."""
    task_store.delete_cluster_tasks(db, cluster_uuid)
    state_path(config, cluster_uuid).unlink(missing_ok=True)


class ClusterRuntime:
    """The queue, worker and network of one cluster."""

    def __init__(self, db: Database, config: Config, cluster: dict[str, Any]) -> None:
        self.db = db
        self.config = config
        self.uuid: str = cluster["uuid"]
        self.template_text: str = cluster["template"]
        self.template = parse_template(self.template_text) if self.template_text else None
        self.engine_lock = threading.Lock()
        self._lock = threading.Lock()
        rows = task_store.tasks_of_cluster(db, self.uuid)
        self._tasks = {task.uuid: task for task in map(Task.from_row, rows)}
        self._queue: deque[Task] = deque()
        self._active: Task | None = None
        self._committed = merged(unsized(self.template), json.loads(cluster["sizes"]))
        self._counters = (cluster["number_of_blocks"], cluster["number_of_sections"])
        self._network: Network | None = None
        self._worker: threading.Thread | None = None
        self._deleted = False
        self._closing = False
        self._mode = TASK_MODE
        self._direct_ticket = 0
        # direct IO changed the network since it was last saved (guarded by engine_lock)
        self._dirty = False

    # what the API asks

    def submit(self, build: Callable[[Sizes], Task]) -> tuple[Task, bool]:
        """Queue the task `build` makes (it validates against the sizes the cluster will have
        when the queue has run, and stores the task); also whether the cluster was idle."""
        with self._lock:
            if self._deleted or self._closing:
                raise ClusterClosed(self.uuid)
            pending = [self._active, *self._queue] if self._active else list(self._queue)
            task = build(planned(self._committed, pending))
            idle = not pending and self._mode == TASK_MODE
            self._tasks[task.uuid] = task
            if idle:  # an idle cluster starts the task within the same call (contract 7)
                self._activate(task)
            else:
                self._queue.append(task)
            self._start_worker()
        return task, idle

    def task(self, task_uuid: str) -> Task | None:
        """A task of this cluster, or None."""
        with self._lock:
            return self._tasks.get(task_uuid)

    def tasks(self) -> list[Task]:
        """The cluster's tasks sorted by uuid, as upstream lists them."""
        with self._lock:
            return sorted(self._tasks.values(), key=lambda task: task.uuid)

    def delete(self, task_uuid: str) -> bool:
        """Remove a task: a queued one at once, an active one once it has stopped (it reads
        `aborted` meanwhile), an ended one at once; False when the cluster has no such task."""
        with self._lock:
            task = self._tasks.get(task_uuid)
            if task is None:
                return False
            if task is self._active:
                task.removed = True
                task.state = "aborted"
                task.stop.set()
                return True
            if task in self._queue:
                self._queue.remove(task)
                task.ended.set()
            del self._tasks[task_uuid]
        task_store.delete_task(self.db, task_uuid)
        return True

    def set_mode(self, mode: str) -> bool:
        """Switch to DIRECT (only from TASK mode with no task queued or active) or to TASK (only
        from DIRECT mode: what direct IO learned is saved, then waiting tasks start); False when
        the switch is not allowed."""
        with self._lock:
            if self._deleted or self._closing:
                raise ClusterClosed(self.uuid)
            if mode == DIRECT_MODE:
                allowed = self._mode == TASK_MODE and self._active is None and not self._queue
            else:
                allowed = self._mode == DIRECT_MODE
            if not allowed:
                return False
            self._mode = mode
        if mode == TASK_MODE:
            self.save_direct_learning()
            with self._lock:
                self._start_worker()
        return True

    def attach_direct(self) -> int:
        """A ticket for a new direct-IO socket; it replaces the socket attached before."""
        with self._lock:
            if self._deleted or self._closing:
                raise ClusterClosed(self.uuid)
            self._direct_ticket += 1
            return self._direct_ticket

    def check_direct(self, ticket: int) -> None:
        """Raise ClusterClosed or DirectReplaced when the socket of `ticket` may not go on."""
        with self._lock:
            self._check_direct(ticket)

    def direct_pass(self, ticket: int, work: Callable[[Network], Result]) -> Result:
        """Run one direct-IO pass on the network (ClusterBusy while a task has it in TASK
        mode); its learning is saved later, see the module docstring."""
        with self._lock:
            self._check_direct(ticket)
            if self._mode == TASK_MODE and (self._active is not None or self._queue):
                raise ClusterBusy(self.uuid)
        with self.engine_lock:
            network = self.network()
            try:
                return work(network)
            finally:  # even a refused pass may have sized a hexagon
                self._dirty = True
                with self._lock:
                    self._committed = of_network(network)

    def save_direct_learning(self, *, wait: bool = True) -> None:
        """Save the network if direct IO changed it since it was last saved. Without `wait`
        (a socket closed) nothing waits for a task that holds the network: the worker saves
        it after that task. A failure is logged; the learning stays in memory for the next save."""
        if not self.engine_lock.acquire(blocking=wait):
            return
        try:
            self._save_if_dirty()
        finally:
            self.engine_lock.release()

    @cached_property
    def layout(self) -> list[str]:
        """The shape of this cluster's network, which a checkpoint must have to be restored."""
        return Network.from_template(self.template).layout if self.template else []

    def counters(self) -> tuple[int, int]:
        """number_of_blocks and number_of_sections: live once the network is loaded."""
        network = self._network
        if network is not None:
            return network.number_of_blocks, network.number_of_sections
        return self._counters

    def close(self, *, deleted: bool) -> threading.Thread | None:
        """Stop the active task and empty the queue: for a deleted cluster everything is dropped
        (and its state file removed); at shutdown the unfinished tasks end `aborted`. Returns
        the worker thread to join, if one runs."""
        with self._lock:
            self._deleted = self._deleted or deleted
            self._closing = True
            queued = list(self._queue)
            self._queue.clear()
            if self._active is not None:
                self._active.stop.set()
            if deleted:
                self._tasks.clear()
                forget_cluster(self.db, self.config, self.uuid)
            worker = self._worker
        for task in queued:
            if not deleted:
                self._finish(task, "aborted")
            task.ended.set()
        if not deleted:
            self.save_direct_learning()
        return worker

    # what the jobs use (worker thread only)

    def network(self) -> Network:
        """The cluster's network: from its state file, or fresh from the template."""
        if self._network is None:
            if self.template is None:
                raise EngineError("the cluster has no hexagons")
            path = state_path(self.config, self.uuid)
            if path.exists():
                self._network = Network.from_state(self.template, read_state(path))
            else:
                self._network = Network.from_template(self.template)
        return self._network

    def replace_network(self, network: Network) -> None:
        """Use this network from now on (a restored checkpoint)."""
        self._network = network

    def persist_network(self) -> None:
        """Save the network's state atomically, with its counters and sizes in the database;
        nothing once the cluster is deleted."""
        network = self.network()
        sizes = of_network(network)
        blocks, sections = network.number_of_blocks, network.number_of_sections
        target = write_state(state_path(self.config, self.uuid), network.state())
        try:
            with self._lock:
                if self._deleted:
                    return
                target.commit()
                self._dirty = False
                cluster_store.save_network_facts(
                    self.db, self.uuid, blocks=blocks, sections=sections, sizes=sizes
                )
                self._committed, self._counters = sizes, (blocks, sections)
        finally:
            target.discard()

    # direct IO

    def _save_if_dirty(self) -> None:
        """Save what direct IO changed (under engine_lock); a failure is logged."""
        if self._dirty:
            try:
                self.persist_network()
            except Exception:  # the worker calls this too and must outlive any failure
                logger.exception("saving the network of cluster %s failed", self.uuid)

    def _check_direct(self, ticket: int) -> None:
        """The checks of `check_direct` (under the lock)."""
        if self._deleted or self._closing:
            raise ClusterClosed(self.uuid)
        if ticket != self._direct_ticket:
            raise DirectReplaced(self.uuid)

    # the worker

    def _start_worker(self) -> None:
        """Start the worker (under the lock) when tasks wait in TASK mode and none runs."""
        waiting = self._active is not None or self._queue
        if self._worker is None and waiting and self._mode == TASK_MODE:
            self._worker = threading.Thread(
                target=self._work, name=f"cluster-{self.uuid[:8]}", daemon=True
            )
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                task = self._active
                if task is None:
                    if not self._queue or self._mode == DIRECT_MODE:
                        self._worker = None
                        return
                    task = self._queue.popleft()
                    self._activate(task)
            task_store.mark_active(self.db, task.uuid, task.start_timestamp)
            completed = self._run(task)
            with self._lock:
                self._active = None
                dropped = task.removed or self._deleted
                if dropped:
                    self._tasks.pop(task.uuid, None)
            if dropped:
                task_store.delete_task(self.db, task.uuid)
            else:
                self._finish(task, "finished" if completed else "aborted")
            task.ended.set()

    def _activate(self, task: Task) -> None:
        """Make the task the active one (under the lock); the worker runs it next."""
        task.state, task.start_timestamp = "active", now_timestamp()
        self._active = task

    def _run(self, task: Task) -> bool:
        """Run the task's job (a failure is logged and the task ends aborted), then save what
        direct IO learned before it if a socket closed meanwhile."""
        with self.engine_lock:
            try:
                completed = JOBS[task.kind](self, task)
            except Exception:  # the worker must outlive any task
                logger.exception("%s task %s of cluster %s failed", task.kind, task.uuid, self.uuid)
                completed = False
            self._save_if_dirty()
        return completed

    def _finish(self, task: Task, state: str) -> None:
        task.state, task.end_timestamp = state, now_timestamp()
        task_store.mark_ended(
            self.db,
            task.uuid,
            state=task.state,
            current_cycle=task.current_cycle,
            end_timestamp=task.end_timestamp,
        )
