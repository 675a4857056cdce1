"""The fast validation engine (pyshacl-turbo) reports exactly what the reference engine (pyshacl) reports:
the same focus nodes, paths, values, constraint components, severities, shapes and messages, whether it gets
an rdflib graph or N-Triples text (what ``kg validate`` gives it, read without an rdflib graph)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal, URIRef

from kg.errors import RdfSyntaxError
from kg.loading import read_ntriples, read_rdf
from kg.terms import DEFAULT_BASE, FZ
from kg.validation import NTriples, _store_for, validate

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
    from kg.store import store_path

    dataset = built / "dataset.nt"
    text = read_ntriples([dataset])
    fast = validate(NTriples(text, str(dataset)), engine="fast")
    reference = validate(read_rdf(dataset), engine="pyshacl")
    _same(reference, fast)
    on_store = NTriples(text, str(dataset), store_path(built))
    assert _store_for(on_store, text) == store_path(built)  # the build's store is used, not passed over
    _same(reference, validate(on_store, engine="fast"))


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


# --- the store: shapes compiled to SPARQL ------------------------------------------------------------------


def _stored(data: Graph | str, folder: Path) -> NTriples:
    """The data as N-Triples text in a file, with a kg store made from that file (as ``kg build`` does)."""
    import pyoxigraph

    from kg.store import make_store

    text = data if isinstance(data, str) else NTriples.from_graph(data).text
    path = folder / "data.nt"
    path.write_text(text, encoding="utf-8")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES))
    store = make_store(folder / "data.store", quads, source=path)
    return NTriples(text, str(path), store)


def _compiled_on_store(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record the shapes each validation hands to the store (the call happens in this process)."""
    import kg.validation

    calls: list[object] = []
    real = kg.validation._forked

    def spy(fn: object, store: Path, compiled: list[object], *rest: object) -> object:
        calls.append([shape.node for shape in compiled])  # type: ignore[attr-defined]
        return real(fn, store, compiled, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.validation, "_forked", spy)
    return calls


def _left_to_the_text(monkeypatch: pytest.MonkeyPatch) -> list[set[object]]:
    """Record the compiled shapes each validation hands back to pyshacl-turbo (undecided on the store)."""
    import kg.shacl_sparql

    calls: list[set[object]] = []
    real = kg.shacl_sparql.only

    def spy(shapes: Graph, compiled: list[object]) -> Graph:
        calls.append({shape.node for shape in compiled})  # type: ignore[attr-defined]
        return real(shapes, compiled)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.shacl_sparql, "only", spy)
    return calls


def test_the_store_path_reports_what_pyshacl_reports_on_every_shape_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _examples()
    calls = _compiled_on_store(monkeypatch)
    reference = validate(examples, engine="pyshacl")
    _same(reference, validate(_stored(examples, tmp_path), engine="fast"))
    assert len(calls) == 1 and len(calls[0]) > 60  # type: ignore[arg-type]  # most shapes ran on the store


