"""Hexagon sizes a cluster will have once its queue has run, so new tasks are checked against them.

Sizes are ``{"inputs": {hexagon: values}, "outputs": {hexagon: values}}``; 0 means not sized
yet. A train or request task's spec claims the widths of the hexagons it names (they take them
when unsized, as the engine does); a restore task's spec brings the checkpoint's sizes instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hanami_client.template.model import ClusterTemplate
from hanami_server.engine import Network
from hanami_server.tasks.model import Task

Sizes = dict[str, dict[str, int]]


def unsized(template: ClusterTemplate | None) -> Sizes:
    """Every input and output of a template without a size."""
    if template is None:
        return {"inputs": {}, "outputs": {}}
    return {
        "inputs": {i.name: 0 for i in template.inputs},
        "outputs": {o.name: 0 for o in template.outputs},
    }


def of_network(network: Network) -> Sizes:
    """The sizes a network has now."""
    return {"inputs": dict(network.input_sizes), "outputs": dict(network.output_sizes)}


def merged(base: Sizes, stored: dict[str, Any]) -> Sizes:
    """`base` with the sizes a database row or checkpoint stored (unknown hexagons ignored)."""
    return {
        kind: {name: int(stored.get(kind, {}).get(name, size)) for name, size in names.items()}
        for kind, names in base.items()
    }


def planned(committed: Sizes, tasks: Iterable[Task]) -> Sizes:
    """The sizes after the given tasks (the active one, then the queue) have run."""
    sizes = {kind: dict(names) for kind, names in committed.items()}
    for task in tasks:
        claims = task.spec.get("sizes", {})
        if task.kind == "restore":
            sizes = merged(sizes, claims)
            continue
        for kind, names in claims.items():
            for name, size in names.items():
                if not sizes[kind].get(name):
                    sizes[kind][name] = size
    return sizes
