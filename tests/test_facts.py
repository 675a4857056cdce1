"""Facts from public pages: the sources ../shared/data/facts/ cites become sources that provenance names.

Regression (issue 9): a case regulation's dates, which come from the checked facts and not from the notice,
had only the notice's lines as provenance, so ``rq11-provenance`` pointed them at lines without them.
"""

from __future__ import annotations

from pathlib import Path

from helpers import invoke
from rdflib import Literal, URIRef
from test_cli import assert_refused, broken, line_of, replace_in  # noqa: F401  (fixture)

from kg import query as q
from kg.facts import parse_facts, public_sources_text, read_public_sources, source_id
from kg.terms import DEFAULT_BASE, FZ, PROV, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
FACTS = "data/facts/seed-notice-facts.md"
JILIN_REGULATION = "吉林省黑土地保护条例"
FACTS_TEXT = """# Domain facts
## Seed notice
- Inspection: launched 2021-10-12, led by 某办 (news.cn/legal/2021-10/12/c_1127948583.htm) [verified]
- 宁夏 = 第八督察组 (nxzw.gov.cn .../t20220414_3452320.html) [verified]
## 某条例 [verified, example.gov.cn/a/b/t1_123.html; m.example.com/law42.html]
- 2018-03-30 通过; 施行 2018-07-01
"""


def test_the_bundled_table_is_what_the_facts_file_gives(shared: Path) -> None:
    """``kg import facts`` on ../shared gives the committed table, byte for byte (regenerate by importing)."""
    report = parse_facts((shared / FACTS).read_text(encoding="utf-8"), FACTS)
    bundled = (ROOT / "data" / "reference" / "public-sources.tsv").read_text(encoding="utf-8")
    assert public_sources_text(report.sources) == bundled, "run: kg import facts ../shared/" + FACTS
    assert {source.id for source in report.sources} >= {
        "news-cn-1127948583",
        "jlrd-gov-cn-5302911",
        "sjj-beijing-gov-cn-2540102",
        "m-olbfy-cn-18238",
    }
    assert len(report.skipped) == 2 and all("shortened" in reason for reason in report.skipped)


def test_parse_keeps_each_address_with_the_fact_it_supports() -> None:
    report = parse_facts(FACTS_TEXT, "facts.md")
    by_id = {source.id: source for source in report.sources}
    assert sorted(by_id) == ["example-gov-cn-123", "m-example-com-law42", "news-cn-1127948583"]
    news = by_id["news-cn-1127948583"]
    assert news.url == "http://news.cn/legal/2021-10/12/c_1127948583.htm"
    assert news.publisher == "news.cn"
    assert "launched 2021-10-12" in news.supports and "news.cn" not in news.supports
    assert (
        "2018-03-30 通过" in by_id["example-gov-cn-123"].supports
    )  # a heading's sources support its bullets
    assert report.skipped == [
        "facts.md:4: 'nxzw.gov.cn .../t20220414_3452320.html' is shortened, not an address"
    ]


def test_ids_are_stable_and_readable() -> None:
    assert source_id("lx.edulxw.cn/news/index/detail.html?area_id=0&id=45794") == "lx-edulxw-cn-45794"
    assert source_id("m.9pinw.com/law11878.html") == "m-9pinw-com-law11878"


def test_import_writes_the_table_and_refuses_a_file_without_addresses(tmp_path: Path) -> None:
    facts = tmp_path / "facts.md"
    facts.write_text(FACTS_TEXT, encoding="utf-8")
    out = tmp_path / "public-sources.tsv"
    code, output = invoke("import", "facts", str(facts), "--out", str(out))
    assert code == 0, output
    assert "3 public sources" in output and "skipped" in output
    assert sorted(read_public_sources(out)) == [
        "example-gov-cn-123",
        "m-example-com-law42",
        "news-cn-1127948583",
    ]
    empty = tmp_path / "empty.md"
    empty.write_text("# nothing cited here\n", encoding="utf-8")
    code, output = invoke("import", "facts", str(empty), "--out", str(tmp_path / "other.tsv"))
    assert code == 2 and "cites no address" in output
    assert not (tmp_path / "other.tsv").exists()
    code, output = invoke("import", "facts", str(tmp_path / "missing.md"), "--out", str(out))
    assert code == 2 and "no such file" in output


def test_an_unknown_public_source_names_the_file_place_and_fix(broken) -> None:  # noqa: F811
    folder, out = broken
    path = folder / "jilin.yaml"
    replace_in(path, "facts_source: [jlrd-gov-cn-5302911,", "facts_source: [jlrd-gov-cn-530291,")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(
        code,
        output,
        out,
        f"jilin.yaml:{line_of(path, 'facts_source:')}:",
        "unknown public source 'jlrd-gov-cn-530291'",
        "data/reference/public-sources.tsv",
        "did you mean 'jlrd-gov-cn-5302911'?",
    )


def test_a_path_where_an_id_belongs_is_refused(broken) -> None:  # noqa: F811
    """The old form named the facts file; the field now names the page the dates were checked against."""
    folder, out = broken
    path = folder / "beijing.yaml"
    replace_in(path, "facts_source: sjj-beijing-gov-cn-2540102", "facts_source: ../shared/" + FACTS)
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "beijing.yaml:", "unknown public source", "kg import facts")


