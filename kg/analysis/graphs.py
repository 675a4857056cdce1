"""NetworkX graphs built from SPARQL results: the entity graph, region–feature graphs and their projections.

Node ids are IRIs as strings, so that every export format can hold them; every node carries ``label`` and
``kind``. Projections are computed from an inverted index (feature → regions): the work is proportional to
the number of region pairs that share something, never to all pairs of regions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..terms import PREFIXES
from .entityfile import EntityData, read_entity_file
from .sparql import _SAFE_IRI, label_of, labels, local_name, select, select_iris, select_plain

if TYPE_CHECKING:
    import networkx as nx

FEATURE_KINDS: tuple[str, ...] = ("mechanism", "institution-kind", "field", "topic")
"""What regions can share, in the order RQ9 names them."""

RELATION = {
    "mechanism": "uses mechanism",
    "institution-kind": "involves institution kind",
    "field": "serves policy field",
    "topic": "has regulation on topic",
}
"""How a region relates to a feature of each kind, as printed in path chains."""

_MEASURES = "?case fz:region ?region ; fz:hasMeasure/fz:hasSubMeasure* ?measure ."
_FEATURE_QUERIES = {
    "mechanism": f"""SELECT DISTINCT ?region ?feature WHERE {{
        {_MEASURES} ?measure fz:instantiates ?feature }}""",
    "institution-kind": f"""SELECT DISTINCT ?region ?feature WHERE {{
        {_MEASURES} ?measure fz:involves|fz:creates ?body . ?body fz:institutionKind ?feature }}""",
    "field": "SELECT DISTINCT ?region ?feature WHERE { ?case fz:region ?region ; fz:policyField ?feature }",
    "topic": """SELECT DISTINCT ?region ?feature WHERE {
        ?document fz:topic ?feature ; fz:jurisdiction ?region }""",
}
_CASE_MECHANISMS = f"""SELECT DISTINCT ?case ?feature WHERE {{
    {_MEASURES} ?measure fz:instantiates ?feature }}"""
_BROADER = "SELECT DISTINCT ?narrower ?broader WHERE { ?narrower a fz:Mechanism ; skos:broader ?broader }"


class UnknownGraphError(InputError):
    """A graph or feature kind the analyses do not know."""


@dataclass(frozen=True)
class Incidence:
    """Which features each region has (a bipartite graph as plain data).

    ``kinds`` maps every feature to its kind; ``labels`` holds the labels of regions and features.
    """

    members: Mapping[str, frozenset[str]]
    kinds: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)

    def features(self) -> list[str]:
        """Every feature that some region has, sorted."""
        return sorted({f for fs in self.members.values() for f in fs})

    def label(self, node: str) -> str:
        return label_of(node, self.labels)


@dataclass(frozen=True, order=True)
class Tie:
    """Two nodes of one side of a bipartite graph and what they share (``a`` < ``b``)."""

    a: str
    b: str
    shared: int
    jaccard: float


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The feature kinds asked for, or a clear error naming the known ones."""
    chosen = tuple(kinds)
    unknown = [k for k in chosen if k not in FEATURE_KINDS]
    if unknown or not chosen:
        raise UnknownGraphError(
            f"unknown feature kind {', '.join(unknown) or '(none)'}; choose from {', '.join(FEATURE_KINDS)}"
        )
    return chosen


def incidence(
    source: Any, kinds: Iterable[str] = ("mechanism",), *, names: Mapping[str, str] | None = None
) -> Incidence:
    """The regions and the features of the given kinds they have, read with one query per kind."""
    members: dict[str, set[str]] = defaultdict(set)
    feature_kinds: dict[str, str] = {}
    for kind in check_kinds(kinds):
        for row in select(source, _FEATURE_QUERIES[kind]):
            members[str(row["region"])].add(str(row["feature"]))
            feature_kinds[str(row["feature"])] = kind
    return Incidence(
        {region: frozenset(fs) for region, fs in sorted(members.items())},
        dict(sorted(feature_kinds.items())),
        names if names is not None else labels(source, [*members, *feature_kinds]),
    )


