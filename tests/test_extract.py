"""kg extract and kg span: layouts, findings, spans, accuracy targets, bad input, robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.extract.evaluate import evaluate
from kg.extract.pipeline import extract
from kg.extract.span import find_passage
from kg.extract.text import decode, flatten
from kg.loading import load_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "notice-2022-inspection-typical-experiences.txt"


def _extract(path: Path):
    source = decode(path.read_bytes(), str(path))
    found = extract(source, document="doc", notice="notice")
    assert found is not None
    return source, found


def _scores(path: Path, gold_dir: Path):
    _, found = _extract(path)
    gold = [load_yaml(p).data for p in sorted(gold_dir.glob("*.yaml"))]
    return evaluate(list(found.drafts), gold, [r.code for r in found.named_without_text]).scores


# --- text ----------------------------------------------------------------------------------------------


def test_flat_text_drops_wraps_and_stray_spaces_and_maps_back():
    raw = "查处案件18 起,扣押黑土\n21 万余立方米。北京、天津、安徽\n湖南、广东\n"
    source = decode(raw.encode("utf-8"), "t")
    flat = flatten(source, 1, 3)
    assert flat.text == "查处案件18起,扣押黑土21万余立方米。北京、天津、安徽、湖南、广东"
    index = flat.text.index("21万")
    start, end = flat.span(index, index + len("21万余立方米"))
    assert raw[start:end] == "21 万余立方米"
    assert flat.index_of(start) == index


def test_gb18030_input_is_decoded():
    text = "一、北京市\n北京市推进执法改革,成立执法协调中心。\n一是开展评查。\n"
    assert decode(text.encode("gb18030"), "t").encoding == "gb18030"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(InputError, match=message):
        decode(data, "x")


def test_cli_exit_2_for_empty_binary_and_caseless_input(tmp_path):
    cases = {
        "empty.txt": b"",
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "plain.txt": "今天天气很好。\n".encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        code, output = invoke("extract", str(path), "--out", str(tmp_path / "out"))
        assert code == 2, (name, output)
        assert "Error:" in output
    assert not (tmp_path / "out").exists()


# --- the seed --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(shared):
    return _extract(SEED)


def test_seed_three_cases_and_five_regions_without_text(seed):
    _, found = seed
    assert found.layout == "a"
    assert [d["region"] for d in found.drafts] == ["110000", "120000", "220000"]
    assert [r.code for r in found.named_without_text] == ["340000", "430000", "440000", "500000", "640000"]
    assert found.truncated and found.end_line == 139


def test_seed_spans_cover_whole_lines_of_the_input(seed):
    from kg.sources import line_offsets

    source, found = seed

    def spans(value):
        if isinstance(value, dict):
            if set(value) >= {"lines", "offsets"}:
                yield value
            for item in value.values():
                yield from spans(item)
        elif isinstance(value, list):
            for item in value:
                yield from spans(item)

    checked = 0
    for draft in found.drafts:
        assert draft["source"]["sha256"] == source.sha256
        for span in spans(draft):
            assert tuple(span["offsets"]) == line_offsets(source.text, *span["lines"])
            checked += 1
    assert checked > 50


def test_seed_figures_and_regulations(seed):
    _, found = seed
    beijing = found.drafts[0]
    assert beijing["regulations"][0]["title"] == "北京市接诉即办工作条例"
    assert all(m["enacts"] == ["regulation-1"] for m in beijing["measures"])  # named in the introduction
    jilin = found.drafts[2]
    titles = [r["title"] for r in jilin["regulations"]]
    assert "吉林省环境治理司法协同中心2021年工作计划" in titles
    outcomes = [o for m in jilin["measures"] for o in m.get("outcomes", [])]
    soil = next(o for o in outcomes if o["unit"] == "cubic-metre")
    assert (soil["value"], soil["reported"], soil["approximate"], soil["year"]) == (
        210000,
        "21 万余立方米",
        True,
        "2021",
    )
    arrests = [o for o in outcomes if o.get("since") == "2020-09"]
    assert [(o["value"], o["unit"]) for o in arrests[:2]] == [(17, "case"), (20, "person")]
    assert arrests[0]["qualifier"] == "以来"


def test_seed_meets_the_accuracy_targets(shared):
    scores = _scores(SEED, ROOT / "data" / "cases")
    for name in ("cases", "regions", "regulations", "outcomes"):
        assert scores[name].f1 >= 0.95, name
    for name in ("measures", "institutions", "mechanisms"):
        assert scores[name].f1 >= 0.85, name


def test_extract_writes_drafts_that_build(shared, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = invoke("extract", str(SEED), "--out", "drafts")
    assert code == 0, output
    assert "3 cases" in output and "安徽省 (340000)" in output and "line 139" in output
    files = sorted(Path("drafts").glob("*.yaml"))
    assert len(files) == 3
    assert load_yaml(files[0]).data["status"] == "draft"
    assert "legislation layer" in files[0].read_text(encoding="utf-8")
    code, output = invoke("build", "--cases", "drafts", "--out", "out")
    assert code == 0, output
    code, output = invoke("validate", "--data", "out/dataset.ttl")
    assert code == 0, output


def test_json_format(shared, tmp_path):
    import json

    code, _ = invoke("extract", str(SEED), "--out", str(tmp_path), "--format", "json")
    assert code == 0
    data = json.loads(sorted(tmp_path.glob("*.json"))[0].read_text(encoding="utf-8"))
    assert data["region"] == "110000"


def test_evaluate_command(shared):
    code, output = invoke("extract", "--evaluate", str(ROOT / "data" / "cases"))
    assert code == 0, output
    assert "mechanisms" in output and "no-text" in output


# --- layouts (b) and (c): own sample notices --------------------------------------------------------------


def test_layout_b_sample():
    _, found = _extract(FIXTURES / "layout-b" / "notice.txt")
    assert found.layout == "b"
    assert [d["region"] for d in found.drafts] == ["320500", "510107", "330110", "440300"]
    scores = _scores(FIXTURES / "layout-b" / "notice.txt", FIXTURES / "layout-b" / "gold")
    for name in ("cases", "regions", "measures", "regulations", "institutions", "outcomes"):
        assert scores[name].f1 >= 0.95, name


def test_layout_c_sample_with_nested_headings():
    _, found = _extract(FIXTURES / "layout-c" / "notice.txt")
    assert found.layout == "c"
    assert [d["region"] for d in found.drafts] == ["330000", "510107", "511300"]
    scores = _scores(FIXTURES / "layout-c" / "notice.txt", FIXTURES / "layout-c" / "gold")
    for name in ("cases", "regions", "measures", "regulations", "institutions", "outcomes"):
        assert scores[name].f1 >= 0.95, name


def test_nested_title_and_title_broken_across_lines():
    text = "一、上海市\n上海市出台《关于贯彻〈上海市优化营商\n环境条例〉的实施意见》,推进改革。\n"
    source = decode(text.encode(), "t")
    found = extract(source, document="d", notice="n")
    assert found is not None
    assert found.drafts[0]["regulations"][0]["title"] == "关于贯彻〈上海市优化营商环境条例〉的实施意见"


# --- kg span ----------------------------------------------------------------------------------------------


def test_span_matches_across_wraps_and_stray_spaces(shared):
    source = decode(SEED.read_bytes(), "seed")
    found = find_passage(source, "扣押黑土21万余立方米")
    assert len(found) == 1 and found[0].lines == (129, 130)
    assert find_passage(source, "不存在的文字") == []
    assert len(find_passage(source, "典型差案")) > 1


def test_span_command(shared):
    code, output = invoke("span", str(SEED), "北京市接诉即办工作条例》")
    assert code == 0, output
    assert "lines: [39, 39], offsets: [769, 794]" in output
    code, output = invoke("span", str(SEED), "没有这句话")
    assert code == 2 and "not in the text" in output
    code, output = invoke("span", str(SEED), "典型差案")
    assert code == 2 and "times" in output


# --- robustness ---------------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "北京市出台条例",
        "一是",
        "二、",
        "1.",
        "《",
        "》",
        "〈",
        "2021 年",
        "18 起",
        "余万元",
        "\n",
        "。",
        ",",
        "(一)",
        "四川省成都市武侯区",
        "领导小组",
        "平台",
        "以来",
        " ",
        "和",
        "中心",
        "\r\n",
        "\u3000",
        "9月",
    ]
)


@pytest.fixture(scope="module")
def vocabulary():
    from kg.build import _vocabulary_graph, case_vocabulary

    return case_vocabulary(_vocabulary_graph())


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(pieces=st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60))
def test_arbitrary_text_gives_valid_drafts_or_a_clear_error(pieces, vocabulary, tmp_path):
    """Any text yields drafts that pass the case-file check with spans inside the text, or an InputError."""
    from kg.casefile import check_spans, read_case
    from kg.extract.draft import render

    data = "".join(pieces).encode("utf-8", "surrogatepass")
    try:
        source = decode(data, "fuzz")
    except InputError:
        return
    except UnicodeEncodeError:
        return
    found = extract(source, document="fuzz-doc", notice="fuzz-notice")
    if found is None:
        return
    path = tmp_path / "draft.yaml"
    for draft in found.drafts:
        path.write_text(render(draft, "yaml"), encoding="utf-8")
        case, problems = read_case(load_yaml(path), vocabulary)
        assert problems == [] and case is not None, problems
        assert check_spans(case, {"fuzz-doc": source.text}) == []


_BODY = st.lists(
    st.one_of(
        _PIECES,
        st.text(alphabet="一二三是、。,，《》〈〉0123456789 余万亿件人起年月以来成立中心平台组", max_size=12),
    ),
    max_size=40,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    heading=st.sampled_from(["一、北京市\n", "1.四川省成都市武侯区", "北京市出台条例\n法治为民\n"]),
    body=_BODY,
)
def test_fuzzed_case_bodies_give_valid_drafts(heading, body, vocabulary, tmp_path):
    """A recognisable case with an arbitrary body: a draft that passes the case-file check, every time."""
    from kg.casefile import check_spans, read_case
    from kg.extract.draft import render

    text = "序言。\n" + heading + "北京市推进改革,成立工作领导小组。\n" + "".join(body) + "\n"
    source = decode(text.encode("utf-8"), "fuzz")
    found = extract(source, document="fuzz-doc", notice="fuzz-notice")
    assert found is not None and found.drafts
    path = tmp_path / "draft.yaml"
    for draft in found.drafts:
        path.write_text(render(draft, "yaml"), encoding="utf-8")
        case, problems = read_case(load_yaml(path), vocabulary)
        assert problems == [] and case is not None, problems
        assert check_spans(case, {"fuzz-doc": source.text}) == []


def test_same_input_gives_byte_identical_drafts(tmp_path):
    notice = FIXTURES / "layout-c" / "notice.txt"
    outputs = []
    for run in ("one", "two"):
        code, _ = invoke("extract", str(notice), "--out", str(tmp_path / run))
        assert code == 0
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 3


def test_gbk_notice_through_the_command_line(tmp_path):
    text = (FIXTURES / "layout-b" / "notice.txt").read_text(encoding="utf-8")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    code, output = invoke("extract", str(path), "--out", str(tmp_path / "out"))
    assert code == 0, output
    assert len(list((tmp_path / "out").glob("*.yaml"))) == 4


# --- drafts in the build -------------------------------------------------------------------------


def _read(tmp_path: Path, text: str):
    from kg.build import _vocabulary_graph, case_vocabulary
    from kg.casefile import read_case

    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return read_case(load_yaml(path), case_vocabulary(_vocabulary_graph()))


_DRAFT = """id: new-notice-case-1
notice: {notice}
region: "330000"
status: {status}
source: {{document: {document}, sha256: {sha}, lines: [1, 2], offsets: [0, 10]}}
measures:
  - title: {{zh: 建设平台}}
