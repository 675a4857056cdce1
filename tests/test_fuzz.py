"""Fuzzing (hypothesis) the case-file loader, the RDF loading path and the query guard.

Whatever the input, the library either returns data or raises an :class:`~kg.errors.InputError` whose message
names the file; it never crashes with another exception. Example counts are bounded so this stays fast.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.loading import RdfFormat, dump_yaml, load_yaml, read_rdf

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

YAML_PIECES = st.sampled_from(
    [
        "id",
        ":",
        " ",
        "\n",
        "  ",
        "- ",
        "&a",
        "*a",
        "!!str",
        "!t",
        "<<",
        "{",
        "}",
        "[",
        "]",
        ",",
        '"',
        "'",
        "#",
        "NO",
        "yes",
        "0123",
        "1:20",
        "~",
        "null",
        "1.5",
        ".inf",
        "---",
        "...",
        "?",
        "|",
        ">",
        "\t",
        "é",
        "法治",
        "\x00",
    ]
)
TURTLE_PIECES = st.sampled_from(
    [
        "@prefix ex: <http://example.org/> .\n",
        "ex:s",
        "ex:p",
        "ex:o",
        " ",
        ".",
        ";",
        ",",
        "[",
        "]",
        "(",
        ")",
        '"x"',
        '"""a\nb"""',
        "@en",
        "@e_n",
        "^^",
        "<http://www.w3.org/2001/XMLSchema#integer>",
        '"01"',
        "_:b",
        "<rel>",
        "<http://a b>",
        "\\u0000",
        "\\uD800",
        "<<(",
        ")>>",
        "@base <http://b/> .\n",
        "a",
        "true",
        "1.5e3",
    ]
)


def _check(path: Path, error: InputError) -> None:
    assert str(error).startswith(str(path)) or str(path) in str(error), str(error)


def _write(data: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return Path(handle.name)


@FAST
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_yaml_loader_returns_data_or_a_placed_error(text: str) -> None:
    path = _write(text.encode("utf-8"), ".yaml")
    try:
        document = load_yaml(path)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        assert not any(getattr(event, "anchor", None) for event in yaml.parse(text, Loader=loader)), "anchor"
        for where in document.values:
            line, column = document.position(where)
            assert line >= 1 and column >= 1
    except InputError as error:
        _check(path, error)
        assert ": " in str(error)
    finally:
        path.unlink()


_YAML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(alphabet="0123456789+-.eE_xob:~ nulTrueFalsNY#'\"法", max_size=8)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@FAST
@given(_YAML_VALUES)
def test_yaml_writer_gives_what_the_loader_reads_back(value: object) -> None:
    """Drafts and synthetic cases are written by dump_yaml: the strict loader must read them as written
    (PyYAML alone leaves "08" plain, which the loader refuses, and "1e5", which it reads as a number)."""
    path = _write(dump_yaml({"value": value}).encode("utf-8"), ".yaml")
    try:
        assert load_yaml(path).data == {"value": value}
    finally:
        path.unlink()


@FAST
@given(st.binary(max_size=200))
def test_yaml_loader_on_arbitrary_bytes(data: bytes) -> None:
    path = _write(data, ".yaml")
    try:
        load_yaml(path)
    except InputError as error:
        _check(path, error)
    finally:
        path.unlink()


@FAST
@given(st.lists(TURTLE_PIECES, max_size=30).map(" ".join))
def test_turtle_loader_returns_a_graph_or_a_placed_error(text: str) -> None:
    path = _write(text.encode("utf-8"), ".ttl")
    try:
        graph = read_rdf(path)
        assert len(graph) >= 0
    except InputError as error:
        _check(path, error)
    finally:
        path.unlink()


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from(
            ["http://example.org/x", "ex:y", "_:b", "rel", "@id", "@type", "@json", "\ud800", "x"]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "@id",
                    "@type",
                    "@value",
                    "@language",
                    "@graph",
                    "@import",
                    "@base",
                    "@vocab",
                    "ex",
                    "http://example.org/p",
                    "name",
                ]
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@FAST
@given(JSON_VALUES)
def test_jsonld_loader_returns_a_graph_or_a_placed_error(document: object) -> None:
    text = json.dumps(document)
    path = _write(text.encode("utf-8"), ".jsonld")
    try:
        read_rdf(path, format=RdfFormat.JSONLD)
    except InputError as error:
        _check(path, error)
    finally:
        path.unlink()


QUERY_PIECES = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "*",
        "?s",
        "?p",
        "?o",
        "WHERE",
        "{",
        "}",
        "(",
        ")",
        "SERVICE",
        "SILENT",
        "<http://127.0.0.1:9/>",
        "FROM",
        "NAMED",
        "LOAD",
        "INSERT DATA",
        "OPTIONAL",
        "FILTER",
        "EXISTS",
        "GRAPH",
        "UNION",
        "BIND",
        "AS",
        ".",
        "REGEX",
        '"a"',
        "1",
        "#",
        "\n",
        "PREFIX ex: <http://e/>",
        "ex:x",
        "VALUES",
    ]
)


@FAST
@given(st.lists(QUERY_PIECES, max_size=25).map(" ".join))
def test_query_guard_refuses_or_allows_but_never_crashes(text: str) -> None:
    query = pytest.importorskip("kg.query")
    import rdflib

    code = " ".join(line.split("#")[0] for line in text.split("\n"))
    try:
        query.run(rdflib.Graph(), text, timeout=None)
    except InputError as error:
        assert str(error)
        return
    for refused in ("SERVICE", "LOAD", "FROM", "INSERT DATA"):
        assert refused not in code, f"{refused} was not refused: {text!r}"


@FAST
@given(st.sampled_from(["SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }", "?s ?p ?o"]), st.booleans())
def test_query_guard_refuses_service_wherever_it_hides(pattern: str, optional: bool) -> None:
    query = pytest.importorskip("kg.query")
    import rdflib

    body = f"OPTIONAL {{ {pattern} }}" if optional else f"FILTER EXISTS {{ {pattern} }}"
    text = f"SELECT * WHERE {{ ?a ?b ?c {body} }}"
    if "SERVICE" in pattern:
        with pytest.raises(InputError, match="SERVICE"):
            query.run(rdflib.Graph(), text, timeout=None)
    else:
        assert query.run(rdflib.Graph(), text, timeout=None).rows == []