def invert(members: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """feature → sorted list of the regions that have it."""
    index: dict[str, list[str]] = defaultdict(list)
    for region in sorted(members):
        for feature in members[region]:
            index[feature].append(region)
    return dict(sorted(index.items()))


def project(members: Mapping[str, Iterable[str]]) -> list[Tie]:
    """Every pair of regions sharing at least one feature, with the count and the Jaccard index.

    Jaccard(A, B) = |F(A) ∩ F(B)| / |F(A) ∪ F(B)| (Jaccard 1901). Pairs are counted feature by feature from
    the inverted index, so pairs that share nothing cost nothing.
    """
    sizes = {region: len(set(fs)) for region, fs in members.items()}
    shared: Counter[tuple[str, str]] = Counter()
    for regions_with in invert({r: set(fs) for r, fs in members.items()}).values():
        shared.update(combinations(regions_with, 2))
    return sorted(Tie(a, b, n, n / (sizes[a] + sizes[b] - n)) for (a, b), n in shared.items())


def transpose(members: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Swap the sides of an incidence: feature → the regions (or cases) that have it."""
    return {feature: frozenset(holders) for feature, holders in invert(members).items()}


def bipartite_graph(data: Incidence) -> nx.Graph[str]:
    """Regions (``bipartite=0``) linked to their features (``bipartite=1``)."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    for region in sorted(data.members):
        graph.add_node(region, label=data.label(region), kind="region", bipartite=0)
    for feature, kind in sorted(data.kinds.items()):
        graph.add_node(feature, label=data.label(feature), kind=kind, bipartite=1)
    for region, features in sorted(data.members.items()):
        for feature in sorted(features):
            graph.add_edge(region, feature, relation=RELATION[data.kinds[feature]])
    return graph


def projection_graph(ties: Iterable[Tie], nodes: Mapping[str, str], *, kind: str = "region") -> nx.Graph[str]:
    """A weighted one-mode graph: ``weight`` = shared features, ``jaccard`` = Jaccard index."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    for node, label in sorted(nodes.items()):
        graph.add_node(node, label=label, kind=kind)
    for tie in ties:
        graph.add_edge(tie.a, tie.b, weight=tie.shared, jaccard=round(tie.jaccard, 6))
    return graph


def region_graph(data: Incidence) -> nx.Graph[str]:
    """Regions linked by the features they share."""
    return projection_graph(project(data.members), {r: data.label(r) for r in data.members})


def mechanism_cooccurrence(source: Any, *, names: Mapping[str, str] | None = None) -> nx.Graph[str]:
    """Mechanisms linked when one case instantiates both; ``weight`` = number of such cases."""
    by_case: dict[str, set[str]] = defaultdict(set)
    for row in select(source, _CASE_MECHANISMS):
        by_case[str(row["case"])].add(str(row["feature"]))
    mechanisms = {m for ms in by_case.values() for m in ms}
    names = names if names is not None else labels(source, mechanisms)
    return projection_graph(
        project(transpose(by_case)), {m: label_of(m, names) for m in mechanisms}, kind="mechanism"
    )


def mechanism_hierarchy(source: Any) -> list[tuple[str, str]]:
    """(narrower, broader) pairs of the mechanism vocabulary, sorted."""
    return sorted((str(r["narrower"]), str(r["broader"])) for r in select(source, _BROADER))


ENTITY_EXCLUDED = (
    "fz:level",
    "rdf:type",
    "skos:inScheme",
    "skos:topConceptOf",
    "skos:hasTopConcept",
    "schema:sameAs",
    "rdfs:seeAlso",
    "rdfs:isDefinedBy",
)
"""Predicates left out of the entity graph: classifications with a handful of values (types, schemes,
jurisdiction levels) and links outside the dataset. Kept in, every class, scheme and level would become a hub
that all shortest paths cross."""
_ENTITY_EDGES = f"""
SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && ?p NOT IN ({", ".join(ENTITY_EXCLUDED)})) }}"""
_ENTITY_TYPES = "SELECT ?s ?type WHERE { ?s a ?type }"
_VOCABULARIES = (PREFIXES["fz"], PREFIXES["owl"], PREFIXES["rdfs"], PREFIXES["rdf"])
"""Objects in these namespaces (classes, properties, OWL and RDF terms) are no entities; subjects in the
ontology's namespace neither. Tested in Python on the rows: string functions in the query's FILTER made
Oxigraph decode every term of the dataset, a third of the time of ``--graph entity`` at 830k triples."""


def compact_to_iri(name: str) -> str:
    """``fz:region`` → ``https://w3id.org/fazhi/ontology#region`` (the project's prefixes)."""
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix] + local


