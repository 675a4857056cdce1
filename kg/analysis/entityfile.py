"""The entity graph as plain data, and its copy beside a store (``entity-graph.json``).

Reading the entity graph through SPARQL costs about 5 s at the nationwide size (Oxigraph decodes 314,000 × 3
IRIs, then every label and type of 110,000 nodes), more than all the rest of ``kg analyze centrality --graph
entity``. So ``kg build`` and ``kg load`` read the graph once, while the store is made, from the N-Triples
copy the store keeps (:func:`entity_from_ntriples`, equal to what the queries answer), and keep it in the
store's folder; the analyses read it in a fraction of a second. The file records the quad count of the store
and a digest of the queries that define the graph: when either differs (a store made by another version of
kg, another definition of the graph), or the file is missing or unreadable, the analyses run the queries.
The folder is replaced whole when a store is made again, so the file never outlives its data.

The file also holds what ``kg stats --link-graph`` needs beyond the entity graph
(:func:`read_link_graph`): the link graph of :mod:`kg.stats` is every distinct (subject, object) pair of
IRIs linked by a predicate other than ``rdf:type``, so it is the entity graph's pairs plus those its
exclusions leave out (10,000 pairs and 52 nodes at the nationwide size), kept as ``link_nodes`` and
``link_pairs``.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTITY_FILE = "entity-graph.json"
"""The entity graph's file inside a kg store's folder."""

_FORMAT = "kg-entity-graph 2"


@dataclass(frozen=True)
class EntityData:
    """The entity graph with nodes as indices: ``nodes`` sorted IRIs; ``links`` (subject, predicate,
    object) sorted as their IRIs sort (subject and object as indices into ``nodes``); ``described`` the
    (label, kind) of each node, when it was read with them."""

    nodes: list[str]
    links: list[tuple[int, str, int]]
    described: list[tuple[str, str]] | None = None

    @classmethod
    def from_links(cls, links: list[tuple[str, str, str]]) -> EntityData:
        """Index sorted (subject, predicate, object) IRIs."""
        nodes = sorted({n for s, _, o in links for n in (s, o)})
        index = {node: i for i, node in enumerate(nodes)}
        return cls(nodes, [(index[s], p, index[o]) for s, p, o in links])


@dataclass(frozen=True)
class _Beyond:
    """The link graph's pairs the entity graph leaves out: ``nodes`` the IRIs it does not hold (sorted),
    ``pairs`` (subject, object) as indices into its nodes followed by these (sorted)."""

    nodes: list[str]
    pairs: list[tuple[int, int]]


def definition() -> str:
    """A digest of what the file holds: the queries and exclusions that define the entity graph and the link
    graph."""
    from ..stats import EDGES, LINK_GRAPH_DEFINITION
    from .graphs import _ENTITY_EDGES, _ENTITY_TYPES, _VOCABULARIES
    from .sparql import _LABELS

    text = "\n".join(
        (_FORMAT, _ENTITY_EDGES, _ENTITY_TYPES, *_VOCABULARIES, _LABELS, EDGES, LINK_GRAPH_DEFINITION)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_entity_file(ntriples: Path | bytes, folder: Path, quads: int) -> Path:
    """Write the entity graph of the N-Triples a store was loaded from (its own copy, a file or its bytes,
    one triple a line as Oxigraph and kg write them) into ``folder`` (the staged folder of a store holding
    ``quads``)."""
    if isinstance(ntriples, bytes):
        data, beyond = _read_ntriples(io.BytesIO(ntriples))
    else:
        with open(ntriples, "rb") as lines:
            data, beyond = _read_ntriples(lines)
    predicates = sorted({p for _, p, _ in data.links})
    number = {p: i for i, p in enumerate(predicates)}
    described = data.described or []
    content = {
        "format": _FORMAT,
        "definition": definition(),
        "quads": quads,
        "nodes": data.nodes,
        "labels": [label for label, _ in described],
        "kinds": [kind for _, kind in described],
        "predicates": predicates,
        "links": [value for s, p, o in data.links for value in (s, number[p], o)],
        "link_nodes": beyond.nodes,
        "link_pairs": [value for pair in beyond.pairs for value in pair],
    }
    path = Path(folder) / ENTITY_FILE
    path.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def entity_from_ntriples(lines: Iterable[bytes]) -> EntityData:
    """The entity graph with every label and kind, read from N-Triples written one triple a line (a store's
    own copy): what :func:`kg.analysis.graphs.entity_described` reads through SPARQL, in a few seconds
    instead of twenty while a store is made (a test compares the two on the bundled data).

    A line whose subject, predicate and object are IRIs is ``<s> <p> <o> .``: an IRI holds no space or ``>``,
    so it is cut at those. The labels' literals are parsed by Oxigraph.
    """
    return _read_ntriples(lines)[0]


def _read_ntriples(lines: Iterable[bytes]) -> tuple[EntityData, _Beyond]:
    """:func:`entity_from_ntriples`, and the link graph's pairs the entity graph leaves out."""
    import pyoxigraph

    from ..terms import PREFIXES
    from .graphs import _VOCABULARIES, ENTITY_EXCLUDED, compact_to_iri
    from .sparql import _best_labels, label_of, local_name

    def bracketed(name: str) -> bytes:
        return f"<{compact_to_iri(name)}>".encode()

    excluded = {bracketed(name) for name in ENTITY_EXCLUDED}
    rdf_type = bracketed("rdf:type")
    label_predicates = {bracketed(name) for name in ("rdfs:label", "skos:prefLabel", "dcterms:title")}
    ontology = PREFIXES["fz"]
    subject_refused = f"<{ontology}".encode()
    object_refused = tuple(f"<{namespace}".encode() for namespace in _VOCABULARIES)
    links: set[tuple[bytes, bytes, bytes]] = set()
    left_out: set[tuple[bytes, bytes]] = set()
    types: list[tuple[bytes, bytes]] = []
    label_lines: list[bytes] = []
    iri_labels: list[tuple[bytes, bytes]] = []
    for line in lines:
        if not line.startswith(b"<"):
            continue  # a blank-node subject, a comment or an empty line
        s, p, rest = line.split(b" ", 2)
        if rest.startswith(b"<"):
            o = rest[: rest.index(b">") + 1]
            if p == rdf_type:
                types.append((s, o))
            elif p in label_predicates:  # SPARQL's LANG of an IRI is unbound: no language
                iri_labels.append((s, o))
            if p not in excluded and not s.startswith(subject_refused) and not o.startswith(object_refused):
                links.add((s[1:-1], p[1:-1], o[1:-1]))  # without brackets: sorted as the IRIs
            elif p != rdf_type:
                left_out.add((s, o))
        elif p in label_predicates and rest.startswith(b'"'):
            label_lines.append(line)

    def iri(term: bytes) -> str:
        return term[1:-1].decode("utf-8")

    data = EntityData.from_links([(s.decode(), p.decode(), o.decode()) for s, p, o in sorted(links)])
    wanted = set(data.nodes)
    rows: list[dict[str, str | None]] = [
        {"node": iri(s), "label": iri(o), "language": None} for s, o in iri_labels if iri(s) in wanted
    ]
    for triple in pyoxigraph.parse(b"".join(label_lines), format=pyoxigraph.RdfFormat.N_TRIPLES):
        node = triple.subject.value
        if node in wanted:
            rows.append({"node": node, "label": triple.object.value, "language": triple.object.language})
    names = _best_labels(rows)
    kinds: dict[str, str] = {}
    for node, kind in ((iri(s), iri(o)) for s, o in types):
        if node in wanted and kind.startswith(ontology):
            kinds[node] = min(local_name(kind), kinds.get(node, local_name(kind)))
    described = [(label_of(node, names), kinds.get(node, "")) for node in data.nodes]
    pairs = {(iri(s), iri(o)) for s, o in left_out}
    beyond = sorted({node for pair in pairs for node in pair} - wanted)
    index = {node: i for i, node in enumerate((*data.nodes, *beyond))}
    entity_pairs = {(s, o) for s, _, o in data.links}
    indexed = sorted({(index[s], index[o]) for s, o in pairs} - entity_pairs)
    return EntityData(data.nodes, data.links, described), _Beyond(beyond, indexed)


