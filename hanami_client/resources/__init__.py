"""One namespace per resource group of the API (``client.users``, ``client.datasets``, ...)."""

from __future__ import annotations

from hanami_client.resources.checkpoints import Checkpoints
from hanami_client.resources.clusters import Clusters
from hanami_client.resources.datasets import Datasets
from hanami_client.resources.hosts import Hosts
from hanami_client.resources.logs import Logs
from hanami_client.resources.measurements import Measurements
from hanami_client.resources.projects import Projects
from hanami_client.resources.system import System
from hanami_client.resources.tasks import Tasks
from hanami_client.resources.users import Users

__all__ = [
    "Checkpoints",
    "Clusters",
    "Datasets",
    "Hosts",
    "Logs",
    "Measurements",
    "Projects",
    "System",
    "Tasks",
    "Users",
]