@pytest.mark.parametrize("name", sorted(set(_fixture_graphs()) - {"blank-nodes"}))
def test_the_store_path_reports_what_pyshacl_reports_on_each_fixture(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _fixture_graphs()[name]
    calls = _compiled_on_store(monkeypatch)
    options = {"shapes": read_rdf(FIXTURES / "shapes.ttl"), "ontology": read_rdf(FIXTURES / "ontology.ttl")}
    stored = _stored(data, tmp_path)
    _same(validate(data, engine="pyshacl", **options), validate(stored, engine="fast", **options))  # type: ignore[arg-type]
    _same(validate(data, engine="pyshacl"), validate(stored, engine="fast"))
    assert calls and all(calls)


def test_data_with_blank_nodes_is_not_checked_on_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _fixture_graphs()["blank-nodes"]
    calls = _compiled_on_store(monkeypatch)
    options = {"shapes": read_rdf(FIXTURES / "shapes.ttl"), "ontology": read_rdf(FIXTURES / "ontology.ttl")}
    fast = validate(_stored(data, tmp_path), engine="fast", **options)  # type: ignore[arg-type]
    _same(validate(data, engine="pyshacl", **options), fast)  # type: ignore[arg-type]
    assert calls == []  # the store renames blank nodes: every shape ran on the text


_COMPONENT_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:min a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:name ; sh:minCount 1 ; sh:message "min"@en .
ex:min2 a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:tag ; sh:minCount 2 ;
    sh:message "two tags"@en , "两个"@zh .
ex:max a sh:PropertyShape ; sh:targetSubjectsOf ex:name ; sh:path ex:name ; sh:maxCount 1 ;
    sh:severity sh:Warning ; sh:message "max"@en .
ex:max0 a sh:PropertyShape ; sh:targetNode ex:a , ex:b ; sh:path ex:forbidden ; sh:maxCount 0 ;
    sh:message "none"@en .
ex:class a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:link ; sh:class ex:Target ;
    sh:message "class"@en .
ex:inverse a sh:PropertyShape ; sh:targetClass ex:Target ; sh:path [ sh:inversePath ex:link ] ;
    sh:minCount 1 ; sh:maxCount 1 ; sh:message "inverse"@en .
ex:alternative a sh:PropertyShape ; sh:targetClass ex:Target ;
    sh:path [ sh:alternativePath ( ex:partOf [ sh:inversePath ex:hasPart ] ) ] ; sh:maxCount 1 ;
    sh:class ex:Thing ; sh:message "alternative"@en .
ex:lang a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:name ; sh:datatype rdf:langString ;
    sh:languageIn ( "zh" "en" ) ; sh:uniqueLang true ;
    sh:qualifiedValueShape [ sh:languageIn ( "zh" ) ] ; sh:qualifiedMinCount 1 ; sh:message "lang"@en .
ex:qualifiedMax a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:name ;
    sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ; sh:qualifiedMaxCount 0 ; sh:message "no en"@en .
ex:string a sh:PropertyShape ; sh:targetObjectsOf ex:link ; sh:path ex:code ; sh:datatype xsd:string ;
    sh:pattern "^[0-9]{3}$" ; sh:message "code"@en .
ex:iri a sh:PropertyShape ; sh:targetSubjectsOf ex:see ; sh:path ex:see ; sh:nodeKind sh:IRI ;
    sh:pattern "^http://example.org/" ; sh:in ( ex:a ex:b ex:elsewhere ) ; sh:message "iri"@en .
ex:has a sh:PropertyShape ; sh:targetClass ex:Target ; sh:path ex:kind ; sh:hasValue ex:good ;
    sh:message "has"@en .
ex:or a sh:PropertyShape ; sh:targetSubjectsOf ex:from ; sh:path ex:from ;
    sh:or ( [ sh:class ex:Thing ] [ sh:class ex:Target ] ) ; sh:message "or"@en .
ex:number a sh:PropertyShape ; sh:targetSubjectsOf ex:count ; sh:path ex:count ; sh:class ex:Thing ;
    sh:message "a number is no thing"@en .
"""

_COMPONENT_DATA = """
@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:SubThing rdfs:subClassOf ex:Thing .
ex:a a ex:Thing ; ex:name "甲"@zh , "A"@en ; ex:tag "x" , "y" ; ex:link ex:t1 ; ex:see ex:b ; ex:from ex:b ;
    ex:count 7 .
ex:b a ex:SubThing ; ex:name "乙"@zh , "丙"@zh-Hans , "B" ; ex:tag "x" ; ex:link ex:a , ex:t2 ;
    ex:see <http://other.org/x> , "lit" ; ex:forbidden ex:a ; ex:from ex:t1 , ex:nothing .
ex:c a ex:Thing ; ex:name "丙"@zh , "丁"@zh ; ex:tag "x" , "z" .
ex:d a ex:Thing ; ex:name "D"@en .
ex:e a ex:SubThing .
ex:t1 a ex:Target ; ex:code "123" ; ex:kind ex:good ; ex:partOf ex:a .
ex:t2 a ex:Target ; ex:code "12a" , ex:iri ; ex:kind ex:bad ; ex:partOf ex:a .
ex:t3 a ex:Target ; ex:kind ex:good .
ex:a ex:hasPart ex:t3 . ex:c ex:hasPart ex:t3 .
"""

_COMPILED_COMPONENTS = {
    "MinCount", "MaxCount", "Class", "Datatype", "NodeKind", "In", "HasValue", "Pattern", "LanguageIn",
    "UniqueLang", "QualifiedMinCount", "QualifiedMaxCount", "Or",
}


def test_every_compiled_constraint_component_reports_on_the_store_what_pyshacl_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.shacl_sparql import compile_shapes

    shapes = Graph().parse(format="turtle", data=_COMPONENT_SHAPES)
    data = Graph().parse(format="turtle", data=_COMPONENT_DATA)
    assert len(compile_shapes(shapes)) == 14  # every shape here can be checked on the store
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    text = NTriples.from_graph(data).text.replace(f'"7"{integer}', f'"07"{integer}')  # the store: "7"
    stored = _stored(text, tmp_path)
    calls = _compiled_on_store(monkeypatch)
    reference = validate(NTriples(text).graph(), engine="pyshacl", shapes=shapes, ontology=Graph())
    fast = validate(stored, engine="fast", shapes=shapes, ontology=Graph())
    _same(reference, fast)
    assert calls and len(calls[0]) == 14  # type: ignore[arg-type]
    reported = {p.constraint.removeprefix("sh:").removesuffix("ConstraintComponent") for p in fast.problems}
    assert reported == _COMPILED_COMPONENTS
    focus = {(p.focus.removeprefix("http://example.org/"), p.source_shape) for p in fast.problems}
    passing = [("a", "ex:min"), ("a", "ex:lang"), ("t1", "ex:string"), ("t1", "ex:has"), ("a", "ex:or")]
    for conforming in passing:
        assert conforming not in focus  # each component also passes where it should
    assert any(p.value == '"07"^^xsd:integer' for p in fast.problems)  # a literal as written, not as stored


def test_literals_the_store_merges_send_every_shape_to_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"1" and "true" are two booleans as written and one in the store: a count on the store would pass."""
    shapes = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
            ex:flagShape a sh:PropertyShape ; sh:targetSubjectsOf ex:flag ; sh:path ex:flag ; sh:maxCount 1 ;
                sh:message "one flag"@en .""",
    )
    flag = "<http://example.org/a> <http://example.org/flag>"
    boolean = "<http://www.w3.org/2001/XMLSchema#boolean>"
    text = f'{flag} "1"^^{boolean} .\n{flag} "true"^^{boolean} .\n'
    import kg.validation

    on_text: list[int] = []
    real = kg.validation._run_turbo

    def spy(data: NTriples, text: str, shapes: Graph, axioms: Graph) -> Graph:
        on_text.append(len(set(shapes.subjects(URIRef("http://www.w3.org/ns/shacl#path"), None))))
        return real(data, text, shapes, axioms)

    monkeypatch.setattr(kg.validation, "_run_turbo", spy)
    fast = validate(_stored(text, tmp_path), engine="fast", shapes=shapes, ontology=Graph())
    _same(validate(NTriples(text).graph(), engine="pyshacl", shapes=shapes, ontology=Graph()), fast)
    assert len(fast.problems) == 1 and on_text == [1]  # the one shape ran on the text, once


def test_kg_validate_uses_the_build_store_only_while_it_matches_the_dataset(tmp_path: Path) -> None:
    import os

    import pyoxigraph

    from kg.cli.common import DataSource
    from kg.store import store_path, write_store

    dist = tmp_path / "dist"
    dist.mkdir()
    dataset = dist / "dataset.nt"
    dataset.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", "utf-8")
    quads = list(pyoxigraph.parse(path=str(dataset), format=pyoxigraph.RdfFormat.N_TRIPLES))
    write_store(dist, quads, source=dataset)
    source = DataSource(files=(), dist_dir=dist, allow_network=False, timeout=60, max_bytes=None)
    assert source.ntriples().store == store_path(dist)
    assert DataSource((dataset,), dist, False, 60, None).ntriples().store is None  # --data: the file alone
    by_store = DataSource((), tmp_path / "elsewhere", False, 60, None, store_dir=store_path(dist))
    assert by_store.ntriples().store == store_path(dist)
    stat = dataset.stat()
    os.utime(dataset, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # rewritten after the build
    assert source.ntriples().store is None
    assert by_store.ntriples().store is None  # its copy is the same file, changed since the load


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_a_store_holding_named_graphs_sends_every_shape_to_the_text(order: str, tmp_path: Path) -> None:
    """``kg load`` keeps a TriG file's graphs; the compiled queries read the default graph only.

    Regression: the report's context was read through the store too, whose default graph counts no
    statement of any node; where the unsorted text's lines of a node were not found either, the counts
    agreed and the node's statements were missing ("found 0" for a count), depending on the text's order."""
    import pyoxigraph

    from kg.store import make_store

    shapes = Graph().parse(format="turtle", data=_COMPONENT_SHAPES)
    data = Graph().parse(format="turtle", data=_COMPONENT_DATA)
    text = NTriples.from_graph(data).text
    if order == "reversed":
        text = "".join(sorted(text.splitlines(keepends=True), reverse=True))
    path = tmp_path / "data.nt"
    path.write_text(text, encoding="utf-8")
    graph = pyoxigraph.NamedNode("http://example.org/graph")
    quads = [
        pyoxigraph.Quad(q.subject, q.predicate, q.object, graph)
        for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]
    stored = NTriples(text, str(path), make_store(tmp_path / "data.store", quads, source=path))
    reference = validate(data, engine="pyshacl", shapes=shapes, ontology=Graph())
    assert len(reference.problems) > 20
    _same(reference, validate(stored, engine="fast", shapes=shapes, ontology=Graph()))


# --- the report's context, found by search -----------------------------------------------------------------


def _context_both_ways(text: str, nodes: set[object]) -> None:
    """The context found by searching the text is the one the full pass over every statement keeps."""
    from rdflib.compare import isomorphic

    from kg.validation import _gather, _searched_context

    searched = _searched_context(text, nodes)
    assert searched is not None
    data = NTriples(text, "data")
    full, ill_typed_subjects, imports = _gather(data, nodes)
    full, _, imports = _gather(data, nodes | ill_typed_subjects)
    assert isomorphic(searched[0], full) and searched[1] == imports


def test_the_searched_report_context_is_the_full_pass_context_on_each_fixture() -> None:
    import pyoxigraph

    for name, graph in _fixture_graphs().items():
        text = NTriples.from_graph(graph).text
        subjects = {pyoxigraph.NamedNode(str(s)) for s in graph.subjects() if isinstance(s, URIRef)}
        if name == "blank-nodes":
            assert _searched_context_of(text, set()) is not None  # no IRI to look up, the literals checked
            continue
        for node in sorted(subjects, key=str):
            _context_both_ways(text, {node})
        _context_both_ways(text, set())


def _searched_context_of(text: str, nodes: set[object]) -> object:
    from kg.validation import _searched_context

    return _searched_context(text, nodes)


def test_the_searched_report_context_finds_ill_typed_literals_escapes_and_imports() -> None:
    import pyoxigraph

    text = (
        '<urn:a> <urn:p> "x\\"y"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<urn:b> <urn:p> "12"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<urn:c> <urn:p> "say \\"a\\"" .\n'
        '<urn:c> <urn:q> <urn:a> .\n'
        f'<urn:c> <{FZ.caseFile}> "data/cases/c.yaml" .\n'
        '<urn:d> <http://www.w3.org/2002/07/owl#imports> <urn:e> .\n'
        '<urn:f> <urn:p> "<urn:a>" .\n'
    )
    _context_both_ways(text, set())
    _context_both_ways(text, {pyoxigraph.NamedNode("urn:b")})
    _context_both_ways(text, {pyoxigraph.NamedNode("urn:c"), pyoxigraph.NamedNode("urn:zz")})
    searched = _searched_context_of(text, set())
    assert searched is not None and searched[1] is True  # type: ignore[index]
    assert len(searched[0]) == 3  # type: ignore[index]  # the ill-typed statement, what links to it, its file
    for fallback in ('<urn:a> <urn:p> "\\u0041"^^<urn:t> .\n', '<urn:a> <urn:p> "a^^b" .\n'):
        assert _searched_context_of(fallback, set()) is None  # an escape, a ^^ inside a literal: full pass
    assert _searched_context_of(text, {pyoxigraph.BlankNode("b")}) is None


def test_the_report_context_read_through_the_store_is_the_full_pass_context(tmp_path: Path) -> None:
    """On a text sorted by line (as ``kg build`` writes it) with its store: each subject's statements are
    found by binary search and counted against the store; the context is the full pass's, for any nodes."""
    import pyoxigraph
    from rdflib.compare import isomorphic

    from kg.validation import _gather, _stored_context

    examples = _examples()
    examples.add((URIRef("urn:x"), URIRef("urn:p"), Literal("x1", datatype=XSD.date)))  # ill-typed
    text = "".join(sorted(NTriples.from_graph(examples).text.splitlines(keepends=True)))
    stored = _stored(text, tmp_path)
    subjects = sorted({str(s) for s in examples.subjects() if isinstance(s, URIRef)})
    assert len(subjects) > 100
    some = {pyoxigraph.NamedNode(s) for s in subjects[::7]}
    for nodes in (some, set(), {pyoxigraph.NamedNode("urn:none")}):
        found = _stored_context(text, stored.store, nodes)  # type: ignore[arg-type]
        assert found is not None
        full, ill_typed_subjects, imports = _gather(stored, nodes)
        assert pyoxigraph.NamedNode("urn:x") in ill_typed_subjects
        full, _, imports = _gather(stored, nodes | ill_typed_subjects)
        assert isomorphic(found[0], full) and found[1] == imports
    unsorted = "".join(reversed(text.splitlines(keepends=True)))  # lines not found by binary search
    one = {pyoxigraph.NamedNode(subjects[3])}
    assert _stored_context(unsorted, stored.store, one) is None  # type: ignore[arg-type]


_DATATYPE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:flagShape a sh:PropertyShape ; sh:targetSubjectsOf ex:flag ; sh:path ex:flag ; sh:datatype xsd:boolean ;
    sh:maxCount 1 ; sh:message "flag"@en .
ex:dayShape a sh:PropertyShape ; sh:targetSubjectsOf ex:day ; sh:path ex:day ; sh:datatype xsd:date ;
    sh:message "day"@en .
ex:amountShape a sh:PropertyShape ; sh:targetSubjectsOf ex:amount ; sh:path ex:amount ;
    sh:datatype xsd:decimal ; sh:message "amount"@en .
"""


@pytest.mark.parametrize(
    ("flag", "day", "amount", "on_store"),
    [
        ('"1"', '"2021-01-05"', '"1.50"', {"flag", "day", "amount"}),  # well-typed, canonicalised in store
        ('"yes"', '"2021-01-05"', '"1.5"', {"day", "amount"}),  # an ill-typed boolean: its shape on the text
        ('"true"', '"2021-02-30"', '"18 余"', {"flag"}),  # no such day; words in a number
    ],
)
def test_datatype_shapes_run_on_the_store_unless_a_literal_of_their_datatype_is_ill_typed(
    flag: str, day: str, amount: str, on_store: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """xsd:boolean, xsd:date and xsd:decimal keep their datatype in the store; a value of another datatype,
    an IRI or a plain string fails there as in pyshacl. Whether a literal is ill-typed the store cannot tell:
    a datatype with such a literal anywhere in the text sends its shapes to pyshacl-turbo, on the text."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    text = "".join(
        sorted(
            [
                f'<http://example.org/a> <http://example.org/flag> {flag}^^<{xsd}boolean> .\n',
                f'<http://example.org/a> <http://example.org/day> {day}^^<{xsd}date> .\n',
                f'<http://example.org/a> <http://example.org/amount> {amount}^^<{xsd}decimal> .\n',
                f'<http://example.org/b> <http://example.org/flag> "0"^^<{xsd}integer> .\n',
                '<http://example.org/b> <http://example.org/day> "2021-01-05" .\n',
                '<http://example.org/b> <http://example.org/amount> <http://example.org/x> .\n',
                f'<http://example.org/c> <http://example.org/day> "2021"^^<{xsd}gYear> .\n',
                f'<http://example.org/c> <http://example.org/amount> "7"^^<{xsd}integer> .\n',
            ]
        )
    )
    shapes = Graph().parse(format="turtle", data=_DATATYPE_SHAPES)
    calls = _compiled_on_store(monkeypatch)
    left = _left_to_the_text(monkeypatch)
    fast = validate(_stored(text, tmp_path), engine="fast", shapes=shapes, ontology=Graph())
    reference = validate(NTriples(text).graph(), engine="pyshacl", shapes=shapes, ontology=Graph())
    _same(reference, fast)
    assert len(fast.problems) >= 5  # b's and c's values fail in every case
    assert calls and len(left) <= 1
    decided = set(calls[0]) - (left[0] if left else set())  # type: ignore[call-overload]
    ran = {str(node).removeprefix("http://example.org/").removesuffix("Shape") for node in decided}
    assert ran == on_store


