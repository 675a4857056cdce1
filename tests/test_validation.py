"""kg.validation: pyshacl results as problems naming case file and line; ill-typed literals; outputs."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import InputError, LimitExceeded
from kg.loading import read_rdf
from kg.resources import ontology_file, shapes_files
from kg.terms import DEFAULT_BASE, FZ, SH
from kg.validation import JSON_SCHEMA, SEVERITIES, Problem, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"
CASE = URIRef(DEFAULT_BASE + "case/2022-jilin")
MEASURE = URIRef(DEFAULT_BASE + "case/2022-jilin/measure/1")
COURT = URIRef(DEFAULT_BASE + "case/2022-jilin/institution/court")
OUTCOME = URIRef(DEFAULT_BASE + "case/2022-jilin/outcome/1")
REGULATION = URIRef(DEFAULT_BASE + "case/2022-jilin/regulation/r1")
JILIN = URIRef(DEFAULT_BASE + "jurisdiction/220000")


def fixture(name: str) -> Graph:
    return read_rdf(FIXTURES / name)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return fixture("shapes.ttl")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return fixture("ontology.ttl")


def check(name_or_graph: str | Graph, shapes: Graph, ontology: Graph, **options: object):
    data = fixture(name_or_graph) if isinstance(name_or_graph, str) else name_or_graph
    return validate(data, shapes=shapes, ontology=ontology, **options)


# --- conformance and severities -------------------------------------------------------------------------


def test_conforming_data_conforms_at_every_level(shapes, ontology):
    report = check("conforming.ttl", shapes, ontology)
    assert report.problems == ()
    assert report.conforms
    assert all(report.conforms_at(level) for level in ("violation", "warning", "info"))
    assert report.to_text() == "0 violations, 0 warnings, 0 infos in 0 focus nodes (engine: pyshacl)\n"


def test_case_without_region_names_case_file_and_line(shapes, ontology):
    report = check("case-without-region.ttl", shapes, ontology)
    assert not report.conforms
    [problem] = report.problems
    assert problem.severity == "Violation"
    assert (problem.case_file, problem.case_file_line, problem.place) == (
        "data/cases/jilin.yaml",
        1,
        "data/cases/jilin.yaml:1",
    )
    assert (problem.focus, problem.path, problem.detail) == (str(CASE), "fz:region", "found 0")
    assert problem.constraint == "sh:MinCountConstraintComponent"
    assert problem.source_shape == "<https://w3id.org/fazhi/shapes#CaseShape>[fz:region]"
    assert report.to_text() == (
        "data/cases/jilin.yaml:1  case 2022-jilin (吉林省以法治方式保护黑土地并推进生态修复…)\n"
        "  Violation  fz:region — a case has exactly one region; found 0 / 每个案例须有且仅有一个地区\n"
        "\n"
        "1 violation, 0 warnings, 0 infos in 1 focus node (engine: pyshacl)\n"
    )


def test_warning_only_conforms_at_violation_level_not_at_warning(shapes, ontology):
    report = check("warning-only.ttl", shapes, ontology)
    assert [p.severity for p in report.problems] == ["Warning"]
    assert report.conforms_at("violation")
    assert not report.conforms_at("warning")
    assert not report.conforms_at("info")
    assert report.counts == {"Violation": 0, "Warning": 1, "Info": 0}
    assert report.problems[0].place == "data/cases/jilin.yaml:12"


def test_info_only_fails_only_at_info_level(shapes, ontology):
    data = fixture("conforming.ttl")
    data.remove((CASE, FZ.summary, None))
    report = check(data, shapes, ontology)
    assert [p.severity for p in report.problems] == ["Info"]
    assert report.conforms_at("violation") and report.conforms_at("warning")
    assert not report.conforms_at("info")


def test_severities_are_ordered_most_severe_first(shapes, ontology):
    assert SEVERITIES == ("Violation", "Warning", "Info")
    data = fixture("warning-only.ttl")
    data.remove((CASE, FZ.summary, None))
    data.remove((CASE, FZ.region, None))
    report = check(data, shapes, ontology)
    assert list(report.counts) == list(SEVERITIES)
    assert report.counts == {"Violation": 1, "Warning": 1, "Info": 1}
    assert report.summary() == "1 violation, 1 warning, 1 info in 2 focus nodes"
    with pytest.raises(ValueError, match="unknown level"):
        report.conforms_at("error")


def test_problems_are_sorted_by_file_line_focus_path_and_grouped_by_focus(shapes, ontology):
    data = fixture("case-without-region.ttl")
    data.remove((CASE, FZ.summary, None))
    data.set((REGULATION, FZ.dateInForce, Literal("2020-01-01", datatype=XSD.date)))
    data.remove((JILIN, RDFS.label, None))  # linked from one case file only: pinned on its first place
    report = check(data, shapes, ontology)
    keys = [p.sort_key() for p in report.problems]
    assert keys == sorted(keys)
    assert [(p.case_file_line, p.path) for p in report.problems] == [
        (1, "fz:region"),
        (1, "fz:summary"),
        (12, "fz:datePassed"),
        (None, "rdfs:label"),
    ]
    groups = report.by_focus()
    assert list(groups) == [str(CASE), str(REGULATION), str(JILIN)]
    assert [len(g) for g in groups.values()] == [2, 1, 1]


# --- provenance -----------------------------------------------------------------------------------------


def test_node_without_case_file_takes_the_place_of_the_node_linking_to_it(shapes, ontology):
    data = fixture("conforming.ttl")
    data.remove((OUTCOME, FZ.caseFile, None))
    data.remove((OUTCOME, FZ.caseFileLine, None))
    data.remove((OUTCOME, FZ.value, None))
    [problem] = check(data, shapes, ontology).problems
    assert problem.place == "data/cases/jilin.yaml:20"  # the measure that has the outcome


def test_node_linked_from_several_case_files_is_not_pinned_on_one(shapes, ontology):
    data = fixture("conforming.ttl")
    other = URIRef(DEFAULT_BASE + "case/2022-other")
    data.add((other, FZ.region, JILIN))
    data.add((other, FZ.caseFile, Literal("data/cases/other.yaml")))
    data.remove((JILIN, RDFS.label, None))
    [problem] = check(data, shapes, ontology).problems
    assert (problem.case_file, problem.case_file_line, problem.focus_label) == (None, None, None)
    assert "jurisdiction 220000\n  Violation  rdfs:label" in check(data, shapes, ontology).to_text()


# --- ontology -----------------------------------------------------------------------------------------------


def test_subclass_axioms_of_the_ontology_count_for_sh_class(shapes, ontology):
    data = fixture("conforming.ttl")
    assert (COURT, RDF.type, FZ.Court) in data
    assert check(data, shapes, ontology).conforms
    [problem] = check(data, shapes, Graph()).problems
    assert (problem.focus, problem.path, problem.constraint) == (
        str(MEASURE),
        "fz:involves",
        "sh:ClassConstraintComponent",
    )
    assert problem.value == f"<{COURT}>"


def test_ontology_is_not_added_to_the_data(shapes, ontology):
    data = fixture("conforming.ttl")
    before = len(data)
    check(data, shapes, ontology)
    assert len(data) == before


def test_complex_paths_are_written_in_sparql_syntax(shapes, ontology):
    data = fixture("conforming.ttl")
    data.remove((MEASURE, FZ.measureOf, None))
    data.add((MEASURE, FZ.measureOf, JILIN))
    [problem] = check(data, shapes, ontology).problems
    assert problem.path == "^fz:hasOutcome/fz:measureOf"
    assert "sh:resultPath ( [ sh:inversePath fz:hasOutcome ] fz:measureOf )" in check(
        data, shapes, ontology
    ).to_turtle().replace("\n", " ").replace("  ", " ")


# --- ill-typed literals ---------------------------------------------------------------------------------


def test_ill_typed_literals_are_reported_once_each(shapes, ontology):
    report = check("ill-typed.ttl", shapes, ontology)
    by_value = {p.value: p for p in report.problems}
    assert len(report.problems) == 2, report.to_text()
    decimal = by_value['"18 余"^^xsd:decimal']  # also caught by the shape's sh:datatype: still once
    date = by_value['"2021-02-30"^^xsd:date']  # no shape checks fz:dateAmended
    assert (decimal.focus, decimal.path, decimal.severity) == (str(OUTCOME), "fz:value", "Violation")
    assert (date.focus, date.path, date.severity) == (str(REGULATION), "fz:dateAmended", "Violation")
    assert "not a valid xsd:decimal" in decimal.message_en and "余" in decimal.message_en
    assert "不是有效的 xsd:date" in (date.message_zh or "")
    assert decimal.source_shape == "<https://w3id.org/fazhi/shapes#OutcomeShape>[fz:value]"
    assert date.source_shape == "<https://w3id.org/fazhi/kg/checks#WellTypedLiteral>"
    assert {decimal.place, date.place} == {"data/cases/jilin.yaml:30", "data/cases/jilin.yaml:12"}


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
@pytest.mark.parametrize(
    ("lexical", "datatype", "ill"),
    [
        ("abc", XSD.decimal, True),
        ("2024-13-45", XSD.date, True),
        ("20x4", XSD.gYear, True),
        ("2021-13", XSD.gYearMonth, True),
        ("0", XSD.positiveInteger, True),
        ("maybe", XSD.boolean, True),
        ("2021", XSD.gYear, False),
        ("2021-10", XSD.gYearMonth, False),
        ("2021-10-12", XSD.date, False),
        ("1700.5", XSD.decimal, False),
    ],
)
def test_lexical_forms_rdflib_does_not_check_are_checked_too(shapes, ontology, lexical, datatype, ill):
    data = fixture("conforming.ttl")
    data.add((REGULATION, FZ.dateAmended, Literal(lexical, datatype=datatype)))
    problems = check(data, shapes, ontology).problems
    assert len(problems) == (1 if ill else 0)
    if ill:
        assert problems[0].path == "fz:dateAmended"


# --- outputs --------------------------------------------------------------------------------------------


def messy_graph() -> Graph:
    data = fixture("ill-typed.ttl")
    data.remove((CASE, FZ.region, None))
    data.remove((CASE, FZ.summary, None))
    data.set((REGULATION, FZ.dateInForce, Literal("2020-01-01", datatype=XSD.date)))
    return data


def test_outputs_are_deterministic_across_parses(shapes, ontology):
    first = check(messy_graph(), shapes, fixture("ontology.ttl"))
    second = check(messy_graph(), fixture("shapes.ttl"), ontology)
    assert first.problems == second.problems
    assert first.to_text() == second.to_text()
    assert first.to_json() == second.to_json()
    assert first.to_turtle() == second.to_turtle()


def test_report_survives_pickling_for_the_forked_worker(shapes, ontology):
    report = check(messy_graph(), shapes, ontology)
    data = fixture("conforming.ttl")
    data.remove((MEASURE, FZ.measureOf, None))
    data.add((MEASURE, FZ.measureOf, JILIN))  # a blank-node path in the report
    with_path = check(data, shapes, ontology)
    for original in (report, with_path):
        copy = pickle.loads(pickle.dumps(original))
        assert copy == original
        assert (copy.to_text(), copy.to_json(), copy.to_turtle()) == (
            original.to_text(),
            original.to_json(),
            original.to_turtle(),
        )


def test_json_has_the_documented_schema(shapes, ontology):
    report = check(messy_graph(), shapes, ontology)
    document = json.loads(report.to_json())
    assert list(document) == [
        *("schema", "conforms", "counts", "focus_nodes", "notes", "engine", "prefixes", "problems")
    ]
    assert document["schema"] == JSON_SCHEMA == "fazhi-kg/validation/1"
    assert document["conforms"] is False
    assert document["counts"] == {"violation": 3, "warning": 1, "info": 1}
    assert document["focus_nodes"] == 3
    assert document["prefixes"]["fz"] == str(FZ)
    assert [set(p) for p in document["problems"]] == [set(Problem.__dataclass_fields__)] * 5
    assert [Problem(**p) for p in document["problems"]] == list(report.problems)


def test_turtle_is_a_shacl_validation_report(shapes, ontology):
    report = check(messy_graph(), shapes, ontology)
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    [root] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(root, SH.conforms) == Literal(False)
    results = list(graph.objects(root, SH.result))
    assert len(results) == len(report.problems) == 5
    assert all((r, RDF.type, SH.ValidationResult) in graph for r in results)
    assert {graph.value(r, SH.resultSeverity) for r in results} == {SH.Violation, SH.Warning, SH.Info}
    assert all(graph.value(r, SH.sourceShape) is not None for r in results)
    ill = [r for r in results if graph.value(r, SH.value) == Literal("18 余", datatype=XSD.decimal)]
    assert len(ill) == 1


def test_turtle_conforms_as_shacl_says_while_the_report_fails_only_on_violations(shapes, ontology):
    report = check("warning-only.ttl", shapes, ontology)
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    [root] = graph.subjects(RDF.type, SH.ValidationReport)
    assert report.conforms
    assert graph.value(root, SH.conforms) == Literal(False)
    assert json.loads(report.to_json())["conforms"] is True


def test_only_top_level_results_count_not_their_details(ontology):
    nested = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fz: <https://w3id.org/fazhi/ontology#> .
        <urn:x-measure> a sh:NodeShape ; sh:targetClass fz:Measure ;
          sh:property [ sh:path fz:involves ; sh:node <urn:x-labelled> ] .
        <urn:x-labelled> a sh:NodeShape ;
          sh:property [ sh:path <http://www.w3.org/2000/01/rdf-schema#comment> ; sh:minCount 1 ] .""",
    )
    [problem] = check("conforming.ttl", nested, ontology).problems
    assert (problem.focus, problem.constraint) == (str(MEASURE), "sh:NodeConstraintComponent")
    assert problem.place == "data/cases/jilin.yaml:20"


