"""The legislation layer: LawRefBook importer, title → place resolver, topics, mapping, shapes, queries."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH

from kg.divisions import jurisdiction_table, read_table
from kg.errors import InputError
from kg.legislation import (
    LawRecord,
    LegislationCorpus,
    collect_records,
    import_lawrefbook,
    import_legislation,
    link_case_regulation,
    normalise_title,
    normalise_topic,
    read_records,
    resolve_jurisdiction,
    title_hash,
)
from kg.mapping.legislation import legislation_graph
from kg.terms import FZ, PROV

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "reference" / "legislation.tsv.gz"
SUBSET = ("CN", "11", "31", "37")
"""National documents and three provinces with their cities: the part of the bundled table mapped here."""
SHAPES = ROOT / "shapes" / "legislation-shapes.ttl"
EXAMPLES = ROOT / "tests" / "shapes"
ID = "https://w3id.org/fazhi/id/"


@pytest.fixture(scope="module")
def table():
    return jurisdiction_table()


@pytest.fixture(scope="module")
def bundled() -> list[LawRecord]:
    return read_records(BUNDLED)


@pytest.fixture(scope="module")
def subset(bundled) -> list[LawRecord]:
    return [r for r in bundled if r.jurisdiction == "CN" or r.jurisdiction[:2] in SUBSET]


@pytest.fixture(scope="module")
def graph(subset, table) -> Graph:
    return legislation_graph(subset, table)


def _lawrefbook(shared: Path) -> list[Path]:
    return sorted((shared / "data" / "lawrefbook").glob("*.sqlite3"))


# --- a small LawRefBook database made here ------------------------------------------------------------------

SCHEMA = (
    "CREATE TABLE law (id TEXT NOT NULL PRIMARY KEY, level TEXT NOT NULL, name TEXT NOT NULL, subtitle TEXT, "
    'filename TEXT, publish DATE, valid_from DATE, expired INTEGER NOT NULL, "order" INTEGER, '
    "ver INTEGER NOT NULL, tags TEXT, category_id TEXT NOT NULL)"
)


def _database(path: Path, rows: list[tuple[str, str, str, str | None, str | None, int]]) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(SCHEMA)
    connection.executemany(
        "INSERT INTO law (id, level, name, publish, valid_from, expired, ver, category_id) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, 'c')",
        rows,
    )
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def local_file(tmp_path: Path) -> Path:
    return _database(
        tmp_path / "local-shandong.sqlite3",
        [
            ("a1", "地方性法规", "山东省优化营商环境条例", "2020-09-25", "2021-01-01", 0),
            ("a2", "地方性法规", "青岛市优化营商环境条例", "2021-01-28", "", 0),
            ("a3", "地方性法规", "青岛市优化营商环境条例", "2023-05-30", None, 0),
            ("a4", "地方性法规", "烟台市物业管理条例", "2021/12/06", "2021-02-30", 1),
            ("a5", "地方性法规", "山东省实施《突发事件应对法》办法", "", "", 0),
            ("a6", "地方性法规", "泰山风景名胜区保护管理条例", "2018-01-23", "2018-05-01", 0),
            ("a7", "地方性法规", "济南市实施《水法》办法》", "2019-01-01", "2019-01-01", 0),
            ("a8", "地方性法规", "济南市城市管理条例", "2019-01-01", "2019-02-01", 0),
            ("a9", "地方性法规", "济南市城市管理条例", "2019-01-01", "2019-02-01", 0),
            ("b1", "案例", "赵某某诉山东省济南市某区政府案", None, None, 0),
        ],
    )


@pytest.fixture
def national_file(tmp_path: Path) -> Path:
    return _database(
        tmp_path / "national.sqlite3",
        [
            ("n1", "法律", "突发事件应对法", "2007-08-30", "2007-11-01", 1),
            ("n2", "法律", "突发事件应对法", "2024-06-28", "", 0),
            ("n3", "司法解释", "最高人民法院关于适用《民事诉讼法》的解释", "2022-04-01", "2022-04-10", 0),
            ("n4", "其他", "劳动仲裁的攻略", None, None, 0),
        ],
    )


def test_import_fixture_counts_and_problems(tmp_path, local_file, national_file, table) -> None:
    report = import_lawrefbook([local_file, national_file], tmp_path / "out", table)
    assert report.kept == {"地方性法规": 9, "法律": 2, "司法解释": 1}
    assert report.skipped == {"案例": 1, "其他": 1}
    assert report.duplicate_records == 1  # a8 and a9 repeat each other
    assert report.unbalanced_titles == 1
    assert report.dates_dropped["publish malformed"] == 1
    assert report.dates_dropped["valid_from malformed"] == 1
    assert report.resolution["file-province"] == 1  # 泰山…, placed in the file's province and said so
    assert report.works == 8 and report.judicial_interpretations == 1 and report.versions == 11
    assert any("2021/12/06" in note for note in report.notes)
    records = read_records(report.path)
    yantai = next(r for r in records if r.title == "烟台市物业管理条例")
    assert (yantai.jurisdiction, yantai.published, yantai.in_force, yantai.expired) == (
        "370600",
        None,
        None,
        True,
    )
    qingdao = [r for r in records if r.title == "青岛市优化营商环境条例"]
    assert [r.published for r in qingdao] == ["2021-01-28", "2023-05-30"]
    assert {r.jurisdiction for r in qingdao} == {"370200"}


def test_import_is_deterministic_and_order_free(tmp_path, local_file, national_file, table) -> None:
    first = import_lawrefbook([local_file, national_file], tmp_path / "one", table).path.read_bytes()
    second = import_lawrefbook([national_file, local_file], tmp_path / "two", table).path.read_bytes()
    assert first == second


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"this is not a database at all" * 100), "not a SQLite database"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(),
            "without the table",
        ),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE law (id, name)").connection.commit(),
            "lacks the",
        ),
    ],
    ids=["not-sqlite", "no-law-table", "missing-columns"],
)
def test_bad_file_is_a_clear_error_and_writes_nothing(tmp_path, local_file, table, make, message) -> None:
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    out = tmp_path / "out"
    with pytest.raises(InputError, match=message) as caught:
        import_lawrefbook([local_file, bad], out, table)
    assert str(bad) in str(caught.value)
    assert not out.exists()


def test_missing_file_and_no_files(tmp_path, table) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_lawrefbook([tmp_path / "absent.sqlite3"], tmp_path, table)
    with pytest.raises(InputError, match="no sources given"):
        import_lawrefbook([], tmp_path, table)


def test_failed_import_keeps_the_previous_table(tmp_path, local_file, table) -> None:
    out = tmp_path / "out"
    before = import_lawrefbook([local_file], out, table).path.read_bytes()
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not sqlite", encoding="utf-8")
    with pytest.raises(InputError):
        import_lawrefbook([bad], out, table)
    assert (out / "legislation.tsv.gz").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["legislation-events.tsv.gz", "legislation.tsv.gz"]


# --- the real data ------------------------------------------------------------------------------------------


def test_import_of_shared_data(shared, table) -> None:
    started = time.perf_counter()
    _records, report = collect_records(_lawrefbook(shared), table)
    elapsed = time.perf_counter() - started
    assert report.skipped == {"案例": 52, "其他": 1}
    assert report.kept == {
        "法律": 350,
        "行政法规": 683,
        "部门规章": 29,
        "司法解释": 439,
        "宪法": 6,
        "地方性法规": 3165,
    }
    assert 4050 <= report.works <= 4200, report.works
    assert 420 <= report.judicial_interpretations <= 445
    assert report.outside_province == 0
    assert report.resolution["file-province"] <= 16
    assert report.resolution.get("ambiguous", 0) == 0
    assert elapsed < 10


def test_bundled_table_is_current(shared, table, tmp_path) -> None:
    """Re-importing ../shared gives the bundled tables byte for byte (else re-run `kg import legislation`)."""
    flk = shared / "data" / "flk-local" / "local-regulations.jsonl.gz"
    report = import_legislation([*_lawrefbook(shared), flk], tmp_path, table)
    assert report.path.read_bytes() == BUNDLED.read_bytes()
    events = "legislation-events.tsv.gz"
    assert (tmp_path / events).read_bytes() == (BUNDLED.parent / events).read_bytes()


def test_titles_resolve_inside_their_file_province(bundled, table) -> None:
    """What SHACL cannot see: a local record's jurisdiction lies in the province of the file it came from."""
    provinces = {
        "local-beijing": "110000",
        "local-shanghai": "310000",
        "local-shandong": "370000",
        "local-henan": "410000",
        "local-zhejiang": "330000",
        "local-guangdong": "440000",
        "local-chongqing": "500000",
        "local-tianjin": "120000",
        "local-sichuan": "510000",
        "local-hebei": "130000",
        "local-hainan": "460000",
    }
    for record in bundled:
        if record.source == "flk":
            continue
        if record.source == "national":
            assert record.jurisdiction == "CN", record
        else:
            assert table.is_within(record.jurisdiction, provinces[record.source], inclusive=True), record


