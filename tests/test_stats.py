"""Statistics (kg.stats): numbers counted by hand on tests/fixtures/mini-dataset.ttl and on tiny graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from kg import stats as kstats
from kg.store import from_graph

FIXTURE = Path(__file__).parent / "fixtures" / "mini-dataset.ttl"
ID = "https://w3id.org/fazhi/id/"


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURE, format="turtle")


@pytest.fixture(scope="module")
def stats(graph: rdflib.Graph) -> kstats.Stats:
    return kstats.compute(from_graph(graph))


def test_triples(stats: kstats.Stats, graph: rdflib.Graph) -> None:
    assert stats.triples == len(graph) == 324


def test_instances_per_class(stats: kstats.Stats) -> None:
    expected = {
        "fz:Case": 3,
        "fz:Measure": 7,  # 北京 1, 1.1, 2; 吉林 1, 1.1, 2, 2.1
        "fz:QuantitativeOutcome": 2,
        "fz:Jurisdiction": 5,  # CN, 北京, 吉林, 安徽, 长春
        "fz:SourceSpan": 4,
        "fz:Regulation": 2,
        "fz:Mechanism": 13,  # 6 top concepts + 7
        "fz:LeadingGroup": 1,
        "fz:Procuratorate": 1,
        "fz:Platform": 1,
    }
    assert {k: stats.classes[k] for k in expected} == expected


def test_uses_per_property(stats: kstats.Stats) -> None:
    expected = {
        "fz:region": 3, "fz:hasMeasure": 4, "fz:hasSubMeasure": 3, "fz:hasOutcome": 2, "fz:instantiates": 11
    }
    assert {k: stats.properties[k] for k in expected} == expected
    assert sum(stats.properties.values()) == stats.triples


def test_per_region(stats: kstats.Stats) -> None:
    rows = [(r.code, r.name_zh, r.cases, r.measures, r.institutions, r.regulations, r.outcomes)
            for r in stats.regions]
    assert rows == [
        ("110000", "北京市", 1, 3, 0, 1, 0),
        ("220000", "吉林省", 1, 4, 3, 1, 2),
        ("340000", "安徽省", 1, 0, 0, 0, 0),
    ]


def test_completeness(stats: kstats.Stats) -> None:
    c = stats.completeness
    assert c.regions_without_text == [{"code": "340000", "name_zh": "安徽省"}]
    assert c.cases_truncated == [ID + "case/2022-jilin"]
    assert c.cases_without_outcomes == [ID + "case/2022-beijing"]
    assert c.cases_without_measures == []
    assert c.cases_without_sources == []


def test_link_graph_counted_by_hand() -> None:
    g = rdflib.Graph().parse(
        data="""
        @prefix e: <http://example.org/> .
        e:a e:p e:b ; e:q e:b ; a e:Class .
        e:b e:p e:c .
        e:d e:p "a literal" .
        e:e e:p e:f .
        e:f e:p [ e:p e:a ] .
        """,
        format="turtle",
    )
    metrics = kstats.compute(from_graph(g)).link_graph
    # nodes a b c e f; edges a→b (p and q are one pair), b→c, e→f; the blank node and the literal are left out
    assert metrics == kstats.GraphMetrics(
        nodes=5, edges=3, density=0.15, weakly_connected_components=2, largest_component_nodes=3
    )


def test_same_numbers_from_an_rdflib_graph(stats: kstats.Stats, graph: rdflib.Graph) -> None:
    assert kstats.compute(graph) == stats


def test_json_schema_is_stable(stats: kstats.Stats) -> None:
    document = json.loads(stats.to_json())
    assert list(document) == [
        "schema", "triples", "classes", "properties", "regions", "completeness", "link_graph"
    ]
    assert document["schema"] == "fazhi-kg/stats/3"
    assert document["regions"][1] == {
        "code": "220000", "name_zh": "吉林省", "name_en": "Jilin",
        "cases": 1, "measures": 4, "institutions": 3, "regulations": 1, "outcomes": 2,
    }
    assert sorted(document["completeness"]) == sorted(
        ["regions_without_text", "cases_truncated", "cases_without_measures", "cases_without_outcomes",
         "cases_without_sources"]
    )
    assert set(document["link_graph"]) == {
        "nodes", "edges", "density", "weakly_connected_components", "largest_component_nodes", "definition"
    }
    assert stats.to_json() == kstats.compute(from_graph(rdflib.Graph().parse(FIXTURE))).to_json()


def test_text_and_markdown(stats: kstats.Stats) -> None:
    text = stats.to_text()
    assert text.startswith("triples: 324\n")
    assert "regions without text: 安徽省 (340000)" in text
    assert "cases without outcomes: id:case/2022-beijing" in text
    markdown = stats.to_markdown()
    assert "| 220000 | 吉林省 | 1 | 4 | 3 | 1 | 2 |" in markdown
    assert "| `fz:Case` | 3 |" in markdown


def test_kg_stats_leaves_out_the_link_graph_unless_asked(tmp_path: Path) -> None:
    """Regression (issue 10): kg stats took 18 s on the bundled dataset, most of it pulling every link into
    networkx; the link graph is now computed on request, and said to be missing otherwise."""
    from helpers import invoke

    code, output = invoke("stats", "--format", "json", "--data", str(FIXTURE))
    assert code == 0, output
    assert json.loads(output)["link_graph"] is None
    code, output = invoke("stats", "--format", "json", "--data", str(FIXTURE), "--link-graph")
    assert code == 0, output
    full = json.loads(output)
    assert full["link_graph"]["nodes"] > 0 and full["link_graph"]["definition"]
    code, text = invoke("stats", "--data", str(FIXTURE))
    assert code == 0 and "link graph: not computed (kg stats --link-graph" in text, text
    without = kstats.compute(from_graph(rdflib.Graph().parse(FIXTURE)), link_graph=False)
    assert "Link graph: not computed" in without.to_markdown()
