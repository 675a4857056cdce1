"""RQ9: how two regions are related, as the paths through what they share.

The explaining graph links each region to its mechanisms, institution kinds, policy fields and regulation
topics, to the inspections that inspected it and the notices that reported its case, and each mechanism to
its broader mechanism; a path between two regions is then a chain such as
北京市 → uses mechanism → X ← uses mechanism ← 吉林省.

``via`` chooses the kinds of node a path may pass through (:data:`VIA_KINDS`; ``region`` lets a path pass
through a third region); ``max_length`` asks for every simple path up to that many edges instead of the
shortest ones only.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from .graphs import FEATURE_KINDS, bipartite_graph, incidence, mechanism_hierarchy
from .sparql import label_of, labels, select

if TYPE_CHECKING:
    import networkx as nx

BROADER = "broader mechanism"
_CANDIDATES = 10_000
"""At most this many paths are looked at before sorting, so that hubs cannot explode the search."""

_EVENT_QUERIES = {
    "inspection": """SELECT DISTINCT ?region ?feature WHERE {
        ?feature a fz:Inspection ; fz:inspected ?region }""",
    "notice": """SELECT DISTINCT ?region ?feature WHERE {
        ?feature a fz:Notice ; fz:reports ?case . ?case fz:region ?region }""",
}
_EVENT_RELATION = {"inspection": "inspected in", "notice": "case reported in"}

VIA_KINDS: tuple[str, ...] = (*FEATURE_KINDS, "inspection", "notice", "region")
"""The kinds of node a path between two regions may pass through (all by default)."""


def explaining_graph(source: Any, *, via: tuple[str, ...] = VIA_KINDS) -> nx.Graph[str]:
    """Regions, what they have and share (features, inspections, notices) and the mechanism hierarchy, in
    one undirected graph; only the node kinds in ``via`` (and the regions) are put in.

    :raises UnknownGraphError: a kind not in :data:`VIA_KINDS`.
    """
    from .graphs import UnknownGraphError

    unknown = [kind for kind in via if kind not in VIA_KINDS]
    if unknown or not via:
        raise UnknownGraphError(
            f"unknown kind of node {', '.join(unknown) or '(none)'}; choose from {', '.join(VIA_KINDS)}"
        )
    features = tuple(kind for kind in FEATURE_KINDS if kind in via)
    data = incidence(source, features or FEATURE_KINDS)
    graph = bipartite_graph(data)
    if not features:
        graph.remove_nodes_from([node for node in list(graph) if graph.nodes[node]["kind"] != "region"])
    events = [kind for kind in _EVENT_QUERIES if kind in via]
    links = [(kind, row) for kind in events for row in select(source, _EVENT_QUERIES[kind])]
    names = labels(source, {str(row[key]) for _, row in links for key in ("region", "feature")})
    for kind, row in links:
        region, event = str(row["region"]), str(row["feature"])
        if region not in graph:
            graph.add_node(region, label=label_of(region, names), kind="region", bipartite=0)
        graph.add_node(event, label=label_of(event, names), kind=kind, bipartite=1)
        graph.add_edge(region, event, relation=_EVENT_RELATION[kind])
    if "mechanism" in via:
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


def explaining_paths(
    graph: nx.Graph[str],
    start: str,
    end: str,
    *,
    limit: int = 10,
    max_length: int | None = None,
    through_regions: bool = True,
) -> list[Path]:
    """Up to ``limit`` paths from ``start`` to ``end``: the shortest ones, or with ``max_length`` every simple
    path of at most that many edges, shorter first; [] when unrelated.

    Paths through mechanisms come first, then institution kinds, fields, topics, inspections, notices and
    other regions (the order of RQ9), then by their chains.

    A third region in the middle of a path is a real link (it shares something with both ends), so such
    paths are kept unless ``through_regions`` is False.
    """
    import networkx as nx

    if start not in graph or end not in graph or start == end:
        return []
    if not through_regions:
        others = [n for n in graph if graph.nodes[n]["kind"] == "region" and n not in (start, end)]
        graph = nx.restricted_view(graph, others, [])
    try:
        if max_length is None:
            found = list(islice(nx.all_shortest_paths(graph, start, end), _CANDIDATES))
        else:
            found = list(islice(nx.all_simple_paths(graph, start, end, cutoff=max_length), _CANDIDATES))
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
    order = {kind: i for i, kind in enumerate(VIA_KINDS)}
    paths.sort(
        key=lambda p: (
            len(p.steps),
            [order.get(s.kind, 9) for s in p.steps[1:-1]],
            p.chain(),
            [s.node for s in p.steps],
        )
    )
    return paths[:limit]
