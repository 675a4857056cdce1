"""RQ9: how two regions are related, as the shortest paths through what they share.

The explaining graph links each region to its mechanisms, institution kinds, policy fields and regulation
topics, and each mechanism to its broader mechanism; a path between two regions is then a chain such as
北京市 → uses mechanism → X ← uses mechanism ← 吉林省.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from .graphs import FEATURE_KINDS, bipartite_graph, incidence, mechanism_hierarchy
from .sparql import label_of, labels

if TYPE_CHECKING:
    import networkx as nx

BROADER = "broader mechanism"
_CANDIDATES = 10_000
"""At most this many shortest paths are looked at before sorting, so that hubs cannot explode the search."""


def explaining_graph(source: Any) -> nx.Graph[str]:
    """Regions, the features they have, and the mechanism hierarchy, in one undirected graph."""
    data = incidence(source, FEATURE_KINDS)
    graph = bipartite_graph(data)
    hierarchy = mechanism_hierarchy(source)
    names = {**labels(source, {node for pair in hierarchy for node in pair}), **data.labels}
    for narrower, broader in hierarchy:
        for node in (narrower, broader):
            if node not in graph:
                graph.add_node(node, label=label_of(node, names), kind="mechanism", bipartite=1)
        graph.add_edge(narrower, broader, relation=BROADER, narrower=narrower)
    return graph


@dataclass(frozen=True)
class Step:
    """One node of a path, with the relation that leads to the next node (empty on the last)."""

    node: str
    label: str
    kind: str
    relation: str = ""
    forward: bool = True


@dataclass(frozen=True)
class Path:
    """A chain of steps from one region to another."""

    steps: tuple[Step, ...]

    def chain(self) -> str:
        """The path as one readable line: 北京市 ─uses mechanism→ X ←uses mechanism─ 吉林省."""
        parts: list[str] = []
        for step in self.steps:
            parts.append(step.label if step.kind == "region" else f"{step.label} [{step.kind}]")
            if step.relation:
                parts.append(f"─{step.relation}→" if step.forward else f"←{step.relation}─")
        return " ".join(parts)


def _step(graph: nx.Graph[str], node: str, following: str | None) -> Step:
    attributes = graph.nodes[node]
    if following is None:
        return Step(node, attributes["label"], attributes["kind"])
    edge = graph.edges[node, following]
    forward = edge["narrower"] == node if edge["relation"] == BROADER else attributes["kind"] == "region"
    return Step(node, attributes["label"], attributes["kind"], edge["relation"], forward)


def explaining_paths(graph: nx.Graph[str], start: str, end: str, *, limit: int = 10) -> list[Path]:
    """Up to ``limit`` shortest paths from ``start`` to ``end``; [] when unrelated.

    Paths through mechanisms come first, then institution kinds, fields, topics and other regions (the order
    of RQ9), then by their chains.

    A third region in the middle of a path is a real link (it shares something with both ends), so such
    paths are kept.
    """
    import networkx as nx

    if start not in graph or end not in graph or start == end:
        return []
    try:
        found = list(islice(nx.all_shortest_paths(graph, start, end), _CANDIDATES))
    except nx.NetworkXNoPath:
        return []
    paths = [
        Path(
            tuple(
                _step(graph, node, nodes[i + 1] if i + 1 < len(nodes) else None)
                for i, node in enumerate(nodes)
            )
        )
        for nodes in found
    ]
    order = {kind: i for i, kind in enumerate((*FEATURE_KINDS, "region"))}
    paths.sort(
        key=lambda p: ([order.get(s.kind, 9) for s in p.steps[1:-1]], p.chain(), [s.node for s in p.steps])
    )
    return paths[:limit]
