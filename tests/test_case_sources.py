"""The case files against the source notice: spans, checksums, titles and figures agree with the text."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
import yaml
from helpers import walk_measures
from rdflib import RDF, Graph, URIRef

from kg.terms import DEFAULT_BASE, FZ

WITH_TEXT = ("beijing", "tianjin", "jilin")
WITHOUT_TEXT = ("anhui", "hunan", "guangdong", "chongqing", "ningxia")
FIGURE = re.compile(r"(\d+)\s*(万余|余万|余)?\s*(立方米|元|件|起|人|份|个|名)")
TITLE = re.compile(r"《([^》]*)》")
TEXT_KEYS = {"measures", "headline", "summary", "source", "position", "institutions", "regulations"}


@pytest.fixture(scope="module")
def cases(root: Path) -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((root / "data" / "cases").glob("*.yaml"))
    }


@pytest.fixture(scope="module")
def document(root: Path) -> dict[str, str]:
    with (root / "data" / "reference" / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}
    return rows["seed-notice-2022"]


@pytest.fixture(scope="module")
def line_starts(seed_text: str) -> list[int]:
    starts = [0]
    for line in seed_text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def line_text(seed_text: str, first: int, last: int) -> str:
    return "\n".join(seed_text.splitlines()[first - 1 : last])


def flat(text: str) -> str:
    """Text without whitespace: the capture wraps lines and scatters spaces inside words and numbers."""
    return "".join(text.split())




def outcomes_of(case: dict) -> list[dict]:
    return [o for m in walk_measures(case.get("measures", [])) for o in m.get("outcomes", [])]


def spans_of(case: dict) -> list[tuple[str, dict]]:
    """Every span of a case file, with a name saying where it sits."""
    spans = [("source", case["source"])] if "source" in case else []
    for key in ("institutions", "regulations"):
        spans += [(f"{key}/{item['id']}", item["span"]) for item in case.get(key, [])]
    spans += [(f"measure {m['title']['zh']}", m["span"]) for m in walk_measures(case.get("measures", []))]
    spans += [(f"outcome {o['reported']}", o["span"]) for o in outcomes_of(case)]
    return spans


def case_text(case: dict, seed_text: str) -> str:
    first, last = case["source"]["lines"]
    return line_text(seed_text, first, last)


def test_the_document_row_describes_the_seed(document: dict[str, str], shared: Path, seed_text: str) -> None:
    seed = shared / Path(document["path_hint"]).relative_to("../shared")
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == document["sha256"]
    assert int(document["lines"]) == len(seed_text.splitlines())
    assert int(document["characters"]) == len(seed_text)


def test_the_eight_case_files_are_there(cases: dict[str, dict]) -> None:
    assert set(cases) == set(WITH_TEXT + WITHOUT_TEXT)
    assert len({c["id"] for c in cases.values()}) == len(cases)


def test_case_regions_are_the_inspected_regions(cases: dict[str, dict], root: Path) -> None:
    notice = Graph().parse(root / "data" / "reference" / "notice.ttl", format="turtle")
    inspection = URIRef(f"{DEFAULT_BASE}inspection/2021-10-law-based-government")
    inspected = {str(j).rsplit("/", 1)[1] for j in notice.objects(inspection, FZ.inspected)}
    assert {c["region"] for c in cases.values()} == inspected


def test_spans_of_the_reference_data_cover_their_lines(
    root: Path, document: dict[str, str], seed_text: str, line_starts: list[int]
) -> None:
    notice = Graph().parse(root / "data" / "reference" / "notice.ttl", format="turtle")
    spans = sorted(notice.subjects(RDF.type, FZ.SourceSpan))
    assert spans, "the notice is derived from no span"
    for span in spans:
        first, last = (notice.value(span, p).toPython() for p in (FZ.startLine, FZ.endLine))
        offsets = [notice.value(span, p).toPython() for p in (FZ.startOffset, FZ.endOffset)]
        assert offsets == [
            line_starts[first - 1],
            line_starts[first - 1] + len(line_text(seed_text, first, last)),
        ]
        assert str(notice.value(span, FZ.sha256)) == document["sha256"]
        assert str(span).endswith(f"/span/{document['id']}/{offsets[0]}-{offsets[1]}")


@pytest.mark.parametrize("name", WITH_TEXT)
def test_sources_name_the_document_and_its_checksum(
    name: str, cases: dict[str, dict], document: dict[str, str]
) -> None:
    source = cases[name]["source"]
    assert source["document"] == document["id"]
    assert source["sha256"] == document["sha256"]


@pytest.mark.parametrize("name", WITH_TEXT)
def test_every_span_covers_exactly_its_lines(
    name: str, cases: dict[str, dict], seed_text: str, line_starts: list[int]
) -> None:
    case = cases[name]
    case_first, case_last = case["source"]["lines"]
    problems = []
    for where, span in spans_of(case):
        first, last = span["lines"]
        expected = [line_starts[first - 1], line_starts[first - 1] + len(line_text(seed_text, first, last))]
        if span["offsets"] != expected:
            problems.append(f"{where}: lines {first}-{last} need offsets {expected}, not {span['offsets']}")
        if not case_first <= first <= last <= case_last:
            problems.append(f"{where}: lines {first}-{last} outside the case ({case_first}-{case_last})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", WITH_TEXT)
def test_every_document_title_in_the_text_is_a_regulation(
    name: str, cases: dict[str, dict], seed_text: str
) -> None:
    in_text = set(TITLE.findall(flat(case_text(cases[name], seed_text))))
    recorded = {r["title"] for r in cases[name].get("regulations", [])}
    assert in_text == recorded


@pytest.mark.parametrize("name", WITH_TEXT)
def test_names_and_titles_appear_in_their_spans(name: str, cases: dict[str, dict], seed_text: str) -> None:
    case = cases[name]
    problems = []
    for key, text_of in (("institutions", lambda i: i["name"]["zh"]), ("regulations", lambda r: r["title"])):
        for item in case.get(key, []):
            if flat(text_of(item)) not in flat(line_text(seed_text, *item["span"]["lines"])):
                problems.append(f"{key}/{item['id']}: {text_of(item)!r} not in lines {item['span']['lines']}")
    for outcome in outcomes_of(case):
        if flat(outcome["reported"]) not in flat(line_text(seed_text, *outcome["span"]["lines"])):
            problems.append(f"outcome {outcome['reported']!r} is not in lines {outcome['span']['lines']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", WITH_TEXT)
def test_every_figure_in_the_text_is_an_outcome(name: str, cases: dict[str, dict], seed_text: str) -> None:
    text = TITLE.sub("", flat(case_text(cases[name], seed_text)))
    in_text = sorted("".join(m) for m in FIGURE.findall(text))
    recorded = sorted(flat(o["reported"]) for o in outcomes_of(cases[name]))
    assert in_text == recorded


@pytest.mark.parametrize("name", WITH_TEXT)
def test_values_agree_with_the_reported_figures(name: str, cases: dict[str, dict]) -> None:
    problems = []
    for outcome in outcomes_of(cases[name]):
        match = FIGURE.fullmatch(flat(outcome["reported"]))
        assert match, f"not a figure: {outcome['reported']!r}"
        number, modifier, _ = match.groups()
        scale = 10_000 if modifier and "万" in modifier else 1
        if outcome["value"] != int(number) * scale:
            problems.append(f"{outcome['reported']!r}: value {outcome['value']} != {int(number) * scale}")
        if outcome.get("approximate", False) != bool(modifier):
            problems.append(f"{outcome['reported']!r}: approximate must be {bool(modifier)} (余: more than)")
    assert not problems, "\n".join(problems)


def test_cases_with_text_are_numbered_in_notice_order(cases: dict[str, dict]) -> None:
    by_line = sorted(WITH_TEXT, key=lambda name: cases[name]["source"]["lines"][0])
    assert [cases[name]["position"] for name in by_line] == [1, 2, 3]
    assert [cases[name]["status"] for name in by_line] == ["complete", "complete", "truncated"]


@pytest.mark.parametrize("name", WITHOUT_TEXT)
def test_cases_without_text_invent_nothing(name: str, cases: dict[str, dict]) -> None:
    case = cases[name]
    assert case["status"] == "text-unavailable"
    assert case["note"].strip()
    assert not TEXT_KEYS & set(case)
