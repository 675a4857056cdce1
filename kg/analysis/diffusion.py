"""Policy diffusion over adoption data: timelines, innovativeness and the leader → follower graph.

The functions take an ``AdoptionTable`` (plain data), so they run the same on the dataset's regulation topics
(read through the legislation layer's named query ``rq10-topic-diffusion``) and on synthetic tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError
from .sparql import as_date, label_of, local_name, select, select_named, text

if TYPE_CHECKING:
    import networkx as nx

ADOPTION_QUERY = "rq10-topic-diffusion"
"""The named query (legislation layer) that lists one row per topic, jurisdiction and adoption date."""


class UnknownTopicError(InputError):
    """A topic given by the user is not in the adoption data."""


@dataclass(frozen=True, order=True)
class Adoption:
    """A jurisdiction adopting a topic (a policy) on a date."""

    topic: str
    jurisdiction: str
    date: dt.date


@dataclass(frozen=True)
class AdoptionTable:
    """The earliest adoption of each (topic, jurisdiction), sorted; labels of topics and jurisdictions.

    ``undated`` counts the rows of the source that had no adoption date and were left out.
    """

    adoptions: tuple[Adoption, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    undated: int = 0

    def label(self, node: str) -> str:
        return label_of(node, self.labels)


def adoption_table(
    adoptions: Iterable[Adoption], labels: Mapping[str, str] | None = None, *, undated: int = 0
) -> AdoptionTable:
    """An adoption table keeping, for each (topic, jurisdiction), only its earliest date."""
    first: dict[tuple[str, str], dt.date] = {}
    for a in adoptions:
        key = (a.topic, a.jurisdiction)
        if key not in first or a.date < first[key]:
            first[key] = a.date
    rows = sorted(Adoption(topic, j, date) for (topic, j), date in first.items())
    return AdoptionTable(tuple(rows), dict(labels or {}), undated)


def adoptions_from_rows(rows: Iterable[Mapping[str, Any]]) -> AdoptionTable:
    """An adoption table from rows with ``topic``, ``jurisdiction``, ``adopted`` (and optional labels)."""
    found: list[Adoption] = []
    names: dict[str, str] = {}
    undated = 0
    for row in rows:
        topic, jurisdiction = text(row.get("topic")), text(row.get("jurisdiction"))
        for node, key in ((topic, "topicLabel"), (jurisdiction, "jurisdictionLabel")):
            if row.get(key) is not None:
                names.setdefault(node, text(row[key]))
        date = as_date(row.get("adopted"))
        if date is None:
            undated += 1
            continue
        found.append(Adoption(topic, jurisdiction, date))
    return adoption_table(found, names, undated=undated)


def read_adoptions(source: Any) -> AdoptionTable:
    """The dataset's adoptions of regulation topics, read through the named query ``rq10-topic-diffusion``."""
    return adoptions_from_rows(select_named(source, ADOPTION_QUERY, arguments={"topic": "*"}))


def by_topic(table: AdoptionTable) -> dict[str, list[Adoption]]:
    """topic → its adoptions, earliest first (ties by jurisdiction)."""
    groups: dict[str, list[Adoption]] = defaultdict(list)
    for a in sorted(table.adoptions, key=lambda a: (a.topic, a.date, a.jurisdiction)):
        groups[a.topic].append(a)
    return dict(groups)


def find_topic(table: AdoptionTable, wanted: str) -> str:
    """A topic by IRI or exact label (优化营商环境条例).

    :raises UnknownTopicError: with up to ten topics whose label contains the text.
    """
    topics = sorted({a.topic for a in table.adoptions})
    exact = [t for t in topics if wanted in (t, table.label(t))]
    if exact:
        return exact[0]
    near = sorted(table.label(t) for t in topics if wanted in table.label(t))[:10]
    hint = (
        f"; topics containing it: {', '.join(near)}" if near else "; `kg analyze diffusion` lists the topics"
    )
    raise UnknownTopicError(f"topic {wanted!r} has no dated adoption in the dataset{hint}")


@dataclass(frozen=True)
class TopicSummary:
    """How far one topic spread: adopters, first and last dates, first adopters."""

    topic: str
    label: str
    adopters: int
    first: dt.date
    last: dt.date
    first_adopters: list[str]


def topic_summaries(table: AdoptionTable, *, min_adopters: int = 1) -> list[TopicSummary]:
    """Every topic with at least ``min_adopters`` adopters, most adopted first."""
    rows = []
    for topic, adoptions in by_topic(table).items():
        if len(adoptions) < min_adopters:
            continue
        first = adoptions[0].date
        leaders = [table.label(a.jurisdiction) for a in adoptions if a.date == first]
        rows.append(
            TopicSummary(topic, table.label(topic), len(adoptions), first, adoptions[-1].date, leaders)
        )
    rows.sort(key=lambda s: (-s.adopters, s.first, s.label, s.topic))
    return rows


@dataclass(frozen=True)
class TimelineRow:
    """One adoption in a topic's timeline: its rank (ties share one) and the cumulative number of adopters."""

    date: dt.date
    jurisdiction: str
    label: str
    rank: int
    cumulative: int


