"""The restore job: the checkpoint's network replaces the cluster's (its uuid is kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanami_server.engine import EngineError, Network
from hanami_server.tasks.checkpoint_file import read_checkpoint
from hanami_server.tasks.model import Task

if TYPE_CHECKING:
    from hanami_server.tasks.runtime import ClusterRuntime


def run_restore(runtime: ClusterRuntime, task: Task) -> bool:
    """Load the checkpoint into a network of the cluster's template and save it as the cluster's
    state; a checkpoint of another shape raises EngineError and changes nothing."""
    if runtime.template is None:
        raise EngineError("the cluster has no hexagons")
    _, state = read_checkpoint(runtime.config.checkpoints_dir / task.spec["checkpoint_uuid"])
    runtime.replace_network(Network.from_state(runtime.template, state))
    runtime.persist_network()
    return True