_NODE_OR_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:ready a sh:NodeShape ; sh:targetClass ex:Case ; sh:severity sh:Warning ;
    sh:or ( [ sh:not [ sh:path ex:status ; sh:minCount 1 ;
                       sh:in ( ex:complete ex:truncated ) ] ]
            [ sh:path ex:measure ; sh:minCount 1 ] ) ;
    sh:message "ready"@en , "就绪"@zh .
ex:headline a sh:NodeShape ; sh:targetClass ex:Case ;
    sh:or ( [ sh:path ex:measure ; sh:maxCount 0 ]
            [ sh:path ex:title ; sh:qualifiedValueShape [ sh:languageIn ( "zh" ) ] ;
              sh:qualifiedMinCount 1 ] ) ;
    sh:message "headline"@en .
ex:dated a sh:NodeShape ; sh:targetSubjectsOf ex:from ;
    sh:or ( [ sh:path ex:passed ; sh:minCount 1 ] [ sh:path ex:issued ; sh:minCount 1 ] ) ;
    sh:message "dated"@en .
"""

_NODE_OR_DATA = """
@prefix ex: <http://example.org/> .
ex:c1 a ex:Case ; ex:status ex:complete ; ex:measure ex:m ; ex:title "标题"@zh .
ex:c2 a ex:Case ; ex:status ex:complete ; ex:title "Title"@en .
ex:c3 a ex:Case ; ex:status ex:complete , ex:draft .
ex:c4 a ex:Case ; ex:status ex:truncated ; ex:measure ex:m ; ex:title "Title"@en , "标"@zh-Hans .
ex:c5 a ex:Case ; ex:measure ex:m .
ex:d1 ex:from ex:c1 ; ex:passed "2020" .
ex:d2 ex:from ex:c1 ; ex:issued ex:x .
ex:d3 ex:from ex:c1 .
"""


def test_node_shapes_of_sh_or_report_on_the_store_what_pyshacl_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each kind of member (a count, a qualified language count, sh:not of a count with sh:in) fails and
    passes somewhere; a node fails the sh:or only where every member fails."""
    from kg.shacl_sparql import compile_shapes

    shapes = Graph().parse(format="turtle", data=_NODE_OR_SHAPES)
    data = Graph().parse(format="turtle", data=_NODE_OR_DATA)
    assert len(compile_shapes(shapes)) == 3
    calls = _compiled_on_store(monkeypatch)
    fast = validate(_stored(data, tmp_path), engine="fast", shapes=shapes, ontology=Graph())
    _same(validate(data, engine="pyshacl", shapes=shapes, ontology=Graph()), fast)
    assert calls and len(calls[0]) == 3  # type: ignore[arg-type]
    failing = {(p.focus, p.source_shape) for p in fast.problems}
    named = {(focus[19:], shape[20:-1]) for focus, shape in failing}  # <http://example.org/…>
    assert named == {("c2", "ready"), ("c5", "headline"), ("d3", "dated")}


