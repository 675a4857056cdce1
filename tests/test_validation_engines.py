"""The fast validation engine (pyshacl-turbo) reports exactly what the reference engine (pyshacl) reports:
the same focus nodes, paths, values, constraint components, severities, shapes and messages, whether it gets
an rdflib graph or N-Triples text (what ``kg validate`` gives it, read without an rdflib graph)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import RdfSyntaxError
from kg.loading import read_ntriples, read_rdf
from kg.terms import DEFAULT_BASE, FZ
from kg.validation import NTriples, validate

EXAMPLES = Path(__file__).resolve().parent / "shapes"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"


def _both(data: Graph, **options: object) -> tuple[object, object]:
    reference = validate(data, engine="pyshacl", **options)  # type: ignore[arg-type]
    fast = validate(data, engine="fast", **options)  # type: ignore[arg-type]
    assert reference.engine == "pyshacl" and fast.engine == "fast"
    return reference, fast


def _same(reference: object, fast: object) -> None:
    assert fast.problems == reference.problems  # type: ignore[attr-defined]
    assert fast.notes == reference.notes  # type: ignore[attr-defined]
    assert fast.to_turtle() == reference.to_turtle()  # type: ignore[attr-defined]


def test_fast_engine_reports_what_pyshacl_reports_on_the_whole_dataset(built: Path) -> None:
    reference, fast = _both(read_rdf(built / "dataset.nt"))
    _same(reference, fast)


def test_fast_engine_on_the_dataset_text_reports_what_pyshacl_reports_on_its_graph(built: Path) -> None:
    dataset = built / "dataset.nt"
    fast = validate(NTriples(read_ntriples([dataset]), str(dataset)), engine="fast")
    reference = validate(read_rdf(dataset), engine="pyshacl")
    _same(reference, fast)


def _fixture_graphs() -> dict[str, Graph]:
    """The validation fixtures, and variants that make the report read what lies around a focus node: its
    place taken from a node linking to it, a blank-node focus and value, an ill-typed literal, owl:imports."""
    graphs = {path.stem: read_rdf(path) for path in sorted(FIXTURES.glob("*.ttl"))}
    del graphs["shapes"], graphs["ontology"]
    linked = read_rdf(FIXTURES / "conforming.ttl")
    outcome = URIRef(DEFAULT_BASE + "case/2022-jilin/outcome/1")
    for predicate in (FZ.caseFile, FZ.caseFileLine, FZ.value):
        linked.remove((outcome, predicate, None))
    graphs["linked-origin"] = linked
    graphs["blank-nodes"] = Graph().parse(
        format="turtle",
        data=f"""@prefix fz: <{FZ}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
            [] a fz:Case ; fz:caseFile "data/cases/x.yaml" ; fz:caseFileLine "0"^^xsd:positiveInteger ;
               fz:hasMeasure [ a fz:Measure ; fz:order "x"^^xsd:positiveInteger ] ;
               <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/never.ttl> .""",
    )
    return graphs


@pytest.mark.parametrize("name", sorted(_fixture_graphs()))
def test_fast_engine_reports_what_pyshacl_reports_on_each_fixture(name: str) -> None:
    data = _fixture_graphs()[name]
    options = {"shapes": read_rdf(FIXTURES / "shapes.ttl"), "ontology": read_rdf(FIXTURES / "ontology.ttl")}
    reference, fast = _both(data, **options)
    assert reference.problems or name == "conforming"  # type: ignore[attr-defined]
    _same(reference, fast)
    _same(reference, validate(NTriples.from_graph(data), engine="fast", **options))  # type: ignore[arg-type]
    if name != "blank-nodes":  # pyshacl raises LookupError writing its text report on these, shipped shapes
        _same(*_both(data))  # with the shipped shapes and ontology


def test_a_syntax_error_in_the_text_names_the_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nt"
    broken.write_text('<urn:a> <urn:b> "c" .\n<urn:a> <urn:b> "c .\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError, match=r"broken\.nt:2:\d+: nt syntax error"):
        validate(NTriples(read_ntriples([broken]), str(broken)), engine="fast")


def _examples() -> Graph:
    """Every valid and invalid shape example, each file's own nodes renamed apart, with the common data."""
    data = Graph().parse(EXAMPLES / "common.ttl", format="turtle")
    for path in sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        own = {s for s in graph.subjects() if isinstance(s, URIRef)}
        for s, p, o in graph:
            data.add(
                (
                    URIRef(f"{s}#{path.stem}") if s in own else s,
                    p,
                    URIRef(f"{o}#{path.stem}") if o in own else o,
                )
            )
    return data


def test_fast_engine_reports_what_pyshacl_reports_on_every_shape_example() -> None:
    examples = _examples()
    reference, fast = _both(examples)
    assert len(reference.problems) > 100  # type: ignore[attr-defined]  # every invalid example fails
    _same(reference, fast)
    _same(reference, validate(NTriples.from_graph(examples), engine="fast"))


def test_the_report_names_the_engine_that_ran(built: Path) -> None:
    from helpers import invoke

    code, output = invoke("validate", "--engine", "fast", "--data", str(built / "dataset.nt"))
    assert code == 0 and output.rstrip().endswith("(engine: fast)")
    code, output = invoke("validate", "--engine", "pyshacl", "--data", str(built / "dataset.nt"))
    assert code == 0 and output.rstrip().endswith("(engine: pyshacl)")


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_kg_validate_runs_the_fast_engine_by_default_giving_the_reference_report(
    fmt: str, tmp_path: Path
) -> None:
    from helpers import invoke

    broken = tmp_path / "cases.ttl"
    _fixture_graphs()["case-without-region"].serialize(broken, format="turtle")
    code, fast = invoke("validate", str(broken), "--format", fmt)
    code_reference, reference = invoke("validate", str(broken), "--format", fmt, "--engine", "pyshacl")
    assert code == code_reference == 1
    assert fast.replace('"engine": "fast"', '"engine": "pyshacl"') == reference
    assert fmt == "turtle" or '"engine": "fast"' in fast


def test_kg_validate_names_the_place_of_a_syntax_error_in_n_triples(tmp_path: Path) -> None:
    from helpers import invoke

    broken = tmp_path / "broken.nt"
    broken.write_text('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "c .\n', encoding="utf-8")
    code, output = invoke("validate", str(broken))
    assert code == 2 and "broken.nt:2:" in output and "Traceback" not in output


def test_an_unknown_engine_is_refused() -> None:
    from kg.errors import InputError

    with pytest.raises(InputError, match="unknown validation engine"):
        validate(Graph(), engine="quick")