@lru_cache(maxsize=4096)
def compact(iri: str) -> str:
    """``https://w3id.org/fazhi/ontology#region`` → ``fz:region`` (remembered: the entity graph's 300,000
    links have a few dozen predicates)."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def entity_links(source: Any) -> list[tuple[str, str, str]]:
    """Every link (subject, predicate, object) of the entity graph, sorted, as plain text."""
    ontology = PREFIXES["fz"]
    return sorted(
        (s, p, o)
        for s, p, o in select_iris(source, _ENTITY_EDGES)
        if not s.startswith(ontology) and not o.startswith(_VOCABULARIES)
    )


def entity_kinds(source: Any, nodes: Iterable[str] | None = None) -> dict[str, str]:
    """The local name of each node's ``fz:`` class (the first in sorted order when it has several); with
    ``nodes``, of those nodes only."""
    query = _ENTITY_TYPES
    if nodes is not None:
        wanted = " ".join(f"<{node}>" for node in sorted(set(nodes)) if _SAFE_IRI.match(node))
        query = f"SELECT ?s ?type WHERE {{ VALUES ?s {{ {wanted} }} ?s a ?type }}"
    ontology = PREFIXES["fz"]
    kinds: dict[str, str] = {}
    for row in select_plain(source, query):
        node, kind = row["s"] or "", row["type"] or ""
        if kind.startswith(ontology):
            kinds[node] = min(local_name(kind), kinds.get(node, local_name(kind)))
    return kinds


def entity_described(source: Any) -> EntityData:
    """The entity graph as plain data with every node's (label, kind), read through SPARQL."""
    data = EntityData.from_links(entity_links(source))
    names = labels(source, data.nodes if len(data.nodes) < _DESCRIBE_ALL else None)
    kinds = entity_kinds(source, data.nodes if len(data.nodes) < _DESCRIBE_ALL else None)
    described = [(label_of(node, names), kinds.get(node, "")) for node in data.nodes]
    return EntityData(data.nodes, data.links, described)


def entity_data(source: Any, store_folder: Path | None = None) -> EntityData:
    """The entity graph as plain data: the copy kept in ``store_folder`` (the folder of the store
    ``source`` is) when it is current (:mod:`kg.analysis.entityfile`), else read through SPARQL (labels and
    kinds left to :func:`describe`)."""
    if store_folder is not None:
        kept = read_entity_file(store_folder)
        if kept is not None:
            return kept
    return EntityData.from_links(entity_links(source))


def entity_described_data(
    source: Any, store_folder: Path | None = None, *, names: Mapping[str, str] | None = None
) -> EntityData:
    """The entity graph as plain data with every node's (label, kind): the copy kept in ``store_folder`` when
    it is current, else read through SPARQL; with ``names``, the labels are those names."""
    data = entity_data(source, store_folder)
    nodes = data.nodes
    if data.described is not None and names is None:
        return data
    if names is None:
        described = describe(source, nodes)
    else:
        kinds = entity_kinds(source, nodes if len(nodes) < _DESCRIBE_ALL else None)
        described = {node: (label_of(node, names), kinds.get(node, "")) for node in nodes}
    return EntityData(nodes, data.links, [described[node] for node in nodes])


def entity_graph(
    source: Any, *, names: Mapping[str, str] | None = None, store_folder: Path | None = None
) -> nx.MultiDiGraph[str]:
    """Every link between two entities of the dataset, keyed by predicate, with labels and kinds on nodes.

    ``kind`` is the local name of the node's ``fz:`` class (the first in sorted order when it has several).
    """
    return entity_graph_of(entity_described_data(source, store_folder, names=names))


def entity_graph_of(data: EntityData) -> nx.MultiDiGraph[str]:
    """:func:`entity_graph` built from its plain data (``described`` set)."""
    import networkx as nx

    nodes, described = data.nodes, data.described or []
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(
        (node, {"label": label, "kind": kind}) for node, (label, kind) in zip(nodes, described, strict=True)
    )
    keyed: Iterable[Any] = ((nodes[s], nodes[o], p, {"predicate": compact(p)}) for s, p, o in data.links)
    graph.add_edges_from(keyed)  # (u, v, key, attributes): a MultiDiGraph takes keys, its stubs do not say so
    return graph


def entity_skeleton(data: EntityData) -> nx.Graph[int]:
    """The entity graph as the simple undirected graph the metrics read: node ``i`` is ``data.nodes[i]``,
    without labels or kinds (:class:`EntityNames` reads those for the nodes a result shows).

    Relabelled with the IRIs it equals ``nx.Graph(entity_graph(source).to_undirected())`` node for node and
    neighbour for neighbour, in the same order (Louvain and sampled betweenness depend on it). Integer nodes
    make networkx's searches about a quarter faster than IRIs, label propagation twice as fast.
    """
    import networkx as nx

    count = len(data.nodes)
    successors: list[dict[int, None]] = [{} for _ in range(count)]
    for s, _, o in data.links:
        successors[s][o] = None
    undirected: list[dict[int, None]] = [{} for _ in range(count)]
    for s, following in enumerate(successors):
        for o in following:
            undirected[s][o] = None
            undirected[o][s] = None
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from(
        (node, other) for node, neighbours in enumerate(undirected) for other in neighbours if other >= node
    )
    return graph


