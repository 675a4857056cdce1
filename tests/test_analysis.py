"""kg.analysis on small hand-made inputs: every expected number below is worked out by hand in a comment."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analysis.diffusion import (
    Adoption,
    Hierarchy,
    adoption_table,
    adoptions_from_rows,
    by_topic,
    classify,
    find_topic,
    innovativeness,
    lead_counts,
    leader_graph,
    leader_ties,
    normalised_ranks,
    timeline,
    topic_summaries,
)
from kg.analysis.graphs import Incidence, project, region_graph, transpose
from kg.analysis.metrics import centrality, communities, most_similar
from kg.analysis.sparql import Region, UnknownRegionError, resolve_region, short_name
from kg.analysis.tables import Table, render, width
from kg.errors import InputError

D = dt.date


def incidence(members: dict[str, set[str]]) -> Incidence:
    kinds = {f: "mechanism" for fs in members.values() for f in fs}
    return Incidence(
        {r: frozenset(fs) for r, fs in members.items()}, kinds, {"A": "甲", "B": "乙", "C": "丙"}
    )


# A = {x, y, z}, B = {x, y}, C = {z, w}, D = {v}
MEMBERS = {"A": {"x", "y", "z"}, "B": {"x", "y"}, "C": {"z", "w"}, "D": {"v"}}


def test_projection_counts_and_jaccard():
    ties = {(t.a, t.b): (t.shared, t.jaccard) for t in project(MEMBERS)}
    # A∩B = {x,y}, A∪B = {x,y,z} → 2/3; A∩C = {z}, A∪C = {x,y,z,w} → 1/4; B, C and D share nothing.
    assert ties == {("A", "B"): (2, pytest.approx(2 / 3)), ("A", "C"): (1, pytest.approx(1 / 4))}


def test_projection_matches_networkx_weighted_projection():
    graph = nx.Graph()
    for region, features in MEMBERS.items():
        graph.add_edges_from((region, ("f", f)) for f in features)
    expected = nx.bipartite.weighted_projected_graph(graph, list(MEMBERS))
    ours = {(t.a, t.b): t.shared for t in project(MEMBERS)}
    assert ours == {tuple(sorted((a, b))): d["weight"] for a, b, d in expected.edges(data=True)}


def test_cooccurrence_is_the_projection_of_the_transpose():
    # x and y occur together in A and B (2); x–z, y–z in A (1); z–w in C (1).
    ties = {(t.a, t.b): t.shared for t in project(transpose(MEMBERS))}
    assert ties == {("x", "y"): 2, ("x", "z"): 1, ("y", "z"): 1, ("w", "z"): 1}


def test_most_similar_ranks_by_jaccard_and_names_what_is_shared():
    found = most_similar(incidence(MEMBERS), "A")
    assert [(s.region, s.shared, s.jaccard, s.common) for s in found] == [
        ("B", 2, pytest.approx(0.666667), ["x", "y"]),
        ("C", 1, 0.25, ["z"]),
    ]
    assert most_similar(incidence(MEMBERS), "D") == []


def test_centrality_of_a_path_graph():
    # a – b – c: b lies on the only a–c shortest path: betweenness 1 (normalised by (n-1)(n-2)/2 = 1).
    graph = nx.Graph([("a", "b"), ("b", "c")])
    result = centrality(graph)
    rows = {r.node: r for r in result.rows}
    assert result.betweenness_method == "exact"
    assert (rows["b"].degree, rows["b"].betweenness) == (2, 1.0)
    assert (rows["a"].degree, rows["a"].betweenness) == (1, 0.0)
    # Eigenvector of the path P3: (1, √2, 1) normalised → b = √2/2, a = c = 1/2.
    assert rows["b"].eigenvector == pytest.approx(2**0.5 / 2, abs=1e-4)
    assert rows["a"].eigenvector == pytest.approx(0.5, abs=1e-4)
    assert result.rows[0].node == "b"


def test_sampled_betweenness_says_so():
    result = centrality(nx.path_graph(10), sample=4, seed=1)
    assert result.betweenness_method == "sampled: 4 of 10 source nodes, seed 1"


def test_centrality_reads_a_multidigraph_as_a_simple_graph():
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="p")
    graph.add_edge("a", "b", key="q")
    graph.add_edge("c", "b", key="p")
    rows = {r.node: r for r in centrality(graph).rows}
    assert rows["b"].degree == 2 and rows["b"].betweenness == 1.0


def test_louvain_finds_two_cliques_and_is_deterministic():
    graph = nx.Graph()
    graph.add_edges_from((a, b) for a in "abcd" for b in "abcd" if a < b)
    graph.add_edges_from((a, b) for a in "wxyz" for b in "wxyz" if a < b)
    graph.add_edge("d", "w")
    found = communities(graph, seed=3)
    assert [c.members for c in found] == [list("abcd"), list("wxyz")]
    assert found == communities(graph, seed=3)


def test_region_graph_carries_weights():
    graph = region_graph(incidence(MEMBERS))
    assert graph.edges["A", "B"] == {"weight": 2, "jaccard": pytest.approx(0.666667)}
    assert graph.nodes["A"]["label"] == "甲" and "D" in graph


# --- diffusion --------------------------------------------------------------------------------

# t1: A 2019, B 2020, C 2021 · t2: B 2018, A 2019 · t3: A and C on the same day, then B · t4: only C.
ADOPTIONS = [
    Adoption("t1", "A", D(2019, 1, 1)),
    Adoption("t1", "B", D(2020, 1, 1)),
    Adoption("t1", "C", D(2021, 1, 1)),
    Adoption("t2", "B", D(2018, 5, 1)),
    Adoption("t2", "A", D(2019, 5, 1)),
    Adoption("t3", "A", D(2020, 3, 1)),
    Adoption("t3", "C", D(2020, 3, 1)),
    Adoption("t3", "B", D(2022, 3, 1)),
    Adoption("t4", "C", D(2015, 1, 1)),
]
TABLE = adoption_table(ADOPTIONS, {"t1": "优化营商环境条例", "A": "甲", "B": "乙", "C": "丙"})


def test_adoption_table_keeps_the_earliest_date_per_topic_and_jurisdiction():
    table = adoption_table(
        [*ADOPTIONS, Adoption("t1", "A", D(2023, 1, 1)), Adoption("t1", "B", D(2017, 1, 1))]
    )
    first = {(a.topic, a.jurisdiction): a.date for a in table.adoptions}
    assert first[("t1", "A")] == D(2019, 1, 1) and first[("t1", "B")] == D(2017, 1, 1)


def test_normalised_ranks_share_ties():
    # t3: A and C tie for positions 0 and 1 → 0.5 each over n − 1 = 2 → 0.25; B last → 1.
    ranks = {a.jurisdiction: r for a, r in normalised_ranks(by_topic(TABLE)["t3"])}
    assert ranks == {"A": 0.25, "C": 0.25, "B": 1.0}


def test_innovativeness_by_hand():
    # A: t1 0, t2 1, t3 0.25 → mean 1.25/3 → score 1 − 0.416667 = 0.583333
    # B: t1 0.5, t2 0, t3 1 → mean 0.5 → 0.5
    # C: t1 1, t3 0.25 → mean 0.625 → 0.375 (t4 has one adopter and carries no order)
    scores = {s.jurisdiction: (s.score, s.topics, s.first) for s in innovativeness(TABLE)}
    assert scores == {"A": (0.583333, 3, 2), "B": (0.5, 3, 1), "C": (0.375, 2, 1)}
    assert [s.jurisdiction for s in innovativeness(TABLE)] == ["A", "B", "C"]


def test_innovativeness_min_adopters_drops_small_topics():
    # Only t1 and t3 have three adopters:
    # A (0 + 0.25)/2 → 0.875; B (0.5 + 1)/2 → 0.25; C (1 + 0.25)/2 → 0.375.
    scores = {s.jurisdiction: s.score for s in innovativeness(TABLE, min_adopters=3)}
    assert scores == {"A": 0.875, "B": 0.25, "C": 0.375}


def test_lead_counts_by_hand():
    # A→B: t1, t3 (2) · A→C: t1 (1) · B→C: t1 (1) · B→A: t2 (1) · C→B: t3 (1); A, C tie in t3: no tie.
    assert lead_counts(TABLE) == {("A", "B"): 2, ("A", "C"): 1, ("B", "A"): 1, ("B", "C"): 1, ("C", "B"): 1}
    assert lead_counts(TABLE, min_topics=2) == {("A", "B"): 2}
    assert lead_counts(TABLE, min_topics=9) == {}


def test_lead_counts_refuses_zero():
    with pytest.raises(InputError, match="at least 1"):
        lead_counts(TABLE, min_topics=0)


def naive_lead_counts(adoptions: list[Adoption]) -> Counter[tuple[str, str]]:
    """Every ordered pair of every topic, counted one by one: the definition, for comparison."""
    counts: Counter[tuple[str, str]] = Counter()
    for group in by_topic(adoption_table(adoptions)).values():
        counts.update((a.jurisdiction, b.jurisdiction) for a in group for b in group if a.date < b.date)
    return counts


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Adoption,
            st.sampled_from([f"t{i}" for i in range(40)]),
            st.sampled_from([f"j{i}" for i in range(12)]),
            st.dates(min_value=D(2000, 1, 1), max_value=D(2000, 1, 8)),
        ),
        max_size=300,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_bit_sliced_counts_equal_the_definition(adoptions, k):
    expected = {pair: n for pair, n in naive_lead_counts(adoptions).items() if n >= k}
    assert lead_counts(adoption_table(adoptions), min_topics=k) == expected


def test_counters_wider_than_one_byte():
    # 300 topics, each adopted by a before b: the counter needs 9 bits.
    table = adoption_table(
        [Adoption(f"t{i}", j, D(2000, 1, 1 + (j == "b"))) for i in range(300) for j in ("a", "b")]
    )
    assert lead_counts(table) == {("a", "b"): 300}
    assert lead_counts(table, min_topics=300) == {("a", "b"): 300}
    assert lead_counts(table, min_topics=301) == {}


CN, BJ, SD, QD, JN = "CN", "110000", "370000", "370200", "370100"
HIERARCHY = Hierarchy(
    {BJ: CN, SD: CN, QD: SD, JN: SD},
    {CN: "country", BJ: "province", SD: "province", QD: "prefecture", JN: "prefecture"},
)


@pytest.mark.parametrize(
    ("leader", "follower", "expected"),
    [
        (CN, QD, ("vertical", "down")),  # national → local, through the province
        (SD, QD, ("vertical", "down")),  # province → its own city
        (QD, SD, ("vertical", "up")),  # a city before its own province
        (BJ, SD, ("horizontal", "same-level")),  # two provinces
        (QD, JN, ("horizontal", "same-level")),  # two cities of one province
        (QD, BJ, ("horizontal", "cross-level")),  # another province's city
    ],
)
def test_tie_classification(leader, follower, expected):
    assert classify(leader, follower, HIERARCHY) == expected


def test_leader_ties_are_classified_and_sorted():
    # t1: CN, then 山东, then 青岛; t2: 青岛 before 北京.
    table = adoption_table(
        [
            Adoption("t1", CN, D(2019, 1, 1)),
            Adoption("t1", SD, D(2020, 1, 1)),
            Adoption("t1", QD, D(2021, 1, 1)),
            Adoption("t2", QD, D(2016, 1, 1)),
            Adoption("t2", BJ, D(2017, 1, 1)),
        ]
    )
    ties = [(t.leader, t.follower, t.weight, t.tie, t.direction) for t in leader_ties(table, HIERARCHY)]
    assert ties == [  # heaviest first, then by leader and follower IRI
        (SD, QD, 1, "vertical", "down"),
        (QD, BJ, 1, "horizontal", "cross-level"),
        (CN, SD, 1, "vertical", "down"),
        (CN, QD, 1, "vertical", "down"),
    ]
    graph = leader_graph(leader_ties(table, HIERARCHY), table)
    assert graph.edges[QD, BJ] == {"weight": 1, "tie": "horizontal", "direction": "cross-level"}


def test_timeline_ranks_and_cumulative_curve():
    rows = [(r.jurisdiction, r.rank, r.cumulative) for r in timeline(TABLE, "t3")]
    assert rows == [("A", 1, 2), ("C", 1, 2), ("B", 3, 3)]


def test_topic_summaries_and_lookup():
    top = topic_summaries(TABLE, min_adopters=2)
    assert [(s.topic, s.adopters, s.first_adopters) for s in top] == [  # most adopters, then earliest
        ("t1", 3, ["甲"]),
        ("t3", 3, ["甲", "丙"]),
        ("t2", 2, ["乙"]),
    ]
    assert find_topic(TABLE, "优化营商环境条例") == "t1"
    with pytest.raises(InputError, match="营商"):
        find_topic(TABLE, "营商")


def test_adoptions_from_rows_counts_undated_rows():
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    rows = [
        {
            "topic": URIRef("t:a"),
            "jurisdiction": URIRef("j:1"),
            "adopted": Literal("2019-10-22", datatype=XSD.date),
            "topicLabel": Literal("条例", lang="zh"),
            "jurisdictionLabel": None,
        },
        {
            "topic": URIRef("t:a"),
            "jurisdiction": URIRef("j:2"),
            "adopted": Literal("2020", datatype=XSD.gYear),
        },
        {"topic": URIRef("t:a"), "jurisdiction": URIRef("j:3"), "adopted": None},
    ]
    table = adoptions_from_rows(rows)
    assert [(a.jurisdiction, a.date) for a in table.adoptions] == [
        ("j:1", D(2019, 10, 22)),
        ("j:2", D(2020, 1, 1)),
    ]
    assert table.undated == 1 and table.label("t:a") == "条例" and table.label("j:2") == "j:2"


# --- regions, tables ---------------------------------------------------------------------------

REGIONS = [
    Region("j/220000", "220000", "吉林省", "province"),
    Region("j/220200", "220200", "吉林市", "prefecture"),
    Region("j/640000", "640000", "宁夏回族自治区", "province"),
    Region("j/110105", "110105", "朝阳区", "county"),
    Region("j/211300", "211300", "朝阳市", "prefecture"),
    Region("j/220104", "220104", "朝阳区", "county"),
]


def test_region_by_code_name_or_short_name():
    assert resolve_region(REGIONS, "220200").region.label == "吉林市"
    assert resolve_region(REGIONS, "吉林市").region.code == "220200"
    found = resolve_region(REGIONS, "吉林")
    assert found.region.code == "220000" and [r.code for r in found.alternatives] == ["220200"]
    assert resolve_region(REGIONS, "宁夏").region.code == "640000"
    assert short_name("宁夏回族自治区") == "宁夏"


def test_region_errors_say_how_to_fix():
    with pytest.raises(UnknownRegionError, match="6-digit code"):
        resolve_region(REGIONS, "火星")
    with pytest.raises(UnknownRegionError, match=r"ambiguous: 朝阳区 \(110105\), 朝阳区 \(220104\)"):
        resolve_region(REGIONS, "朝阳区")


def test_tables_render_in_three_formats():
    table = Table(
        ("地区", "score", "common"), [("吉林省", 0.5, ["甲", "乙"]), ("北京", None, [])], ("a note",)
    )
    text = render(table, "text").splitlines()
    assert text[0] == "地区    score   common" and text[2] == "吉林省  0.5000  甲、乙"
    assert text[-1] == "note: a note" and width("吉林省") == 6
    assert render(table, "csv") == "地区,score,common\n吉林省,0.5,甲、乙\n北京,,\n"
    data = json.loads(render(table, "json"))
    assert data["rows"][0] == {"地区": "吉林省", "score": 0.5, "common": ["甲", "乙"]}
    with pytest.raises(InputError, match="choose from text, csv, json"):
        render(table, "xml")


def test_betweenness_is_exact_within_the_budget_and_sampled_beyond_it() -> None:
    """Regression (issue 10): the regions graph of the nationwide data (482 nodes, 52,000 edges) took exact
    betweenness, half a minute, and the entity graph (110,000 nodes) hours; the default samples when
    nodes × edges exceed the budget, from as many sources as fit it (at least one, not ten: a search of the
    entity graph takes a second)."""
    import networkx as nx

    from kg.analysis.metrics import default_sample

    path = nx.path_graph(10)  # 10 nodes, 9 edges: 90 edge visits exact, 9 a search
    assert default_sample(path, budget=90) is None
    assert default_sample(path, budget=89) == 89 // 9 == 9
    assert default_sample(path, budget=40) == 4
    assert default_sample(path, budget=8) == 1
    assert default_sample(path, budget=10_000) is None
    assert default_sample(nx.complete_graph(5), budget=1) == 1


def test_centrality_follows_the_budget_switch_and_says_how_it_sampled() -> None:
    """The sampled path is deterministic for a seed and names k and the seed; within budget it is exact."""
    import networkx as nx

    from kg.analysis.metrics import centrality, default_sample

    graph = nx.relabel_nodes(nx.barbell_graph(6, 3), str)
    assert default_sample(graph, budget=10**6) is None
    exact = centrality(graph, sample=default_sample(graph, budget=10**6))
    assert exact.betweenness_method == "exact"
    assert exact == centrality(graph, sample=None)
    k = default_sample(graph, budget=100)
    assert k is not None and k < graph.number_of_nodes()
    first, again = centrality(graph, sample=k, seed=7), centrality(graph, sample=k, seed=7)
    assert first == again
    assert first.betweenness_method == f"sampled: {k} of 15 source nodes, seed 7"
    assert [r.betweenness for r in first.rows] != [r.betweenness for r in exact.rows]


def test_eigenvector_is_left_out_over_its_budget_and_says_so() -> None:
    import networkx as nx

    from kg.analysis.metrics import centrality

    graph = nx.relabel_nodes(nx.path_graph(5), str)  # 5 nodes + 4 edges = 9 visits an iteration
    within = centrality(graph)
    assert within.eigenvector_method == "power iteration"
    assert all(r.eigenvector is not None for r in within.rows)
    over = centrality(graph, eigenvector_budget=9 * 19)
    assert over.eigenvector_method.startswith("not computed: 20 power iterations over 9 nodes and edges")
    assert all(r.eigenvector is None for r in over.rows)
    assert [(r.node, r.degree, r.betweenness) for r in over.rows] == [
        (r.node, r.degree, r.betweenness) for r in within.rows
    ]
    capped = centrality(graph, eigenvector_budget=9 * 60)
    assert capped.rows == within.rows  # converges within 60 iterations: the same values
    longer = nx.relabel_nodes(nx.path_graph(10), str)  # 19 visits an iteration; converges after 40
    unconverged = centrality(longer, eigenvector_budget=19 * 25)
    assert unconverged.eigenvector_method == "power iteration: no convergence in 25 iterations"
    assert all(r.eigenvector is None for r in unconverged.rows)
    assert all(r.eigenvector is not None for r in centrality(longer, eigenvector_budget=19 * 60).rows)


def test_centrality_top_rows_equal_the_full_ranking_and_read_labels_for_them_only() -> None:
    """With ``top`` and ``describe``, labels are read only for the nodes that can rank among the first
    ``top`` (ties at the cut included), and the rows equal the first ``top`` of the full ranking."""
    import networkx as nx

    from kg.analysis.metrics import centrality

    graph = nx.relabel_nodes(nx.star_graph(6), str)  # hub 0, leaves 1..6 all tied
    nx.add_path(graph, ["6", "7", "8"])
    names = {n: f"label {9 - int(n)}" for n in graph}
    for node in graph:
        graph.nodes[node].update(label=names[node], kind="k")
    asked: list[list[str]] = []

    def describe(nodes: list[str], with_kinds: bool) -> dict[str, tuple[str, str, str]]:
        assert with_kinds
        asked.append(sorted(nodes))
        return {n: (n, names[n], "k") for n in nodes}

    bare = nx.Graph(graph.edges)
    full = centrality(graph)
    top = centrality(bare, top=3, describe=describe)
    assert top.rows == full.rows[:3]
    assert asked == [["0", "6", "7"]]
    tied = centrality(bare, top=4, describe=describe)  # the 4th place: a tie of the leaves 1..5 and 8
    assert tied.rows == full.rows[:4]
    assert asked[1] == ["0", "1", "2", "3", "4", "5", "6", "7", "8"]


def test_sampled_searches_fit_the_work_budget_weighing_nodes() -> None:
    """Regression (issue 10): the edge-visit budget alone gave the entity graph of the nationwide data nine
    searches of a second each; searches are also capped by their work with a node costing NODE_WORK edge
    visits: the entity graph gets four, the regions graph keeps its 57 (few nodes, cheap searches)."""
    import networkx as nx

    from kg.analysis.metrics import NODE_WORK, default_sample, sample_size

    assert sample_size(109_356, 314_322) == 4  # the entity graph of the bundled data
    assert sample_size(482, 52_186) == 57  # the regions graph of the bundled data, as before issue 10
    assert sample_size(1_188, 377_015) == 7  # the regions graph at 1M triples
    assert sample_size(10, 9, budget=90) is None  # exact: nodes × edges within the edge-visit budget
    path = nx.path_graph(10)  # one search: 10 nodes, 9 edges = 10 × NODE_WORK + 9 units of work
    search = 10 * NODE_WORK + 9
    assert default_sample(path, budget=89, work=10**9) == 9  # the edge visits bind
    assert default_sample(path, budget=89, work=3 * search) == 3  # the work binds
    assert default_sample(path, budget=89, work=3 * search - 1) == 2
    assert default_sample(path, budget=89, work=1) == 1  # at least one search


# --- graph exports ----------------------------------------------------------------------------

_JSON_TEXT = st.text(
    alphabet=st.sampled_from(["{", "}", "[", "]", ",", "\n", '"', "\\", ":", " ", "a", "键", "\u2028"])
)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _JSON_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4),
    max_leaves=30,
)
_FLAT_OBJECTS = st.lists(
    st.dictionaries(_JSON_TEXT, _JSON_TEXT | st.integers() | st.none(), max_size=4), max_size=5
)


@settings(max_examples=300, deadline=None)
@given(
    value=_JSON_VALUES | _FLAT_OBJECTS | st.dictionaries(_JSON_TEXT, _FLAT_OBJECTS),
    indent=st.sampled_from([0, 1, 3]),
)
def test_indented_json_writes_what_json_dumps_writes(value: object, indent: int) -> None:
    """Regression (issue 10): node-link JSON took 7 s of `kg analyze export --graph entity` in Python's
    indented encoder; the C encoder's layout must give the same text, whatever the strings hold (line
    breaks, quotes, the separator text itself)."""
    from kg.analysis.export import indented_json

    assert indented_json(value, indent) == json.dumps(
        value, ensure_ascii=False, indent=indent, sort_keys=True
    )


def test_indented_json_of_flat_objects_and_of_what_it_leaves_to_json() -> None:
    from kg.analysis.export import indented_json

    tricky = [{"b": 'x"},\n   {"', "a": "},\n {\n"}, {"c": 1.5, "d": None, "e": True}, {"z": "{"}]
    for value in (
        tricky,
        {"edges": tricky, "graph": {}, "nodes": [], "multigraph": True},
        {1: "integer key"},
        {"a": [{"x": 1}, {2: "integer key deeper"}]},
        [{"a": {"nested": 1}}, {"a": 2}],
        [[], {}, [{}], {"k": [1, [2]]}],
    ):
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def test_entity_node_link_is_networkx_node_link_data_in_the_same_order() -> None:
    """The entity graph's node-link data built from its plain data equals networkx's of its MultiDiGraph,
    order included: a node's links come grouped by target in the order each target first appears, links
    given in any order, a repeated link once."""
    from kg.analysis.entityfile import EntityData
    from kg.analysis.export import entity_node_link
    from kg.analysis.graphs import entity_graph_of

    fz = "https://w3id.org/fazhi/ontology#"
    nodes = ["http://x/a", "http://x/b", "http://x/c", "http://x/d"]
    links = [
        (2, f"{fz}p", 0),
        (0, f"{fz}q", 3),
        (0, f"{fz}p", 1),
        (0, f"{fz}p", 3),
        (3, "http://other/r", 3),
        (0, f"{fz}q", 3),
        (2, f"{fz}q", 0),
        (1, f"{fz}p", 2),
    ]
    data = EntityData(nodes, links, [("甲", "Case"), ("b", ""), ("c", "Region"), ("", "")])
    expected = nx.node_link_data(entity_graph_of(data), edges="edges")
    assert entity_node_link(data) == expected
    assert [(e["source"][-1], e["target"][-1], e["key"][-1]) for e in expected["edges"]] == [
        ("a", "d", "q"),
        ("a", "d", "p"),
        ("a", "b", "p"),
        ("b", "c", "p"),
        ("c", "a", "p"),
        ("c", "a", "q"),
        ("d", "d", "r"),
    ]
