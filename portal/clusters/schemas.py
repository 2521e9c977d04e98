"""JSON shapes of clusters in the portal API, checked with the wire contract's field rules."""

from __future__ import annotations

from ninja import Field, Path, Schema

from hanami_client import Cluster
from hanami_client.rules import NAME_LENGTH, NAME_RE, UUID_RE
from portal.clusters.selectors import cluster_template
from portal.clusters.services import MAX_TEMPLATE_CHARS
from portal.core.schemas import rule_string
from portal.projects.schemas import NAME_HELP

__all__ = [
    "ClusterIn",
    "ClusterOut",
    "ClusterRowOut",
    "ClusterUuidPath",
    "RestoreIn",
    "RestoreOut",
    "SaveIn",
    "SaveOut",
]

UUID_HELP = "A uuid (8-4-4-4-12 hexadecimal digits)."
CREATED_AT = "UTC, YYYY-MM-DD HH:MM:SS"

ClusterUuidPath = rule_string(
    UUID_RE, "A cluster's uuid (8-4-4-4-12 hexadecimal digits).", source=Path
)
ResourceName = rule_string(NAME_RE, NAME_HELP, limits=NAME_LENGTH)
ResourceUuid = rule_string(UUID_RE, UUID_HELP)


class ClusterIn(Schema):
    """A cluster to create from the text of its template."""

    name: ResourceName
    template: str = Field(
        min_length=1,
        max_length=MAX_TEMPLATE_CHARS,
        description="The template text (version 1 grammar, contract section 5); CRLF is fine.",
    )


class ClusterRowOut(Schema):
    """A cluster as the list shows it."""

    uuid: str
    name: str
    owner_id: str
    project_id: str
    visibility: str
    created_at: str = Field(description=CREATED_AT)


class ClusterOut(ClusterRowOut):
    """A cluster with its counters, and its template when the portal created it."""

    number_of_blocks: int = Field(description="Connection blocks; 0 until it trains.")
    number_of_sections: int = Field(description="Synapse sections in use; 0 until it trains.")
    template: str | None = Field(
        description="The template text, or null for a cluster made elsewhere (SDK, hanamictl)."
    )

    @staticmethod
    def resolve_template(cluster: Cluster) -> str | None:
        """The portal's record of the template (the backend never returns one)."""
        return cluster_template(cluster.uuid)


class SaveIn(Schema):
    """The name of the checkpoint to save the cluster as."""

    name: ResourceName


class SaveOut(Schema):
    """The queued save task; its uuid is the uuid the checkpoint gets."""

    uuid: str = Field(description="The save task's uuid = the future checkpoint's uuid.")
    name: str


class RestoreIn(Schema):
    """The checkpoint to restore into the cluster."""

    checkpoint_uuid: ResourceUuid


class RestoreOut(Schema):
    """The queued restore task."""

    uuid: str = Field(description="The restore task's uuid.")