_DESCRIBE_ALL = 20_000
"""From this many nodes on, :func:`describe` reads every label and kind of the dataset in one query each
instead of a query per 2,000 nodes."""


def describe(source: Any, nodes: Iterable[str], with_kinds: bool = True) -> dict[str, tuple[str, str]]:
    """(label, kind) of the given entity nodes, as :func:`entity_graph` puts them on its nodes (kind "" unless
    ``with_kinds``)."""
    wanted = sorted(set(nodes))
    few = len(wanted) < _DESCRIBE_ALL
    names = labels(source, wanted if few else None)
    kinds = entity_kinds(source, wanted if few else None) if with_kinds else {}
    return {node: (label_of(node, names), kinds.get(node, "")) for node in wanted}


@dataclass(frozen=True)
class EntityNames:
    """What the nodes of :func:`entity_skeleton` are: (IRI, label, kind) of the given indices, from the kept
    copy when it holds them, else read through SPARQL for those nodes only."""

    source: Any
    data: EntityData

    def __call__(self, nodes: list[int], with_kinds: bool) -> dict[int, tuple[str, str, str]]:
        iris = self.data.nodes
        if self.data.described is not None:
            kept = self.data.described
            return {n: (iris[n], kept[n][0], kept[n][1] if with_kinds else "") for n in nodes}
        read = describe(self.source, [iris[n] for n in nodes], with_kinds)
        return {n: (iris[n], *read[iris[n]]) for n in nodes}


GRAPHS: dict[str, str] = {
    "entity": "every link between entities (MultiDiGraph keyed by predicate)",
    "region-mechanism": "bipartite: regions and the mechanisms their cases instantiate",
    "region-institution-kind": "bipartite: regions and the kinds of institution their cases involve",
    "region-field": "bipartite: regions and the policy fields of their cases",
    "region-topic": "bipartite: jurisdictions and the regulation topics they legislated on",
    "regions": "regions linked by shared mechanisms, institution kinds, fields and topics (weight, jaccard)",
    "mechanism-cooccurrence": "mechanisms linked when one case instantiates both (weight)",
    "leaders": "leader → follower graph over regulation topics (weight = topics led)",
}
"""The graphs ``named_graph`` builds, with what each is."""


def named_graph(
    source: Any, name: str, *, min_topics: int = 1, store_folder: Path | None = None
) -> nx.Graph[str]:
    """One of the graphs of ``GRAPHS``, built from the dataset (the entity graph from the copy kept in
    ``store_folder`` when it is current)."""
    if name not in GRAPHS:
        raise UnknownGraphError(f"unknown graph {name!r}; choose from {', '.join(GRAPHS)}")
    if name == "entity":
        return entity_graph(source, store_folder=store_folder)
    if name == "mechanism-cooccurrence":
        return mechanism_cooccurrence(source)
    if name == "leaders":
        from .diffusion import hierarchy_from_store, leader_graph, leader_ties, read_adoptions

        table = read_adoptions(source)
        hierarchy = hierarchy_from_store(source)
        return leader_graph(leader_ties(table, hierarchy, min_topics=min_topics), table)
    if name == "regions":
        return region_graph(incidence(source, FEATURE_KINDS))
    return bipartite_graph(incidence(source, (name.removeprefix("region-"),)))


def metric_graph(
    source: Any,
    name: str,
    *,
    kinds: Iterable[str] = FEATURE_KINDS,
    min_topics: int = 1,
    store_folder: Path | None = None,
) -> tuple[nx.Graph[Any], EntityNames | None]:
    """The graph centrality and communities read, and what its nodes are when they carry neither IRI nor
    label (None: they do).

    The entity graph comes as :func:`entity_skeleton` (integer nodes) with :class:`EntityNames`, read from
    the copy kept in ``store_folder`` when there is a current one (the metrics read it as that simple graph
    anyway); ``regions`` links regions by what ``kinds`` they share; the others are :func:`named_graph`.
    """
    if name == "entity":
        data = entity_data(source, store_folder)
        return entity_skeleton(data), EntityNames(source, data)
    if name == "regions":
        return region_graph(incidence(source, kinds)), None
    return named_graph(source, name, min_topics=min_topics), None
