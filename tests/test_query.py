"""The query store, the guard, both engines, named queries and result formats (kg.store, kg.query)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic

from kg import query as q
from kg import store as kstore
from kg.errors import InputError, LimitExceeded, QueryError, UnknownQueryError

FIXTURE = Path(__file__).parent / "fixtures" / "mini-dataset.ttl"
ID = "https://w3id.org/fazhi/id/"

MINE = [
    "rq01-case-regions",
    "rq02-case-regulations",
    "rq03-case-measures",
    "rq04-case-institutions",
    "rq05-outcomes",
    "rq06-region-similarity",
    "rq06-shared-mechanisms",
    "rq07-cases-by-field",
    "rq08-coverage",
    "rq11-provenance",
    "rq12-enforcement-justice-linkage",
    "rq13-digital",
    "rq14-evaluation",
]
"""The named queries of the core issue (other files in kg/queries belong to the legislation work)."""

NO_TEXT = {"340000", "430000", "440000", "500000", "640000"}
"""安徽 湖南 广东 重庆 宁夏: reported by the notice, no case text."""


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE, format="turtle")


@pytest.fixture(scope="module")
def store(graph: rdflib.Graph) -> pyoxigraph.Store:
    return kstore.from_graph(graph)


def comparable(result: q.QueryResult) -> list[dict[str, object]]:
    """Rows with typed literals compared by value: the store gives numbers in canonical form (kg.store)."""

    def value(term: object) -> object:
        if isinstance(term, Literal) and term.datatype is not None:
            return (term.toPython(), "typed")
        return term

    return [{k: value(v) for k, v in row.items()} for row in result.rows]


# --- store -------------------------------------------------------------------------------------------------


def test_store_round_trip_keeps_strings_languages_dates_and_blank_nodes() -> None:
    g = rdflib.Graph()
    s, p = URIRef("http://example.org/s"), URIRef("http://example.org/p")
    node = BNode()
    for obj in (
        Literal('quote " backslash \\ newline \n tab \t', lang="zh-hans"),
        Literal("2021-09-24", datatype=rdflib.XSD.date),
        Literal("abc", datatype=rdflib.XSD.decimal),
        Literal("北京"),
        node,
    ):
        g.add((s, p, obj))
    g.add((node, p, Literal("in a blank node", lang="en")))
    back = kstore.to_graph(kstore.from_graph(g))
    assert isomorphic(g, back), sorted(back)


def test_store_gives_numbers_and_language_tags_in_canonical_form() -> None:
    """Documented in kg.store: pyoxigraph canonicalises numbers and tags (so the store never publishes)."""
    g = rdflib.Graph()
    s = URIRef("http://e/s")
    g.add((s, URIRef("http://e/p"), Literal("01", datatype=rdflib.XSD.integer, normalize=False)))
    g.add((URIRef("http://e/s"), URIRef("http://e/q"), Literal("7", datatype=rdflib.XSD.positiveInteger)))
    g.add((URIRef("http://e/s"), URIRef("http://e/r"), Literal("x", lang="zh-Hans")))
    objects = {str(p): o for _, p, o in kstore.to_graph(kstore.from_graph(g))}
    assert objects["http://e/r"].language == "zh-hans"
    assert str(objects["http://e/p"]) == "1"
    assert objects["http://e/q"].datatype == rdflib.XSD.integer
    assert objects["http://e/q"].eq(Literal("7", datatype=rdflib.XSD.positiveInteger))


def test_store_refuses_an_iri_that_would_break_n_triples() -> None:
    g = rdflib.Graph()
    g.add((URIRef("http://e/s> <http://e/p> <http://e/o"), URIRef("http://e/p"), Literal("x")))
    with pytest.raises(InputError, match="not a valid IRI"):
        kstore.from_graph(g)


def test_store_holds_every_fixture_triple(graph: rdflib.Graph, store: pyoxigraph.Store) -> None:
    assert len(store) == len(graph)


# --- the guard ---------------------------------------------------------------------------------------------

REFUSED = {
    "service in optional": (
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?q ?z } } }"
    ),
    "service in filter exists": (
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?q ?z } } }"
    ),
    "service in minus in not exists": (
        "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s ?p ?o MINUS { SERVICE ?svc { ?s ?q ?z } } } }"
    ),
    "service in subquery": (
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?q ?z } } } }"
    ),
    "service in union": "ASK { { ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
    "service in construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "service spelt with an escape": r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "from": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "from named": "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "load": "LOAD <http://127.0.0.1:9/data.ttl>",
    "insert": "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "delete": "DELETE WHERE { ?s ?p ?o }",
    "drop": "DROP ALL",
    "clear": "CLEAR DEFAULT",
    "create": "CREATE GRAPH <http://e/g>",
    "query then update": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_guard_refuses(text: str, store: pyoxigraph.Store, graph: rdflib.Graph) -> None:
    size = len(store)
    for source in (store, graph):
        with pytest.raises(QueryError):
            q.run(source, text)
    assert len(store) == size


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }", "SERVICE <http://127.0.0.1:9/>"),
        ("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }", "FROM <http://e/g>"),
        ("SELECT * FROM NAMED <http://e/g> WHERE { ?s ?p ?o }", "FROM NAMED <http://e/g>"),
    ],
)
def test_guard_message_names_the_construct_and_the_opt_in(text: str, construct: str) -> None:
    with pytest.raises(QueryError) as caught:
        q.check(text)
    assert construct in str(caught.value)
    assert "--allow-network" in str(caught.value)


def test_guard_says_updates_are_refused_even_with_allow_network() -> None:
    with pytest.raises(QueryError, match="LOAD is refused"):
        q.check("LOAD <http://e/x>", allow_network=True)
    with pytest.raises(QueryError, match="INSERT DATA is refused: this is a SPARQL update"):
        q.check("INSERT DATA { <http://e/s> <http://e/p> 1 }", allow_network=True)


def test_allow_network_lets_service_and_from_through_the_guard() -> None:
    service = "SELECT * WHERE { SERVICE <http://e/sparql> { ?s ?p ?o } }"
    assert q.check(service, allow_network=True).form == "select"
    assert q.check("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }", allow_network=True).form == "select"


def test_guard_accepts_a_plain_select(store: pyoxigraph.Store) -> None:
    checked = q.check("SELECT ?case WHERE { ?case a fz:Case } ORDER BY ?case")
    assert (checked.form, checked.variables, checked.ordered) == ("select", ["case"], True)
    assert len(q.run(store, checked.text).rows) == 3


def test_syntax_error_reports_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"syntax error at line 3, column 2"):
        q.check("SELECT * WHERE {\n  ?s ?p ?o .\n FILTER(?o = ) }")


@pytest.mark.parametrize("text", ["", "#", "PREFIX a: <http://a/>", ";"])
def test_empty_or_headless_query_is_a_syntax_error(text: str) -> None:
    """Regression: '#' parses as an empty update, which once crashed the update check with a TypeError."""
    with pytest.raises(QueryError, match="expected a SELECT, CONSTRUCT, DESCRIBE or ASK query"):
        q.check(text)


def test_unknown_prefix_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="nope"):
        q.check("SELECT * WHERE { ?s nope:p ?o }")


def test_deep_nesting_is_a_limit_not_a_traceback() -> None:
    with pytest.raises(LimitExceeded, match="query too deeply nested"):
        q.check("SELECT * WHERE { FILTER(" + "(" * 400 + "1" + ")" * 400 + ") }")


def test_escaped_quote_cannot_hide_a_service_from_the_guard(store: pyoxigraph.Store) -> None:
    """rdflib expands \\u escapes everywhere, pyoxigraph only in strings: both must read the same text."""
    text = r'SELECT * WHERE { ?s ?p ?o FILTER(?o = "\u005C") SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #") }'
    with pytest.raises(Exception):  # noqa: B017 - raw, pyoxigraph itself tries the SERVICE call and fails
        list(store.query(text))
    assert q.run(store, text).rows == []


def test_timeout_gives_up_waiting(store: pyoxigraph.Store) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"query: stopped after 0\.05 s, the time limit"):
        q.run(store, slow, timeout=0.05)
    assert time.monotonic() - started < 2


def test_timeout_returns_a_quick_answer(store: pyoxigraph.Store) -> None:
    assert q.run(store, "ASK { ?s a fz:Case }", timeout=30).boolean is True


# --- both engines ------------------------------------------------------------------------------------------

QUERIES = [
    "SELECT ?case ?label WHERE { ?case a fz:Case ; rdfs:label ?label FILTER (lang(?label) = 'zh') }",
    "SELECT * WHERE { ?case fz:region ?region . ?region fz:adminCode ?code }",
    "SELECT ?m ?o WHERE { ?m fz:order ?o } ORDER BY ?m",
    "SELECT ?case ?outcome WHERE { ?case fz:hasMeasure/fz:hasSubMeasure* ?m . "
    "OPTIONAL { ?m fz:hasOutcome ?outcome } }",
    "ASK { ?s fz:approximate true }",
    "ASK { ?s fz:approximate 'maybe' }",
    "CONSTRUCT { ?case fz:region ?r } WHERE { ?case fz:region ?r }",
]


@pytest.mark.parametrize("text", QUERIES)
def test_both_engines_give_the_same_result(text: str, store: pyoxigraph.Store, graph: rdflib.Graph) -> None:
    a, b = q.run(store, text), q.run(graph, text)
    assert (a.kind, a.variables, a.boolean) == (b.kind, b.variables, b.boolean)
    assert comparable(a) == comparable(b)


def test_select_star_lists_variables_in_order_of_appearance(store: pyoxigraph.Store) -> None:
    result = q.run(store, "SELECT * WHERE { ?case fz:region ?region . ?region fz:adminCode ?code }")
    assert result.variables == ["case", "region", "code"]


def test_bindings_go_through_the_engine(store: pyoxigraph.Store, graph: rdflib.Graph) -> None:
    text = "SELECT ?case ?code WHERE { ?case fz:region ?r . ?r fz:adminCode ?code }"
    for source in (store, graph):
        rows = q.run(source, text, bindings={"code": Literal("220000")}).rows
        assert rows == [{"case": URIRef(ID + "case/2022-jilin"), "code": Literal("220000")}]


def test_a_select_binds_only_variables_it_returns(store: pyoxigraph.Store, graph: rdflib.Graph) -> None:
    text = "SELECT ?c WHERE { ?c fz:region/fz:adminCode ?code }"
    for source in (store, graph):
        with pytest.raises(QueryError, match=r"cannot bind \?code: .* add \?code to the SELECT"):
            q.run(source, text, bindings={"code": Literal("1")})


def test_construct_result_is_also_a_graph(store: pyoxigraph.Store) -> None:
    result = q.run(store, "CONSTRUCT { ?c fz:region ?r } WHERE { ?c fz:region ?r }")
    assert len(result.graph()) == 3


# --- named queries -----------------------------------------------------------------------------------------


def test_list_is_sorted_and_holds_every_core_query() -> None:
    names = [query.name for query in q.list_named()]
    assert names == sorted(names)
    assert set(MINE) <= set(names)


@pytest.mark.parametrize("name", MINE)
def test_named_query_header_is_complete_and_it_parses(name: str) -> None:
    query = q.named(name)
    assert query.name == name
    assert query.question.startswith("RQ")
    assert query.path is not None and query.path.name == f"{name}.rq"
    checked = q.check(query.text)
    assert checked.form == "select"
    assert set(query.parameters) <= set(checked.variables), "a parameter must be a returned variable"


@pytest.mark.parametrize("name", MINE)
def test_named_query_answers_on_the_fixture_with_both_engines(
    name: str, store: pyoxigraph.Store, graph: rdflib.Graph
) -> None:
    a, b = q.run_named(store, name), q.run_named(graph, name)
    assert a.rows, f"{name} returned no rows"
    assert a.variables == b.variables
    assert comparable(a) == comparable(b)


def test_parameters_have_defaults() -> None:
    assert q.named("rq03-case-measures").parameters == {"case": URIRef(ID + "case/2022-beijing")}
    assert q.named("rq11-provenance").parameters == {"node": URIRef(ID + "case/2022-jilin/outcome/1")}


def test_rq03_default_is_beijing_in_order(store: pyoxigraph.Store) -> None:
    rows = q.run_named(store, "rq03-case-measures").rows
    assert [str(row["number"]) for row in rows] == ["1", "1.1", "2"]
    assert str(rows[0]["lines"]) == "41–51"


@pytest.mark.parametrize(
    "argument", ["2022-jilin", "case/2022-jilin", "id:case/2022-jilin", f"<{ID}case/2022-jilin>"]
)
def test_rq03_takes_a_case_in_any_short_form(argument: str, store: pyoxigraph.Store) -> None:
    rows = q.run_named(store, "rq03-case-measures", arguments={"case": argument}).rows
    assert {str(row["case"]) for row in rows} == {ID + "case/2022-jilin"}
    assert [str(row["number"]) for row in rows] == ["1", "1.1", "2", "2.1"]


def test_rq08_lists_the_region_without_text(store: pyoxigraph.Store) -> None:
    rows = q.run_named(store, "rq08-coverage").rows
    gaps = {(str(row["gap"]), str(row["regionCode"])) for row in rows}
    assert gaps == {("no case text", "340000"), ("text truncated", "220000"), ("no outcomes", "110000")}


def test_rq08_region_inspected_without_any_case_has_one_row(graph: rdflib.Graph) -> None:
    """Regression: rq08 looked the status up at the top, where a region with no case node left ?case unbound,
    so the OPTIONAL matched every case's status: one row per case of the dataset (7,360 of 8,101 rows at 1M
    triples, where the real provinces have no synthetic case)."""
    extended = rdflib.Graph()
    for triple in graph:
        extended.add(triple)
    fz = rdflib.Namespace("https://w3id.org/fazhi/ontology#")
    region = URIRef(ID + "jurisdiction/150000")
    extended.add((URIRef(ID + "inspection/2021-10-law-based-government"), fz.inspected, region))
    extended.add((region, fz.adminCode, Literal("150000")))
    extended.add((region, rdflib.RDFS.label, Literal("内蒙古自治区", lang="zh")))
    for engine in (kstore.from_graph(extended), extended):
        rows = q.run_named(engine, "rq08-coverage").rows
        rows = [row for row in rows if str(row["regionCode"]) == "150000"]
        assert len(rows) == 1, rows
        assert str(rows[0]["gap"]) == "no case text"
        assert rows[0]["case"] is None and rows[0]["status"] is None


def test_rq11_says_so_when_a_node_has_no_span(store: pyoxigraph.Store) -> None:
    rows = q.run_named(store, "rq11-provenance", arguments={"node": "case/2022-beijing/measure/1.1"}).rows
    assert [str(row["note"]) for row in rows] == ["no source span recorded for this node"]
    with pytest.raises(InputError, match="names nothing in the data"):
        q.run_named(store, "rq11-provenance", arguments={"node": "case/nowhere"})


def test_a_topic_argument_may_be_its_label(bundled_store: pyoxigraph.Store) -> None:
    """Regression: a topic given by label became the IRI id:topic/<label> and answered nothing."""
    rows = q.run_named(bundled_store, "rq10-topic-diffusion", arguments={"topic": "优化营商环境条例"}).rows
    assert rows and {str(row["topicLabel"]) for row in rows} == {"优化营商环境条例"}
    with pytest.raises(InputError, match="no node under"):
        q.run_named(bundled_store, "rq10-topic-diffusion", arguments={"topic": "不存在的条例"})


def test_injection_through_an_iri_argument_is_refused(store: pyoxigraph.Store) -> None:
    size = len(store)
    with pytest.raises(InputError, match="not a valid IRI"):
        q.run_named(store, "rq03-case-measures", arguments={"case": '220000" } ; DROP ALL ; #'})
    assert len(store) == size


def test_injection_through_a_literal_argument_binds_a_harmless_literal(store: pyoxigraph.Store) -> None:
    region = q.parse_named(
        "# name: by-region\n# question: cases of a region\n# param: code = \"110000\"\n"
        "SELECT ?case ?code WHERE { ?case fz:region/fz:adminCode ?code }"
    )
    size = len(store)
    assert q.run(store, region.text, bindings=q.bind_arguments(region, None)).rows == [
        {"case": URIRef(ID + "case/2022-beijing"), "code": Literal("110000")}
    ]
    hostile = q.bind_arguments(region, {"code": '220000" } ; DROP ALL ; #'})
    assert hostile == {"code": Literal('220000" } ; DROP ALL ; #')}
    assert q.run(store, region.text, bindings=hostile).rows == []
    assert len(store) == size


def test_unknown_named_query_lists_close_matches() -> None:
    with pytest.raises(UnknownQueryError, match="rq03-case-measures") as caught:
        q.named("rq03")
    assert "kg query --list" in str(caught.value)
    with pytest.raises(UnknownQueryError, match="rq05-outcomes"):
        q.named("rq05-outcome")
    with pytest.raises(UnknownQueryError):
        q.named("../../etc/passwd")


def test_unknown_argument_names_the_parameters(store: pyoxigraph.Store) -> None:
    with pytest.raises(InputError, match=r"has no parameter 'region' \(its parameters: case\)"):
        q.run_named(store, "rq03-case-measures", arguments={"region": "220000"})


def test_malformed_header_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    with pytest.raises(QueryError, match="lacks '# question"):
        q.parse_named("# name: broken\nSELECT * WHERE { ?s ?p ?o }", path=path)
    with pytest.raises(QueryError, match=r"broken.rq:3: write a parameter"):
        q.parse_named("# name: broken\n# question: x\n# param: nothing here\nASK {}", path=path)
    with pytest.raises(QueryError, match="does not match the file name"):
        q.parse_named("# name: other\n# question: x\nASK {}", path=path)


# --- formats -----------------------------------------------------------------------------------------------


def test_json_is_sparql_results_json_and_round_trips(store: pyoxigraph.Store) -> None:
    result = q.run_named(store, "rq05-outcomes")
    text = q.format_result(result, "json")
    document = json.loads(text)
    assert document["head"]["vars"] == result.variables
    first = document["results"]["bindings"][0]
    assert first["case"] == {"type": "uri", "value": ID + "case/2022-jilin"}
    assert first["region"] == {"type": "literal", "value": "吉林省", "xml:lang": "zh"}
    assert first["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert "qualifier" not in first, "unbound variables are left out of a binding"
    parsed = rdflib.query.Result.parse(io.StringIO(text), format="json")
    assert [str(v) for v in parsed.vars] == result.variables
    assert [{str(k): v for k, v in b.items()} for b in parsed.bindings] == [
        {k: v for k, v in row.items() if v is not None} for row in result.rows
    ]


def test_json_for_ask(store: pyoxigraph.Store) -> None:
    text = q.format_result(q.run(store, "ASK { ?c a fz:Case }"), "json")
    assert json.loads(text) == {"head": {}, "boolean": True}
    assert rdflib.query.Result.parse(io.StringIO(text), format="json").askAnswer is True


def test_csv_and_tsv_follow_the_sparql_formats(store: pyoxigraph.Store) -> None:
    text = "SELECT ?case ?label WHERE { ?case a fz:Case ; rdfs:label ?label FILTER (lang(?label) = 'zh') }"
    result = q.run(store, text)
    csv_lines = q.format_result(result, "csv").split("\r\n")
    assert csv_lines[0] == "case,label"
    assert csv_lines[1] == f"{ID}case/2022-anhui,安徽省典型案例(无文本)"
    tsv_lines = q.format_result(result, "tsv").splitlines()
    assert tsv_lines[0] == "?case\t?label"
    assert tsv_lines[1] == f'<{ID}case/2022-anhui>\t"安徽省典型案例(无文本)"@zh'


def test_table_aligns_chinese_text_by_display_width(store: pyoxigraph.Store) -> None:
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    result = q.run_named(store, "rq01-case-regions")
    lines = q.format_result(result, "table").splitlines()
    assert lines[0].startswith("case ")
    column = lines[0].index("regionCode")
    for line in lines[2:]:
        cells = line.split("  ")
        assert width(cells[0].rstrip()) <= column
    codes = ("110000", "220000", "340000")
    region_starts = {width(line[: line.index(code)]) for line in lines[2:] for code in codes if code in line}
    assert len(region_starts) == 1
    status_col = width(lines[0][: lines[0].index("status")])
    assert {width(line[: line.index(word)]) for line in lines[2:]
            for word in ("complete", "truncated", "text unavailable") if word in line} == {status_col}


def test_table_shortens_iris_with_known_prefixes(store: pyoxigraph.Store) -> None:
    text = q.format_result(q.run(store, "SELECT ?c ?t WHERE { ?c a ?t FILTER (?t = fz:Case) }"), "table")
    assert "case:2022-beijing" in text and "fz:Case" in text
    assert q.format_result(q.run(store, "SELECT ?x WHERE { FILTER(false) }"), "table").endswith("(no rows)\n")


def test_unknown_format_is_an_input_error(store: pyoxigraph.Store) -> None:
    with pytest.raises(InputError, match="table, csv, tsv, json"):
        q.format_result(q.run(store, "ASK {}"), "xml")


# --- the real dataset --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(bundled_store: pyoxigraph.Store) -> pyoxigraph.Store:
    return bundled_store


@pytest.mark.parametrize("name", MINE)
def test_named_query_answers_on_the_bundled_data(name: str, dataset: pyoxigraph.Store) -> None:
    assert q.run_named(dataset, name).rows, f"{name} returned no rows on the bundled data"


def test_rq08_lists_the_five_regions_without_text(dataset: pyoxigraph.Store) -> None:
    rows = q.run_named(dataset, "rq08-coverage").rows
    assert {str(row["regionCode"]) for row in rows if str(row["gap"]) == "no case text"} == NO_TEXT


def _analysis_queries() -> list[str]:
    """Every constant query text of the analyses (module-level strings that hold a SELECT)."""
    import importlib

    texts = []
    for module in ("diffusion", "eventhistory", "graphs", "paths", "sparql"):
        loaded = importlib.import_module(f"kg.analysis.{module}")
        for value in vars(loaded).values():
            if isinstance(value, str) and "SELECT" in value and "WHERE" in value:
                texts.append(value.replace("%s", ""))
            elif isinstance(value, dict):
                texts += [v for v in value.values() if isinstance(v, str) and "SELECT" in v]
    return texts


@pytest.mark.parametrize("text", [named.text for named in q.list_named()] + _analysis_queries())
def test_trusted_reading_finds_what_the_full_check_finds(text: str) -> None:
    """Regression (issue 10): named queries took 0.4–0.7 s before running, in rdflib's parser; they skip it
    now, so the light reading must give the form, columns and top-level ORDER BY the guard's parse gives."""
    from kg.query import check, trusted_check

    light, full = trusted_check(text), check(text)
    if light is None:
        assert text not in {named.text for named in q.list_named()}, "every named query takes the light path"
        return
    assert (light.form, light.variables, light.ordered) == (full.form, full.variables, full.ordered)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT ?s FROM <http://example.org/g> WHERE { ?s ?p ?o }",
        'SELECT ?s WHERE { ?s ?p "\\u0041" }',
    ],
)
def test_trusted_reading_leaves_what_it_does_not_handle_to_the_full_check(text: str) -> None:
    from kg.query import trusted_check

    assert trusted_check(text) is None


