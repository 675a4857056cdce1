"""The build's writers from sorted N-Triples (kg.publish.dataset_text) give the bytes the quad writers give.

The build no longer holds Oxigraph quads or an expanded JSON-LD document: it sorts N-Triples lines and lets
Oxigraph re-read them. These tests pin that the published bytes are what the previous path
(``sorted_quads`` → ``serialize_quads``) writes from the same graph, on terms chosen to break a careless
writer: escapes, language-tag case, explicit ``xsd:string``, typed literals, blank nodes, IRIs that are
prefixes of each other (sort order), several types, and a triple in two layers.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import RDF, XSD, BNode, Literal, URIRef

from kg.errors import InputError
from kg.loading import RdfFormat
from kg.publish import (
    dataset_text,
    jsonld_document,
    serialize_quads,
    serialize_text,
    sorted_quads,
    used_prefixes,
)
from kg.terms import DEFAULT_BASE, FZ

ID = DEFAULT_BASE
CASE = URIRef(ID + "case/a")


def _layers(*, plain_twice: bool = False) -> dict[str, set[tuple[object, object, object]]]:
    """Two layers sharing a triple; ``plain_twice`` adds "plain"^^xsd:string beside "plain": two rdflib
    terms, one RDF term (the quad writers wrote that line twice)."""
    shared = (CASE, RDF.type, FZ.Case)
    layers = {
        "vocabularies": {
            shared,
            (URIRef(ID + "scheme/x"), RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme")),
        },
        "cases": {
            shared,
            (CASE, RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")),
            (CASE, FZ.summary, Literal('引号 "q" \\ back\nline\ttab\x01\x7f', lang="zh-Hans")),
            (CASE, FZ.summary, Literal("plain")),
            (CASE, FZ.positionInNotice, Literal("7", datatype=XSD.positiveInteger)),
            (CASE, FZ.value, Literal("1.50", datatype=XSD.decimal)),
            (CASE, FZ.involves, BNode("b1")),
            (BNode("b1"), RDF.type, FZ.Institution),
            (BNode("b10"), FZ.order, Literal(2)),
            (URIRef(ID + "case/a/measure/1"), FZ.order, Literal(1)),
            (URIRef(ID + "case/a/measure/1"), FZ.measureOf, CASE),
            (URIRef(ID + "case/a-b"), FZ.order, Literal(3)),
            (URIRef("http://example.org/other"), URIRef("http://example.org/p"), Literal("x", lang="en")),
        },
    }
    if plain_twice:
        layers["cases"].add((CASE, FZ.summary, Literal("plain", datatype=XSD.string)))
    return layers


def _reference(layers: dict[str, set[tuple[object, object, object]]]) -> dict[RdfFormat, bytes]:
    """What the quad writers give: the union's sorted quads, and each layer's in its named graph."""
    union = set().union(*layers.values())
    quads = sorted_quads(union)
    prefixes = used_prefixes(quads)
    graph_quads = [
        pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.NamedNode(f"{ID}graph/{layer}"))
        for layer, triples in layers.items()
        for q in sorted_quads(triples)
    ]
    return {
        RdfFormat.NTRIPLES: serialize_quads(quads, RdfFormat.NTRIPLES, prefixes),
        RdfFormat.TURTLE: serialize_quads(quads, RdfFormat.TURTLE, prefixes),
        RdfFormat.JSONLD: jsonld_document(quads, prefixes, inline=True),
        RdfFormat.TRIG: serialize_quads(graph_quads, RdfFormat.TRIG, prefixes),
    }


@pytest.mark.parametrize("fmt", [RdfFormat.NTRIPLES, RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.TRIG])
def test_text_writers_give_the_bytes_of_the_quad_writers(fmt: RdfFormat) -> None:
    layers = _layers()
    text = dataset_text(layers)
    assert serialize_text(text, fmt) == _reference(layers)[fmt]


def test_text_holds_each_triple_once_and_each_layer_sorted() -> None:
    layers = _layers(plain_twice=True)
    text = dataset_text(layers)
    union = set().union(*layers.values())
    assert text.ntriples.count(b'#summary> "plain" .\n') == 1
    assert text.triples == len(union) - 1 == text.ntriples.count(b"\n")
    for layer, lines in text.layers.items():
        rows = lines.splitlines()
        assert rows == sorted(set(rows)) and len(rows) == len(layers[layer]) - (layer == "cases")
    assert text.prefixes == used_prefixes(sorted_quads(union))


@pytest.mark.parametrize(
    "term",
    [URIRef("http://example.org/a b"), URIRef('http://example.org/a>"x'), URIRef("http://example.org/\n")],
)
def test_an_iri_that_would_break_the_line_is_refused(term: URIRef) -> None:
    with pytest.raises(InputError, match="not a valid IRI"):
        dataset_text({"cases": {(CASE, FZ.involves, term)}})


def test_an_iri_oxigraph_refuses_is_refused_by_the_first_serialiser() -> None:
    text = dataset_text({"cases": {(CASE, FZ.involves, URIRef("no-scheme"))}})
    with pytest.raises(InputError, match="not valid RDF"):
        serialize_text(text, RdfFormat.TURTLE)

