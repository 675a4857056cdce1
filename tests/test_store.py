"""The persistent store: kg build writes it, read commands open it, and it holds the published graph."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import invoke

from kg.query import list_named, run_named
from kg.store import is_store, make_store, matches, open_store, store_path

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {
    XSD + name
    for name in [
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


@pytest.fixture(scope="module")
def store(built: Path):
    return open_store(store_path(built))


def test_build_writes_a_store_beside_the_output_folder_matching_its_ntriples(built: Path) -> None:
    location = store_path(built)
    assert location == built.parent / f"{built.name}.store"
    assert is_store(location)
    assert matches(location, built / "dataset.nt")
    assert not (built / "store").exists(), "the output folder must stay byte-identical between builds"


def _value_key(term) -> tuple:
    """A literal by value, as Oxigraph's store keeps it: numbers and booleans canonical, tags lower case."""
    import pyoxigraph

    if not isinstance(term, pyoxigraph.Literal):
        return ("node", str(term))
    datatype = term.datatype.value
    if datatype in INTEGER_TYPES:
        return ("integer", int(term.value))
    if datatype == XSD + "decimal":
        return ("decimal", Decimal(term.value))
    if datatype == XSD + "boolean":
        return ("boolean", term.value in ("true", "1"))
    return ("literal", term.value, (term.language or "").lower(), datatype)


