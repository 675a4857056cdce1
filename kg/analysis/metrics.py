"""Centralities, communities and similarity rankings over the graphs of ``kg.analysis.graphs``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    """Centralities of every node (or of the ``top`` first), and how betweenness and eigenvector centrality
    were computed (exact or sampled; converged, or why not)."""

    rows: list[CentralityRow]
    betweenness_method: str
    eigenvector_method: str = "power iteration"


BETWEENNESS_BUDGET = 3_000_000
"""Visits exact betweenness may take (one breadth-first search per source node, each visiting every edge):
a few seconds of networkx on a two-core machine. Larger graphs are sampled (:func:`default_sample`)."""

EIGENVECTOR_BUDGET = 5_000_000
"""Node and edge visits the power iteration of eigenvector centrality may take (each iteration visits every
node and edge): a few seconds. networkx allows 1,000 iterations; here as many as fit the budget, and none when
fewer than 20 fit. The entity graph of the nationwide data (420,000 nodes plus edges) would need about 1,000
iterations, five minutes; the regions graph (52,000) converges in far fewer than the 95 that fit. The output
says which."""

EIGENVECTOR_ITERATIONS = (20, 1000)
"""The fewest power iterations worth starting (below, it is left out) and the most networkx is given."""


SEARCH_WORK = 13_000_000
"""The work all the sampled searches may take together, counted in edge visits with a node as
:data:`NODE_WORK` of them: about 5 s of CPU on this project's two-core machine, what a command over the entity
graph of the nationwide data has left of 10 s after reading and building it (about 3 s with start-up)."""

NODE_WORK = 25
"""What one node costs a search of Brandes' algorithm, in edge visits: the distance, path count, predecessor
list and dependency it keeps per node. Measured with networkx 3.6: a search takes 1.07 s of CPU on the entity
graph (109,356 nodes, 314,322 edges) and 0.022 s on the regions graph (482 nodes, 52,186 edges), that is
about 0.35 µs an edge visit and 25 times that a node."""


def sample_size(
    nodes: int, edges: int, *, budget: int = BETWEENNESS_BUDGET, work: int = SEARCH_WORK
) -> int | None:
    """Source nodes for betweenness on a graph of this size: None (exact) when nodes × edges fit ``budget``,
    else as many searches as fit both ``budget`` (edge visits) and ``work`` (nodes weighted by
    :data:`NODE_WORK`), at least one.

    The first limit alone gave the entity graph nine searches, nine seconds; the second keeps it to five,
    while graphs with few nodes (the regions graph: 57 searches, about a second) keep what the first gives.
    """
    edges = max(edges, 1)
    if nodes * edges <= budget:
        return None
    fitting = min(budget // edges, work // (NODE_WORK * nodes + edges))
    return max(1, min(nodes - 1, fitting))


def default_sample(
    graph: nx.Graph[Any], *, budget: int = BETWEENNESS_BUDGET, work: int = SEARCH_WORK
) -> int | None:
    """Source nodes for betweenness when the user gave none (:func:`sample_size` of the graph's size).

    Exact betweenness costs one search per node; on the regions graph of the nationwide data (482 regions
    sharing 52,000 ties) that is half a minute, on the entity graph (110,000 nodes) hours, and there one
    search alone takes about a second.
    """
    return sample_size(graph.number_of_nodes(), graph.number_of_edges(), budget=budget, work=work)


Describe = Callable[[list[Any], bool], Mapping[Any, tuple[str, str, str]]]
"""(IRI, label, kind) of the given nodes (kind "" unless the flag asks for it), for graphs whose nodes carry
none of them (``graphs.EntityNames``: integer nodes)."""


def centrality(
    graph: nx.Graph[str],
    *,
    sample: int | None = None,
    seed: int = 0,
    weight: str | None = "weight",
    top: int | None = None,
    describe: Describe | None = None,
    eigenvector_budget: int = EIGENVECTOR_BUDGET,
) -> Centrality:
    """Degree, betweenness (exact, or estimated from ``sample`` source nodes) and eigenvector centrality.

    Directed and multi-graphs are read as simple undirected graphs. Degree is the number of neighbours;
    betweenness is normalised (Freeman 1977; Brandes 2008 for the sampled estimate); eigenvector centrality
    uses ``weight`` when edges have it (Bonacich 1987) and is None when the power iteration does not converge,
    or when its iterations would exceed ``eigenvector_budget`` node and edge visits (the method says which).
    Rows are sorted by degree, then betweenness, both descending, then by label; with ``top`` only the first
    ``top``. Labels and kinds are the nodes' attributes, or with ``describe`` read for the nodes that can be
    among the first ``top`` (those tied with the last by degree and betweenness included).
    """
    import networkx as nx

    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() or graph.is_multigraph() else graph
    n = simple.number_of_nodes()
    k = sample if sample is not None and sample < n else None
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed if k else None)
    method = f"sampled: {k} of {n} source nodes, seed {seed}" if k else "exact"
    eigen, eigen_method = _eigenvector(simple, weight, eigenvector_budget)
    ranked = sorted(
        ((node, simple.degree(node), round(betweenness[node], 6)) for node in simple.nodes),
        key=lambda item: (-item[1], -item[2]),
    )
    if top is not None and top < len(ranked):
        last = ranked[top - 1][1:]
        ranked = [item for item in ranked if (-item[1], -item[2]) <= (-last[0], -last[1])]
    if describe is not None:
        described = describe([node for node, _, _ in ranked], True)
    else:
        described = {
            node: (
                str(node),
                str(simple.nodes[node].get("label", node)),
                str(simple.nodes[node].get("kind", "")),
            )
            for node, _, _ in ranked
        }
    rows = [
        CentralityRow(
            described[node][0],
            described[node][1],
            described[node][2],
            degree,
            between,
            round(eigen[node], 6) if node in eigen else None,
        )
        for node, degree, between in ranked
    ]
    rows.sort(key=lambda r: (-r.degree, -r.betweenness, r.label, r.node))
    return Centrality(rows[:top] if top is not None else rows, method, eigen_method)


def _eigenvector(graph: nx.Graph[str], weight: str | None, budget: int) -> tuple[Mapping[str, float], str]:
    """Eigenvector centrality by networkx's power iteration within ``budget``, and how it went."""
    import networkx as nx

    n = graph.number_of_nodes()
    if not n:
        return {}, "power iteration"
    fewest, most = EIGENVECTOR_ITERATIONS
    visits = n + graph.number_of_edges()
    iterations = min(most, budget // visits)
    if iterations < fewest:
        return {}, (
            f"not computed: {fewest} power iterations over {visits:,} nodes and edges exceed the budget of "
            f"{budget:,} visits"
        )
    has_weight = weight is not None and any(weight in d for _, _, d in graph.edges(data=True))
    try:
        found = nx.eigenvector_centrality(graph, max_iter=iterations, weight=weight if has_weight else None)
    except nx.PowerIterationFailedConvergence:
        return {}, f"power iteration: no convergence in {iterations} iterations"
    return found, "power iteration"


@dataclass(frozen=True)
class Community:
    """One Louvain community: its number (1 = largest) and members sorted by label."""

    number: int
    members: list[str]
    labels: list[str]


COMMUNITY_METHODS = ("louvain", "label-propagation")
LOUVAIN_LIMIT = 200_000
"""Nodes plus edges up to which communities are found by Louvain by default. Its first level moves every node
until no move gains, many passes over the graph: on the entity graph of the nationwide data (420,000 nodes and
edges) 25 s and more. Above, networkx's fast label propagation (Traag & Šubelj 2023), one pass or a few."""


def default_community_method(graph: nx.Graph[str], *, limit: int = LOUVAIN_LIMIT) -> str:
    """``louvain`` when the graph's nodes plus edges fit ``limit``, else ``label-propagation``."""
    return "louvain" if graph.number_of_nodes() + graph.number_of_edges() <= limit else "label-propagation"


def communities(
    graph: nx.Graph[str],
    *,
    seed: int = 0,
    resolution: float = 1.0,
    weight: str | None = "weight",
    method: str = "louvain",
    describe: Describe | None = None,
) -> list[Community]:
    """Communities by Louvain (Blondel et al. 2008; ``resolution`` applies) or by fast label propagation
    (Traag & Šubelj 2023), each deterministic for a given seed; largest first. Members are sorted by label:
    the nodes' ``label`` attributes, or what ``describe`` reads."""
    import networkx as nx

    if method not in COMMUNITY_METHODS:
        raise ValueError(f"unknown community method {method!r}")
    simple = nx.Graph(graph.to_undirected()) if graph.is_directed() or graph.is_multigraph() else graph
    if simple.number_of_nodes() == 0:
        return []
    if method == "louvain":
        parts = nx.community.louvain_communities(simple, weight=weight, resolution=resolution, seed=seed)
    else:
        # Without weights, networkx counts the neighbours' labels directly (a Counter), twice as fast as
        # summing a default weight of 1 edge by edge: the same counts, in the same order, the same result.
        weighted = weight is not None and any(weight in d for _, _, d in simple.edges(data=True))
        parts = list(
            nx.community.fast_label_propagation_communities(
                simple, weight=weight if weighted else None, seed=seed
            )
        )
    if describe is not None:
        names = {node: (iri, label) for node, (iri, label, _) in describe(list(simple.nodes), False).items()}
    else:
        names = {node: (str(node), str(simple.nodes[node].get("label", node))) for node in simple.nodes}

    def key(node: Any) -> tuple[str, str]:
        return names[node][1], names[node][0]

    ordered = sorted(
        (sorted(part, key=key) for part in parts),
        key=lambda members: (-len(members), *key(members[0])),
    )
    return [
        Community(i, [names[m][0] for m in members], [names[m][1] for m in members])
        for i, members in enumerate(ordered, 1)
    ]


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