def test_trusted_reading_sees_order_by_only_at_the_top_level() -> None:
    from kg.query import trusted_check

    inner = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3 } }"
    outer = 'SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "ORDER BY") } GROUP BY ?s ORDER BY ?n'
    light_inner, light_outer = trusted_check(inner), trusted_check(outer)
    assert light_inner is not None and not light_inner.ordered
    assert light_outer is not None and light_outer.ordered and light_outer.variables == ["s", "n"]


def test_legislation_counts_gives_no_rows_without_legislation_on_either_engine() -> None:
    """Regression (issue 10): rewritten for the store, legislation-counts met rdflib's one group of no rows
    (unbound kind and jurisdiction) and paired every label with every other: minutes on a small dataset."""
    graph = rdflib.Graph().parse(
        data=(
            '<http://e/a> <http://www.w3.org/2000/01/rdf-schema#label> "x"@zh .\n'
            '<http://e/k> <http://www.w3.org/2004/02/skos/core#prefLabel> "k"@zh .\n'
        ),
        format="nt",
    )
    assert q.run_named(graph, "legislation-counts").rows == []
    assert q.run_named(kstore.from_graph(graph), "legislation-counts").rows == []


# --- answers in pyoxigraph's terms (kg query on a store: no rdflib) -----------------------------------------


