"""Statistics of a dataset: counts by SPARQL, graph metrics by networkx on what SPARQL returns.

Nothing here walks triples in Python: every number is a SPARQL query, so a faster store or a SPARQL server can
replace the in-memory store without touching this module. The queries are constants of this module, run on a
pyoxigraph ``Store`` directly (they are trusted text, so the guard's parsing cost is skipped) or, on an rdflib
``Graph``, through :func:`kg.query.run`.

**Link graph.** A directed graph whose nodes are IRIs and whose edges are the distinct (subject, object)
pairs of triples where both are IRIs and the predicate is not ``rdf:type``. Literals, blank nodes and class
membership are left out, and so is an IRI that appears only with literals. ``density`` is networkx's directed
density, edges / (nodes × (nodes − 1)); components are weakly connected components. It is not the ``entity``
graph of ``kg analyze`` (which also leaves out classifications such as schemes and levels, and keys edges by
predicate), so its counts differ; schema 2 renamed it from "entity graph" to say so.

The link graph is the one statistic that needs every link of the dataset in Python (networkx): at 830k triples
that is 320k edges and about 15 s, where every other number is an aggregate the store answers in about a
second. So ``kg stats`` computes it only when asked (``--link-graph``); schema 3 writes ``null`` otherwise.
On a persistent store it reads the link graph kept beside the store (``entity-graph.json``, written by ``kg
build`` and ``kg load``: :func:`kg.analysis.entityfile.read_link_graph`) instead of selecting every link,
when that file is current; otherwise (files, an endpoint, a store made by another version) it runs
:data:`EDGES`.

The JSON form (:meth:`Stats.to_json`) is stable; its schema is ``fazhi-kg/stats/3``, documented in
``docs/queries.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .terms import DEFAULT_BASE, PREFIXES

SCHEMA = "fazhi-kg/stats/3"

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted({**PREFIXES, "id": DEFAULT_BASE}.items()))

CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdf:type ?class } GROUP BY ?class"

PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property"

REGIONS = """
SELECT ?code ?name_zh ?name_en (COUNT(DISTINCT ?case) AS ?cases) (COUNT(DISTINCT ?measure) AS ?measures)
       (COUNT(DISTINCT ?institution) AS ?institutions) (COUNT(DISTINCT ?regulation) AS ?regulations)
       (COUNT(DISTINCT ?outcome) AS ?outcomes)
