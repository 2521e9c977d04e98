"""What every request handler may reach: configuration, database, token key, policy, uploads,
the clusters' task runtimes, the host's uuid and the measurement sampler."""

from __future__ import annotations

from dataclasses import dataclass

from hanami_server.config import Config
from hanami_server.db import Database
from hanami_server.measure.sampler import Sampler
from hanami_server.policy import Policy
from hanami_server.routing import Routes
from hanami_server.tasks.registry import Runtimes
from hanami_server.tempfiles import Attachments


@dataclass(frozen=True)
class ServerState:
    """The long-lived pieces of one server process."""

    config: Config
    db: Database
    token_key: bytes
    policy: Policy
    routes: Routes
    uploads: Attachments
    runtimes: Runtimes
    host_uuid: str
    sampler: Sampler