NATIVE_CALLS = [
    *((name, {}) for name in MINE),
    ("rq03-case-measures", {"case": "2022-jilin"}),
    ("rq03-case-measures", {"case": f"<{ID}case/2022-jilin>"}),
    ("rq03-case-measures", {"case": "*"}),
    ("rq11-provenance", {"node": "case/2022-beijing"}),
    ("rq11-provenance", {"node": "*"}),
]


@pytest.mark.parametrize(("name", "arguments"), NATIVE_CALLS)
def test_native_answer_prints_what_the_rdflib_answer_prints(
    name: str, arguments: dict[str, str], store: pyoxigraph.Store
) -> None:
    full = q.run_named(store, name, arguments=arguments)
    native = q.run_named(store, name, arguments=arguments, native=True)
    assert native.rows, f"{name} {arguments} returned no rows"
    assert any(type(term).__module__ == "pyoxigraph" for row in native.rows for term in row.values())
    for fmt in ("table", "csv", "tsv", "json"):
        assert q.format_result(native, fmt) == q.format_result(full, fmt), (name, arguments, fmt)


def test_native_answer_of_a_user_query_prints_the_same_in_every_format(store: pyoxigraph.Store) -> None:
    text = (
        "SELECT ?s ?label ?n ?b WHERE { ?s ?p ?label . OPTIONAL { ?s fz:number ?n } BIND (BNODE() AS ?b) "
        "FILTER (isLiteral(?label)) } ORDER BY ?s ?label LIMIT 60"
    )
    full, native = q.run(store, text), q.run(store, text, native=True)
    for fmt in ("table", "csv", "tsv"):
        assert q.format_result(native, fmt).count("\n") == q.format_result(full, fmt).count("\n") > 50
    plain = "SELECT ?s ?label WHERE { ?s ?p ?label FILTER (isLiteral(?label)) }"
    for fmt in ("table", "csv", "tsv", "json"):
        assert q.format_result(q.run(store, plain, native=True), fmt) == q.format_result(
            q.run(store, plain), fmt
        )


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("rq03-case-measures", {"case": "2022-nowhere"}),
        ("rq03-case-measures", {"nothing": "x"}),
        ("rq03-case-measures", {"case": "a b"}),
    ],
)
def test_native_call_gives_the_same_error(
    name: str, arguments: dict[str, str], store: pyoxigraph.Store
) -> None:
    with pytest.raises(InputError) as full:
        q.run_named(store, name, arguments=arguments)
    with pytest.raises(InputError) as native:
        q.run_named(store, name, arguments=arguments, native=True)
    assert str(native.value) == str(full.value)


