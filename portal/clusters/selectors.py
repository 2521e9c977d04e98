"""Read-only questions about clusters: the template the portal knows, its interfaces.

The text is only the portal's own record; callers show it after the backend has shown them the
cluster (``client.clusters.get``), so visibility stays the backend's decision.
"""

from __future__ import annotations

from hanami_client import HanamiClient, NotFound
from hanami_client.template import ClusterTemplate as ParsedTemplate
from hanami_client.template import Interface, TemplateError, parse_template
from portal.clusters.models import ClusterTemplate

__all__ = [
    "checkpoint_exists",
    "cluster_choices",
    "cluster_interfaces",
    "cluster_template",
    "parsed_template",
    "save_state",
]


def cluster_template(cluster_uuid: str) -> str | None:
    """The template text the cluster was created from, or None when the portal did not create it."""
    return (
        ClusterTemplate.objects.filter(cluster_uuid=str(cluster_uuid))
        .values_list("text", flat=True)
        .first()
    )


def parsed_template(cluster_uuid: str) -> ParsedTemplate | None:
    """The cluster's template parsed, or None when unknown (or, impossibly, no longer valid)."""
    text = cluster_template(cluster_uuid)
    if text is None:
        return None
    try:
        return parse_template(text)
    except TemplateError:
        return None


def cluster_interfaces(cluster_uuid: str) -> tuple[list[Interface], list[Interface]] | None:
    """The named inputs and outputs of the cluster's template; None when it is not known."""
    template = parsed_template(cluster_uuid)
    if template is None:
        return None
    return list(template.inputs), list(template.outputs)


def cluster_choices(*, client: HanamiClient) -> list[tuple[str, str]]:
    """The visible clusters as choices of a select: uuid, then name and short uuid."""
    return [(row["uuid"], f"{row['name']} ({row['uuid'][:8]})") for row in client.clusters.list()]


def checkpoint_exists(*, client: HanamiClient, uuid: str) -> bool:
    """True when the backend shows a checkpoint with this uuid."""
    try:
        client.checkpoints.get(uuid)
    except NotFound:
        return False
    return True


def save_state(*, client: HanamiClient, cluster_uuid: str, checkpoint_uuid: str) -> str:
    """``saved``; ``waiting`` while the save task is queued or running; else ``failed``."""
    if checkpoint_exists(client=client, uuid=checkpoint_uuid):
        return "saved"
    try:
        task = client.tasks.get(checkpoint_uuid, cluster_uuid)
    except NotFound:
        return "failed"
    if task.state in ("queued", "active"):
        return "waiting"
    # Finished between the two questions, or aborted.
    finished = task.state == "finished"
    return (
        "saved" if finished and checkpoint_exists(client=client, uuid=checkpoint_uuid) else "failed"
    )