# --- resolver -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "hint", "level", "status", "code"),
    [
        ("山东省辐射污染防治条例", None, None, "resolved", "370000"),
        ("青岛市优化营商环境条例", None, None, "resolved", "370200"),
        ("北京市接诉即办工作条例", None, None, "resolved", "110000"),
        ("上海市浦东新区市场主体登记确认制若干规定", None, None, "resolved", "310115"),
        ("《北京市接诉即办工作条例》", None, None, "resolved", "110000"),
        ("中国（浙江）自由贸易试验区条例", None, None, "resolved", "330000"),
        ("上海港口条例", None, None, "resolved", "310000"),
        ("深圳经济特区数据条例", "440000", None, "resolved", "440300"),
        ("深圳经济特区数据条例", None, None, "unresolved", None),
        ("长治久安条例", None, None, "unresolved", None),
        ("检察官法", None, "法律", "national", None),
        ("中华人民共和国黑土地保护法", None, None, "national", None),
        ("最高人民法院关于适用《民事诉讼法》的解释", None, None, "national", None),
        ("泰山风景名胜区生态保护条例", "370000", None, "unresolved", None),
        ("莱芜市钢结构建筑应用促进条例", "370000", None, "unresolved", None),
        ("关于议案的若干暂行规定", "110000", None, "unresolved", None),
        ("朝阳区文明行为促进条例", None, None, "ambiguous", None),
        ("朝阳区文明行为促进条例", "220000", None, "resolved", "220104"),
    ],
)
def test_resolver(table, title, hint, level, status, code) -> None:
    found = resolve_jurisdiction(title, table, hint_province=hint, level=level)
    assert (found.status, found.code) == (status, code)


