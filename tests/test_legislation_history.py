"""Nationwide legislation: the history grammar, the national-database reader, merging, decisions, places.

Unit tests run on ``tests/fixtures/legislation/flk-sample.jsonl.gz``: 26 real records of
../shared/data/flk-local (made by ``make_sample.py`` beside it), so they need no ../shared and stay fast.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kg.divisions import jurisdiction_table, read_table
from kg.errors import InputError
from kg.legislation import LawRecord, collect_records, import_legislation, parse_history, title_hash
from kg.legislation.flk import read_flk
from kg.legislation.history import chinese_number, history_lines, parse_line
from kg.legislation.lawrefbook import read_law_rows, read_only_uri
from kg.legislation.rdf import legislation_graph
from kg.terms import FZ, PROV

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "legislation" / "flk-sample.jsonl.gz"
SHAPES = ROOT / "shapes" / "legislation-shapes.ttl"
ID = "https://w3id.org/fazhi/id/"


@pytest.fixture(scope="module")
def table():
    return jurisdiction_table()


@pytest.fixture(scope="module")
def sample(table) -> tuple[list[LawRecord], object]:
    return collect_records([SAMPLE], table)


@pytest.fixture(scope="module")
def records(sample) -> dict[str, LawRecord]:
    return {record.title: record for record in sample[0]}


@pytest.fixture(scope="module")
def graph(sample, table) -> Graph:
    return legislation_graph(sample[0], table)


def work(code: str, title: str) -> URIRef:
    return URIRef(f"{ID}regulation/{code}/{title_hash(title)}")


# --- the grammar --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "date", "body", "meeting", "ordinal"),
    [
        (
            "2018年3月30日吉林省第十三届人民代表大会常务委员会第二次会议通过",
            "passed",
            "2018-03-30",
            "吉林省人民代表大会常务委员会",
            "第十三届第二次会议",
            None,
        ),
        (
            "2021年3月31日湖南省第十三届人民代表大会常务委员会第二十三次会议批准",
            "approved",
            "2021-03-31",
            "湖南省人民代表大会常务委员会",
            "第十三届第二十三次会议",
            None,
        ),
        (
            "2016年9月29日重庆市第四届人民代表大会常务委员会第二十八次会议第二次修订",
            "revised",
            "2016-09-29",
            "重庆市人民代表大会常务委员会",
            "第四届第二十八次会议",
            2,
        ),
        (
            "2025年1月23日贵州省第十四届人民代表大会第三次会议通过",
            "passed",
            "2025-01-23",
            "贵州省人民代表大会",
            "第十四届第三次会议",
            None,
        ),
        ("2012年1月1日施行", "in-force", "2012-01-01", "", "", None),
        (
            "2000年7月28日南京市第十二届人民代表大会常务委员会第十八次会议制定",
            "passed",
            "2000-07-28",
            "南京市人民代表大会常务委员会",
            "第十二届第十八次会议",
            None,
        ),
    ],
)
def test_history_line(line, kind, date, body, meeting, ordinal) -> None:
    event, problem = parse_line(1, line)
    assert problem is None and event is not None
    assert (event.kind, event.date, event.body, f"{event.session}{event.meeting}", event.ordinal) == (
        kind,
        date,
        body,
        meeting,
        ordinal,
    )


def test_amending_act_in_brackets_keeps_its_nested_title() -> None:
    line = (
        "2021年3月26日宁夏回族自治区第十二届人民代表大会常务委员会第二十五次会议"
        "《关于修改〈宁夏回族自治区禁毒条例〉等七件地方性法规的决定》修正"
    )
    event, _ = parse_line(4, line)
    assert event is not None and event.kind == "amended"
    assert event.act == "关于修改《宁夏回族自治区禁毒条例》等七件地方性法规的决定"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "2021年2月30日北京市第十五届人民代表大会常务委员会第二十八次会议通过",
            "impossible date 2021年2月30日",
        ),
        ("根据以上两个决定 文本做相应修改", "no date"),
        ("2002年8月17日黑龙江", "no event word"),
    ],
)
def test_unreadable_lines_are_named(line, problem) -> None:
    event, found = parse_line(1, line)
    assert event is None and found is not None and found.startswith(problem)
    history = parse_history([line])
    assert history.events == [] and len(history.problems) == 1 and line in history.problems[0][1]


def test_lines_wrapped_in_the_header_are_joined() -> None:
    header = (
        "# 北京市接诉即办工作条例\n\n- 2021年9月24日北京市第十五届人民代表大会\n"
        "  常务委员会第三十三次会议通过\n"
    )
    assert history_lines(header) == ["2021年9月24日北京市第十五届人民代表大会常务委员会第三十三次会议通过"]


def test_order_and_ordinals_are_checked() -> None:
    history = parse_history(
        [
            "2010年1月1日甲省第一届人民代表大会常务委员会第一次会议通过",
            "2015年1月1日甲省第一届人民代表大会常务委员会第九次会议第二次修正",
            "2012年1月1日甲省第一届人民代表大会常务委员会第五次会议第一次修正",
            "2018年1月1日甲省第一届人民代表大会常务委员会第九次会议第一次修正",
        ]
    )
    kinds = {kind for kind, _text in history.problems}
    assert kinds == {"events out of order", "ordinals disagree with dates"}


def test_chinese_numbers() -> None:
    assert [chinese_number(t) for t in ("十三", "二十五", "一百零二", "18", "两")] == [13, 25, 102, 18, 2]


# --- real records -------------------------------------------------------------------------------------------


def test_several_amendments_make_n_plus_one_versions(records, graph) -> None:
    """云南省人才市场条例: passed 1995, amended five times (第一次 … 第五次修正) → six versions."""
    record = records["云南省人才市场条例"]
    assert [e.kind for e in record.events] == ["passed"] + ["amended"] * 5
    assert [e.ordinal for e in record.events[1:]] == [1, 2, 3, 4, 5]
    node = work("530000", "云南省人才市场条例")
    versions = sorted(str(v).rsplit("/", 1)[1] for v in graph.objects(node, FZ.hasVersion))
    assert versions == ["1995-09-27", "1997-12-03", "2004-09-24", "2010-05-28", "2014-07-27", "2020-11-25"]
    assert str(graph.value(node, FZ.datePassed)) == "1995-09-27"
    current = URIRef(f"{node}/v/2020-11-25")
    assert graph.value(current, FZ.expired) == Literal(False)
    assert graph.value(URIRef(f"{node}/v/1995-09-27"), FZ.expired) == Literal(True)
    events = list(graph.objects(node, FZ.hasEvent))
    assert len(events) == 6
    starts = {graph.value(e, FZ.startsVersion) for e in events}
    assert len(starts) == 6


def test_many_at_once_decision_links_every_work_it_amends(records, graph) -> None:
    """The 山东 package decision (…等十二件地方性法规的决定) amends each work whose history names it."""
    title = "山东省人民代表大会常务委员会关于修改《山东省农民专业合作社条例》等十二件地方性法规的决定"
    decision = work("370000", title)
    assert records[title].level == "决定"
    assert (decision, RDF.type, FZ.LegislativeDecision) in graph
    assert graph.value(decision, FZ.topic) is None
    amended = set(graph.objects(decision, FZ.amends))
    assert len(amended) == 11
    assert work("370000", "山东省计量条例") in amended
    for target in amended:
        acts = {graph.value(e, FZ.amendingAct) for e in graph.objects(target, FZ.hasEvent)}
        assert decision in acts
        assert (target, RDF.type, FZ.LegislativeDecision) not in graph


def test_single_decision_and_revision(records, graph) -> None:
    """吉林省黑土地保护条例: passed 2018, amended by its own decision 2021, revised 2022 → 3 versions."""
    record = records["吉林省黑土地保护条例"]
    assert record.published == "2018-03-30" and record.jurisdiction == "220000"
    assert record.issuer == "吉林省人民代表大会常务委员会"
    node = work("220000", "吉林省黑土地保护条例")
    assert len(set(graph.objects(node, FZ.hasVersion))) == 3
    decision = work("220000", "吉林省人民代表大会常务委员会关于修改《吉林省黑土地保护条例》的决定")
    assert (decision, FZ.amends, node) in graph


def test_city_regulation_with_approval(records, graph, table) -> None:
    """保定市接诉即办工作条例: passed by the city's standing committee, approved by 河北省's."""
    record = records["保定市接诉即办工作条例"]
    assert record.jurisdiction == "130600" and record.level == "地方性法规"
    assert [(e.kind, e.date) for e in record.events] == [("passed", "2022-08-24"), ("approved", "2022-09-28")]
    assert record.issuer == "保定市人民代表大会常务委员会"
    node = work("130600", "保定市接诉即办工作条例")
    approval = next(e for e in graph.objects(node, FZ.hasEvent) if str(e).endswith("/event/2"))
    assert graph.value(approval, FZ.eventKind) == URIRef(ID + "legislative-event/approved")
    assert graph.value(approval, FZ.bodyJurisdiction) == URIRef(ID + "jurisdiction/130000")
    assert len(set(graph.objects(node, FZ.hasVersion))) == 1


def test_approved_amendment_of_a_city_regulation(records) -> None:
    """淄博: the city passes an amending decision (通过并经), the province approves it (批准的《…》修正)."""
    kinds = [(e.kind, e.date) for e in records["淄博市国土绿化条例"].events]
    assert kinds == [
        ("passed", "2006-03-30"),
        ("approved", "2006-05-25"),
        ("amended", "2018-08-29"),
        ("approved", "2018-09-21"),
    ]
    anshan = [e.kind for e in records["鞍山市城市绿化管理条例"].events]
    assert anshan == ["passed", "approved", "amended", "approved"]


def test_autonomous_prefecture_regulations(records) -> None:
    """临夏 (no region folder) is placed by its body, approved by 甘肃省; 延边's 自治条例 has its own kind."""
    linxia = records["临夏回族自治州供热用热条例"]
    assert linxia.jurisdiction == "622900" and linxia.resolution == "body"
    assert linxia.events[1].kind == "approved" and linxia.events[1].place == "甘肃省"
    assert records["延边朝鲜族自治州自治条例"].level == "自治条例"
    assert records["延边朝鲜族自治州朝鲜语言文字工作条例"].level == "单行条例"


