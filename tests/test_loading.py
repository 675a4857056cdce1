"""The one loading path: strict YAML with places, safe RDF in every format, faithful literals."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import rdflib
from rdflib import BNode, Literal, URIRef

from kg.errors import CaseFileError, InputError, LimitExceeded, RdfSyntaxError
from kg.loading import (
    DEFAULT_MAX_BYTES,
    RdfFormat,
    dump_yaml,
    find_imports,
    load_yaml,
    quads_to_graph,
    read_quads,
    read_query,
    read_rdf,
    read_rdf_files,
    read_text,
    refuse_imports,
)
from kg.terms import CONTEXT_IRI

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def yaml_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, "case.yaml", text)
    with pytest.raises(CaseFileError) as caught:
        load_yaml(path)
    return str(caught.value)


# --- YAML: refusals with file:line:column --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "fragment"),
    [
        ("id: a\nbase: &b {x: 1}\n", "2:7", "anchors (&b) are not allowed"),
        ('id: a\nx: "1"\ny: *b\n', "3:4", "aliases (*b) are not allowed"),
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "4:3", "duplicate key 'c' (first at line 3)"),
        ("a: !!python/object:os.system {}\n", "1:4", "tags (tag:yaml.org,2002:python/object:os.system)"),
        ("a: !custom x\n", "1:4", "tags (!custom) are not allowed"),
        ("a: !!str 12\n", "1:4", "tags"),
        ("region: 0110000\n", "1:9", "leading zero; quote it"),
        ("a: 1\n<<: {b: 2}\n", "2:1", "merge keys (<<) are not allowed"),
        ("a: 1\n---\nb: 2\n", "2:1", "only one YAML document"),
        ("a: [1, 2\n", "2:1", "invalid YAML"),
        ("a: .inf\n", "1:4", "not accepted as a number"),
        ("? [1, 2]\n: x\n", "1:3", "mapping keys must be plain text"),
        ("", "1:1", "the file is empty"),
    ],
)
def test_yaml_refusals_name_file_line_column(tmp_path: Path, text: str, place: str, fragment: str) -> None:
    message = yaml_error(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'case.yaml'}:{place}: "), message
    assert fragment in message


def test_yaml_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) < 500
    message = yaml_error(tmp_path, text)
    assert ":1:4: anchors (&a)" in message


def test_yaml_values_are_read_yaml_1_2_style(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.yaml",
        "no: NO\noff: off\ny: y\ntime: 1:20\nhex: 0x1F\nint: 123\nneg: -5\nfloat: 1.5\nt: true\nnull: ~\n"
        'quoted: "0123"\ndate: 2021-10-12\nzero: 0\n',
    )
    data = load_yaml(path).data
    assert data == {
        "no": "NO",
        "off": "off",
        "y": "y",
        "time": "1:20",
        "hex": "0x1F",
        "int": 123,
        "neg": -5,
        "float": 1.5,
        "t": True,
        "null": None,
        "quoted": "0123",
        "date": "2021-10-12",
        "zero": 0,
    }


@pytest.mark.parametrize(
    "text", ["08", "-09", "1e5", "1E-3", "+1", ".5", "1.", "0", "007", "1_000", "true", "NO", "~", ""]
)
def test_yaml_writer_quotes_text_the_loader_would_read_otherwise(tmp_path: Path, text: str) -> None:
    data = {"title": {"zh": text}, text: [text, 8, 1.5, None, True]}
    path = write(tmp_path, "draft.yaml", dump_yaml(data))
    assert load_yaml(path).data == data


def test_yaml_positions_point_at_values_and_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "pos.yaml", "id: x\nmeasures:\n  - title: a\n    sub:\n      - b\n")
    document = load_yaml(path)
    assert document.position(("measures", 0, "title")) == (3, 12)
    assert document.position(("measures", 0, "title"), key=True) == (3, 5)
    assert document.position(("measures", 0, "sub", 0)) == (5, 9)
    assert document.position(("measures", 0, "missing")) == (3, 5)
    assert str(document.problem(("id",), "bad")) == f"{path}:1:5: bad"


def test_yaml_nesting_limit(tmp_path: Path) -> None:
    message = yaml_error(tmp_path, "a: " + "[" * 100 + "]" * 100 + "\n")
    assert "input too deeply nested" in message
    assert re.search(r"case\.yaml:1:\d+: ", message)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"a: 1\nb: \xe9t\xe9\n", ":2:4: not valid UTF-8 (byte 0xe9)"),
        (b"a: 1\nb: x\x00y\n", ":2:5: NUL byte"),
        (b"a: \xed\xa0\x80\n", ":1:4: not valid UTF-8"),
    ],
)
def test_text_decoding_refusals(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = write(tmp_path, "bad.yaml", content)
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert str(caught.value).startswith(str(path))
    assert fragment in str(caught.value)


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", b"\xef\xbb\xbfid: x\n")
    assert load_yaml(path).data == {"id": "x"}


def test_files_that_are_not_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such YAML file"):
        load_yaml(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        read_rdf(tmp_path)
    with pytest.raises(InputError, match="not a regular file"):
        read_text("/dev/null")


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.ttl", "<http://a/s> <http://a/p> <http://a/o> .\n" * 100)
    with pytest.raises(
        LimitExceeded, match=r"big\.ttl: 4100 bytes is over the limit of 1000 bytes; .*--max-bytes"
    ):
        read_rdf(path, max_bytes=1000)
    assert len(read_rdf(path, max_bytes=4100)) == 1
    assert DEFAULT_MAX_BYTES >= 16 * 1024 * 1024


# --- RDF -----------------------------------------------------------------------------------------------


def test_syntax_errors_name_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.ttl", "@prefix ex: <http://a/> .\nex:s ex:p ex:o ;\n  ex:q .\n")
    with pytest.raises(RdfSyntaxError, match=r"bad\.ttl:3:\d+: turtle syntax error"):
        read_rdf(path)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("<s> <p> <o> .", "No scheme found"),
        ('<http://a/s> <http://a/p> "x"@e_n .', "language"),
        ("<http://a/s> <http://a/p> <http://exa mple/> .", "Invalid IRI"),
        ('<http://a/s> <http://a/p> "\\uD800" .', "not a valid unicode character"),
    ],
)
def test_invalid_terms_are_syntax_errors(tmp_path: Path, content: str, fragment: str) -> None:
    path = write(tmp_path, "bad.nt", content + "\n")
    with pytest.raises(RdfSyntaxError, match=r"bad\.nt:1:\d+: ") as caught:
        read_rdf(path)
    assert fragment in str(caught.value)


def test_unknown_extension_is_an_error_not_a_guess(tmp_path: Path) -> None:
    path = write(tmp_path, "data.txt", "<http://a/s> <http://a/p> <http://a/o> .\n")
    with pytest.raises(InputError, match=r"unknown RDF file extension '\.txt'"):
        read_rdf(path)
    assert len(read_rdf(path, format=RdfFormat.from_label("nt"))) == 1


def test_rdfxml_doctype_and_entities_are_refused_before_parsing(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="http://a/s"><rdf:value>&l9;</rdf:value></rdf:Description></rdf:RDF>'
    )
    path = write(tmp_path, "bomb.rdf", bomb)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"bomb\.rdf: XML DOCTYPE or ENTITY declarations are refused"):
        read_rdf(path)
    assert time.monotonic() - started < 1
    external = write(
        tmp_path, "xxe.rdf", '<?xml version="1.0"?>\n<! doctype r SYSTEM "file:///etc/passwd">\n<r/>'
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_rdf(external)


def test_rdfxml_without_doctype_reads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.rdf",
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="http://a/s"><rdf:value>x</rdf:value></rdf:Description></rdf:RDF>',
    )
    assert len(read_rdf(path)) == 1


def jsonld(tmp_path: Path, document: object, name: str = "doc.jsonld") -> Path:
    return write(tmp_path, name, json.dumps(document))


REMOTE = "http://127.0.0.1:9/context.jsonld"


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (
            {"@context": REMOTE, "@id": "http://a/s"},
            "JSON-LD @context 'http://127.0.0.1:9/context.jsonld' refused",
        ),
        ({"@context": [{"x": "http://x/"}, REMOTE], "@id": "http://a/s"}, "refused"),
        ({"@context": "/dev/zero", "@id": "http://a/s"}, "@context '/dev/zero' refused"),
        ({"@context": "file:///etc/passwd", "@id": "http://a/s"}, "file:///etc/passwd' refused"),
        ({"@context": "context.jsonld", "@id": "http://a/s"}, "'context.jsonld' refused"),
        ({"@context": {"@import": REMOTE}, "@id": "http://a/s"}, "@import"),
        (
            {"@context": {"t": {"@id": "http://t/", "@context": REMOTE}}, "@id": "http://a/s", "t": {"x": 1}},
            "refused",
        ),
        (
            {"@context": {"T": {"@id": "http://T/", "@context": {"@import": REMOTE}}}, "@id": "http://a/s"},
            "@import",
        ),
        ({"@graph": [{"@context": REMOTE, "@id": "http://a/s"}]}, "refused"),
        ({"@id": "http://a/s", "http://a/p": {"@context": REMOTE, "@id": "http://a/o"}}, "refused"),
    ],
)
def test_jsonld_contexts_other_than_the_shipped_one_are_refused(
    tmp_path: Path, document: object, fragment: str
) -> None:
    path = jsonld(tmp_path, document)
    with pytest.raises(InputError) as caught:
        read_rdf(path)
    assert str(caught.value).startswith(f"{path}:")
    assert fragment in str(caught.value)


def test_jsonld_shipped_context_is_substituted(tmp_path: Path) -> None:
    path = jsonld(tmp_path, {"@context": CONTEXT_IRI, "@id": "fz:Case", "rdfs:label": "case"})
    graph = read_rdf(path)
    assert (URIRef("https://w3id.org/fazhi/ontology#Case"), rdflib.RDFS.label, Literal("case")) in graph


def test_jsonld_relative_ids_and_empty_results_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="relative IRI 'thing' in @id with no @base"):
        read_rdf(jsonld(tmp_path, {"@id": "thing", "http://a/p": "x"}))
    with pytest.raises(InputError, match="gives no triples"):
        read_rdf(jsonld(tmp_path, {"@id": "http://a/s", "unmapped": "x"}, "empty.jsonld"))
    based = {"@context": {"@base": "http://a/"}, "@id": "thing", "http://a/p": "x"}
    assert len(read_rdf(jsonld(tmp_path, based, "based.jsonld"))) == 1


def test_jsonld_lone_surrogate_and_depth(tmp_path: Path) -> None:
    path = write(tmp_path, "s.jsonld", '{"@id": "http://a/s",\n "http://a/p": "x\\ud800"}')
    with pytest.raises(InputError, match=r"s\.jsonld:2:18: lone surrogate escape \\ud800"):
        read_rdf(path)
    deep = write(
        tmp_path, "deep.jsonld", '{"@id": "http://a/s", "http://a/p": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    with pytest.raises(LimitExceeded, match="input too deeply nested"):
        read_rdf(deep)


def test_deeply_nested_turtle_is_parsed_by_oxigraph(tmp_path: Path) -> None:
    depth = 2000
    text = "@prefix ex: <http://e/> . ex:s ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " ."
    assert len(read_rdf(write(tmp_path, "deep.ttl", text))) == depth + 1


def test_quadratic_multiline_literal_is_fast(tmp_path: Path) -> None:
    text = '@prefix ex: <http://e/> . ex:s ex:p """' + "a\n" * 750_000 + '""" .'
    path = write(tmp_path, "long.ttl", text)
    started = time.monotonic()
    graph = read_rdf(path)
    assert time.monotonic() - started < 3
    assert len(next(iter(graph.objects()))) == 1_500_000


def test_rdf_star_is_refused_with_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, "star.ttl", "<http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> <http://a/o> )>> ."
    )
    with pytest.raises(InputError, match=r"star\.ttl: RDF 1.2 triple terms"):
        read_rdf(path)


# --- faithful data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("normalize", [False, True])
def test_lexical_forms_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, normalize: bool) -> None:
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", normalize)
    path = write(
        tmp_path,
        "lex.ttl",
        f'<http://a/s> <http://a/p> "01"^^<{XSD}integer>, "1"^^<{XSD}integer>, "1.0"^^<{XSD}decimal>, '
        f'"1.00"^^<{XSD}decimal>, "abc"^^<{XSD}decimal> .',
    )
    graph = read_rdf(path)
    assert len(graph) == 5
    assert {str(o) for o in graph.objects()} == {"01", "1", "1.0", "1.00", "abc"}


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    first = write(tmp_path, "a.ttl", '_:b0 <http://a/p> "a" .')
    second = write(tmp_path, "b.ttl", '_:b0 <http://a/p> "b" .')
    graph = read_rdf_files([first, second])
    assert len(set(graph.subjects())) == 2
    assert all(isinstance(s, BNode) for s in graph.subjects())


def test_named_graphs_merge_into_the_default_graph(tmp_path: Path) -> None:
    path = write(tmp_path, "g.trig", "<http://a/g> { <http://a/s> <http://a/p> <http://a/o> }")
    quads = read_quads(path)
    assert str(quads[0].graph_name) == "<http://a/g>"
    assert len(quads_to_graph(quads)) == 1


def test_owl_imports_are_found_and_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shapes.ttl",
        "<http://a/o> <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/x> .",
    )
    graph = read_rdf(path)
    assert find_imports(graph) == ["http://127.0.0.1:9/x"]
    with pytest.raises(InputError, match=r"shapes\.ttl: owl:imports <http://127.0.0.1:9/x> is not followed"):
        refuse_imports(graph, path)
    refuse_imports(rdflib.Graph(), path)


def test_library_never_assigns_rdflib_globals() -> None:
    pattern = re.compile(r"^\s*(rdflib\.[A-Z_]+|NORMALIZE_LITERALS)\s*=|setattr\(\s*rdflib", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "kg").rglob("*.py"))
        if "cli" not in path.relative_to(ROOT / "kg").parts
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- queries ---------------------------------------------------------------------------------------------


def test_read_query_inline_and_file(tmp_path: Path) -> None:
    assert read_query("ASK {}") == "ASK {}"
    path = write(tmp_path, "q.rq", "SELECT * WHERE { ?s ?p ?o }")
    assert read_query(str(path)).startswith("SELECT")
    with pytest.raises(InputError, match="NUL character"):
        read_query("ASK {}\x00")
    with pytest.raises(LimitExceeded, match="over the limit"):
        read_query("#" * 2000, max_bytes=1000)
    with pytest.raises(InputError, match="no such query file"):
        read_query(str(tmp_path / "missing.rq"))


def test_yaml_numbers_keep_every_written_digit(tmp_path: Path) -> None:
    """Regression (issue 8): 12345678901234567.25 became 12345678901234568 through a float."""
    from decimal import Decimal

    path = write(tmp_path, "n.yaml", "a: 12345678901234567.25\nb: 0.1\nc: 21\n")
    assert load_yaml(path).data == {"a": Decimal("12345678901234567.25"), "b": Decimal("0.1"), "c": 21}


@pytest.mark.parametrize("number", ["1e309", "-1e309", "1e-400"])
def test_yaml_numbers_out_of_range_are_refused_by_place(tmp_path: Path, number: str) -> None:
    """Regression (issue 8): 1e309 was published as "Infinity"^^xsd:decimal and 1e-400 as 0, exit 0."""
    path = write(tmp_path, "n.yaml", f"title: x\nvalue: {number}\n")
    with pytest.raises(InputError, match=rf"n\.yaml:2:8: the number {re.escape(number)} is out of range"):
        load_yaml(path)


@pytest.mark.parametrize("identifier", ["foo/bar:baz", "./x:y", "#frag", "relative"])
def test_jsonld_relative_ids_with_a_colon_are_refused_not_dropped(tmp_path: Path, identifier: str) -> None:
    """Regression (issue 8): relative @id values containing a colon vanished silently, exit 0."""
    import json

    document = {"@context": {"ex": "http://example.org/"}, "@id": identifier, "ex:p": "v"}
    path = write(tmp_path, "r.jsonld", json.dumps(document))
    with pytest.raises(InputError, match=f"relative IRI '{re.escape(identifier)}' in @id with no @base"):
        read_rdf(path)
    based = {**document, "@context": {**document["@context"], "@base": "http://example.org/base/"}}
    assert len(read_rdf(write(tmp_path, "b.jsonld", json.dumps(based)))) == 1


def test_jsonld_remote_context_is_refused_even_with_allow_network(tmp_path: Path) -> None:
    """Regression (issue 8): --allow-network promised remote contexts, then failed at 1:1."""
    path = write(tmp_path, "c.jsonld", '{"@context": "http://127.0.0.1:9/c.jsonld", "@id": "http://x/s"}')
    with pytest.raises(InputError, match=r"not even with --allow-network"):
        read_rdf(path, allow_network=True)


def test_escaped_backslash_before_u_is_not_a_surrogate(tmp_path: Path) -> None:
    """Regression (issue 8): valid JSON "C:\\\\ud800" (a backslash, then text) was refused."""
    path = write(tmp_path, "w.jsonld", '{"@id": "http://x/s", "http://x/p": "C:\\\\ud800"}')
    assert [str(o) for o in read_rdf(path).objects()] == ["C:\\ud800"]