def test_ambiguous_names_list_their_candidates(table) -> None:
    found = resolve_jurisdiction("朝阳区文明行为促进条例", table)
    assert found.candidates == ("110105", "220104") and found.matched == "朝阳区"


# --- titles and topics --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "label", "implements"),
    [
        ("北京市优化营商环境条例", "优化营商环境条例", None),
        ("青岛市优化营商环境条例", "优化营商环境条例", None),
        ("优化营商环境条例", "优化营商环境条例", None),
        ("上海市实施《突发事件应对法》办法", "实施《突发事件应对法》办法", "突发事件应对法"),
        ("洛阳市《文物保护法》实施细则", "《文物保护法》实施细则", "文物保护法"),
        ("深圳经济特区数据条例", "深圳经济特区数据条例", None),
        ("中国（上海）自由贸易试验区条例", "自由贸易试验区条例", None),
        ("北京市安全生产条例（2022年修正）", "安全生产条例", None),
        ("刑法修正案（十一）", "刑法修正案（十一）", None),
        ("宪法修正案（2018年）", "宪法修正案（2018年）", None),
        ("上海市浦东新区市场主体登记确认制若干规定", "市场主体登记确认制若干规定", None),
    ],
)
def test_topics(table, title, label, implements) -> None:
    topic = normalise_topic(title, table)
    assert (topic.label, topic.implements) == (label, implements)


def test_topic_with_province_hint(table) -> None:
    """Short city names are stripped only where the province is known (长治久安 must not lose 长治)."""
    assert normalise_topic("深圳经济特区数据条例", table, hint_province="440000").label == "数据条例"
    assert (
        normalise_topic("绍兴黄酒保护和发展条例", table, hint_province="330000").label == "黄酒保护和发展条例"
    )


def test_title_key_and_hash() -> None:
    assert normalise_title("中华人民共和国突发事件应对法（2024年修订）") == "突发事件应对法"
    assert normalise_title(" 《民法典 总则》 ") == "民法典总则"
    assert title_hash("优化营商环境条例") == "4238c5121e03"


# --- mapping ------------------------------------------------------------------------------------------------


def test_mapping_of_the_bundled_table(graph, subset) -> None:
    works = set(graph.subjects(FZ.hasVersion, None))
    regulations = set(graph.subjects(RDF.type, FZ.Regulation))
    judicial = set(graph.subjects(RDF.type, FZ.JudicialInterpretation))
    assert works == regulations | judicial and not regulations & judicial
    assert 420 <= len(judicial) <= 445
    assert len(works) == len({(r.jurisdiction, r.key) for r in subset})
    decisions = set(graph.subjects(RDF.type, FZ.LegislativeDecision))
    assert decisions and decisions <= regulations
    assert not [t for t in graph if any(isinstance(term, BNode) for term in t)]
    assert all(str(s).isascii() for s in graph.subjects())


