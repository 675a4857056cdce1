"""Every named query gives the same answer on three SPARQL engines: rdflib, the embedded pyoxigraph store and
the Oxigraph SPARQL server (``oxigraph serve-read-only``), each given the ``.rq`` text exactly as shipped.

Answers are compared as multisets of rows (bag semantics: a duplicated row is a difference). Literals are
compared by value where the Oxigraph store canonicalises them (numbers, language tags; see kg.store).
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import Graph, Literal, URIRef

from kg import query as q
from kg.loading import read_rdf
from kg.terms import DEFAULT_BASE

NAMES = [query.name for query in q.list_named()]
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
    ]
}

Row = tuple[object, ...]


def _value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language:
            return ("lang", str(term), term.language.lower())
        datatype = str(term.datatype) if term.datatype is not None else XSD + "string"
        if datatype in NUMERIC:
            return ("number", Decimal(str(term)))
        if datatype == XSD + "boolean":
            return ("boolean", str(term) in {"true", "1"})
        return ("literal", str(term), datatype)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    return ("other", str(term))


def bag(variables: list[str], rows: list[dict[str, object]]) -> Counter[Row]:
    return Counter(tuple(_value(row.get(name)) for name in variables) for row in rows)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph SPARQL server on a free loopback port, holding the built dataset; stopped at the end."""
    binary = shutil.which("oxigraph") or str(Path(__file__).resolve().parent.parent / ".venv/bin/oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', a dev dependency) is not installed")
    location = tmp_path_factory.mktemp("oxigraph-server")
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(built / "dataset.nt")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _ask(endpoint, "ASK {}")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    message = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"the oxigraph server did not start on port {port}: {message}")
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _post(endpoint: str, text: str) -> bytes:
    request = urllib.request.Request(
        endpoint,
        data=text.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return bytes(response.read())


def _ask(endpoint: str, text: str) -> bool:
    return bool(json.loads(_post(endpoint, text))["boolean"])


@pytest.fixture(scope="module")
def rdflib_graph(built: Path) -> rdflib.Graph:
    return read_rdf(built / "dataset.nt")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_named_query_gives_the_same_answer_on_three_engines(
    name: str, rdflib_graph: rdflib.Graph, bundled_store: pyoxigraph.Store, server: str
) -> None:
    text = q.named(name).text
    variables = q.check(text).variables

    on_rdflib = rdflib_graph.query(text)
    rdflib_rows = [{v: b.get(rdflib.Variable(v)) for v in variables} for b in on_rdflib.bindings]

    on_store = q.run(bundled_store, text)
    assert on_store.variables == variables

    parsed = rdflib.query.Result.parse(io.BytesIO(_post(server, text)), format="json")
    assert [str(v) for v in parsed.vars] == variables
    server_rows = [{str(k): v for k, v in b.items()} for b in parsed.bindings]

    store_bag = bag(variables, on_store.rows)
    assert store_bag, f"{name} gives no rows on the bundled data"
    assert bag(variables, rdflib_rows) == store_bag, f"{name}: rdflib and the pyoxigraph store differ"
    assert bag(variables, server_rows) == store_bag, f"{name}: the Oxigraph server and the store differ"
    assert bag(variables, q.run_named(bundled_store, name).rows) == store_bag, "kg's run_named differs"


def test_bag_comparison_counts_duplicates() -> None:
    """The comparison must see a row returned twice (the skos:prefLabel|rdfs:label bug of rq12 and rq13)."""
    row = {"x": Literal("a", lang="zh")}
    assert bag(["x"], [row]) != bag(["x"], [row, row])
    assert bag(["x"], [{"x": Literal("1", datatype=URIRef(XSD + "positiveInteger"))}]) == bag(
        ["x"], [{"x": Literal("1", datatype=URIRef(XSD + "integer"))}]
    )


def test_a_sort_key_of_tilde_and_text_orders_as_the_term_itself_on_both_engines() -> None:
    """The named queries sort on ``CONCAT("~", STR(?x))`` (computed once per row) instead of ``?x``, which
    Oxigraph decodes from the store at every comparison: the same order for IRIs and for literals of one
    language, an unbound ``?x`` first, on rdflib and on pyoxigraph."""
    ex = "http://example.org/"
    iris = [f"{ex}case/{name}" for name in ["b", "a", "10", "9", "B", "a-b", "a/b", "\u00e9", "ab"]]
    labels = ["北京市", "吉林省", "A", "a", "10", "9", "北京", ""]
    turtle = "".join(f"<{ex}s{i}> <{ex}iri> <{iri}> .\n" for i, iri in enumerate(iris))
    turtle += "".join(f'<{ex}t{i}> <{ex}label> "{label}"@zh .\n' for i, label in enumerate(labels))
    turtle += f"<{ex}u> <{ex}other> 1 .\n"
    store = pyoxigraph.Store()
    store.load(turtle.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    graph = Graph().parse(data=turtle, format="turtle")
    for predicate in ["iri", "label"]:
        body = f"?s ?any ?o OPTIONAL {{ ?s <{ex}{predicate}> ?x }} BIND (CONCAT(\"~\", STR(?x)) AS ?key)"
        plain = f"SELECT DISTINCT ?s ?x WHERE {{ {body} }} ORDER BY ?x ?s"
        keyed = f"SELECT DISTINCT ?s ?x WHERE {{ {body} }} ORDER BY ?key ?s"
        orders = [
            [tuple(str(row[name]) for name in ("s", "x")) for row in q.run(source, text).rows]
            for source in (store, graph)
            for text in (plain, keyed)
        ]
        unbound = [x == "None" for _, x in orders[0]]
        assert unbound == sorted(unbound, reverse=True) and any(unbound), orders[0]
        assert orders[0] == orders[1] == orders[2] == orders[3], (predicate, orders)


def test_an_argument_written_into_values_cannot_leave_its_term() -> None:
    """Only pyoxigraph's N-Triples form of a valid IRI reaches the query text; anything else is bound."""
    query = q.named("rq03-case-measures")
    (variable,) = query.parameters
    for hostile in ("x> } SERVICE <http://example.org/", "a b", 'x"y', "x\\u003e"):
        text, bound = q._values_lines(query.text, {variable}, {variable: URIRef(DEFAULT_BASE + hostile)})
        assert f"VALUES ?{variable}" not in text and variable in bound
        assert "SERVICE" not in text and "example.org" not in text
    text, bound = q._values_lines(query.text, {variable}, {variable: URIRef(DEFAULT_BASE + "case/x")})
    assert f"VALUES ?{variable} {{ <{DEFAULT_BASE}case/x> }}\n" in text and not bound
    twice = q.named("rq06-region-similarity").text
    region = URIRef(DEFAULT_BASE + "jurisdiction/110108")
    text, bound = q._values_lines(twice, {"region"}, {"region": region})
    assert text.count(f"VALUES ?region {{ <{region}> }}") == twice.count("VALUES ?region") == 2 and not bound
    text, bound = q._values_lines("SELECT ?x WHERE { ?x ?p ?o }", {"x"}, {"x": region})
    assert bound == {"x": region}  # no VALUES line to write it in: bound through the API
    with pytest.raises(q.InputError, match="not a valid IRI"):
        q.run_named(Graph(), "rq03-case-measures", arguments={variable: "x> } SERVICE <http://e"})


@pytest.mark.parametrize("name", [query.name for query in q.list_named() if query.parameters])
def test_parameter_defaults_are_written_in_the_query(name: str) -> None:
    """A pasted .rq file answers for its default: the default sits in a VALUES block that -p replaces."""
    query = q.named(name)
    for variable, default in query.parameters.items():
        assert f"VALUES ?{variable} {{ {default.n3()} }}" in query.text
        text, bound = q.query_with_arguments(query, query.parameters, [variable])
        if isinstance(default, URIRef):
            assert f"VALUES ?{variable} {{ <{default}> }}" in text and variable not in bound
        else:
            assert f"VALUES ?{variable}" not in text and variable in bound
        text, bound = q.query_with_arguments(
            query, {k: v for k, v in query.parameters.items() if k != variable}, [variable]
        )
        assert f"VALUES ?{variable}" not in text and variable not in bound
        text, bound = q.query_with_arguments(query, query.parameters, [])
        assert text == query.text and variable not in bound


_PICK = {
    "a span": "SELECT ?n WHERE { ?n a fz:SourceSpan } ORDER BY ?n LIMIT 1",
    "a case": "SELECT ?n WHERE { ?n a fz:Case } ORDER BY ?n LIMIT 1",
    "a case with sub-measures": (
        "SELECT ?n WHERE { ?n fz:hasMeasure/fz:hasSubMeasure ?m } ORDER BY ?n LIMIT 1"
    ),
    "a node dated by a public source": "SELECT ?n WHERE { ?n fz:datesFrom ?p } ORDER BY ?n LIMIT 1",
    "an imported version": "SELECT ?n WHERE { ?v fz:hasVersion ?n } ORDER BY ?n LIMIT 1",
    "an imported work": "SELECT ?n WHERE { ?n fz:hasVersion ?v } ORDER BY ?n LIMIT 1",
    "a measure": "SELECT ?n WHERE { ?n a fz:Measure } ORDER BY ?n LIMIT 1",
    "a mechanism used by a case": "SELECT ?n WHERE { ?m fz:instantiates ?n } ORDER BY ?n LIMIT 1",
    "a top mechanism": "SELECT ?n WHERE { ?n skos:topConceptOf ?s ; a fz:Mechanism } ORDER BY ?n LIMIT 1",
    "the last region with a measure": (
        "SELECT ?n WHERE { ?c fz:region ?n ; fz:hasMeasure ?m } ORDER BY DESC(?n) LIMIT 1"
    ),
}

_ARGUMENTS = [
    ("rq11-provenance", "node", "a span"),
    ("rq11-provenance", "node", "a case"),
    ("rq11-provenance", "node", "a node dated by a public source"),
    ("rq11-provenance", "node", "an imported version"),
    ("rq11-provenance", "node", "an imported work"),
    ("rq11-provenance", "node", "a measure"),
    ("rq03-case-measures", "case", "a case with sub-measures"),
    ("rq03-case-measures", "case", "*"),
    ("rq10-mechanism-diffusion", "mechanism", "a mechanism used by a case"),
    ("rq10-mechanism-diffusion", "mechanism", "a top mechanism"),
    ("rq06-region-similarity", "region", "the last region with a measure"),
    ("rq06-region-similarity", "region", "*"),
]
"""rq10 with ``-p mechanism=*`` is left out: rdflib takes over 3 minutes on it, more than CI can afford; the
store's answer for ``*`` was compared with the query before the rewrite on the bundled data (as sets)."""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameter", "what"), _ARGUMENTS)
def test_named_query_with_an_argument_gives_the_same_answer_on_both_engines(
    name: str, parameter: str, what: str, rdflib_graph: rdflib.Graph, bundled_store: pyoxigraph.Store
) -> None:
    """The queries rewritten for Oxigraph's planner (issue 10) keep their answers when -p binds the parameter
    at run time (pyoxigraph's substitutions, rdflib's initBindings), for each kind of node they handle."""
    if what in _PICK:
        rows = q.run(bundled_store, _PICK[what]).rows
        assert rows, f"the bundled data holds no example of {what}"
        argument = str(rows[0]["n"])
    else:
        argument = what
    arguments = {parameter: argument}
    on_store = q.run_named(bundled_store, name, arguments=arguments)
    on_rdflib = q.run_named(rdflib_graph, name, arguments=arguments)
    assert on_store.rows, f"{name} -p {parameter}={argument} gives no rows"
    assert bag(on_store.variables, on_rdflib.rows) == bag(on_store.variables, on_store.rows)
