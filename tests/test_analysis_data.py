"""kg.analysis through SPARQL on a small hand-made dataset, on the bundled dataset, and ``kg analyze``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from helpers import invoke

from kg.analysis.graphs import FEATURE_KINDS, entity_graph, incidence, mechanism_cooccurrence, named_graph
from kg.analysis.metrics import most_similar
from kg.analysis.paths import explaining_graph, explaining_paths
from kg.analysis.sparql import find_region
from kg.loading import read_rdf_files

ID = "https://w3id.org/fazhi/id/"
FIXTURE = """
@prefix fz: <https://w3id.org/fazhi/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix j: <https://w3id.org/fazhi/id/jurisdiction/> .
@prefix m: <https://w3id.org/fazhi/id/mechanism/> .
@prefix c: <https://w3id.org/fazhi/id/case/> .
@prefix lv: <https://w3id.org/fazhi/id/level/> .
@prefix f: <https://w3id.org/fazhi/id/field/> .
@prefix ik: <https://w3id.org/fazhi/id/institution-kind/> .
@prefix t: <https://w3id.org/fazhi/id/topic/> .

j:CN a fz:Jurisdiction ; rdfs:label "中国"@zh ; fz:level lv:country .
j:110000 a fz:Jurisdiction ; rdfs:label "北京市"@zh ; fz:adminCode "110000" ; fz:level lv:province ;
    fz:within j:CN .
j:120000 a fz:Jurisdiction ; rdfs:label "天津市"@zh ; fz:adminCode "120000" ; fz:level lv:province ;
    fz:within j:CN .
j:220000 a fz:Jurisdiction ; rdfs:label "吉林省"@zh ; fz:adminCode "220000" ; fz:level lv:province ;
    fz:within j:CN .
j:220200 a fz:Jurisdiction ; rdfs:label "吉林市"@zh ; fz:adminCode "220200" ; fz:level lv:prefecture ;
    fz:within j:220000 .

m:top a fz:Mechanism ; skos:prefLabel "组织保障"@zh .
m:x a fz:Mechanism ; skos:prefLabel "接诉即办"@zh ; skos:broader m:top .
m:y a fz:Mechanism ; skos:prefLabel "专家评审"@zh ; skos:broader m:top .
m:z a fz:Mechanism ; skos:prefLabel "领导小组"@zh ; skos:broader m:top .
m:w a fz:Mechanism ; skos:prefLabel "监测中心"@zh ; skos:broader m:z .
f:f1 a fz:PolicyField ; skos:prefLabel "服务经济社会发展"@zh .
ik:lg a fz:InstitutionKind ; skos:prefLabel "领导小组"@zh .
t:t1 a fz:RegulationTopic ; skos:prefLabel "黑土地保护条例"@zh .

c:a a fz:Case ; rdfs:label "北京案例"@zh ; fz:region j:110000 ; fz:policyField f:f1 ;
    fz:hasMeasure c:a-1 .
c:a-1 a fz:Measure ; fz:instantiates m:x , m:y ; fz:hasSubMeasure c:a-1-1 .
c:a-1-1 a fz:Measure ; fz:instantiates m:z ; fz:involves c:a-i .
c:a-i a fz:Institution ; rdfs:label "领导小组甲"@zh ; fz:institutionKind ik:lg .
c:b a fz:Case ; rdfs:label "吉林案例"@zh ; fz:region j:220000 ; fz:policyField f:f1 ;
    fz:hasMeasure c:b-1 .
c:b-1 a fz:Measure ; fz:instantiates m:x .
c:c a fz:Case ; rdfs:label "天津案例"@zh ; fz:region j:120000 ; fz:hasMeasure c:c-1 .
c:c-1 a fz:Measure ; fz:instantiates m:w .
c:r1 a fz:Regulation ; rdfs:label "北京市黑土地保护条例"@zh ; fz:topic t:t1 ;
    fz:jurisdiction j:110000 .
c:r2 a fz:Regulation ; rdfs:label "吉林市黑土地保护条例"@zh ; fz:topic t:t1 ;
    fz:jurisdiction j:220200 .
