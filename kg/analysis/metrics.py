"""Centralities, communities and similarity rankings over the graphs of ``kg.analysis.graphs``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .graphs import Incidence, invert

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class CentralityRow:
    """The centralities of one node."""

    node: str
    label: str
    kind: str
    degree: int
    betweenness: float
    eigenvector: float | None


@dataclass(frozen=True)
class Centrality:
    """Centralities of every node, and how betweenness was computed (exact, or sampled from k sources)."""

    rows: list[CentralityRow]
    betweenness_method: str


BETWEENNESS_BUDGET = 3_000_000
"""Edge visits exact betweenness may take (one breadth-first search per source node, each visiting every
edge): a few seconds of networkx on a two-core machine. Larger graphs are sampled (:func:`default_sample`)."""


def default_sample(graph: nx.Graph[str]) -> int | None:
    """Source nodes for betweenness when the user gave none: None (exact) when nodes × edges fit
    :data:`BETWEENNESS_BUDGET`, else as many sources as fit it (at least 10).

    Exact betweenness costs one search per node; on the regions graph of the nationwide data (482 regions
    sharing 52,000 ties) that is half a minute, on the entity graph hours.
    """
    nodes, edges = graph.number_of_nodes(), max(graph.number_of_edges(), 1)
    if nodes * edges <= BETWEENNESS_BUDGET:
        return None
    return max(10, min(nodes - 1, BETWEENNESS_BUDGET // edges))


def centrality(
    graph: nx.Graph[str], *, sample: int | None = None, seed: int = 0, weight: str | None = "weight"
) -> Centrality:
    """Degree, betweenness (exact, or estimated from ``sample`` source nodes) and eigenvector centrality.

    Directed and multi-graphs are read as simple undirected graphs. Degree is the number of neighbours;
    betweenness is normalised (Freeman 1977; Brandes 2008 for the sampled estimate); eigenvector centrality
    uses ``weight`` when edges have it (Bonacich 1987) and is None when the power iteration does not converge.
    Rows are sorted by degree, then betweenness, both descending, then by label.
    """
    import networkx as nx

    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() or graph.is_multigraph() else graph
    n = simple.number_of_nodes()
    k = sample if sample is not None and sample < n else None
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed if k else None)
    method = f"sampled: {k} of {n} source nodes, seed {seed}" if k else "exact"
    has_weight = weight is not None and any(weight in d for _, _, d in simple.edges(data=True))
    try:
        eigen: Mapping[str, float] = (
            nx.eigenvector_centrality(simple, max_iter=1000, weight=weight if has_weight else None)
            if n
            else {}
        )
    except nx.PowerIterationFailedConvergence:
        eigen = {}
    rows = [
        CentralityRow(
            node,
            str(simple.nodes[node].get("label", node)),
            str(simple.nodes[node].get("kind", "")),
            simple.degree(node),
            round(betweenness[node], 6),
            round(eigen[node], 6) if node in eigen else None,
        )
        for node in simple.nodes
    ]
    rows.sort(key=lambda r: (-r.degree, -r.betweenness, r.label, r.node))
    return Centrality(rows, method)


@dataclass(frozen=True)
class Community:
    """One Louvain community: its number (1 = largest) and members sorted by label."""

    number: int
    members: list[str]
    labels: list[str]


def communities(
    graph: nx.Graph[str], *, seed: int = 0, resolution: float = 1.0, weight: str | None = "weight"
) -> list[Community]:
    """Louvain communities (Blondel et al. 2008), deterministic for a given seed; largest first."""
    import networkx as nx

    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() or graph.is_multigraph() else graph
    if simple.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(simple, weight=weight, resolution=resolution, seed=seed)

    def label(node: str) -> str:
        return str(simple.nodes[node].get("label", node))

    ordered = sorted(
        (sorted(part, key=lambda node: (label(node), node)) for part in parts),
        key=lambda members: (-len(members), label(members[0]), members[0]),
    )
    return [Community(i, members, [label(m) for m in members]) for i, members in enumerate(ordered, 1)]


@dataclass(frozen=True)
class Similar:
    """A region like the one asked about, and what they share."""

    region: str
    label: str
    shared: int
    jaccard: float
    common: list[str]


def most_similar(data: Incidence, region: str, *, top: int | None = 10) -> list[Similar]:
    """The regions sharing most with ``region``, by Jaccard index then shared count then label.

    ``common`` names the shared features, with their kind when the incidence mixes kinds.
    Only the features of ``region`` are visited (through the inverted index), not every other region.
    """
    own = data.members.get(region, frozenset())
    index = invert(data.members)
    several_kinds = len(set(data.kinds.values())) > 1

    def name(feature: str) -> str:
        return f"{data.label(feature)} [{data.kinds[feature]}]" if several_kinds else data.label(feature)

    common: dict[str, list[str]] = {}
    for feature in own:
        for other in index[feature]:
            if other != region:
                common.setdefault(other, []).append(feature)
    found = [
        Similar(
            other,
            data.label(other),
            len(features),
            round(len(features) / (len(own) + len(data.members[other]) - len(features)), 6),
            sorted(name(f) for f in features),
        )
        for other, features in common.items()
    ]
    found.sort(key=lambda s: (-s.jaccard, -s.shared, s.label, s.region))
    return found[:top] if top is not None else found
