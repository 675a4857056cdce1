"""JSON-LD output reads back to the same graph: the whole dataset, blank-node cycles and chains, odd literals.

rdflib's own JSON-LD serialiser loses a blank-node cycle that no IRI points to (2 triples in, 0 out) and
recurses once per link of a blank-node chain (RecursionError near 1,000 links); ``kg.publish`` writes JSON-LD
through Oxigraph instead, and these tests hold it to isomorphism, read back through ``kg.loading``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.loading import RdfFormat, read_rdf
from kg.terms import FZ, PREFIXES

publish = pytest.importorskip("kg.publish")

P = URIRef("http://example.org/p")


def roundtrip(graph: Graph, folder: Path, fmt: RdfFormat = RdfFormat.JSONLD) -> Graph:
    path = folder / f"out{fmt.extensions[0]}"
    path.write_bytes(publish.serialize(graph, fmt))
    return read_rdf(path)


def test_rdflib_serialiser_drops_an_unreferenced_blank_node_cycle() -> None:
    graph = Graph()
    a, b = BNode(), BNode()
    graph.add((a, P, b))
    graph.add((b, P, a))
    back = Graph().parse(data=graph.serialize(format="json-ld"), format="json-ld")
    assert (len(graph), len(back)) == (2, 0)


@pytest.mark.parametrize("size", [1, 2, 3, 50])
def test_blank_node_cycles_survive(tmp_path: Path, size: int) -> None:
    graph = Graph()
    nodes = [BNode() for _ in range(size)]
    for here, there in zip(nodes, nodes[1:] + nodes[:1], strict=True):
        graph.add((here, P, there))
    graph.add((URIRef("http://example.org/s"), P, nodes[0]))
    back = roundtrip(graph, tmp_path)
    assert len(back) == len(graph)
    assert _walk(back, URIRef("http://example.org/s"), size + 1) == _walk(
        graph, URIRef("http://example.org/s"), size + 1
    )


def _walk(graph: Graph, start: URIRef, steps: int) -> tuple[int, bool]:
    """Follow ``P`` from ``start``: how many distinct nodes are met, and whether the walk comes back round."""
    seen: list[object] = []
    node: object = start
    for _ in range(steps):
        following = list(graph.objects(node, P))
        assert len(following) == 1
        node = following[0]
        if node in seen:
            return len(seen), True
        seen.append(node)
    return len(seen), False


def test_long_blank_node_chain_survives(tmp_path: Path) -> None:
    graph = Graph()
    nodes = [BNode() for _ in range(2000)]
    graph.add((URIRef("http://example.org/s"), P, nodes[0]))
    for here, there in itertools.pairwise(nodes):
        graph.add((here, P, there))
    start = URIRef("http://example.org/s")
    for fmt in (RdfFormat.JSONLD, RdfFormat.TURTLE, RdfFormat.TRIG):
        back = roundtrip(graph, tmp_path, fmt)
        assert len(back) == len(graph), fmt
        with pytest.raises(AssertionError):
            _walk(back, start, 2001)
        assert _walk(back, start, 2000) == (2000, False), fmt


def test_literals_keep_their_lexical_forms(tmp_path: Path) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    graph = Graph()
    subject = URIRef("http://example.org/s")
    for value in [
        Literal("01", datatype=URIRef(xsd + "integer"), normalize=False),
        Literal("1", datatype=URIRef(xsd + "integer"), normalize=False),
        Literal("1.50", datatype=URIRef(xsd + "decimal"), normalize=False),
        Literal("abc", datatype=URIRef(xsd + "decimal"), normalize=False),
        Literal("法治政府", lang="zh"),
        Literal('line\nbreak "quoted" \\ tab\t'),
        Literal("true", datatype=URIRef(xsd + "boolean"), normalize=False),
        Literal("2021-10-12", datatype=URIRef(xsd + "date")),
    ]:
        graph.add((subject, P, value))
    back = roundtrip(graph, tmp_path)
    assert len(back) == 8
    assert {str(o) for o in back.objects()} == {str(o) for o in graph.objects()}


LOCAL = st.text(alphabet="abcAZ09-_./:~", min_size=0, max_size=8)
NAMESPACES = st.sampled_from(
    [*PREFIXES.values(), "http://example.org/", "https://w3id.org/fazhi/id/", "urn:x:"]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.builds(lambda n, local: URIRef(n + "s" + local), NAMESPACES, LOCAL), st.sampled_from("abc")
            ),
            st.builds(lambda n, local: URIRef(n + "p" + local), NAMESPACES, LOCAL),
            st.one_of(
                st.builds(lambda n, local: URIRef(n + "o" + local), NAMESPACES, LOCAL),
                st.sampled_from("abc"),
                st.builds(Literal, st.text(max_size=6)),
                st.builds(lambda t: Literal(t, lang="en"), st.text(max_size=4)),
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_random_graphs_round_trip(triples: list[tuple[object, URIRef, object]]) -> None:
    import tempfile

    graph = Graph()
    for subject, predicate, value in triples:
        graph.add(
            (
                BNode(subject) if isinstance(subject, str) and len(subject) == 1 else subject,
                predicate,
                BNode(value)
                if isinstance(value, str) and len(value) == 1 and not isinstance(value, Literal)
                else value,
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        back = roundtrip(graph, Path(folder))
    assert isomorphic(back, graph), graph.serialize(format="nt")


def test_whole_dataset_round_trips(tmp_path: Path) -> None:
    build = pytest.importorskip("kg.build")
    graph = build.dataset_graph()
    assert len(graph) > 1000
    assert any(True for _ in graph.subjects(None, FZ.Case))
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    back = roundtrip(graph, tmp_path)
    assert len(back) == len(graph)
    assert set(back) == set(graph)
