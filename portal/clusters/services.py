"""Cluster changes through the backend that the portal also records: create and delete.

Every template the portal sends is kept (``models.ClusterTemplate``), because the backend never
returns one and the task forms and the detail page need its hexagons.
"""

from __future__ import annotations

from hanami_client import BadRequest, Cluster, HanamiClient
from hanami_client.template import TemplateError, parse_template
from portal.clusters.models import ClusterTemplate

__all__ = [
    "MAX_TEMPLATE_CHARS",
    "TEMPLATE_REFUSAL",
    "cluster_create",
    "cluster_delete",
    "forget_template",
    "normalise_template",
    "refused_template",
    "remember_template",
    "template_problem",
]

#: Far more than any hand-written template; keeps a pasted accident from reaching the parser.
MAX_TEMPLATE_CHARS = 200_000
#: How the backend's 400 for a template the grammar refuses begins (contract 2.5).
TEMPLATE_REFUSAL = "Uploaded template is not a valid cluster-template:"


def normalise_template(text: str) -> str:
    """Template text with LF line ends: the grammar refuses ``\\r`` (browsers send CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def template_problem(text: str) -> TemplateError | None:
    """Why the grammar refuses ``text`` (line, position, message), or None when it is valid."""
    try:
        parse_template(text)
    except TemplateError as error:
        return error
    return None


def refused_template(error: BadRequest, text: str) -> TemplateError | None:
    """The line and position the backend's template refusal points to, found by parsing locally."""
    if not error.message.startswith(TEMPLATE_REFUSAL):
        return None
    return template_problem(text)


def cluster_create(*, client: HanamiClient, name: str, text: str, created_by: str) -> Cluster:
    """Create the cluster from the (normalised) template text and remember the text."""
    text = normalise_template(text)
    cluster = client.clusters.create(name, text)
    remember_template(cluster_uuid=cluster.uuid, text=text, created_by=created_by)
    return cluster


def remember_template(*, cluster_uuid: str, text: str, created_by: str) -> None:
    """Keep the template text of a cluster the portal created."""
    ClusterTemplate.objects.update_or_create(
        cluster_uuid=cluster_uuid, defaults={"text": text, "created_by": created_by}
    )


def forget_template(*, cluster_uuid: str) -> None:
    """Drop the template of a deleted cluster."""
    ClusterTemplate.objects.filter(cluster_uuid=cluster_uuid).delete()


def cluster_delete(*, client: HanamiClient, uuid: str) -> None:
    """Delete the cluster on the backend, then forget its template."""
    client.clusters.delete(uuid)
    forget_template(cluster_uuid=uuid)
