"""N-Triples terms from plain strings (kg.ntriples) are the bytes Oxigraph writes, and the legislation
mapping's two forms agree: the terms a build writes and the rdflib triples the site and corpus code read.

A build writes the legislation layer from :func:`kg.legislation.rdf.legislation_terms` without making rdflib
or Oxigraph terms; before, each term went rdflib → Oxigraph → text. These tests pin that the new text is what
that old path writes, on every character Oxigraph escapes and on the test extract of the legislation.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDFS, Literal, URIRef

from kg.divisions import jurisdiction_table
from kg.legislation import LawRecord, collect_records
from kg.legislation.rdf import legislation_graph, legislation_terms, legislation_triples
from kg.ntriples import XSD, XSD_STRING, datatype_of, iri, literal, literal_parts
from kg.publish import TermWriter

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "legislation" / "flk-sample.jsonl.gz"
AWKWARD = [
    "",
    "plain",
    "中文标题（2020-01-01）",
    'quote " and backslash \\ and \\" both',
    "line\nbreak\rreturn\ttab\bbackspace\fformfeed",
    "".join(chr(code) for code in range(0x20)) + "\x7f",
    "\x80\xa0\u2028\u2029\ufeff\U0001f600 𠀀",
    "ends with backslash \\",
    '"',
    "^^<http://example.org/not-a-datatype>",
    "@zh",
]


def _oxigraph(lexical: str, language: str | None = None, datatype: str | None = None) -> str:
    if language is not None:
        return str(pyoxigraph.Literal(lexical, language=language))
    if datatype is not None:
        return str(pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(datatype)))
    return str(pyoxigraph.Literal(lexical))


@pytest.mark.parametrize("text", AWKWARD)
def test_plain_and_string_literals_are_what_oxigraph_writes(text: str) -> None:
    assert literal(text) == _oxigraph(text)
    assert literal(text, datatype=XSD_STRING) == _oxigraph(text, datatype=XSD_STRING)


@pytest.mark.parametrize("code", [*range(0x80), 0x85, 0x2028, 0xFFFD])
def test_every_ascii_character_alone_and_inside_text_is_escaped_as_oxigraph_escapes_it(code: int) -> None:
    for text in (chr(code), f"a{chr(code)}b{chr(code)}"):
        assert literal(text) == _oxigraph(text)


@pytest.mark.parametrize("language", ["zh", "en", "zh-Hans", "EN-us", "ZH"])
@pytest.mark.parametrize("text", AWKWARD[:6])
def test_language_tagged_literals_have_oxigraphs_lower_case_tag(text: str, language: str) -> None:
    assert literal(text, language=language) == _oxigraph(text, language=language)


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [
        ("2020-01-31", XSD + "date"),
        ("3", XSD + "positiveInteger"),
        ("true", XSD + "boolean"),
        ("1.50", XSD + "decimal"),
        ('odd "lexical"\n', "http://example.org/type"),
    ],
)
def test_typed_literals_keep_their_lexical_form_and_name_their_datatype(lexical: str, datatype: str) -> None:
    term = literal(lexical, datatype=datatype)
    assert term == _oxigraph(lexical, datatype=datatype)
    assert datatype_of(term) == datatype


def test_datatype_of_plain_tagged_literals_and_iris_is_none() -> None:
    assert datatype_of(literal("x")) is None
    assert datatype_of(literal("x>", language="zh")) is None
    assert datatype_of(literal('a"^^<b>')) is None
    assert datatype_of(iri("http://example.org/a")) is None


@pytest.mark.parametrize("language", ["", "zh_CN", "zh-", "-zh", "toolongtag", "zh hans"])
def test_a_malformed_language_tag_is_refused(language: str) -> None:
    with pytest.raises(ValueError, match="language tag"):
        literal("x", language=language)


def test_an_iri_is_written_as_it_is() -> None:
    assert iri("https://w3id.org/fazhi/id/a") == str(pyoxigraph.NamedNode("https://w3id.org/fazhi/id/a"))


# --- the legislation mapping's two forms -------------------------------------------------------------------


@pytest.fixture(scope="module")
def table():
    return jurisdiction_table()


def _awkward_records() -> list[LawRecord]:
    """LawRefBook-style records whose titles hold what an escaping writer gets wrong."""
    return [
        LawRecord(
            jurisdiction="CN",
            title=f"关于{text}的规定",
            published="2020-01-0" + str(1 + n % 9),
            in_force=None,
            source="national",
            record=f"r{n} \\ 记录",
            level="行政法规",
            resolution="resolved",
            matched="",
            expired=bool(n % 2),
            ver=None,
        )
        for n, text in enumerate(AWKWARD)
    ]


def _written_by_the_old_path(triples: list) -> set[str]:
    """The lines rdflib-term triples gave before: each term rdflib → Oxigraph → text (TermWriter)."""
    write = TermWriter()
    return {f"{write(s)} {write(p)} {write(o)} .\n" for s, p, o in triples}


@pytest.mark.parametrize("extract", ["flk-sample", "awkward"])
def test_the_written_terms_and_the_rdflib_triples_say_the_same(extract: str, table) -> None:
    records = collect_records([SAMPLE], table)[0] if extract == "flk-sample" else _awkward_records()
    terms = legislation_terms(records, table)
    written = {f"{s} {p} {o} .\n" for s, p, o in terms}
    rdflib_form = legislation_triples(records, table)
    assert len(written) > 50
    assert len(set(rdflib_form)) == len(written)
    assert _written_by_the_old_path(rdflib_form) == written


def test_awkward_titles_reach_the_rdflib_graph_as_the_same_text(table) -> None:
    records = _awkward_records()
    graph = legislation_graph(records, table)
    labels = {str(o) for o in graph.objects(None, RDFS.label) if isinstance(o, Literal) and o.language}
    for text in AWKWARD:
        assert f"关于{text}的规定" in labels
    record = URIRef("https://w3id.org/fazhi/id/record/national/r3%20%5C%20%E8%AE%B0%E5%BD%95")
    assert (record, None, Literal("r3 \\ 记录")) in graph


def test_rebasing_terms_moves_the_iris_rebasing_rdflib_triples_moves(table) -> None:
    from kg.build import rebase

    terms = set(legislation_terms(_awkward_records(), table))
    base = "https://example.org/other/"
    moved = rebase(terms, base)
    assert any(s.startswith("<" + base) for s, _p, _o in moved)
    rebased = rebase(set(legislation_triples(_awkward_records(), table)), base)
    assert _written_by_the_old_path(list(rebased)) == {f"{s} {p} {o} .\n" for s, p, o in moved}


@pytest.mark.parametrize("text", [*AWKWARD, "".join(chr(code) for code in range(0x80))])
def test_literal_parts_read_back_what_literal_wrote(text: str) -> None:
    assert literal_parts(literal(text)) == (text, None, None)
    assert literal_parts(literal(text, language="zh-Hans")) == (text, "zh-hans", None)
    assert literal_parts(literal(text, datatype=XSD + "date")) == (text, None, XSD + "date")


def test_literal_parts_read_the_escapes_other_writers_use() -> None:
    assert literal_parts('"\\u00E9\\U0001F600\\\'"') == ("é😀'", None, None)


def test_the_case_terms_and_the_case_triples_say_the_same() -> None:
    from kg.build import _vocabulary_graph, case_vocabulary, default_cases_dir, read_cases
    from kg.casefile import Text
    from kg.mapping.cases import case_terms, case_triples

    cases = read_cases(default_cases_dir(), case_vocabulary(_vocabulary_graph()))
    names = {"110000": Text("北京市", "Beijing")}
    written = {f"{s} {p} {o} .\n" for s, p, o in case_terms(cases, region_names=names)}
    rdflib_form = list(case_triples(cases, region_names=names))
    assert len(written) > 500
    assert len(rdflib_form) == len(written)
    assert _written_by_the_old_path(rdflib_form) == written