def test_turtle_of_a_conforming_report(shapes, ontology):
    graph = Graph().parse(data=check("conforming.ttl", shapes, ontology).to_turtle(), format="turtle")
    expected = Graph().parse(
        format="turtle",
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . [] a sh:ValidationReport ; sh:conforms true .",
    )
    assert isomorphic(graph, expected)


# --- guards, limits and errors --------------------------------------------------------------------------


def test_owl_imports_are_stripped_with_a_note_and_never_fetched(shapes, ontology):
    importing = Graph()
    for triple in shapes:
        importing.add(triple)
    owl_imports = URIRef("http://www.w3.org/2002/07/owl#imports")
    importing.add((URIRef("urn:x-shapes"), owl_imports, URIRef("http://127.0.0.1:9/never.ttl")))
    data = fixture("conforming.ttl")
    data.add((URIRef("urn:x-data"), owl_imports, URIRef("http://127.0.0.1:9/data.ttl")))
    report = check(data, importing, ontology)
    assert report.conforms
    assert report.notes == (
        "owl:imports in the shapes were stripped and not fetched: <http://127.0.0.1:9/never.ttl>",
        "owl:imports in the data were ignored; nothing is fetched",
    )
    assert report.to_text().startswith("note: owl:imports in the shapes were stripped")
    assert (None, owl_imports, None) in importing  # the caller's graph is left as it was