"""


def test_draft_may_name_an_unregistered_notice_and_carry_measures(tmp_path):
    """Regression: drafts with measures were refused ('a case with status draft has no text')."""
    case, problems = _read(
        tmp_path, _DRAFT.format(notice="new-notice", status="draft", document="new-notice", sha="a" * 64)
    )
    assert problems == [] and case is not None and len(case.measures) == 1


def test_curated_case_still_needs_a_registered_notice(tmp_path):
    _, problems = _read(
        tmp_path, _DRAFT.format(notice="new-notice", status="complete", document="new-notice", sha="a" * 64)
    )
    messages = " ".join(p.message for p in problems)
    assert "unknown notice 'new-notice'" in messages and "unknown document 'new-notice'" in messages


def test_unregistered_notice_and_document_become_valid_nodes(tmp_path):
    from rdflib import RDF, Graph

    from kg.mapping.drafts import unregistered_triples
    from kg.terms import FZ, Ids

    case, _ = _read(
        tmp_path, _DRAFT.format(notice="new-notice", status="draft", document="new-notice", sha="a" * 64)
    )
    graph = Graph()
    for triple in unregistered_triples([case], notices={"other"}, documents={"other"}):
        graph.add(triple)
    assert (Ids().notice("new-notice"), RDF.type, FZ.Notice) in graph
    assert (Ids().document("new-notice"), RDF.type, FZ.SourceDocument) in graph
    assert not unregistered_triples([case], notices={"new-notice"}, documents={"new-notice"})


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("一是", id="regression: a marker with no text gave a measure with an empty title"),
        pytest.param("《《〉〉", id="regression: brackets without a title gave the title 《〉"),
    ],
)
def test_degenerate_bodies_give_valid_drafts(body, vocabulary, tmp_path):
    from kg.casefile import read_case
    from kg.extract.draft import render

    source = decode(f"序言。\n一、北京市\n北京市推进改革,成立工作领导小组。\n{body}\n".encode(), "t")
    found = extract(source, document="d", notice="n")
    assert found is not None
    path = tmp_path / "draft.yaml"
    path.write_text(render(found.drafts[0], "yaml"), encoding="utf-8")
    case, problems = read_case(load_yaml(path), vocabulary)
    assert problems == [] and case is not None