def test_versions_keep_their_own_dates(graph) -> None:
    """LawRefBook-only works keep one version per record with its own dates (突发事件应对法 2007, 2024)."""
    work = URIRef(ID + "regulation/CN/" + title_hash("突发事件应对法"))
    first, second = URIRef(f"{work}/v/2007-08-30"), URIRef(f"{work}/v/2024-06-28")
    assert set(graph.objects(work, FZ.hasVersion)) == {first, second}
    assert str(graph.value(first, FZ.dateInForce)) == "2007-11-01"
    assert str(graph.value(work, FZ.datePassed)) == "2007-08-30"


def test_merged_work_keeps_both_sources(graph) -> None:
    """北京市优化营商环境条例: history from the national database; both LawRefBook records stay as sources."""
    work = URIRef(ID + "regulation/110000/" + title_hash("北京市优化营商环境条例"))
    versions = set(graph.objects(work, FZ.hasVersion))
    assert URIRef(f"{work}/v/2020-03-27") in versions
    sources = {str(o) for v in versions | {work} for o in graph.objects(v, PROV.wasDerivedFrom)}
    assert ID + "record/local-beijing/b4e01ad58cda42ec9924184ee06762dd" in sources
    assert ID + "record/local-beijing/8b503100ee624662adf921d65cd62216" in sources
    assert any(s.startswith(ID + "record/flk/") for s in sources)
    assert str(graph.value(work, FZ.datePassed)) == "2020-03-27"
    assert str(graph.value(work, FZ.issuerName)) == "北京市人民代表大会常务委员会"
    assert graph.value(work, FZ.topic) == URIRef(ID + "topic/4238c5121e03")


def test_implementing_regulation_links_the_national_law(graph) -> None:
    local = URIRef(ID + "regulation/310000/" + title_hash("上海市实施《突发事件应对法》办法"))
    national = URIRef(ID + "regulation/CN/" + title_hash("突发事件应对法"))
    assert graph.value(local, FZ.implements) == national
    assert (national, RDF.type, FZ.Regulation) in graph


# --- case links ---------------------------------------------------------------------------------------------


def test_case_regulations_link_to_the_corpus(bundled, table) -> None:
    corpus = LegislationCorpus(bundled, table)
    jiesu = link_case_regulation("北京市接诉即办工作条例", "110000", corpus)
    assert jiesu == URIRef(ID + "regulation/110000/" + title_hash("北京市接诉即办工作条例"))
    assert link_case_regulation("《北京市接诉即办工作条例》", "110105", corpus) == jiesu
    black_soil = link_case_regulation("中华人民共和国黑土地保护法", "220000", corpus)
    assert black_soil == URIRef(ID + "regulation/CN/" + title_hash("黑土地保护法"))
    black_soil_jilin = link_case_regulation("吉林省黑土地保护条例", "220000", corpus)  # national database
    assert black_soil_jilin == URIRef(ID + "regulation/220000/" + title_hash("吉林省黑土地保护条例"))
    assert link_case_regulation("重庆市全民反诈专项行动工作方案", "500000", corpus) is None


def test_a_case_in_another_region_adds_no_jurisdiction_to_the_work_it_cites(bundled, table) -> None:
    """Regression: a case that cites another place's regulation made its own region a jurisdiction of that
    work. Synthetic cases (kg synth) cite their template's regulations from every region, so at 1M
    吉林省黑土地保护条例 had 591 jurisdictions and rq02-topic-peers did not finish."""
    import dataclasses

    from kg.build import _vocabulary_graph, case_vocabulary, default_cases_dir, read_cases
    from kg.mapping.cases import case_triples

    corpus = LegislationCorpus(bundled, table)

    def link(regulation):
        return link_case_regulation(regulation.title, regulation.jurisdiction, corpus)

    cases = read_cases(default_cases_dir(), case_vocabulary(_vocabulary_graph()))
    jilin = next(case for case in cases if case.id == "2022-jilin")
    elsewhere = dataclasses.replace(
        jilin,
        id="elsewhere",
        region="110105",
        regulations=tuple(dataclasses.replace(r, jurisdiction="110105") for r in jilin.regulations),
    )
    work = URIRef(ID + "regulation/220000/" + title_hash("吉林省黑土地保护条例"))
    mapped = Graph()
    for triple in case_triples([elsewhere], link_regulation=link):
        mapped.add(triple)
    assert (work, RDF.type, FZ.Regulation) in mapped
    assert list(mapped.objects(work, FZ.jurisdiction)) == []
    local = [r for r in mapped.subjects(RDF.type, FZ.Regulation) if "/case/elsewhere/" in str(r)]
    assert local and all(
        list(mapped.objects(r, FZ.jurisdiction)) == [URIRef(ID + "jurisdiction/110105")] for r in local
    )


