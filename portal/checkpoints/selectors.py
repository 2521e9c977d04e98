"""Read-only questions about checkpoints: the choices of a restore form."""

from __future__ import annotations

from hanami_client import HanamiClient

__all__ = ["checkpoint_choices"]


def checkpoint_choices(*, client: HanamiClient) -> list[tuple[str, str]]:
    """The visible checkpoints as choices of a select: uuid, then name, time and short uuid."""
    return [
        (row["uuid"], f"“{row['name']}” ({row['created_at']}, {row['uuid'][:8]})")
        for row in client.checkpoints.list()
    ]