def test_duplicate_records_are_merged_and_counted(sample) -> None:
    records, report = sample
    assert report.duplicate_records == 2  # 禁毒条例 and 临夏 sit both at the top level and in a folder
    assert sum(1 for r in records if r.title == "宁夏回族自治区禁毒条例") == 1


def test_every_work_version_and_event_has_provenance(graph) -> None:
    nodes = (
        set(graph.subjects(RDF.type, FZ.Regulation))
        | set(graph.subjects(RDF.type, FZ.RegulationVersion))
        | set(graph.subjects(RDF.type, FZ.LegislativeEvent))
    )
    for node in nodes:
        source = graph.value(node, PROV.wasDerivedFrom)
        assert source is not None, node
        dataset = graph.value(source, FZ.inDataset)
        assert graph.value(dataset, FZ.commit) == Literal("9d3056d")
        assert str(graph.value(source, FZ.recordPath)).endswith(".md")


def test_sample_passes_the_shapes(graph) -> None:
    from kg.mapping.jurisdictions import jurisdictions_graph
    from kg.validation import validate

    data = Graph()
    data += graph
    data += jurisdictions_graph(read_table())
    data.parse(ROOT / "data" / "vocab" / "legislative-events.ttl")
    report = validate(data, shapes=Graph().parse(SHAPES))
    assert report.conforms, report.to_turtle()[:2000]