def timeline(table: AdoptionTable, topic: str) -> list[TimelineRow]:
    """A topic's adoptions in date order, with ranks and the cumulative adoption curve."""
    rows: list[TimelineRow] = []
    position = 0
    for date, same_day in groupby(by_topic(table).get(topic, []), key=lambda a: a.date):
        day = list(same_day)
        for a in day:
            rows.append(
                TimelineRow(
                    date, a.jurisdiction, table.label(a.jurisdiction), position + 1, position + len(day)
                )
            )
        position += len(day)
    return rows


@dataclass(frozen=True)
class Innovativeness:
    """A jurisdiction's innovativeness: 1 − its mean normalised adoption rank over ``topics`` topics."""

    jurisdiction: str
    label: str
    score: float
    topics: int
    first: int


def normalised_ranks(adoptions: list[Adoption]) -> list[tuple[Adoption, float]]:
    """Each adoption's rank scaled to [0, 1] (0 first, 1 last); tied adopters share their average rank."""
    n = len(adoptions)
    ranked: list[tuple[Adoption, float]] = []
    position = 0
    for _, same_day in groupby(adoptions, key=lambda a: a.date):
        day = list(same_day)
        average = position + (len(day) - 1) / 2
        ranked.extend((a, average / (n - 1)) for a in day)
        position += len(day)
    return ranked


def innovativeness(table: AdoptionTable, *, min_adopters: int = 2) -> list[Innovativeness]:
    """Innovativeness per jurisdiction, most innovative first.

    For every topic with at least ``min_adopters`` adopters, each adopter gets its normalised rank (see
    ``normalised_ranks``); the score is 1 minus the mean over the topics it adopted (Walker 1969's score with
    ranks in place of years, as in the static measure of SPID, Boehmke et al. 2020). Non-adopters are not
    counted: in this data a missing regulation is more often a gap of the corpus than a decision.
    """
    ranks: dict[str, list[float]] = defaultdict(list)
    firsts: dict[str, int] = defaultdict(int)
    for adoptions in by_topic(table).values():
        if len(adoptions) < max(min_adopters, 2):
            continue
        for adoption, rank in normalised_ranks(adoptions):
            ranks[adoption.jurisdiction].append(rank)
            firsts[adoption.jurisdiction] += adoption.date == adoptions[0].date
    scores = [
        Innovativeness(j, table.label(j), round(1 - sum(rs) / len(rs), 6), len(rs), firsts[j])
        for j, rs in ranks.items()
    ]
    scores.sort(key=lambda s: (-s.score, -s.topics, s.label, s.jurisdiction))
    return scores


@dataclass(frozen=True)
class Hierarchy:
    """Direct parents (``fz:within``) and levels (country, province, prefecture, county) of jurisdictions."""

    parent: Mapping[str, str]
    level: Mapping[str, str] = field(default_factory=dict)

    def ancestors(self, node: str) -> list[str]:
        """The chain of parents, nearest first (cycles are cut)."""
        chain: list[str] = []
        current = self.parent.get(node)
        while current is not None and current not in chain and current != node:
            chain.append(current)
            current = self.parent.get(current)
        return chain


_HIERARCHY = """
SELECT ?j ?parent ?level WHERE {
  ?j a fz:Jurisdiction .
  OPTIONAL { ?j fz:within ?parent }
  OPTIONAL { ?j fz:level ?level }
}"""


def hierarchy_from_store(source: Any) -> Hierarchy:
    """The jurisdiction hierarchy of the dataset."""
    parent: dict[str, str] = {}
    level: dict[str, str] = {}
    for row in select(source, _HIERARCHY):
        node = str(row["j"])
        if row["parent"] is not None:
            parent[node] = min(str(row["parent"]), parent.get(node, str(row["parent"])))
        if row["level"] is not None:
            level[node] = local_name(str(row["level"]))
    return Hierarchy(parent, level)


VERTICAL, HORIZONTAL = "vertical", "horizontal"


def classify(leader: str, follower: str, hierarchy: Hierarchy) -> tuple[str, str]:
    """(tie, direction) of a leader → follower tie.

    - vertical, down: the leader contains the follower (national → local, province → its own cities);
    - vertical, up: the follower contains the leader (a city before its own province);
    - horizontal, same-level: peers of the same level with no line of hierarchy between them;
    - horizontal, cross-level: different levels with no line between them (青岛市 → 北京市).
    """
    if leader in hierarchy.ancestors(follower):
        return VERTICAL, "down"
    if follower in hierarchy.ancestors(leader):
        return VERTICAL, "up"
    same = hierarchy.level.get(leader) is not None and hierarchy.level.get(leader) == hierarchy.level.get(
        follower
    )
    return HORIZONTAL, "same-level" if same else "cross-level"


def _add(planes: list[int], mask: int) -> None:
    """Add 1 to every counter whose bit is set in ``mask`` (bit-sliced counters, one int per bit plane)."""
    carry = mask
    for p, plane in enumerate(planes):
        if not carry:
            return
        planes[p] = plane ^ carry
        carry &= plane