def test_kg_validate_on_the_built_store_runs_in_its_own_process_under_the_sandbox(built: Path) -> None:
    """Regression: the shapes shared between the two processes through a shared-memory file made the
    sandboxed CLI refuse to run ("reading devices and system files is refused"); the tests in this process
    had no sandbox. The counter is now a pipe."""
    import subprocess
    import sys

    from kg.store import store_path

    assert store_path(built).exists()
    run = subprocess.run(
        [sys.executable, "-m", "kg", "validate", "--dist", str(built)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("(engine: fast)")


_MORE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:orderShape a sh:PropertyShape ; sh:targetSubjectsOf ex:order ; sh:path ex:order ;
    sh:datatype xsd:positiveInteger ; sh:message "order"@en .
ex:whenShape a sh:PropertyShape ; sh:targetSubjectsOf ex:when ; sh:path ex:when ; sh:maxCount 1 ;
    sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ; sh:message "when"@en .
ex:durationShape a sh:PropertyShape ; sh:targetSubjectsOf ex:duration ; sh:path ex:duration ;
    sh:datatype xsd:duration ; sh:message "duration"@en .
ex:spanShape a sh:PropertyShape ; sh:targetClass ex:Span ; sh:path ex:start ; sh:lessThan ex:end ;
    sh:message "span"@en .
ex:datesShape a sh:PropertyShape ; sh:targetClass ex:Span ; sh:path ex:passed ;
    sh:lessThanOrEquals ex:inForce ; sh:message "dates"@en .
"""

def _nt(subject: str, predicate: str, value: str) -> str:
    """An N-Triples line about example.org terms: ``value`` an ex: name, or a literal whose ``^^name`` is
    an XSD datatype."""
    ex, xsd = "http://example.org/", "http://www.w3.org/2001/XMLSchema#"
    iri = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" if predicate == "a" else f"<{ex}{predicate}>"
    if value.startswith('"'):
        lexical, _, datatype = value.partition("^^")
        term = f"{lexical}^^<{xsd}{datatype}>" if datatype else lexical
    else:
        term = f"<{ex}{value}>"
    return f"<{ex}{subject}> {iri} {term} ."


_MORE_DATA = [
    _nt("a", "order", '"3"^^positiveInteger'),
    _nt("b", "order", '"x"'),
    _nt("c", "order", "a"),
    _nt("a", "when", '"2020"^^gYear'),
    _nt("b", "when", '"2020-01-02"^^date'),
    _nt("c", "when", '"2020-01"^^gYearMonth'),
    _nt("d", "when", "a"),
    _nt("a", "duration", '"P7D"^^duration'),
    _nt("b", "duration", '"7 days"'),
    _nt("s1", "a", "Span"),
    _nt("s1", "start", '"1"^^positiveInteger'),
    _nt("s1", "end", '"2"^^nonNegativeInteger'),
    _nt("s1", "passed", '"2020-01-02"^^date'),
    _nt("s1", "inForce", '"2020-01-02"^^date'),
    _nt("s2", "a", "Span"),
    _nt("s2", "start", '"5"^^positiveInteger'),
    _nt("s2", "end", '"6"^^nonNegativeInteger'),
    _nt("s2", "end", '"7"^^nonNegativeInteger'),
    _nt("s2", "passed", '"2021-03-01"^^date'),
    _nt("s2", "inForce", '"2021-02-28"^^date'),
    _nt("s2", "inForce", '"2021-02-27"^^date'),
]
_ALL_MORE = {"order", "when", "duration", "span", "dates"}


@pytest.mark.parametrize(
    ("extra", "on_store"),
    [
        ("", _ALL_MORE),
        # an integer written as xsd:integer on ex:order is an xsd:integer in the store like the others
        (_nt("e", "order", '"4"^^integer'), _ALL_MORE - {"order"}),
        # "0" is no positiveInteger, yet an integer in the store: its datatype and comparisons are the text's
        (_nt("e", "other", '"0"^^positiveInteger'), _ALL_MORE - {"order", "span"}),
        # a string and a number: the store cannot compare them as pyshacl does
        (_nt("s1", "end", '"9"'), _ALL_MORE - {"span"}),
        # 6 < 5 fails: the store's value 5 is an xsd:integer, written as a nonNegativeInteger: to the text
        (_nt("s2", "end", '"5"^^nonNegativeInteger'), _ALL_MORE - {"span"}),
        # a date with a time zone: compared by the text's engine
        (_nt("s1", "inForce", '"2020-05-01Z"^^date'), _ALL_MORE - {"dates"}),
    ],
)
def test_integer_datatypes_datatype_choices_and_comparisons_report_on_the_store_what_pyshacl_reports(
    extra: str, on_store: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Integer types are one xsd:integer in the store: a shape naming one is decided there only when the
    text writes every integer on its path with that type, none of them ill-typed. sh:lessThan and
    sh:lessThanOrEquals are decided there for pairs of integers or of dates without time zone, one result
    per failing pair as in pyshacl; any other pair sends the shape to the text."""
    from kg.shacl_sparql import compile_shapes

    text = "".join(sorted(f"{line}\n" for line in [*_MORE_DATA, extra] if line))
    shapes = Graph().parse(format="turtle", data=_MORE_SHAPES)
    assert len(compile_shapes(shapes)) == 5
    calls = _compiled_on_store(monkeypatch)
    left = _left_to_the_text(monkeypatch)
    fast = validate(_stored(text, tmp_path), engine="fast", shapes=shapes, ontology=Graph())
    reference = validate(NTriples(text).graph(), engine="pyshacl", shapes=shapes, ontology=Graph())
    _same(reference, fast)
    decided = set(calls[0]) - (left[0] if left else set())  # type: ignore[call-overload]
    assert {str(node)[19:-5] for node in decided} == on_store
    failing = {(p.focus[19:], p.source_shape[20:-6]) for p in fast.problems}
    expected = {("b", "order"), ("c", "order"), ("c", "when"), ("d", "when"), ("b", "duration")}
    assert expected <= failing and ("a", "order") not in failing and ("a", "when") not in failing
    assert ("s2", "dates") in failing and ("s1", "dates") not in failing
    dates = [p for p in fast.problems if p.source_shape.endswith("datesShape>") and p.focus.endswith("s2")]
    assert len(dates) == 2  # a result per failing pair, as pyshacl gives
    assert (("s2", "span") in failing) == ('/end> "5"' in extra)
    assert (("s1", "span") in failing) == ('"9"' in extra)


_GROUP_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:KindShape a sh:NodeShape ; rdfs:label "kinds"@en ; sh:targetNode ex:law , ex:rule ;
    sh:property ex:Kind-class , ex:Kind-not , ex:Kind-place , ex:Kind-level .
ex:Kind-class a sh:PropertyShape ; sh:path [ sh:inversePath ex:kind ] ; sh:class ex:Doc ;
    sh:message "class"@en .
ex:Kind-not a sh:PropertyShape ; sh:path [ sh:inversePath ex:kind ] ; sh:not [ sh:class ex:Draft ] ;
    sh:message "not"@en .
ex:Kind-place a sh:PropertyShape ; sh:path [ sh:inversePath ex:kind ] ;
    sh:and ( [ sh:path ex:place ; sh:in ( ex:CN ) ] ) ; sh:message "place"@en .
ex:Kind-level a sh:PropertyShape ; sh:path [ sh:inversePath ex:kind ] ;
    sh:and ( [ sh:path ( ex:place ex:level ) ; sh:in ( ex:country ex:province ) ] ) ; sh:message "level"@en .
ex:provinceShape a sh:NodeShape ; sh:targetObjectsOf ex:place ;
    sh:or ( [ sh:path ex:level ; sh:hasValue ex:country ]
            [ sh:path [ sh:zeroOrMorePath ex:within ] ;
              sh:qualifiedValueShape [ sh:path ex:level ; sh:hasValue ex:province ] ;
              sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ] ) ;
    sh:message "province"@en .
ex:implementsShape a sh:NodeShape ; sh:targetSubjectsOf ex:implements ;
    sh:or ( [ sh:path ex:kind ; sh:qualifiedValueShape [ sh:in ( ex:rule ) ] ; sh:qualifiedMaxCount 0 ]
            [ sh:path ( ex:implements ex:place ) ; sh:in ( ex:CN ) ] ) ;
    sh:message "implements"@en .
ex:outcomesShape a sh:NodeShape ; sh:targetClass ex:Case ; sh:severity sh:Warning ;
    sh:or ( [ sh:path ex:measure ; sh:maxCount 0 ]
            [ sh:path ( ex:measure [ sh:zeroOrMorePath ex:sub ] ex:outcome ) ; sh:minCount 1 ] ) ;
    sh:message "outcomes"@en .
"""

_GROUP_DATA = """
@prefix ex: <http://example.org/> .
ex:d1 a ex:Doc ; ex:kind ex:law ; ex:place ex:CN .
ex:d2 a ex:Doc , ex:Draft ; ex:kind ex:law ; ex:place ex:bj .
ex:d3 a ex:Other ; ex:kind ex:rule ; ex:place ex:hd ; ex:implements ex:d2 .
ex:d4 a ex:Doc ; ex:kind ex:rule ; ex:implements ex:d1 .
ex:d5 a ex:Doc ; ex:kind ex:law ; ex:implements ex:d2 ; ex:place ex:x .
ex:CN ex:level ex:country .
ex:bj ex:level ex:province .
ex:hd ex:level ex:county ; ex:within ex:bj .
ex:x ex:within ex:bj , ex:hb . ex:hb ex:level ex:province .
ex:c1 a ex:Case .
ex:c2 a ex:Case ; ex:measure ex:m1 . ex:m1 ex:sub ex:m2 . ex:m2 ex:outcome ex:o .
ex:c3 a ex:Case ; ex:measure ex:m3 . ex:m3 ex:sub ex:m4 .
"""


def test_nested_shapes_and_property_shapes_of_a_node_shape_report_on_the_store_what_pyshacl_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sh:not of a class, sh:and of an sh:in on a path or a sequence, property shapes that a node shape only
    targets, and sh:or members with sh:hasValue, qualified counts of sh:in or of a shape with sh:hasValue,
    and sequence and zero-or-more paths: each fails and passes somewhere, all decided on the store."""
    from kg.shacl_sparql import compile_shapes

    shapes = Graph().parse(format="turtle", data=_GROUP_SHAPES)
    data = Graph().parse(format="turtle", data=_GROUP_DATA)
    assert len(compile_shapes(shapes)) == 7
    calls = _compiled_on_store(monkeypatch)
    left = _left_to_the_text(monkeypatch)
    fast = validate(_stored(data, tmp_path), engine="fast", shapes=shapes, ontology=Graph())
    _same(validate(data, engine="pyshacl", shapes=shapes, ontology=Graph()), fast)
    assert calls and len(calls[0]) == 7 and not left  # type: ignore[arg-type]
    failing = {(p.focus[19:], p.source_shape[20:-1], str(p.value)[20:-1]) for p in fast.problems}
    assert failing == {
        ("rule", "Kind-class", "d3"),  # not an ex:Doc
        ("law", "Kind-not", "d2"),  # an ex:Draft
        ("law", "Kind-place", "d2"), ("law", "Kind-place", "d5"), ("rule", "Kind-place", "d3"),  # not ex:CN
        ("rule", "Kind-level", "d3"),  # its place's level is a county
        ("x", "provinceShape", "x"),  # within two provinces (hd, within one, passes)
        ("d3", "implementsShape", "d3"),  # of kind rule, implementing a document of Beijing
        ("c3", "outcomesShape", "c3"),  # measures, no outcome down the sub-measures (c2 has one)
    }