def test_named_query_on_a_store_imports_no_rdflib(tmp_path: Path) -> None:
    """kg query --name on a store: rdflib (about 0.2 s of start-up) is not imported, and the output is the
    same as through rdflib's terms (--format nt of a CONSTRUCT still uses rdflib)."""
    import subprocess
    import sys

    store_dir = tmp_path / "store"
    subprocess.run(
        [sys.executable, "-m", "kg", "load", str(FIXTURE), "--store", str(store_dir)],
        check=True,
        capture_output=True,
    )
    script = (
        "import sys\n"
        "from kg.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "finally:\n"
        "    print('RDFLIB' if 'rdflib' in sys.modules else 'NO-RDFLIB', file=sys.stderr)\n"
    )
    for arguments in (["-n", "rq03-case-measures"], ["-n", "rq03-case-measures", "-p", "case=2022-jilin"]):
        run = subprocess.run(
            [sys.executable, "-c", script, "query", *arguments, "--store", str(store_dir)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert run.stderr.strip().endswith("NO-RDFLIB"), run.stderr
        name, *rest = arguments[1:]
        expected = q.run_named(
            kstore.from_graph(rdflib.Graph().parse(FIXTURE)),
            name,
            arguments=dict([rest[1].split("=")]) if rest else {},
        )
        assert run.stdout == q.format_result(expected, "table")


def test_plain_namespaces_are_rdflib_s() -> None:
    """kg.namespaces writes out, without rdflib, the namespaces rdflib defines."""
    from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

    from kg.namespaces import PREFIXES

    for prefix, namespace in {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS}.items():
        assert PREFIXES[prefix] == str(namespace)
    assert PREFIXES["dcterms"] == str(DCTERMS)


def test_a_named_query_reads_the_ontology_only_when_its_header_says_so(built: Path) -> None:
    """``kg query --name`` runs a query on the data alone unless its header says ``# ontology: read``: the
    answer must be the one with the ontology beside the data, row for row, on the bundled store."""
    path = kstore.store_path(built)
    view = kstore.with_ontology(path)
    assert view is not None, "kg build writes the ontology graph into the store"
    plain = kstore.open_store(path)
    for query in q.list_named():
        alone, beside = q.run_named(plain, query.name).rows, q.run_named(view, query.name).rows
        if query.reads_ontology:
            assert alone != beside, f"{query.name} says '# ontology: read' but answers the same without it"
        else:
            assert alone == beside, (
                f"{query.name} answers differently without the ontology: add '# ontology: read' to its header"
            )


def test_the_ontology_header_line_says_read_or_is_absent() -> None:
    assert q.header_reads_ontology("# name: x\n# ontology: read\nSELECT * {}") is True
    assert q.header_reads_ontology("# name: x\nSELECT * {}") is False
    with pytest.raises(QueryError, match="ontology: read"):
        q.header_reads_ontology("# ontology: yes\nSELECT * {}", "x.rq")


def test_rq07_gives_a_field_without_cases_one_row_with_no_case_on_both_engines() -> None:
    """Regression: the status lookup after the UNION joined a field's row that has no case with every case's
    status, so the field was listed with a case of another field."""
    data = """
    @prefix fz: <https://w3id.org/fazhi/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://w3id.org/fazhi/id/field/smart-enforcement> a fz:PolicyField ; skos:prefLabel "smart"@en .
    <https://w3id.org/fazhi/id/case/x> a fz:Case ; fz:status <urn:status> ; fz:region <urn:region> .
    <urn:region> rdfs:label "某地"@zh .
    <urn:status> skos:prefLabel "published"@en .
    """
    graph = rdflib.Graph().parse(data=data, format="turtle")
    for source in (graph, kstore.from_graph(graph)):
        rows = q.run_named(source, "rq07-cases-by-field").rows
        assert [(row["field"], row["case"], row["status"]) for row in rows] == [
            (URIRef("https://w3id.org/fazhi/id/field/smart-enforcement"), None, None)
        ]


def test_iris_shorten_to_the_longest_known_namespace_with_a_valid_local_name() -> None:
    """``_short_iri`` looks namespaces up by length; it must answer as a scan of every prefix would."""

    def scan(value: str) -> str:
        fits = [(p, n) for p, n in q.QUERY_PREFIXES.items() if value.startswith(n)]
        best = max(fits, key=lambda item: len(item[1]), default=None)
        if best and q._LOCAL_NAME.fullmatch(value[len(best[1]) :]):
            return f"{best[0]}:{value[len(best[1]) :]}"
        return f"<{value}>"

    namespaces = list(q.QUERY_PREFIXES.values())
    values = ["", "h", "urn:x", "https://w3id.org/fazhi/id", "https://w3id.org/fazhi/id/case/2022-jilin/measure/1"]
    for namespace in namespaces:
        values += [namespace, namespace[:-1], *(namespace + local for local in ("x", "a/b", "x.", "案例"))]
    for value in values:
        assert q._short_iri(value) == scan(value), value