def _at_least(planes: list[int], k: int, full: int) -> int:
    """The mask of counters holding at least ``k``."""
    if k >= 1 << len(planes):
        return 0
    greater, equal = 0, full
    for p in reversed(range(len(planes))):
        if (k >> p) & 1:
            equal &= planes[p]
        else:
            greater |= equal & planes[p]
            equal &= full ^ planes[p]
    return greater | equal


def _counter_values(planes: list[int], selected: int, n: int) -> list[tuple[int, int]]:
    """(index, value) of the selected bit-sliced counters, in index order.

    Each plane's bits are spread to one slot of ``size`` bytes per counter (its binary digits read as hex
    digits), the planes are summed with their place values, and the slots are read back as bytes.
    """
    size = max(1, (len(planes) + 7) // 8)
    spread = str.maketrans({"0": "0" * 2 * size, "1": "0" * (2 * size - 1) + "1"})
    total = sum(
        int(format(plane & selected, f"0{n}b").translate(spread), 16) << p for p, plane in enumerate(planes)
    )
    data = total.to_bytes(n * size, "little")
    if size == 1:
        return [(j, value) for j, value in enumerate(data) if value]
    values = (int.from_bytes(data[j * size : (j + 1) * size], "little") for j in range(n))
    return [(j, value) for j, value in enumerate(values) if value]


def lead_counts(table: AdoptionTable, *, min_topics: int = 1) -> dict[tuple[str, str], int]:
    """(leader, follower) → topics in which the leader adopted strictly before the follower (≥ min_topics).

    Each jurisdiction keeps one counter per other jurisdiction, stored bit-sliced in Python ints (plane p
    holds bit p of every counter), so that one topic adds 1 to all of a leader's later adopters in a few
    big-integer operations instead of one dictionary update per pair. Work grows with adopters × log(topics)
    big-integer operations per topic, plus the size of the answer.
    """
    if min_topics < 1:
        raise InputError(f"min_topics must be at least 1, not {min_topics}")
    nodes = sorted({a.jurisdiction for a in table.adoptions})
    index = {node: i for i, node in enumerate(nodes)}
    groups = by_topic(table)
    width = len(groups).bit_length()
    counters = [[0] * width for _ in nodes]
    for adoptions in groups.values():
        later = 0
        for _, same_day in groupby(reversed(adoptions), key=lambda a: a.date):
            day = 0
            for adoption in same_day:
                i = index[adoption.jurisdiction]
                if later:
                    _add(counters[i], later)
                day |= 1 << i
            later |= day
    full = (1 << len(nodes)) - 1
    found: dict[tuple[str, str], int] = {}
    for i, planes in enumerate(counters):
        selected = _at_least(planes, min_topics, full)
        if selected:
            for j, weight in _counter_values(planes, selected, len(nodes)):
                found[(nodes[i], nodes[j])] = weight
    return found


class LeadTie(NamedTuple):
    """A leader → follower tie: the leader adopted first in ``weight`` topics (a tuple: there can be a
    million of them)."""

    leader: str
    follower: str
    weight: int
    tie: str
    direction: str


def leader_ties(table: AdoptionTable, hierarchy: Hierarchy, *, min_topics: int = 1) -> list[LeadTie]:
    """Every leader → follower tie of at least ``min_topics`` topics, classified; heaviest first.

    An edge A → B for each topic where A adopted before B is the cascade reading of NetInf (Desmarais, Harden
    & Boehmke 2015) without its inference step: every earlier adopter is a candidate source.
    """
    counts = lead_counts(table, min_topics=min_topics)
    ancestors = {a.jurisdiction: set(hierarchy.ancestors(a.jurisdiction)) for a in table.adoptions}
    level = hierarchy.level
    ties: list[LeadTie] = []
    for (leader, follower), weight in sorted(counts.items(), key=lambda item: -item[1]):  # stable sort
        if leader in ancestors[follower]:
            kind = (VERTICAL, "down")
        elif follower in ancestors[leader]:
            kind = (VERTICAL, "up")
        elif level.get(leader) is not None and level.get(leader) == level.get(follower):
            kind = (HORIZONTAL, "same-level")
        else:
            kind = (HORIZONTAL, "cross-level")
        ties.append(LeadTie(leader, follower, weight, *kind))
    return ties


def leader_graph(ties: Iterable[LeadTie], table: AdoptionTable) -> nx.DiGraph[str]:
    """The leader → follower ties as a weighted directed graph with labels."""
    import networkx as nx

    ties = sorted(ties, key=lambda t: (t.leader, t.follower))
    graph: nx.DiGraph[str] = nx.DiGraph()
    for node in sorted({n for t in ties for n in (t.leader, t.follower)}):
        graph.add_node(node, label=table.label(node), kind="jurisdiction")
    for tie in ties:
        graph.add_edge(tie.leader, tie.follower, weight=tie.weight, tie=tie.tie, direction=tie.direction)
    return graph


def restrict(table: AdoptionTable, topics: set[str]) -> AdoptionTable:
    """The same table with only the given topics."""
    kept = tuple(a for a in table.adoptions if a.topic in topics)
    return AdoptionTable(kept, table.labels, table.undated)