# --- bad input ----------------------------------------------------------------------------------------------


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8") + b"\n", mtime=0))
    return path


GOOD = json.dumps(
    {
        "blob": "0" * 40,
        "file": "泰安市烟花爆竹燃放管理条例.md",
        "header": "# 泰安市烟花爆竹燃放管理条例\n\n- 2018年10月31日"
        "泰安市第十七届人民代表大会常务委员会第十二次会议通过",
        "region_folder": "泰安市",
    },
    ensure_ascii=False,
)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([GOOD, "[1, 2]"], ":2: a JSON list, not an object"),
        (
            [GOOD, '{"blob": "' + "1" * 40 + '", "file": "x.md"}'],
            ":2: the object lacks region_folder, header",
        ),
        (["{not json"], ":1: not JSON"),
    ],
    ids=["not-an-object", "missing-fields", "not-json"],
)
def test_bad_lines_are_clear_errors_and_write_nothing(tmp_path, table, lines, message) -> None:
    path = _jsonl(tmp_path / "bad.jsonl.gz", lines)
    out = tmp_path / "out"
    with pytest.raises(InputError, match=message):
        import_legislation([path], out, table)
    assert not out.exists()


def test_truncated_gzip_is_a_clear_error(tmp_path, table) -> None:
    data = SAMPLE.read_bytes()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="not a complete gzip file"):
        read_flk(path)
    path.write_bytes(b"plain text, not gzip")
    with pytest.raises(InputError, match="not a complete gzip file"):
        import_legislation([path], tmp_path / "out", table)
    assert not (tmp_path / "out").exists()


