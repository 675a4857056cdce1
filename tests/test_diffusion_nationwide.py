"""Diffusion on real dates: the event-history table, adoption by province, the mechanism ↔ topic mapping,
rq10-mechanism-diffusion and the commands that export and draw them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from helpers import invoke

from kg.analysis.diffusion import Adoption, adoption_table
from kg.analysis.eventhistory import (
    HEADER,
    Place,
    cumulative_by_level,
    event_history,
    history_csv,
    province_adoptions,
)
from kg.errors import InputError
from kg.legislation.mechanisms import read_mapping

ID = "https://w3id.org/fazhi/id/"
ROOT = Path(__file__).resolve().parent.parent


def j(code: str) -> str:
    return f"{ID}jurisdiction/{code}"


PLACES = [
    Place(j("110000"), "110000", "北京市", "province"),
    Place(j("220000"), "220000", "吉林省", "province"),
    Place(j("220200"), "220200", "吉林市", "prefecture"),
    Place(j("370000"), "370000", "山东省", "province"),
]
TABLE = adoption_table(
    [
        Adoption("t", j("110000"), dt.date(2020, 3, 27)),
        Adoption("t", j("220200"), dt.date(2018, 5, 1)),
        Adoption("u", j("370000"), dt.date(2016, 1, 1)),
        Adoption("t", j("370000"), dt.date(2021, 7, 1)),
    ]
)


def test_event_history_has_rows_until_adoption() -> None:
    rows = event_history(TABLE, {"t"}, PLACES)
    by_place: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        by_place.setdefault(row.place.code, []).append((row.year, row.adopted))
    assert by_place["110000"] == [(2018, 0), (2019, 0), (2020, 1)]
    assert by_place["220000"] == [
        (2018, 0),
        (2019, 0),
        (2020, 0),
        (2021, 0),
    ]  # never adopted: at risk to the end
    assert by_place["220200"] == [(2018, 1)]
    assert by_place["370000"][-1] == (2021, 1) and len(by_place["370000"]) == 4
    assert {row.province_name for row in rows if row.place.code == "220200"} == {"吉林省"}


def test_a_policy_of_several_topics_counts_its_earliest_adoption() -> None:
    rows = event_history(TABLE, {"t", "u"}, PLACES, start=2015)
    shandong = [(r.year, r.adopted) for r in rows if r.place.code == "370000"]
    assert shandong == [(2015, 0), (2016, 1)]


def test_left_censored_places_have_no_rows_and_years_are_checked() -> None:
    rows = event_history(TABLE, {"t"}, PLACES, start=2019, end=2020)
    assert "220200" not in {r.place.code for r in rows}
    with pytest.raises(InputError, match="after end year"):
        event_history(TABLE, {"t"}, PLACES, start=2021, end=2019)
    with pytest.raises(InputError, match="no dated adoption"):
        event_history(TABLE, {"absent"}, PLACES)


def test_event_history_csv() -> None:
    text = history_csv(event_history(TABLE, {"t"}, PLACES))
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == HEADER
    assert rows[1][:3] == [j("110000"), "110000", "北京市"] and rows[3][-2:] == ["2020", "1"]


def test_province_adoptions_tell_own_from_city_adoption() -> None:
    rows = {r.code: r for r in province_adoptions(TABLE, {"t"}, [p for p in PLACES if p.level == "province"])}
    assert (rows["110000"].own, rows["110000"].anywhere) == (2020, 2020)
    assert (rows["220000"].own, rows["220000"].anywhere, rows["220000"].adopters) == (None, 2018, 1)
    levels = {j("110000"): "province", j("370000"): "province", j("220200"): "prefecture"}
    curve = cumulative_by_level(TABLE, {"t"}, levels)
    assert curve["prefecture"][0] == (2018, 1) and curve["province"][-1] == (2021, 2)


# --- the curated mapping ------------------------------------------------------------------------------------


def test_bundled_mapping_names_known_mechanisms_with_a_note_each() -> None:
    from rdflib import Graph

    from kg.terms import Ids

    vocabulary = Graph().parse(ROOT / "data" / "vocab" / "mechanisms.ttl")
    links = read_mapping()
    assert len(links) >= 20 and all(len(link.note) > 20 for link in links)
    for link in links:
        assert (Ids.concept("mechanism", link.mechanism), None, None) in vocabulary, link.mechanism
    wanted = {("jiesu-jiban", "接诉即办工作条例"), ("business-environment", "优化营商环境条例")}
    wanted |= {("social-credit", "社会信用条例"), ("enforcement-supervision", "行政执法监督条例")}
    wanted |= {("diversified-dispute-resolution", "矛盾纠纷多元化解条例")}
    assert wanted <= {(link.mechanism, link.topic) for link in links}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("jiesu-jiban\tsameAs\t接诉即办工作条例\tnote", "relation 'sameAs'"),
        ("jiesu-jiban\tcloseMatch\t接诉即办工作条例", "give mechanism, relation, topic and a note"),
    ],
)
def test_bad_mapping_lines_are_clear_errors(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "mechanism-topics.tsv"
    path.write_text("mechanism\trelation\ttopic\tnote\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_mapping(path)
    assert f"{path}:2" in str(caught.value)


def test_mapped_topics_are_in_the_nationwide_corpus() -> None:
    """Every curated topic label names a topic some imported work has (else the link would be dropped)."""
    from kg.divisions import jurisdiction_table
    from kg.legislation.records import read_records
    from kg.legislation.topics import normalise_topic

    table = jurisdiction_table()
    records = read_records(ROOT / "data" / "reference" / "legislation.tsv.gz")
    hints = {r.jurisdiction: None if r.jurisdiction == "CN" else r.jurisdiction[:2] + "0000" for r in records}
    labels = {r.title: hints[r.jurisdiction] for r in records if r.level != "决定"}
    topics = {normalise_topic(title, table, hint_province=hint).hash for title, hint in labels.items()}
    missing = [link.topic for link in read_mapping() if link.topic_hash not in topics]
    assert missing == []


# --- on the built dataset (the test extract: national, 北京, 吉林) ---------------------------------


def test_rq10_mechanism_diffusion_names_the_date_source(bundled_store) -> None:
    from kg import query

    rows = query.run_named(
        bundled_store, "rq10-mechanism-diffusion", arguments={"mechanism": "接诉即办"}
    ).rows
    found = {(str(r["code"]) if r["code"] else "CN", str(r["date"]), str(r["dateSource"])) for r in rows}
    assert ("110000", "2021-09-24", "linked topic") in found
    assert ("110000", "2021-09-24", "case regulation") in found
    assert any(source == "inspection start" for _code, _date, source in found)
    assert {str(r["mechanismLabel"]) for r in rows} == {"接诉即办"}


def test_cli_event_history_and_map(built: Path, tmp_path: Path) -> None:
    data = str(built / "dataset.nt")
    out = tmp_path / "business.csv"
    code, output = invoke(
        "analyze",
        "event-history",
        "--topic",
        "优化营商环境条例",
        "--level",
        "province",
        "-o",
        str(out),
        "--data",
        data,
    )
    assert code == 0, output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["level"] for r in rows} == {"province"} and len({r["code"] for r in rows}) == 31
    assert [r["adopted"] for r in rows if r["code"] == "110000"][-1] == "1"
    code, output = invoke("analyze", "event-history", "--data", data)
    assert code == 2 and "either --topic or --mechanism" in output
    code, output = invoke(
        "analyze", "map", "--mechanism", "优化营商环境", "--out", str(tmp_path), "--data", data
    )
    assert code == 0, output
    for name in ("adoption-map.png", "adoption-curve.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