def _current_content(folder: Path) -> dict[str, Any] | None:
    """The kept file's JSON object when it is of this format and definition and was made for the store in
    ``folder`` (the quad count its marker records); None otherwise, or when it cannot be read."""
    from ..store import recorded_quads

    quads = recorded_quads(folder)
    try:
        content = json.loads((Path(folder) / ENTITY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(content, dict)
        or content.get("format") != _FORMAT
        or content.get("definition") != definition()
        or quads is None
        or content.get("quads") != quads
    ):
        return None
    return content


def read_entity_file(folder: Path) -> EntityData | None:
    """The entity graph kept in a store's folder, or None when there is none, it is unreadable, or it was
    made for another store (the quad count its marker records) or another definition of the graph."""
    content = _current_content(folder)
    if content is None:
        return None
    try:
        nodes, predicates, flat = content["nodes"], content["predicates"], content["links"]
        labels, kinds = content["labels"], content["kinds"]
        if len(labels) != len(nodes) or len(kinds) != len(nodes) or len(flat) % 3:
            return None
        texts = (*nodes, *labels, *kinds, *predicates)
        if not all(type(v) is str for v in texts) or not all(type(v) is int for v in flat):
            return None
        ends = flat[0::3] + flat[2::3]
        if ends and (min(ends) < 0 or max(ends) >= len(nodes)):
            return None
        links = [(flat[i], predicates[flat[i + 1]], flat[i + 2]) for i in range(0, len(flat), 3)]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return EntityData(nodes, links, list(zip(labels, kinds, strict=True)))


def read_link_graph(folder: Path) -> set[tuple[int, int]] | None:
    """The link graph of ``kg stats`` (:mod:`kg.stats`) kept in a store's folder, as every (subject, object)
    pair of node indices once; None when the file is missing, unreadable, or made for another store or
    another definition (as :func:`read_entity_file`)."""
    content = _current_content(folder)
    if content is None:
        return None
    try:
        nodes, flat = len(content["nodes"]) + len(content["link_nodes"]), content["links"]
        more = content["link_pairs"]
        if len(flat) % 3 or len(more) % 2 or not all(type(v) is str for v in content["link_nodes"]):
            return None
        if not all(type(v) is int for v in (*flat, *more)):
            return None
        ends = [*flat[0::3], *flat[2::3], *more]
        if ends and (min(ends) < 0 or max(ends) >= nodes):
            return None
        pairs = set(zip(flat[0::3], flat[2::3], strict=True)) | set(zip(more[0::2], more[1::2], strict=True))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return pairs
