"""The save job: the cluster's network and template as a checkpoint file, then its row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hanami_server.store.checkpoints import insert_checkpoint
from hanami_server.tasks.checkpoint_file import write_checkpoint
from hanami_server.tasks.model import Task
from hanami_server.tasks.sizes import of_network

if TYPE_CHECKING:
    from hanami_server.tasks.runtime import ClusterRuntime


def run_save(runtime: ClusterRuntime, task: Task) -> bool:
    """Write `<checkpoints>/<task uuid>` atomically, then record the checkpoint (uuid = task's)."""
    network = runtime.network()
    path = runtime.config.checkpoints_dir / task.uuid
    write_checkpoint(path, runtime.template_text, network.state())
    try:
        insert_checkpoint(
            runtime.db,
            checkpoint_uuid=task.uuid,
            name=task.name,
            owner_id=task.owner_id,
            project_id=task.project_id,
            layout=network.layout,
            sizes=of_network(network),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True
