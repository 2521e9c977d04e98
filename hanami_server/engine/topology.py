"""How a template's hexagons become the engine's hidden blocks and who reads which block."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from hanami_client.template.model import ClusterTemplate, Position

NEURONS_PER_HEXAGON = 1024
MAX_HIDDEN_NEURONS = 4096


@dataclass(frozen=True)
class Block:
    """One hidden hexagon: the input hexagons its neurons see and how many neurons it holds."""

    position: Position
    inputs: tuple[str, ...]
    width: int


@dataclass(frozen=True)
class Topology:
    """The hidden blocks in hexagon order and, per output (template order), the blocks it reads."""

    blocks: tuple[Block, ...]
    readers: tuple[tuple[int, ...], ...]


def _touch(a: Position, b: Position) -> bool:
    """Two hexagons touch when their positions differ by at most 1 in every coordinate."""
    return a != b and all(abs(x - y) <= 1 for x, y in zip(a, b, strict=True))


def _edges(template: ClusterTemplate) -> dict[Position, tuple[Position, ...]]:
    """Outgoing links: to the touching hexagons, or only to the axon targets when A -> B exists."""
    redirected: dict[Position, list[Position]] = {}
    for source, target in template.axons:
        redirected.setdefault(source, []).append(target)
    return {
        h: tuple(redirected[h])
        if h in redirected
        else tuple(o for o in template.hexagons if _touch(h, o))
        for h in template.hexagons
    }


def _hops(edges: dict[Position, tuple[Position, ...]], start: Position) -> dict[Position, int]:
    """Breadth-first hop counts from start along the given links."""
    hops = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there in edges[here]:
            if there not in hops:
                hops[there] = hops[here] + 1
                queue.append(there)
    return hops


def build_topology(template: ClusterTemplate) -> Topology:
    """Place hidden blocks on the hexagons that lie on shortest input-to-output paths."""
    edges = _edges(template)
    backward: dict[Position, list[Position]] = {h: [] for h in template.hexagons}
    for source, targets in edges.items():
        for target in targets:
            backward[target].append(source)
    back_edges = {h: tuple(sources) for h, sources in backward.items()}
    interfaces = {i.position for i in (*template.inputs, *template.outputs)}
    from_input = {i.name: _hops(edges, i.position) for i in template.inputs}
    seen_by: dict[Position, set[str]] = {}
    read_by: list[set[Position]] = []
    for output in template.outputs:
        to_output = _hops(back_edges, output.position)
        read: set[Position] = set()
        connected: set[str] = set()
        for name, hops in from_input.items():
            total = hops.get(output.position)
            if total is None:
                continue
            connected.add(name)
            for h in template.hexagons:
                between = h in hops and h in to_output and hops[h] + to_output[h] == total
                if between and h not in interfaces:
                    seen_by.setdefault(h, set()).add(name)
                    read.add(h)
        if connected and not read:
            seen_by.setdefault(output.position, set()).update(connected)
            read.add(output.position)
        read_by.append(read)
    positions = [h for h in template.hexagons if h in seen_by]
    distance = template.settings.max_connection_distance
    width = min(NEURONS_PER_HEXAGON * distance, MAX_HIDDEN_NEURONS // max(1, len(positions)))
    order = [i.name for i in template.inputs]
    blocks = tuple(Block(h, tuple(n for n in order if n in seen_by[h]), width) for h in positions)
    readers = tuple(tuple(b for b, h in enumerate(positions) if h in read) for read in read_by)
    return Topology(blocks, readers)