SPARQL_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix fz: <https://w3id.org/fazhi/ontology#> .
<urn:x-sparql> a sh:NodeShape ; sh:targetClass fz:Case ;
  sh:sparql [ sh:select \"\"\"SELECT $this ?from WHERE { %s }\"\"\" ] .
"""


def test_sparql_constraint_calling_a_service_is_refused(ontology):
    body = "SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?from }"
    query_shapes = Graph().parse(format="turtle", data=SPARQL_SHAPE % body)
    with pytest.raises(InputError, match=r"urn:x-sparql> is refused: SERVICE <http://127\.0\.0\.1:9/sparql>"):
        validate(fixture("conforming.ttl"), shapes=query_shapes, ontology=ontology)


@pytest.mark.parametrize(
    "body",
    [
        "SERVIC\\u0045 <http://127.0.0.1:9/sparql> { $this ?p ?from }",
        'FILTER (?from != "x") SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?from } FILTER (?from != "y")',
        "$this ?p ?from # SERVICE in a comment, then a bare CR\rSERVICE <http://127.0.0.1:9/s> { ?a ?b ?c }",
    ],
    ids=["escaped-keyword", "between-filters", "carriage-return"],
)
def test_sparql_constraint_is_checked_by_the_query_guard(ontology, body):
    """Regression (issue 8): a regex check let SERVIC\\u0045 and a SERVICE between two FILTERs through."""
    query_shapes = Graph().parse(format="turtle", data=SPARQL_SHAPE % body)
    with pytest.raises(InputError, match=r"urn:x-sparql> is refused: (SERVICE|line \d+: a carriage)"):
        validate(fixture("conforming.ttl"), shapes=query_shapes, ontology=ontology)


def test_sparql_constraint_reading_another_graph_is_refused(ontology):
    text = SPARQL_SHAPE.replace("WHERE { %s }", "FROM <file:///etc/passwd> WHERE { $this ?p ?from }")
    with pytest.raises(InputError, match="FROM <file:///etc/passwd> is refused"):
        validate(
            fixture("conforming.ttl"), shapes=Graph().parse(format="turtle", data=text), ontology=ontology
        )


def test_sparql_constraint_with_from_only_as_a_variable_or_string_runs(ontology):
    body = 'FILTER (?from = "FROM SERVICE") $this ?p ?from'
    query_shapes = Graph().parse(format="turtle", data=SPARQL_SHAPE % body)
    assert validate(fixture("conforming.ttl"), shapes=query_shapes, ontology=ontology).conforms


def test_time_limit_stops_a_runaway_pattern(ontology):
    runaway = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fz: <https://w3id.org/fazhi/ontology#> .
        <urn:x-slow> a sh:NodeShape ; sh:targetClass fz:Case ;
          sh:property [ sh:path fz:summary ; sh:pattern "^(a+)+$" ] .""",
    )
    data = fixture("conforming.ttl")
    data.set((CASE, FZ.summary, Literal("a" * 40 + "!")))
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"validation: stopped after 0\.5 s, the time limit"):
        validate(data, shapes=runaway, ontology=ontology, timeout=0.5)
    assert time.monotonic() - started < 5