"""


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "mini.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mini(fixture_file: Path):
    from kg.store import from_graph

    return from_graph(read_rdf_files([fixture_file]))


def j(code: str) -> str:
    return f"{ID}jurisdiction/{code}"


def test_incidence_follows_sub_measures_and_institutions(mini):
    data = incidence(mini, FEATURE_KINDS)
    assert {r: sorted(data.label(f) for f in fs) for r, fs in data.members.items()} == {
        j("110000"): ["专家评审", "接诉即办", "服务经济社会发展", "领导小组", "领导小组", "黑土地保护条例"],
        j("120000"): ["监测中心"],
        j("220000"): ["接诉即办", "服务经济社会发展"],
        j("220200"): ["黑土地保护条例"],
    }
    assert data.kinds[f"{ID}institution-kind/lg"] == "institution-kind"


def test_similarity_through_sparql(mini):
    # 北京 {x, y, z}, 吉林省 {x}: Jaccard 1/3.
    found = most_similar(incidence(mini, ("mechanism",)), find_region(mini, "北京").region.iri)
    assert [(s.label, s.shared, s.jaccard) for s in found] == [("吉林省", 1, 0.333333)]


def test_mechanism_cooccurrence(mini):
    graph = mechanism_cooccurrence(mini)
    # Only case a has several mechanisms: x, y, z pairwise, once each.
    assert sorted(
        (*sorted((graph.nodes[a]["label"], graph.nodes[b]["label"])), d["weight"])
        for a, b, d in graph.edges(data=True)
    ) == [("专家评审", "接诉即办", 1), ("专家评审", "领导小组", 1), ("接诉即办", "领导小组", 1)]


def test_paths_between_regions_are_label_chains(mini):
    graph = explaining_graph(mini)
    beijing, jilin, tianjin = (find_region(mini, name).region.iri for name in ("北京", "吉林", "天津"))
    assert [p.chain() for p in explaining_paths(graph, beijing, jilin)] == [
        "北京市 ─uses mechanism→ 接诉即办 [mechanism] ←uses mechanism─ 吉林省",
        "北京市 ─serves policy field→ 服务经济社会发展 [field] ←serves policy field─ 吉林省",
    ]
    # 天津's only mechanism (监测中心) is narrower than 领导小组, which 北京 uses.
    assert [p.chain() for p in explaining_paths(graph, tianjin, beijing)] == [
        "天津市 ─uses mechanism→ 监测中心 [mechanism] ─broader mechanism→ 领导小组 [mechanism] "
        "←uses mechanism─ 北京市"
    ]
    assert explaining_paths(graph, beijing, j("CN")) == []


def test_entity_graph_is_keyed_by_predicate(mini):
    graph = entity_graph(mini)
    assert graph.has_edge(f"{ID}case/a", j("110000"), key="https://w3id.org/fazhi/ontology#region")
    assert graph.nodes[f"{ID}case/a"] == {"label": "北京案例", "kind": "Case"}
    assert not any(key.endswith("#level") or key.endswith("#type") for _, _, key in graph.edges(keys=True))


_ENTITY_EDGES_BEFORE = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o) && ?p NOT IN (fz:level, rdf:type, skos:inScheme, skos:topConceptOf, skos:hasTopConcept,
                                 schema:sameAs, rdfs:seeAlso, rdfs:isDefinedBy))
  FILTER(!STRSTARTS(STR(?s), STR(fz:)) && !STRSTARTS(STR(?o), STR(fz:)))
  FILTER(!STRSTARTS(STR(?o), STR(owl:)) && !STRSTARTS(STR(?o), STR(rdfs:)) && !STRSTARTS(STR(?o), STR(rdf:)))
}"""
"""The entity graph's query until issue 10: string functions in the FILTER (a third of its time at 830k
triples). entity_links tests the namespaces in Python and must find the same links."""

EDGE_CASES = """
@prefix fz: <https://w3id.org/fazhi/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix c: <https://w3id.org/fazhi/id/case/> .
fz:Case rdfs:subClassOf fz:Thing ; rdfs:label "Case"@en .
c:x fz:relatedTo c:y , fz:Case , owl:Thing , rdfs:Resource , c:x ; rdfs:seeAlso c:z ; rdfs:label "x" .
_:b fz:relatedTo c:x .
c:y fz:relatedTo _:b , c:x .
"""