def test_problems_inside_records_are_counted_and_named(tmp_path, table) -> None:
    def record(blob: str, title: str, lines: list[str], folder: str = "") -> str:
        header = f"# {title}\n\n" + "\n\n".join(f"- {line}" for line in lines)
        value = {"blob": blob * 40, "file": f"{title}.md", "header": header, "region_folder": folder}
        return json.dumps(value, ensure_ascii=False)

    path = _jsonl(
        tmp_path / "problems.jsonl.gz",
        [
            GOOD,
            record(
                "a", "莱芜市城市绿化条例", ["2010年1月1日莱芜市第十五届人民代表大会常务委员会第二次会议通过"]
            ),
            record(
                "b", "北京市某条例", ["2021年2月30日北京市第十五届人民代表大会常务委员会第二十八次会议通过"]
            ),
            record(
                "c",
                "天津市某条例",
                ["2019年1月1日天津市第十七届人民代表大会常务委员会第八次会议通过", "文本做相应修改"],
            ),
        ],
    )
    records, report = collect_records([path], table)
    assert report.unresolved == {"unresolved 莱芜市": 1}
    assert report.history_problems["impossible date"] == 1
    assert report.history_problems["unrecognised line"] == 1
    assert any("2021年2月30日" in note for note in report.notes)
    assert any("文本做相应修改" in note for note in report.notes)
    assert {r.title for r in records} == {"泰安市烟花爆竹燃放管理条例", "北京市某条例", "天津市某条例"}


def test_import_is_deterministic_and_atomic(tmp_path, table) -> None:
    first = import_legislation([SAMPLE], tmp_path / "one", table)
    second = import_legislation([SAMPLE], tmp_path / "two", table)
    for name in ("legislation.tsv.gz", "legislation-events.tsv.gz"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert first.records == second.records == 24
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "legislation-events.tsv.gz",
        "legislation.tsv.gz",
    ]


def test_sqlite_path_with_uri_characters_stays_read_only(tmp_path) -> None:
    """Regression: a file name holding ?, # or % went unescaped into ``file:{path}?mode=ro``."""
    path = tmp_path / "odd?mode=rwc#%41.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE law (id TEXT, level TEXT, name TEXT, publish TEXT, valid_from TEXT, expired INT, "
        "ver INT)"
    )
    connection.execute("INSERT INTO law VALUES ('x', '法律', '测试法', '2020-01-01', '', 0, 1)")
    connection.commit()
    connection.close()
    uri = read_only_uri(path)
    assert uri.endswith("?mode=ro") and "%3F" in uri and "%23" in uri and "%25" in uri
    assert [row["name"] for row in read_law_rows(path)] == ["测试法"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