def test_shapes_that_are_not_shacl_are_an_input_error(ontology):
    broken = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:x-broken> a sh:NodeShape ; sh:targetNode <urn:x> ;
          sh:property [ sh:path <urn:p> ; sh:datatype xsd:date , xsd:string ] .""",
    )
    with pytest.raises(InputError, match="shapes: not valid SHACL"):
        validate(fixture("conforming.ttl"), shapes=broken, ontology=ontology)


# --- the shipped shapes and ontology ---------------------------------------------------------------------


def test_defaults_are_the_shipped_shapes_and_ontology():
    if not shapes_files() or not ontology_file().is_file():
        pytest.skip("shapes/ or ontology/ not written yet")
    data = Graph()
    data.add((CASE, RDF.type, FZ.Case))
    data.add((CASE, FZ.caseFile, Literal("data/cases/x.yaml")))
    data.add((CASE, FZ.caseFileLine, Literal(3)))
    report = validate(data)
    assert not report.conforms
    assert any(p.path == "fz:region" and p.place == "data/cases/x.yaml:3" for p in report.problems)


# --- scale ----------------------------------------------------------------------------------------------


def synthetic_dataset(jurisdictions: int = 3342, regulations: int = 3400, cases: int = 8) -> Graph:
    """About 60k triples shaped like the full dataset: every county, 3,400 regulations, cases."""
    graph = Graph()
    base = DEFAULT_BASE
    add = graph.add

    def place(node: URIRef, file: str, line: int) -> None:
        add((node, FZ.caseFile, Literal(file)))
        add((node, FZ.caseFileLine, Literal(line)))

    for i in range(jurisdictions):
        node = URIRef(f"{base}jurisdiction/{110000 + i:06d}")
        add((node, RDF.type, FZ.Jurisdiction))
        add((node, FZ.adminCode, Literal(f"{110000 + i:06d}")))
        add((node, RDFS.label, Literal(f"地区{i}", lang="zh")))
        add((node, RDFS.label, Literal(f"Region {i}", lang="en")))
        add((node, FZ.level, URIRef(base + "level/county")))
        add((node, FZ.within, URIRef(f"{base}jurisdiction/110000")))
    for i in range(regulations):
        node = URIRef(f"{base}case/c{i % cases}/regulation/r{i}")
        add((node, RDF.type, FZ.Regulation))
        add((node, RDFS.label, Literal(f"条例{i}", lang="zh")))
        add((node, RDFS.label, Literal(f"Regulation {i}", lang="en")))
        add((node, FZ.regulationKind, URIRef(base + "regulation-kind/local-regulation")))
        add((node, FZ.issuerName, Literal("人民代表大会常务委员会", lang="zh")))
        add((node, FZ.datePassed, Literal("2020-01-01", datatype=XSD.date)))
        in_force = "2019-06-01" if i % 100 == 0 else "2020-03-01"
        add((node, FZ.dateInForce, Literal(in_force, datatype=XSD.date)))
        add((node, FZ.jurisdiction, URIRef(f"{base}jurisdiction/{110000 + i % jurisdictions:06d}")))
        place(node, f"data/cases/c{i % cases}.yaml", 100 + i)
    for c in range(cases):
        case = URIRef(f"{base}case/c{c}")
        add((case, RDF.type, FZ.Case))
        add((case, FZ.region, URIRef(f"{base}jurisdiction/{110000 + c:06d}")))
        add((case, FZ.summary, Literal("summary", lang="en")))
        place(case, f"data/cases/c{c}.yaml", 1)
        for m in range(40):
            measure = URIRef(f"{case}/measure/{m}")
            court = URIRef(f"{case}/institution/i{m}")
            outcome = URIRef(f"{case}/outcome/{m}")
            add((case, FZ.hasMeasure, measure))
            add((measure, RDF.type, FZ.Measure))
            add((measure, FZ.measureOf, case))
            add((measure, FZ.involves, court))
            add((measure, FZ.hasOutcome, outcome))
            add((court, RDF.type, FZ.Court))
            add((outcome, RDF.type, FZ.QuantitativeOutcome))
            add((outcome, FZ.value, Literal("18", datatype=XSD.decimal)))
            for node, line in ((measure, 2 + m), (court, 50 + m), (outcome, 60 + m)):
                place(node, f"data/cases/c{c}.yaml", line)
    return graph


@pytest.mark.slow
def test_sixty_thousand_triples_validate_in_under_ten_seconds(shapes, ontology):
    """CPU time, not wall time: other work on a shared machine must not fail this test."""
    data = synthetic_dataset()
    assert len(data) > 55_000
    started = time.process_time()
    report = check(data, shapes, ontology)
    report.to_text(), report.to_json(), report.to_turtle()
    elapsed = time.process_time() - started
    assert report.counts == {"Violation": 0, "Warning": 34, "Info": 0}
    assert elapsed < 10, f"validation of {len(data)} triples took {elapsed:.1f} s of CPU"


@pytest.mark.parametrize("lexical", ["INF", "-INF", "NaN", "Infinity", "1e309", "1E3"])
def test_non_finite_and_exponent_decimals_are_ill_typed(ontology, lexical):
    """Regression (issue 8): "Infinity"^^xsd:decimal was published and passed kg validate."""
    data = fixture("conforming.ttl")
    data.add((URIRef("urn:x-outcome"), FZ.value, Literal(lexical, datatype=XSD.decimal, normalize=False)))
    report = validate(data, shapes=Graph(), ontology=ontology)
    assert [p.message_en for p in report.problems if p.focus == "urn:x-outcome"] == [
        f'"{lexical}" is not a valid xsd:decimal; write a plain number such as 21 or 1700.5; '
        "keep words like 余 out of the value"
    ]