def test_entity_links_equal_the_query_before_issue_10(mini, tmp_path: Path):
    """Regression (issue 10): the links without string functions in the query are the same links, blank
    nodes, literals, excluded predicates and vocabulary terms left out as before, a self-link kept. On an
    rdflib graph the old query kept blank subjects (rdflib's STR of a blank node is its id, Oxigraph's an
    error); both engines now give the store's answer."""
    from kg.analysis.graphs import entity_links
    from kg.analysis.sparql import select
    from kg.store import from_graph

    path = tmp_path / "edges.ttl"
    path.write_text(EDGE_CASES, encoding="utf-8")
    graph = read_rdf_files([path])
    store = from_graph(graph)
    before = sorted((str(r["s"]), str(r["p"]), str(r["o"])) for r in select(store, _ENTITY_EDGES_BEFORE))
    assert (
        entity_links(store)
        == entity_links(graph)
        == before
        == [
            (f"{ID}case/x", "https://w3id.org/fazhi/ontology#relatedTo", f"{ID}case/x"),
            (f"{ID}case/x", "https://w3id.org/fazhi/ontology#relatedTo", f"{ID}case/y"),
            (f"{ID}case/y", "https://w3id.org/fazhi/ontology#relatedTo", f"{ID}case/x"),
        ]
    )
    before = sorted((str(r["s"]), str(r["p"]), str(r["o"])) for r in select(mini, _ENTITY_EDGES_BEFORE))
    assert entity_links(mini) == before and len(before) > 10


# --- the bundled dataset ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_file(built: Path) -> Path:
    return built / "dataset.nt"


@pytest.fixture(scope="module")
def bundled(bundled_file: Path):
    from kg.store import from_graph

    return from_graph(read_rdf_files([bundled_file]))


def has_adoption_query() -> bool:
    from kg.resources import queries_dir

    return (queries_dir() / "rq10-topic-diffusion.rq").is_file()


@pytest.mark.parametrize("name", ["region-mechanism", "regions", "entity"])
def test_graphml_round_trips_through_networkx(bundled, tmp_path: Path, name: str):
    from kg.analysis.export import write_graph

    graph = named_graph(bundled, name)
    assert graph.number_of_nodes() > 0
    path = write_graph(graph, tmp_path / f"{name}.graphml")
    back = nx.read_graphml(path, force_multigraph=graph.is_multigraph())
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    node = sorted(graph.nodes)[0]
    assert back.nodes[node]["label"] == graph.nodes[node]["label"]


def _adjacency(graph: nx.Graph) -> list[tuple[str, list[str]]]:
    return [(node, list(graph.adj[node])) for node in graph]


def test_entity_metrics_read_the_skeleton_as_they_read_the_full_graph(bundled, built: Path):
    """Regression (issue 10): centrality and communities of --graph entity read a label-less simple graph
    built straight from the links and label only what they show; on the test dataset the results equal
    those on the full entity graph read as before (nx.Graph of its undirected copy), node and neighbour
    order included (Louvain and sampled betweenness depend on it)."""
    from kg.analysis.graphs import metric_graph
    from kg.analysis.metrics import centrality, communities

    full = named_graph(bundled, "entity")
    before = nx.Graph(full.to_undirected())
    skeleton, describe = metric_graph(bundled, "entity")
    assert describe is not None and skeleton.number_of_edges() > 1000
    iris = describe.data.nodes
    assert _adjacency(nx.relabel_nodes(skeleton, dict(enumerate(iris)))) == _adjacency(before)
    # The same graph gives the same power iteration; left out here, where it would take most of the time.
    expected = centrality(full, sample=20, seed=5, eigenvector_budget=0)
    got = centrality(skeleton, sample=20, seed=5, top=25, describe=describe, eigenvector_budget=0)
    assert got.rows == expected.rows[:25]
    assert got.betweenness_method == f"sampled: 20 of {skeleton.number_of_nodes()} source nodes, seed 5"
    for method in ("louvain", "label-propagation"):
        assert communities(skeleton, seed=2, method=method, describe=describe) == communities(
            full, seed=2, method=method
        )
    # kg build kept the same graph beside its store, with the labels and kinds the full graph carries
    from kg.analysis.entityfile import read_entity_file
    from kg.store import store_path

    kept = read_entity_file(store_path(built))
    assert kept is not None and (kept.nodes, kept.links) == (iris, describe.data.links)
    assert kept.described == [(full.nodes[n]["label"], full.nodes[n]["kind"]) for n in kept.nodes]
    # and the link graph of kg stats --link-graph, with the metrics SPARQL's links give
    from kg.analysis.entityfile import read_link_graph
    from kg.stats import _graph_metrics, _link_graph_metrics

    linked = read_link_graph(store_path(built))
    assert linked is not None and len(linked) > len(kept.links)
    assert _graph_metrics(linked) == _link_graph_metrics(bundled, None)


