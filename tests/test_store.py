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
    stored = {tuple(_value_key(t) for t in (q.subject, q.predicate, q.object)) for q in store}
    assert stored == published


def test_bundled_data_differs_in_the_store_only_by_derived_integer_datatypes(built: Path, store) -> None:
    """Where answers from the store can differ from the files: for the bundled data, nowhere but the datatype
    of derived integers (xsd:positiveInteger → xsd:integer); every lexical form and language tag is kept."""
    import pyoxigraph

    stored = {(str(q.subject), str(q.predicate), str(q.object)) for q in store}
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
    assert code == 0 and json.loads(stats)["triples"] == len(open_store(target))


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
    assert is_store(target) and len(open_store(target)) == 0


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