# --- shapes -------------------------------------------------------------------------------------------------


def _validate(data: Graph) -> list[tuple[str, str]]:
    """(value node, source shape's local name) of every top-level result (sh:detail ones left out)."""
    from pyshacl import validate

    _conforms, report, _text = validate(data, shacl_graph=Graph().parse(SHAPES), inference="none")
    return sorted(
        (str(report.value(r, SH.value)), str(report.value(r, SH.sourceShape)).rsplit("#", 1)[-1])
        for r in report.objects(None, SH.result)
    )


def _shape_examples() -> list[Path]:
    """The invalid examples (tests/shapes/invalid/<shape>--<variant>.ttl) named for a legislation shape."""
    names = {str(s).rsplit("#", 1)[-1] for s in Graph().parse(SHAPES).subjects() if isinstance(s, URIRef)}
    return sorted(p for p in (EXAMPLES / "invalid").glob("*.ttl") if p.stem.split("--")[0] in names)


def test_every_legislation_shape_has_examples() -> None:
    """tests/test_shapes.py checks each example fails on its shape only; here: that they are there."""
    assert len(_shape_examples()) >= 9


@pytest.mark.parametrize("path", _shape_examples(), ids=lambda p: p.stem)
def test_report_names_the_offending_node(path: Path) -> None:
    """``kg validate`` names the document (or jurisdiction) at fault, not only the kind concept it has.

    Each result's focus node or value node is a node the example defines; and a result about a kind concept
    has the document as its value, never a jurisdiction of the background.
    """
    from kg.validation import validate

    example = Graph().parse(path)
    own = set(example.subjects())
    data = Graph().parse(EXAMPLES / "common.ttl")
    data += example
    report = Graph().parse(data=validate(data, shapes=Graph().parse(SHAPES)).to_turtle(), format="turtle")
    results = list(report.objects(None, SH.result))
    assert results, f"{path.name} should fail"
    for result in results:
        focus, value = report.value(result, SH.focusNode), report.value(result, SH.value)
        assert focus in own or value in own, (
            f"{path.name}: the result on {focus} names no node of the example"
        )
        if focus not in own:
            assert (value, RDF.type, None) in example and (value, FZ.regulationKind, None) in example


def test_imported_data_has_no_violations(graph) -> None:
    from kg.mapping.jurisdictions import jurisdictions_graph

    data = Graph()
    data += graph
    data += jurisdictions_graph(read_table())
    data.parse(ROOT / "data" / "vocab" / "legislative-events.ttl")
    assert _validate(data) == []


# --- named queries ------------------------------------------------------------------------------------------


def test_rq10_topic_diffusion(graph) -> None:
    from kg import query, store
    from kg.mapping.jurisdictions import jurisdictions_graph

    data = Graph()
    data += graph
    data += jurisdictions_graph(read_table())
    named = query.named("rq10-topic-diffusion")
    result = query.run(store.from_graph(data), named.text, bindings=named.parameters)
    expected = [
        "topic",
        "topicLabel",
        "jurisdiction",
        "jurisdictionLabel",
        "code",
        "level",
        "adopted",
        "first",
    ]
    assert result.variables == expected
    rows = [(str(r["jurisdictionLabel"]), str(r["adopted"]), r["first"].toPython()) for r in result.rows]
    assert rows[0] == ("中国", "2019-10-22", True)
    assert ("北京市", "2020-03-27", False) in rows and ("青岛市", "2020-11-18", False) in rows
    assert len(rows) == len({(label, date) for label, date, _ in rows}) >= 12
    assert sum(first for _, _, first in rows) == 1


def test_counts_query(graph) -> None:
    from kg import query, store

    named = query.named("legislation-counts")
    result = query.run(store.from_graph(graph), named.text, bindings=named.parameters)
    works = {str(r["kind"]).rsplit("/", 1)[1]: 0 for r in result.rows}
    for row in result.rows:
        works[str(row["kind"]).rsplit("/", 1)[1]] += int(row["works"])
    assert works["law"] == 317 and works["judicial-interpretation"] == 427
    assert sum(works.values()) == len(set(graph.subjects(FZ.hasVersion, None)))