def test_a_public_source_on_a_regulation_without_dates_is_refused(broken) -> None:  # noqa: F811
    folder, out = broken
    path = folder / "beijing.yaml"
    replace_in(path, '    passed: "2021-09-24"\n    in_force: "2021-09-24"\n', "")
    code, output = invoke("build", "--cases", str(folder), "--out", str(out))
    assert_refused(code, output, out, "beijing.yaml:", "has no passed, in_force or amended date")


def _work(store, title: str) -> str:
    rows = list(
        store.query(
            f'SELECT ?r WHERE {{ ?r <{FZ.datesFrom}> ?s ; <http://purl.org/dc/terms/title> "{title}"@zh }}'
        )
    )
    assert rows, title
    return rows[0]["r"].value


def test_a_regulations_dates_point_at_public_pages_and_its_span_is_unchanged(bundled_store) -> None:
    node = _work(bundled_store, JILIN_REGULATION)
    sources = {
        row["s"].value for row in bundled_store.query(f"SELECT ?s WHERE {{ <{node}> <{FZ.datesFrom}> ?s }}")
    }
    assert sources == {
        DEFAULT_BASE + "document/jlrd-gov-cn-5302911",
        DEFAULT_BASE + "document/m-9pinw-com-law11878",
    }
    spans = {
        row["s"].value
        for row in bundled_store.query(f"SELECT ?s WHERE {{ <{node}> <{PROV.wasDerivedFrom}> ?s }}")
    }
    assert DEFAULT_BASE + "span/seed-notice-2022/2743-2792" in spans  # the notice span, as before
    address = bundled_store.query(
        f"SELECT ?u WHERE {{ <{DEFAULT_BASE}document/jlrd-gov-cn-5302911> <{SCHEMA.url}> ?u }}"
    )
    assert [row["u"].value for row in address] == [
        "http://jlrd.gov.cn/cwhgz/wyhgz/201805/t20180523_5302911.html"
    ]


def test_rq11_answers_for_dates_with_the_public_pages(bundled_store) -> None:
    node = _work(bundled_store, JILIN_REGULATION)
    result = q.run_named(bundled_store, "rq11-provenance", arguments={"node": node})
    rows = [{key: str(value) for key, value in row.items() if value is not None} for row in result.rows]
    public = [
        row
        for row in rows
        if row["document"].startswith(DEFAULT_BASE + "document/") and "seed" not in row["document"]
    ]
    assert {row["record"] for row in public} == {
        "http://jlrd.gov.cn/cwhgz/wyhgz/201805/t20180523_5302911.html",
        "http://m.9pinw.com/law11878.html",
    }
    for row in public:
        assert row["supports"].startswith("its dates")
        assert row["checksum"].startswith("not checked: a web source")
        assert "sha256" not in row and "lines" not in row
    notice = [row for row in rows if row["document"].endswith("document/seed-notice-2022")]
    assert [row["lines"] for row in notice] == ["122–123"]
    assert notice[0]["supports"] == "its statements but the dates"


def test_rq11_answers_for_the_inspection(bundled_store) -> None:
    node = DEFAULT_BASE + "inspection/2021-10-law-based-government"
    result = q.run_named(bundled_store, "rq11-provenance", arguments={"node": node})
    records = {str(row["record"]) for row in result.rows}
    assert "http://news.cn/legal/2021-10/12/c_1127948583.htm" in records
    assert all(str(row["note"]) == "" for row in result.rows)


def test_the_file_check_never_hashes_a_web_source(bundled_store, tmp_path: Path) -> None:
    """kg.provenance.check_files says why a public page is not checked, whatever folder it is given."""
    from kg.provenance import check_files

    node = _work(bundled_store, "北京市接诉即办工作条例")
    result = check_files(
        q.run_named(bundled_store, "rq11-provenance", arguments={"node": node}), root=tmp_path
    )
    verdicts = {str(row["document"]): str(row["checksum"]) for row in result.rows if row.get("checksum")}
    web = verdicts[DEFAULT_BASE + "document/sjj-beijing-gov-cn-2540102"]
    assert web == (
        "not checked: a web source (http://sjj.beijing.gov.cn/zwxw/zhdt/202111/t20211118_2540102.html); "
        "no local copy to hash"
    )
    assert verdicts[DEFAULT_BASE + "document/seed-notice-2022"].startswith("not checked: ")  # not at tmp_path


def test_public_source_triples_name_address_title_and_fact() -> None:
    from kg.facts import public_source_triples

    source = parse_facts(FACTS_TEXT, "facts.md").sources[-1]
    triples = public_source_triples({source.id: source})
    node = URIRef(DEFAULT_BASE + "document/news-cn-1127948583")
    assert (node, SCHEMA.url, URIRef("http://news.cn/legal/2021-10/12/c_1127948583.htm")) in triples
    assert (node, FZ.publisherName, Literal("news.cn")) in triples
    assert not any(predicate == FZ.sha256 for _, predicate, _ in triples)