def test_entity_export_writes_what_networkx_and_json_wrote_before(bundled, built: Path):
    """Regression (issue 10): `kg analyze export --graph entity` took 10 s for node-link JSON; it is now
    built from the kept plain data and laid out by the C encoder. On the bundled data the text is byte for
    byte what ``json.dumps(nx.node_link_data(graph), indent=1, sort_keys=True)`` wrote, and SPARQL's plain
    data gives the same."""
    from kg.analysis.export import entity_export
    from kg.analysis.graphs import entity_described_data, entity_graph_of
    from kg.store import store_path

    kept = entity_described_data(None, store_path(built))
    assert kept.described is not None and len(kept.links) > 10_000
    exported = entity_export(kept, "json")
    before = nx.node_link_data(entity_graph_of(kept), edges="edges")
    assert exported.text == json.dumps(before, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert (exported.nodes, exported.edges) == (len(before["nodes"]), len(before["edges"]))
    assert entity_export(entity_described_data(bundled), "json").text == exported.text


def test_gexf_and_json_are_well_formed(bundled, tmp_path: Path):
    from kg.analysis.export import write_graph

    graph = named_graph(bundled, "region-mechanism")
    root = ET.parse(write_graph(graph, tmp_path / "g.gexf")).getroot()
    assert root.tag.endswith("gexf")
    assert len([e for e in root.iter() if e.tag.endswith("}node")]) == graph.number_of_nodes()
    data = json.loads((write_graph(graph, tmp_path / "g.json")).read_text(encoding="utf-8"))
    assert len(data["nodes"]) == graph.number_of_nodes() and len(data["edges"]) == graph.number_of_edges()


# --- the CLI --------------------------------------------------------------------------------


kg = invoke


COMMANDS = [
    "similar",
    "centrality",
    "communities",
    "path",
    "diffusion",
    "innovativeness",
    "leaders",
    "export",
    "plot",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str):
    code, output = kg("analyze", command, "--help")
    assert code == 0 and "Example:" in output and f"kg analyze {command}" in output


def test_cli_similar(fixture_file: Path):
    code, output = kg("analyze", "similar", "北京", "--data", str(fixture_file), "--format", "csv")
    assert code == 0, output
    assert output.splitlines() == ["code,region,jaccard,shared,common", "220000,吉林省,0.333333,1,接诉即办"]


def test_cli_similar_names_the_alternatives(fixture_file: Path):
    code, output = kg("analyze", "similar", "吉林", "--data", str(fixture_file))
    assert code == 0, output
    assert "吉林 → 吉林省 (220000)" in output and "吉林市 (220200)" in output


def test_cli_unknown_region_is_a_usage_error(fixture_file: Path):
    code, output = kg("analyze", "path", "北京", "火星", "--data", str(fixture_file))
    assert code == 2 and "Error: region '火星'" in output and "Traceback" not in output


def test_cli_centrality_and_communities(fixture_file: Path):
    code, output = kg("analyze", "centrality", "--data", str(fixture_file), "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    # regions by everything they share: 北京–吉林省 (mechanism + field), 北京–吉林市 (topic); 天津 alone.
    assert data["rows"][0]["label"] == "北京市" and data["rows"][0]["degree"] == 2
    assert "betweenness: exact" in data["notes"]
    code, output = kg("analyze", "communities", "--data", str(fixture_file), "--format", "csv")
    assert code == 0 and output.splitlines()[1] == "1,3,北京市、吉林市、吉林省"


def test_cli_path(fixture_file: Path):
    code, output = kg("analyze", "path", "天津", "110000", "--data", str(fixture_file))
    assert code == 0, output
    assert "天津市 ─uses mechanism→ 监测中心 [mechanism] ─broader mechanism→ 领导小组" in output


def test_cli_export(fixture_file: Path, tmp_path: Path):
    out = tmp_path / "entity.gexf"
    code, output = kg("analyze", "export", "--graph", "entity", "-o", str(out), "--data", str(fixture_file))
    assert code == 0 and "wrote" in output
    assert ET.parse(out).getroot().tag.endswith("gexf")
    code, output = kg("analyze", "export", "-o", str(tmp_path / "x.txt"), "--data", str(fixture_file))
    assert code == 2 and "cannot tell the graph format" in output


needs_adoptions = pytest.mark.skipif(not has_adoption_query(), reason="rq10-topic-diffusion not written yet")


@needs_adoptions
def test_cli_diffusion_on_the_bundled_data(bundled_file: Path):
    code, output = kg("analyze", "diffusion", "--data", str(bundled_file), "--format", "json")
    assert code == 0, output
    rows = json.loads(output)["rows"]
    assert rows and all(r["adopters"] >= 2 for r in rows)
    topic = rows[0]["topic"]
    code, output = kg(
        "analyze", "diffusion", "--topic", topic, "--data", str(bundled_file), "--format", "csv"
    )
    assert code == 0 and len(output.splitlines()) == rows[0]["adopters"] + 1


@needs_adoptions
def test_cli_innovativeness_and_leaders_on_the_bundled_data(bundled_file: Path):
    code, output = kg("analyze", "innovativeness", "--data", str(bundled_file), "--format", "json")
    assert code == 0, output
    scores = [r["score"] for r in json.loads(output)["rows"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    code, output = kg(
        "analyze", "leaders", "--min-topics", "1", "--data", str(bundled_file), "--format", "json"
    )
    assert code == 0, output
    rows = json.loads(output)["rows"]
    assert rows and {r["tie"] for r in rows} <= {"vertical", "horizontal"}


@needs_adoptions
def test_cli_plot_writes_three_pngs(bundled_file: Path, tmp_path: Path):
    pytest.importorskip("matplotlib")
    code, output = kg("analyze", "plot", "--out", str(tmp_path), "--data", str(bundled_file))
    assert code == 0, output
    for name in ("region-mechanism.png", "leaders.png", "adoption-timeline.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "region-mechanism.png").stat().st_size < 300_000


def crossing_incidence():
    from kg.analysis.graphs import Incidence

    members = {
        "r:a": frozenset({"f:a1", "f:a2", "f:ab"}),
        "r:b": frozenset({"f:ab", "f:b1", "f:bc"}),
        "r:c": frozenset({"f:bc", "f:c1"}),
    }
    labels = {"r:a": "A", "r:b": "C", "r:c": "B"}  # label order puts the hub r:b last
    return Incidence(
        members, dict.fromkeys(("f:a1", "f:a2", "f:ab", "f:b1", "f:bc", "f:c1"), "mechanism"), labels
    )


def test_region_layout_groups_features_by_their_regions_without_crossings():
    from kg.analysis.plots import _crossings, _edges, _groups_for, region_layout

    data = crossing_incidence()
    by_label = sorted(data.members, key=data.label)
    assert _crossings(_edges(_groups_for(data, by_label), by_label)) > 0
    layout = region_layout(data)
    assert layout.regions == ("r:a", "r:b", "r:c")
    assert [(g.regions, g.features) for g in layout.groups] == [
        (("r:a",), ("f:a1", "f:a2")),
        (("r:a", "r:b"), ("f:ab",)),
        (("r:b",), ("f:b1",)),
        (("r:b", "r:c"), ("f:bc",)),
        (("r:c",), ("f:c1",)),
    ]
    assert [g.shared for g in layout.groups] == [False, True, False, True, False]
    assert _crossings(_edges(layout.groups, layout.regions)) == 0


def test_timeline_labels_join_adopters_of_one_day():
    import datetime as dt

    from kg.analysis.diffusion import Adoption, adoption_table, timeline
    from kg.analysis.plots import timeline_labels

    day, later = dt.date(2021, 3, 1), dt.date(2021, 5, 1)
    table = adoption_table(
        [Adoption("t", "j:1", day), Adoption("t", "j:2", day), Adoption("t", "j:3", later)],
        {"j:1": "甲市", "j:2": "乙市", "j:3": "丙市"},
    )
    labels = timeline_labels(timeline(table, "t"))
    assert [(row.cumulative, text) for row, text in labels] == [
        (2, "甲市、乙市 2021-03-01"),
        (3, "丙市 2021-05-01"),
    ]


def test_figures_are_byte_identical_when_drawn_twice(tmp_path: Path):
    pytest.importorskip("matplotlib")
    import datetime as dt

    from kg.analysis.diffusion import Adoption, LeadTie, adoption_table, timeline
    from kg.analysis.plots import cjk_font, plot_leaders, plot_region_features, plot_timeline

    font = cjk_font()
    table = adoption_table(
        [Adoption("t", j, dt.date(2020, 1, 1 + i)) for i, j in enumerate(("j:1", "j:2", "j:3"))],
        {"j:1": "甲市", "j:2": "乙市", "j:3": "丙市"},
    )
    ties = [
        LeadTie("j:1", "j:2", 5, "horizontal", "same-level"),
        LeadTie("j:2", "j:3", 2, "vertical", "down"),
        LeadTie("j:1", "j:3", 1, "horizontal", "same-level"),
    ]
    drawn = []
    for copy in ("one", "two"):
        folder = tmp_path / copy
        drawn.append(
            [
                plot_region_features(crossing_incidence(), folder / "r.png", title="r", font=font),
                plot_leaders(ties, table, folder / "l.png", title="l", top=2, font=font),
                plot_timeline(timeline(table, "t"), folder / "t.png", title="t", font=font),
            ]
        )
    for first, second in zip(*drawn, strict=True):
        assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert first.read_bytes() == second.read_bytes()


def _ntriples_of(store, path: Path) -> Path:
    import pyoxigraph

    pyoxigraph.serialize(store, output=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return path


def test_entity_graph_from_ntriples_equals_what_sparql_reads(mini, tmp_path: Path):
    """Regression (issue 10): the entity graph a store keeps is read from its N-Triples copy while the store
    is made (seconds, not the twenty of SPARQL at 1M triples); on edge cases (blank nodes, literals, excluded
    predicates, vocabulary terms, a self-link, an IRI as label, languages) it is what SPARQL reads."""
    from kg.analysis.entityfile import entity_from_ntriples
    from kg.analysis.graphs import entity_described
    from kg.store import from_graph

    path = tmp_path / "edges.ttl"
    path.write_text(
        EDGE_CASES
        + """
c:x rdfs:label "甲"@zh-Hans , "a"@en , "b" . c:y <http://purl.org/dc/terms/title> c:z .
c:y a fz:Case , fz:Actor , <http://example.org/Other> .
""",
        encoding="utf-8",
    )
    store = from_graph(read_rdf_files([path]))
    for source in (store, mini):
        expected = entity_described(source)
        with _ntriples_of(source, tmp_path / "data.nt").open("rb") as lines:
            assert entity_from_ntriples(lines) == expected
    assert expected.described is not None and len(expected.links) > 10


def test_kept_link_graph_holds_the_pairs_sparql_selects(mini, tmp_path: Path):
    """Regression (issue 10): `kg stats --link-graph` selected every link through SPARQL (17 s CPU at the
    nationwide size); the file kept beside a store holds the link graph too. On edge cases (blank nodes,
    literals, rdf:type, pairs the entity graph excludes: vocabulary terms, ontology subjects, rdfs:seeAlso; a
    self-link; two predicates between one pair) its pairs are the ones kg.stats.EDGES selects."""
    from kg.analysis import entityfile
    from kg.stats import EDGES, _select
    from kg.store import from_graph

    path = tmp_path / "edges.ttl"
    path.write_text(EDGE_CASES + "c:y fz:mentions c:x .\n", encoding="utf-8")
    for number, source in enumerate((from_graph(read_rdf_files([path])), mini)):
        folder = tmp_path / f"store{number}"
        folder.mkdir()
        (folder / "kg-store.json").write_text(json.dumps({"quads": len(source)}))
        entityfile.write_entity_file(_ntriples_of(source, tmp_path / "data.nt"), folder, len(source))
        content = json.loads((folder / entityfile.ENTITY_FILE).read_text(encoding="utf-8"))
        names = [*content["nodes"], *content["link_nodes"]]
        kept = entityfile.read_link_graph(folder)
        assert kept is not None
        selected = {(row["s"], row["o"]) for row in _select(source, EDGES)}
        assert {(names[s], names[o]) for s, o in kept} == selected
        assert content["link_pairs"] and len(selected) > len(content["links"]) // 3 > 0


def test_entity_file_round_trips_and_is_refused_when_it_does_not_fit(mini, tmp_path: Path):
    """The entity graph kept beside a store (kg.analysis.entityfile) holds what SPARQL reads, and is passed
    over when it was made for another store (quad count), another definition, or is damaged."""
    from kg.analysis import entityfile
    from kg.analysis.graphs import entity_data, entity_described

    (tmp_path / "kg-store.json").write_text(json.dumps({"quads": len(mini)}))
    entityfile.write_entity_file(_ntriples_of(mini, tmp_path / "mini.nt"), tmp_path, len(mini))
    expected = entity_described(mini)
    assert expected.described is not None and len(expected.links) > 10
    assert entityfile.read_entity_file(tmp_path) == expected
    assert entity_data(mini, tmp_path) == expected
    assert entity_data(mini).described is None  # without a folder: read through SPARQL, labels on demand
    assert entity_data(mini).links == expected.links
    path = tmp_path / entityfile.ENTITY_FILE
    content = json.loads(path.read_text(encoding="utf-8"))
    (tmp_path / "kg-store.json").write_text(json.dumps({"quads": len(mini) + 1}))
    assert entityfile.read_entity_file(tmp_path) is None  # another store
    (tmp_path / "kg-store.json").write_text(json.dumps({"quads": len(mini)}))
    for damaged in (
        {**content, "definition": "0" * 64},
        {**content, "links": [*content["links"], 0]},
        {**content, "links": [len(content["nodes"]), *content["links"][1:]]},
        {**content, "labels": content["labels"][1:]},
        {**content, "labels": [1, *content["labels"][1:]]},
        {**content, "links": [0.0, *content["links"][1:]]},
    ):
        path.write_text(json.dumps(damaged), encoding="utf-8")
        assert entityfile.read_entity_file(tmp_path) is None
        assert entity_data(mini, tmp_path) == entityfile.EntityData(expected.nodes, expected.links)
    path.write_text("{", encoding="utf-8")
    assert entityfile.read_entity_file(tmp_path) is None


def test_cli_entity_graph_reads_the_kept_file_of_a_store_with_the_answers_of_sparql(
    fixture_file: Path, tmp_path: Path
):
    """Regression (issue 10): kg load keeps the entity graph beside the store; centrality, communities and
    export of --graph entity give the same output from it as from SPARQL (--data), in every format the
    text networkx's graph gave, and read it: a store whose file was edited shows the edit."""
    from kg.analysis.entityfile import ENTITY_FILE
    from kg.analysis.export import graph_text

    store = tmp_path / "store"
    assert kg("load", str(fixture_file), "--store", str(store))[0] == 0
    assert (store / ENTITY_FILE).is_file()
    for command in (
        ("centrality", "--graph", "entity", "--format", "json"),
        ("communities", "--graph", "entity", "--format", "json"),
        ("communities", "--graph", "entity", "--method", "label-propagation", "--format", "csv"),
    ):
        from_store = kg("analyze", *command, "--store", str(store))
        from_files = kg("analyze", *command, "--data", str(fixture_file))
        assert from_store == from_files and from_store[0] == 0, command
    for fmt in ("graphml", "json", "gexf"):
        outputs = []
        for option in (("--store", str(store)), ("--data", str(fixture_file))):
            out = tmp_path / f"entity{len(outputs)}.{fmt}"
            assert kg("analyze", "export", "--graph", "entity", "-o", str(out), *option)[0] == 0
            outputs.append(out.read_text(encoding="utf-8"))
        assert outputs[0] == outputs[1], fmt
        assert outputs[0] == graph_text(entity_graph(None, store_folder=store), fmt), fmt
    content = json.loads((store / ENTITY_FILE).read_text(encoding="utf-8"))
    content["labels"] = [f"kept {label}" for label in content["labels"]]
    (store / ENTITY_FILE).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    code, output = kg("analyze", "centrality", "--graph", "entity", "--store", str(store), "--format", "json")
    assert code == 0 and all(row["label"].startswith("kept ") for row in json.loads(output)["rows"])


def test_cli_stats_reads_the_link_graph_kept_beside_a_store_with_the_answer_of_sparql(
    fixture_file: Path, tmp_path: Path
):
    """Regression (issue 10): `kg stats --link-graph` on a store reads the link graph kept in its
    entity-graph.json: the same output as SPARQL's (--data), an edited file shows (so it is read), and a
    damaged or older file is passed over for SPARQL."""
    from kg.analysis.entityfile import ENTITY_FILE

    store = tmp_path / "store"
    assert kg("load", str(fixture_file), "--store", str(store))[0] == 0
    command = ("stats", "--link-graph", "--format", "json")
    from_store = kg(*command, "--store", str(store))
    assert from_store == kg(*command, "--data", str(fixture_file)) and from_store[0] == 0
    expected = json.loads(from_store[1])["link_graph"]
    assert expected["edges"] > 20
    path = store / ENTITY_FILE
    content = json.loads(path.read_text(encoding="utf-8"))
    assert content["link_pairs"]
    path.write_text(json.dumps({**content, "link_pairs": []}), encoding="utf-8")
    edited = json.loads(kg(*command, "--store", str(store))[1])["link_graph"]
    assert edited["edges"] == expected["edges"] - len(content["link_pairs"]) // 2
    for passed_over in (
        {**content, "link_pairs": [len(content["nodes"]) + len(content["link_nodes"]), 0]},
        {**content, "link_pairs": content["link_pairs"][1:]},
        {key: value for key, value in content.items() if key != "link_nodes"},
        {**content, "link_pairs": [], "format": "kg-entity-graph 1"},
    ):
        path.write_text(json.dumps(passed_over), encoding="utf-8")
        assert json.loads(kg(*command, "--store", str(store))[1])["link_graph"] == expected


def test_a_build_keeps_the_entity_graph_its_forked_child_wrote(mini, tmp_path: Path, monkeypatch):
    """kg build writes the entity graph in a child beside its serialisers (StagedStore.start_entity_graph);
    commit keeps what the child wrote, and writes it itself when the store holds another number of triples
    than the text has lines (Oxigraph merged two literals)."""
    from kg.analysis import entityfile
    from kg.analysis.graphs import entity_described
    from kg.store import staged_store

    text = _ntriples_of(mini, tmp_path / "mini.nt").read_bytes()
    written: list[Path] = []
    with staged_store(tmp_path / "child.store") as staged:
        staged.start_entity_graph(text)
        monkeypatch.setattr(entityfile, "write_entity_file", lambda *args: written.append(args[1]))
        staged.load(text)
        staged.commit(written=text)
    assert written == []  # the parent did not write it: the child did
    assert entityfile.read_entity_file(tmp_path / "child.store") == entity_described(mini)

    integer = b"<http://www.w3.org/2001/XMLSchema#integer>"
    line = b'<https://example.org/a> <https://example.org/p> "%s"^^%s .\n'
    same = [line % (number, integer) for number in (b"01", b"1")]
    merged = text + b"".join(same)
    monkeypatch.undo()
    with staged_store(tmp_path / "merged.store") as staged:
        staged.start_entity_graph(merged)
        monkeypatch.setattr(entityfile, "write_entity_file", lambda *args: written.append(args[1]))
        staged.load(merged)
        staged.commit(written=merged)
    assert len(written) == 1  # two lines, one triple: the child's count does not fit, commit wrote it
