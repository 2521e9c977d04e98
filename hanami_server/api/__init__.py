"""The REST endpoints, one module per resource group."""

from __future__ import annotations

from hanami_server.api import clusters, dataset_reads, datasets, projects, token, users
from hanami_server.routing import Router

ROUTERS: list[Router] = [
    token.router,
    users.router,
    projects.router,
    datasets.router,
    dataset_reads.router,
    clusters.router,
]
