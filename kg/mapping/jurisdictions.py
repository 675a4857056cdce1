"""Jurisdictions to RDF, per ``docs/architecture.md``.

Each division becomes ``<id/jurisdiction/{code}> a fz:Jurisdiction`` with its labels, ``fz:adminCode`` (a
plain string), ``fz:level``, ``fz:within`` its direct parent (provinces are within the country
``jurisdiction/CN``), ``fz:divisionType`` for provinces and ``schema:sameAs`` its Wikidata entity when known.
The inverse ``fz:contains`` is not stated, to keep the data lean: queries use ``^fz:within``. No blank nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.divisions import COUNTRY, LEVELS, Jurisdiction
from kg.terms import FZ, SCHEMA, Ids

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

_TYPE, _LABEL, _SAME_AS = RDF.type, RDFS.label, SCHEMA.sameAs
_JURISDICTION, _LEVEL, _CODE, _WITHIN, _DIVISION_TYPE = (
    FZ.Jurisdiction,
    FZ.level,
    FZ.adminCode,
    FZ.within,
    FZ.divisionType,
)

_LEVELS = {level: Ids.concept("level", level) for level in LEVELS}

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def jurisdiction_triples(jurisdiction: Jurisdiction, ids: Ids | None = None) -> list[Triple]:
    """The triples of one jurisdiction."""
    ids = ids or Ids()
    return _triples(jurisdiction, ids.jurisdiction(jurisdiction.code), ids.jurisdiction(jurisdiction.parent))


def _triples(jurisdiction: Jurisdiction, node: URIRef, parent: URIRef) -> list[Triple]:
    triples: list[Triple] = [
        (node, _TYPE, _JURISDICTION),
        (node, _LABEL, Literal(jurisdiction.name_zh, lang="zh")),
        (node, _LEVEL, _LEVELS[jurisdiction.level]),
    ]
    if jurisdiction.name_en:
        triples.append((node, _LABEL, Literal(jurisdiction.name_en, lang="en")))
    if jurisdiction.code is not None:
        triples.append((node, _CODE, Literal(jurisdiction.code)))
        triples.append((node, _WITHIN, parent))
    if jurisdiction.division_type:
        triples.append((node, _DIVISION_TYPE, Literal(jurisdiction.division_type, lang="zh")))
    if jurisdiction.wikidata:
        triples.append((node, _SAME_AS, URIRef(WIKIDATA_ENTITY + jurisdiction.wikidata)))
    return triples


def all_jurisdiction_triples(jurisdictions: Iterable[Jurisdiction], ids: Ids | None = None) -> list[Triple]:
    """The triples of the jurisdictions and of the country, always included (provinces lie within it).

    IRIs are minted once per jurisdiction and shared: the 3,340 jurisdictions map in about 0.2 s.
    """
    ids = ids or Ids()
    everything = [COUNTRY, *(j for j in jurisdictions if j.code is not None)]
    nodes = {j.code: ids.jurisdiction(j.code) for j in everything}
    triples: list[Triple] = []
    for jurisdiction in everything:
        parent = nodes.get(jurisdiction.parent) or ids.jurisdiction(jurisdiction.parent)
        triples.extend(_triples(jurisdiction, nodes[jurisdiction.code], parent))
    return triples


def jurisdictions_graph(jurisdictions: Iterable[Jurisdiction], ids: Ids | None = None) -> Graph:
    """A graph of the jurisdictions and of the country (see :func:`all_jurisdiction_triples`)."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in all_jurisdiction_triples(jurisdictions, ids))
    return graph