WHERE {
  { SELECT DISTINCT ?region WHERE { { ?c a fz:Case ; fz:region ?region } UNION { ?i fz:inspected ?region } } }
  ?region fz:adminCode ?code .
  OPTIONAL { ?region rdfs:label ?name_zh FILTER (lang(?name_zh) = "zh") }
  OPTIONAL { ?region rdfs:label ?name_en FILTER (lang(?name_en) = "en") }
  OPTIONAL {
    ?case a fz:Case ; fz:region ?region .
    OPTIONAL {
      ?case fz:hasMeasure/fz:hasSubMeasure* ?measure .
      OPTIONAL { ?measure fz:creates|fz:involves ?institution }
      OPTIONAL { ?measure fz:enacts|fz:usesRegulation ?regulation }
      OPTIONAL { ?measure fz:hasOutcome ?outcome }
    }
  }
}
GROUP BY ?code ?name_zh ?name_en
ORDER BY ?code
"""

GAPS = """
SELECT ?gap ?code ?name ?case
WHERE {
  {
    ?inspection fz:inspected ?region .
    FILTER NOT EXISTS {
      ?withText fz:region ?region ; fz:status ?status .
      FILTER (?status != <https://w3id.org/fazhi/id/status/text-unavailable>)
    }
    BIND ("regions_without_text" AS ?gap)
  }
  UNION
  { ?case a fz:Case ; fz:region ?region ; fz:status <https://w3id.org/fazhi/id/status/truncated> .
    BIND ("cases_truncated" AS ?gap) }
  UNION
  { ?case a fz:Case ; fz:region ?region ; fz:status ?s .
    FILTER (?s != <https://w3id.org/fazhi/id/status/text-unavailable>)
    FILTER NOT EXISTS { ?case fz:hasMeasure ?m }
    BIND ("cases_without_measures" AS ?gap) }
  UNION
  { ?case a fz:Case ; fz:region ?region ; fz:status ?s .
    FILTER (?s != <https://w3id.org/fazhi/id/status/text-unavailable>)
    OPTIONAL {
      SELECT DISTINCT ?case (true AS ?hasOutcome)
      WHERE { ?case a fz:Case ; fz:hasMeasure/fz:hasSubMeasure*/fz:hasOutcome ?o }
    }
    FILTER (!BOUND(?hasOutcome))
    BIND ("cases_without_outcomes" AS ?gap) }
  UNION
  { ?case a fz:Case ; fz:region ?region ; fz:status ?s .
    FILTER (?s != <https://w3id.org/fazhi/id/status/text-unavailable>)
    FILTER NOT EXISTS { ?case prov:wasDerivedFrom ?span }
    BIND ("cases_without_sources" AS ?gap) }
  ?region fz:adminCode ?code .
  OPTIONAL { ?region rdfs:label ?name FILTER (lang(?name) = "zh") }
}
"""

EDGES = """
SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o . FILTER (isIRI(?s) && isIRI(?o) && ?p != rdf:type) }
"""

LINK_GRAPH_DEFINITION = (
    "directed graph of IRIs; an edge for each distinct (subject, object) pair of a triple whose subject and "
    "object are IRIs and whose predicate is not rdf:type; literals and blank nodes excluded"
)

_GAP_KINDS = (
    "regions_without_text",
    "cases_truncated",
    "cases_without_measures",
    "cases_without_outcomes",
    "cases_without_sources",
)


@dataclass(frozen=True)
class RegionCounts:
    """What the dataset holds about one inspected or case region; measures include sub-measures."""

    code: str
    name_zh: str
    name_en: str
    cases: int
    measures: int
    institutions: int
    regulations: int
    outcomes: int


@dataclass(frozen=True)
class Completeness:
    """RQ8: inspected regions with no case text, and cases with text that lack something."""

    regions_without_text: list[dict[str, str]] = field(default_factory=list)
    cases_truncated: list[str] = field(default_factory=list)
    cases_without_measures: list[str] = field(default_factory=list)
    cases_without_outcomes: list[str] = field(default_factory=list)
    cases_without_sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GraphMetrics:
    """networkx metrics of the link graph (see the module notes for its definition)."""

    nodes: int
    edges: int
    density: float
    weakly_connected_components: int
    largest_component_nodes: int


@dataclass(frozen=True)
class Stats:
    """Statistics of one dataset; :meth:`to_json` is the stable, documented form."""

    triples: int
    classes: dict[str, int]
    properties: dict[str, int]
    regions: list[RegionCounts]
    completeness: Completeness
    link_graph: GraphMetrics | None

    def as_dict(self) -> dict[str, Any]:
        """Plain data in the ``fazhi-kg/stats/3`` schema (``link_graph`` null when not computed)."""
        graph: dict[str, Any] | None = None
        if self.link_graph is not None:
            graph = asdict(self.link_graph)
            graph["definition"] = LINK_GRAPH_DEFINITION
        return {
            "schema": SCHEMA,
            "triples": self.triples,
            "classes": dict(sorted(self.classes.items())),
            "properties": dict(sorted(self.properties.items())),
            "regions": [asdict(region) for region in self.regions],
            "completeness": asdict(self.completeness),
            "link_graph": graph,
        }

    def to_json(self) -> str:
        """The statistics as JSON text (schema ``fazhi-kg/stats/3``), deterministic."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        """The statistics for a terminal: aligned sections."""
        lines = [f"triples: {self.triples}", "", "classes (instances):"]
        lines += _aligned(sorted(self.classes.items(), key=lambda kv: (-kv[1], kv[0])), indent="  ")
        lines += ["", "properties (uses):"]
        lines += _aligned(sorted(self.properties.items(), key=lambda kv: (-kv[1], kv[0])), indent="  ")
        lines += ["", "regions:"]
        lines += _table_lines(_REGION_HEADER, _region_rows(self.regions), indent="  ")
        lines += ["", "completeness:"]
        for kind in _GAP_KINDS:
            lines.append(
                f"  {kind.replace('_', ' ')}: {_gap_text(getattr(self.completeness, kind)) or '(none)'}"
            )
        g = self.link_graph
        if g is None:
            return "\n".join([*lines, "", f"link graph: {NOT_COMPUTED}"]) + "\n"
        lines += [
            "",
            "link graph:",
            f"  nodes: {g.nodes}",
            f"  edges: {g.edges}",
            f"  density: {g.density:.6f}",
            f"  weakly connected components: {g.weakly_connected_components}",
            f"  largest component: {g.largest_component_nodes} nodes",
        ]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """The statistics as Markdown tables, for a README or a report."""
        out = [f"**Triples:** {self.triples}", "", "| class | instances |", "|---|---:|"]
        out += [f"| `{k}` | {v} |" for k, v in sorted(self.classes.items(), key=lambda kv: (-kv[1], kv[0]))]
        out += ["", "| property | uses |", "|---|---:|"]
        out += [
            f"| `{k}` | {v} |" for k, v in sorted(self.properties.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        out += [
            "",
            "| " + " | ".join(_REGION_HEADER) + " |",
            "|---|---|" + "---:|" * (len(_REGION_HEADER) - 2),
        ]
        out += ["| " + " | ".join(row) + " |" for row in _region_rows(self.regions)]
        out += ["", "| completeness | items |", "|---|---|"]
        out += [
            f"| {kind.replace('_', ' ')} | {_gap_text(getattr(self.completeness, kind)) or '—'} |"
            for kind in _GAP_KINDS
        ]
        g = self.link_graph
        if g is None:
            return "\n".join([*out, "", f"Link graph: {NOT_COMPUTED}"]) + "\n"
        out += [
            "",
            "| link graph | value |",
            "|---|---:|",
            f"| nodes | {g.nodes} |",
            f"| edges | {g.edges} |",
            f"| density | {g.density:.6f} |",
            f"| weakly connected components | {g.weakly_connected_components} |",
            f"| largest component (nodes) | {g.largest_component_nodes} |",
        ]
        return "\n".join(out) + "\n"


NOT_COMPUTED = "not computed (kg stats --link-graph: every link through networkx, slow on large data)"

_REGION_HEADER = ("code", "region", "cases", "measures", "institutions", "regulations", "outcomes")


def _region_rows(regions: list[RegionCounts]) -> list[tuple[str, ...]]:
    return [
        (
            r.code,
            r.name_zh or r.name_en,
            str(r.cases),
            str(r.measures),
            str(r.institutions),
            str(r.regulations),
            str(r.outcomes),
        )
        for r in regions
    ]


def _gap_text(items: list[Any]) -> str:
    return ", ".join(
        f"{i['name_zh'] or i['code']} ({i['code']})" if isinstance(i, dict) else _curie(i) for i in items
    )


def _aligned(pairs: list[tuple[str, int]], *, indent: str) -> list[str]:
    width = max((len(k) for k, _ in pairs), default=0)
    return [f"{indent}{k.ljust(width)}  {v:>6}" for k, v in pairs]


def _table_lines(header: tuple[str, ...], rows: list[tuple[str, ...]], *, indent: str) -> list[str]:
    from .query import _pad, _width

    widths = [max([_width(h)] + [_width(row[i]) for row in rows]) for i, h in enumerate(header)]
    lines = [indent + "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += [
        indent + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return lines


def _curie(iri: str) -> str:
    """A prefixed name where a known prefix fits (the longest), else the IRI itself."""
    namespaces = {**PREFIXES, "id": DEFAULT_BASE}
    matches = [(p, ns) for p, ns in namespaces.items() if iri.startswith(ns) and len(iri) > len(ns)]
    if not matches:
        return iri
    prefix, namespace = max(matches, key=lambda item: len(item[1]))
    return f"{prefix}:{iri[len(namespace) :]}"


def _select(source: Any, query: str) -> list[dict[str, str | None]]:
    """Rows of a trusted constant query, values as plain text (IRIs and lexical forms).

    On a store the results are serialised as SPARQL TSV inside pyoxigraph and split here: that is five times
    faster than reading one Python object per value, which matters for the few thousand edges.
    """
    from .query import run

    text = _PROLOGUE + query
    if type(source).__module__.startswith("pyoxigraph"):
        return tsv_rows(source.query(text))
    result = run(source, text)
    return [{k: (None if v is None else str(v)) for k, v in row.items()} for row in result.rows]


def tsv_rows(results: Any) -> list[dict[str, str | None]]:
    """A pyoxigraph SELECT answer as rows of plain text (:func:`_tsv_value`), read from the SPARQL TSV that
    Oxigraph serialises, instead of one Python object per value."""
    import pyoxigraph

    header, *lines = results.serialize(format=pyoxigraph.QueryResultsFormat.TSV).decode("utf-8").split("\n")
    names = [name.lstrip("?") for name in header.split("\t")]
    return [dict(zip(names, map(_tsv_value, line.split("\t")), strict=True)) for line in lines if line]


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def _tsv_value(cell: str) -> str | None:
    """A SPARQL TSV cell as text: an IRI without brackets, a literal's lexical form, a bare number as is."""
    if not cell:
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    if cell.startswith('"'):
        end = cell.rfind('"')
        body = cell[1:end]
        if "\\" in body:
            body = re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", _unescape, body)
        return body
    return cell


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _TSV_ESCAPES.get(code, code)


def compute(store: Any, *, link_graph: bool = True, store_folder: Path | None = None) -> Stats:
    """Statistics of a pyoxigraph ``Store`` (or an rdflib ``Graph``, slower), every count a SPARQL query;
    the link graph's metrics only with ``link_graph``, from the copy kept in ``store_folder`` (the folder of
    the store ``store`` is) when it is current (see the module notes)."""
    property_rows = _select(store, PROPERTIES)
    # every triple has one predicate: the triple count is the sum of these, without a second full scan
    triples = sum(int(r["n"] or 0) for r in property_rows)
    classes = {_curie(r["class"] or ""): int(r["n"] or 0) for r in _select(store, CLASSES)}
    properties = {_curie(r["property"] or ""): int(r["n"] or 0) for r in property_rows}
    regions = [
        RegionCounts(
            code=r["code"] or "",
            name_zh=r["name_zh"] or "",
            name_en=r["name_en"] or "",
            cases=int(r["cases"] or 0),
            measures=int(r["measures"] or 0),
            institutions=int(r["institutions"] or 0),
            regulations=int(r["regulations"] or 0),
            outcomes=int(r["outcomes"] or 0),
        )
        for r in _select(store, REGIONS)
    ]
    return Stats(
        triples=triples,
        classes=classes,
        properties=properties,
        regions=sorted(regions, key=lambda r: r.code),
        completeness=_completeness(_select(store, GAPS)),
        link_graph=_link_graph_metrics(store, store_folder) if link_graph else None,
    )


def _link_graph_metrics(store: Any, store_folder: Path | None) -> GraphMetrics:
    if store_folder is not None:
        from .analysis.entityfile import read_link_graph

        kept = read_link_graph(store_folder)
        if kept is not None:
            return _graph_metrics(kept)
    return _graph_metrics((r["s"], r["o"]) for r in _select(store, EDGES) if r["s"] and r["o"])


def _completeness(rows: list[dict[str, str | None]]) -> Completeness:
    found: dict[str, set[Any]] = {kind: set() for kind in _GAP_KINDS}
    for row in rows:
        kind = row["gap"] or ""
        if kind == "regions_without_text":
            found[kind].add((row["code"] or "", row["name"] or ""))
        elif kind in found and row["case"]:
            found[kind].add(row["case"])
    return Completeness(
        regions_without_text=[{"code": c, "name_zh": n} for c, n in sorted(found["regions_without_text"])],
        **{kind: sorted(found[kind]) for kind in _GAP_KINDS[1:]},
    )


def _graph_metrics(edges: Iterable[tuple[Hashable, Hashable]]) -> GraphMetrics:
    """The metrics of the directed graph of these edges (IRIs, or node indices: the metrics are counts)."""
    import networkx as nx

    graph: nx.DiGraph[Hashable] = nx.DiGraph()
    graph.add_edges_from(edges)
    components = [len(c) for c in nx.weakly_connected_components(graph)] if graph.number_of_nodes() else []
    return GraphMetrics(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=round(nx.density(graph), 9) if graph.number_of_nodes() > 1 else 0.0,
        weakly_connected_components=len(components),
        largest_component_nodes=max(components, default=0),
    )
