"""The REST endpoints, one module per resource group."""

from __future__ import annotations

from hanami_server.api import (
    checkpoints,
    cluster_checkpoints,
    clusters,
    dataset_reads,
    datasets,
    hosts,
    logs,
    measurements,
    projects,
    system,
    tasks,
    token,
    users,
)
from hanami_server.routing import Router

ROUTERS: list[Router] = [
    token.router,
    users.router,
    projects.router,
    datasets.router,
    dataset_reads.router,
    clusters.router,
    cluster_checkpoints.router,
    tasks.router,
    checkpoints.router,
    hosts.router,
    logs.router,
    measurements.router,
    system.router,
]