def test_store_holds_the_published_graph_equal_in_value(built: Path, store) -> None:
    """Same graph: every triple of dataset.nt is in the store, compared by value (see kg.store's notes)."""
    import pyoxigraph

    published = {
        tuple(_value_key(t) for t in (q.subject, q.predicate, q.object))
        for q in pyoxigraph.parse(path=str(built / "dataset.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    }
    stored = {
        tuple(_value_key(t) for t in (q.subject, q.predicate, q.object))
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    }
    assert stored == published


def test_bundled_data_differs_in_the_store_only_by_derived_integer_datatypes(built: Path, store) -> None:
    """Where answers from the store can differ from the files: for the bundled data, nowhere but the datatype
    of derived integers (xsd:positiveInteger → xsd:integer); every lexical form and language tag is kept."""
    import pyoxigraph

    stored = {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    }
    changed = set()
    for quad in pyoxigraph.parse(path=str(built / "dataset.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES):
        key = (str(quad.subject), str(quad.predicate), str(quad.object))
        if key in stored:
            continue
        literal = quad.object
        assert isinstance(literal, pyoxigraph.Literal), key
        assert literal.datatype.value in INTEGER_TYPES - {XSD + "integer"}, key
        canonical = pyoxigraph.Literal(literal.value, datatype=pyoxigraph.NamedNode(XSD + "integer"))
        assert (key[0], key[1], str(canonical)) in stored, key
        changed.add(literal.datatype.value)
    assert changed <= {XSD + "positiveInteger", XSD + "nonNegativeInteger"}


@pytest.mark.parametrize("query", [q.name for q in list_named()])
def test_named_query_gives_the_same_rows_on_the_store_and_on_the_file(
    query: str, store, bundled_store
) -> None:
    assert run_named(store, query) == run_named(bundled_store, query)


def test_kg_load_makes_a_store_that_read_commands_take(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "store"
    code, output = invoke("load", str(built / "dataset.ttl"), "--store", str(target))
    assert code == 0, output
    assert is_store(target)
    code, from_store = invoke("query", "--store", str(target), "--name", "rq05-outcomes", "--format", "json")
    assert code == 0, from_store
    code, from_file = invoke(
        "query", "--data", str(built / "dataset.nt"), "--name", "rq05-outcomes", "--format", "json"
    )
    assert code == 0
    assert json.loads(from_store) == json.loads(from_file)
    code, stats = invoke("stats", "--store", str(target), "--format", "json")
    assert code == 0 and json.loads(stats)["triples"] == _default_graph_size(open_store(target))


def test_kg_load_refuses_to_overwrite_a_folder_that_is_no_store(built: Path, tmp_path: Path) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("keep me")
    code, output = invoke("load", str(built / "dataset.nt"), "--store", str(tmp_path / "precious"))
    assert code == 2 and "is not a kg store" in output
    assert (tmp_path / "precious" / "notes.txt").read_text() == "keep me"


def test_kg_load_replaces_an_older_store_only_when_the_new_one_is_complete(
    built: Path, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    make_store(target, [])
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/s> <http://e/p> .\n")
    code, output = invoke("load", str(bad), "--store", str(target))
    assert code == 2 and "bad.ttl" in output
    assert is_store(target) and _default_graph_size(open_store(target)) == 0


def test_read_commands_refuse_more_than_one_source(built: Path) -> None:
    code, output = invoke("stats", "--data", str(built / "dataset.nt"), "--store", str(store_path(built)))
    assert code == 2 and "give one of --data, --store" in output


def test_a_folder_that_is_no_store_gives_one_clear_error(tmp_path: Path) -> None:
    code, output = invoke("stats", "--store", str(tmp_path))
    assert code == 2 and "not a kg store" in output and "kg load" in output


def test_a_store_older_than_its_dataset_is_not_used(tmp_path: Path, built: Path) -> None:
    """Regression guard: a store left from another build must not answer for a newer dataset.nt."""
    import shutil

    dist = tmp_path / "dist"
    shutil.copytree(built, dist)
    make_store(store_path(dist), [])  # an empty store claiming no source
    code, output = invoke("stats", "--dist", str(dist), "--format", "json")
    assert code == 0
    note = [line for line in output.splitlines() if line.startswith("note:")]
    assert len(note) == 1 and "does not match" in note[0]
    assert json.loads(output.replace(note[0], ""))["triples"] > 0


def test_validate_and_export_on_a_store_see_the_literals_as_written(built: Path, tmp_path: Path) -> None:
    """Regression: validating a store read its canonical integers and reported every xsd:positiveInteger."""
    target = tmp_path / "store"
    assert invoke("load", str(built / "dataset.ttl"), "--store", str(target))[0] == 0
    code, on_store = invoke("validate", "--store", str(target), "--format", "json")
    assert code == 0, on_store
    code, on_file = invoke("validate", "--data", str(built / "dataset.nt"), "--format", "json")
    assert json.loads(on_store) == json.loads(on_file)
    code, exported = invoke("export", "--store", str(target), "--format", "nt")
    assert code == 0 and exported == (built / "dataset.nt").read_text(encoding="utf-8")


def _default_graph_size(store) -> int:
    import pyoxigraph

    return sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))


def test_the_store_holds_the_ontology_in_its_own_graph_without_the_triples_the_data_has(store) -> None:
    """The ontology graph adds to the data exactly what an in-memory store of data + ontology holds more."""
    import pyoxigraph

    from kg.loading import read_quads
    from kg.resources import ontology_file
    from kg.store import ONTOLOGY_GRAPH

    graph = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    held = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}
    ontology = {
        (q.subject, q.predicate, q.object)
        for q in read_quads(ontology_file())
        if not isinstance(q.subject, pyoxigraph.BlankNode) and not isinstance(q.object, pyoxigraph.BlankNode)
    }
    in_data = {t for t in ontology if pyoxigraph.Quad(*t) in store}
    blank = pyoxigraph.BlankNode
    named = {t for t in held if not isinstance(t[0], blank) and not isinstance(t[2], blank)}
    assert named == ontology - in_data
    assert not {t for t in held if pyoxigraph.Quad(*t) in store}, "no triple both in the data and the graph"
    assert list(store.named_graphs()) == [graph]


ONTOLOGY_QUERIES = [
    "SELECT ?x WHERE { ?x a/rdfs:subClassOf* fz:Actor }",
    "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* ?class } GROUP BY ?class",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label ; a owl:ObjectProperty }",
]


@pytest.mark.parametrize("text", ONTOLOGY_QUERIES)
def test_queries_with_the_ontology_answer_on_the_store_as_on_the_file(built: Path, text: str) -> None:
    """Regression (issue 10): a default kg query (ontology beside the data) re-parsed dataset.nt; it now reads
    the store's ontology graph with the data, and must answer exactly as the in-memory path does."""
    from kg.store import WithOntology, with_ontology

    assert isinstance(with_ontology(store_path(built)), WithOntology), "the built store's ontology is current"
    code, on_store = invoke("query", text, "--dist", str(built), "--format", "json")
    assert code == 0, on_store
    code, on_file = invoke("query", text, "--data", str(built / "dataset.nt"), "--format", "json")
    assert code == 0, on_file
    assert json.loads(on_store) == json.loads(on_file)
    assert json.loads(on_store)["results"]["bindings"], "the query must find something"


def test_a_store_with_an_older_ontology_is_read_with_the_ontology_loaded_again(tmp_path: Path) -> None:
    """The marker records the ontology's sha256; a store made with another ontology is not current."""
    import pyoxigraph

    from kg.store import with_ontology

    quad = pyoxigraph.Quad(
        pyoxigraph.NamedNode("https://w3id.org/fazhi/id/case/x"),
        pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        pyoxigraph.NamedNode("https://w3id.org/fazhi/ontology#Case"),
    )
    target = make_store(tmp_path / "store", [quad])
    assert with_ontology(target) is not None
    marker = target / "kg-store.json"
    data = json.loads(marker.read_text())
    data["ontology"]["sha256"] = "0" * 64
    marker.write_text(json.dumps(data))
    assert with_ontology(target) is None
    text = "SELECT ?x WHERE { ?x a/rdfs:subClassOf* prov:Entity }"
    code, output = invoke("query", "--store", str(target), text)
    assert code == 0 and "case:x" in output, output
