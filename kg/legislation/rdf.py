"""Imported legislation records to RDF, per ``docs/legislation.md``.

One work per (normalised title, jurisdiction): ``fz:Regulation`` (a 决定 also ``fz:LegislativeDecision``), or
``fz:JudicialInterpretation`` for 司法解释. Where the national database gives the work's history, its events
become ``fz:LegislativeEvent`` nodes and each amendment or revision starts a new ``fz:RegulationVersion``
(n amending events → n + 1 versions); otherwise each LawRefBook record is a version, as before. Works,
versions and events point (``prov:wasDerivedFrom``) to ``fz:SourceRecord`` nodes, each part of a
``fz:SourceDataset`` with its address and commit. Decisions link to the works they amend or repeal, found
through the act each history line names and the titles each decision's own title names.
No blank nodes; every IRI is minted from the records' facts, so a rebuild gives the same graph.

The triples are made once, as N-Triples terms (:mod:`kg.ntriples`): a build writes them as they are
(:func:`legislation_terms`), and the rdflib API (:func:`legislation_triples`, :func:`legislation_graph`) is
Oxigraph's reading of the same lines, so the two cannot say different things.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Graph, URIRef

from kg.divisions import JurisdictionTable
from kg.legislation import datasets
from kg.legislation.history import AMENDING_KINDS, EVENT_KINDS, Event
from kg.legislation.records import COUNTRY, LEVEL_KINDS, LawRecord
from kg.legislation.resolver import resolve_jurisdiction
from kg.legislation.titles import normalise_title, title_hash
from kg.legislation.topics import Topic, normalise_topic, topic_iri
from kg.ntriples import Term, iri, literal, rdflib_triples
from kg.terms import FZ, PROV, Ids

if TYPE_CHECKING:
    from rdflib.term import Identifier

TOPIC_SCHEME = "topic"
TOPIC_SCHEME_LABELS = {"zh": "法规主题", "en": "Regulation topics"}
EVENT_SCHEME = "legislative-event"
EVENT_LABELS: dict[str, tuple[str, str]] = {
    "passed": ("通过", "passed"),
    "approved": ("批准", "approved"),
    "amended": ("修正", "amended"),
    "revised": ("修订", "revised"),
    "promulgated": ("公布", "promulgated"),
    "in-force": ("施行", "in force"),
    "repealed": ("废止", "repealed"),
}
"""Event kinds: their concept ids in ``scheme/legislative-event`` and their labels (see data/vocab)."""

FLK_SOURCE = "flk"

_LEVEL_ORDER = tuple(LEVEL_KINDS)
_NATIONAL_ISSUERS = {
    "宪法": ("全国人民代表大会",),
    "法律": ("全国人民代表大会及其常务委员会",),
    "行政法规": ("国务院",),
}
_COURTS = ("最高人民法院", "最高人民检察院")
_TRUE = literal("true", datatype=str(XSD.boolean))
_FALSE = literal("false", datatype=str(XSD.boolean))
_DATE, _POSITIVE = str(XSD.date), str(XSD.positiveInteger)
_TYPE, _LABEL, _TITLE, _CONCEPT = iri(RDF.type), iri(RDFS.label), iri(DCTERMS.title), iri(SKOS.Concept)
_PREF_LABEL, _IN_SCHEME, _SOURCE = iri(SKOS.prefLabel), iri(SKOS.inScheme), iri(DCTERMS.source)
_REGULATION, _JUDICIAL = iri(FZ.Regulation), iri(FZ.JudicialInterpretation)
_DECISION = iri(FZ.LegislativeDecision)
_VERSION, _TOPIC_CLASS, _EVENT = iri(FZ.RegulationVersion), iri(FZ.RegulationTopic), iri(FZ.LegislativeEvent)
_HAS_VERSION, _EXPIRED, _SOURCE_RECORD = iri(FZ.hasVersion), iri(FZ.expired), iri(FZ.sourceRecord)
_PASSED, _IN_FORCE, _VERSION_DATE = iri(FZ.datePassed), iri(FZ.dateInForce), iri(FZ.dateVersion)
_KIND, _JURISDICTION, TOPIC = iri(FZ.regulationKind), iri(FZ.jurisdiction), iri(FZ.topic)
_ISSUER, _IMPLEMENTS = iri(FZ.issuerName), iri(FZ.implements)
_HAS_EVENT, _EVENT_KIND, _EVENT_DATE = iri(FZ.hasEvent), iri(FZ.eventKind), iri(FZ.eventDate)
_BODY, _BODY_PLACE = iri(FZ.bodyName), iri(FZ.bodyJurisdiction)
_MEETING, _ORDINAL = iri(FZ.meeting), iri(FZ.ordinal)
_ACT_TITLE, _ACT, _STARTS = iri(FZ.amendingActTitle), iri(FZ.amendingAct), iri(FZ.startsVersion)
_AMENDS, _REPEALS, _REPEALED = iri(FZ.amends), iri(FZ.repeals), iri(FZ.dateRepealed)
_DERIVED = iri(PROV.wasDerivedFrom)
_RECORD_CLASS, _DATASET_CLASS = iri(FZ.SourceRecord), iri(FZ.SourceDataset)
_RECORD_ID, _RECORD_PATH = iri(FZ.recordId), iri(FZ.recordPath)
_IN_DATASET, _COMMIT = iri(FZ.inDataset), iri(FZ.commit)
_KINDS = {level: iri(Ids.concept("regulation-kind", kind)) for level, kind in LEVEL_KINDS.items()}
_EVENT_KINDS = {kind: iri(Ids.concept(EVENT_SCHEME, kind)) for kind in EVENT_KINDS}
_DECISION_TARGET = re.compile(r"《([^《》]+)》")
_ABOUT = re.compile(r"关于.*决定$")

Triple = tuple[Term, Term, Term]
"""(subject, predicate, object) as N-Triples terms."""


def work_iri(ids: Ids, code: str | None, key: str) -> URIRef:
    """``{base}regulation/{code or CN}/{hash}``: a regulation work or judicial interpretation."""
    return URIRef(f"{ids.base}regulation/{code or COUNTRY}/{title_hash(key)}")


def record_iri(ids: Ids, record: LawRecord) -> URIRef:
    """``{base}record/{source}/{record id}``: one source record (percent-encoded where needed)."""
    return URIRef(_record_address(ids.base, record.source, record.record))


def dataset_iri(ids: Ids, dataset: datasets.Dataset) -> URIRef:
    """``{base}dataset/{id}``: a public source dataset."""
    return URIRef(f"{ids.base}dataset/{dataset.id}")


@lru_cache(maxsize=65536)
def _record_address(base: str, source: str, record: str) -> str:
    """Made once per record: a work's triples name its records several times."""
    return f"{base}record/{quote(source, safe='-_.')}/{quote(record, safe='-_.')}"


def _record(ids: Ids, record: LawRecord) -> Term:
    """:func:`record_iri` as a term."""
    return iri(_record_address(ids.base, record.source, record.record))


@dataclass(frozen=True)
class Work:
    """The records of one work, oldest first, and what the work's triples are made from."""

    iri: URIRef
    key: str
    code: str | None
    versions: tuple[LawRecord, ...]

    @cached_property
    def node(self) -> Term:
        """The work's IRI as a term."""
        return iri(self.iri)

    @cached_property
    def history(self) -> LawRecord | None:
        """The national-database record whose history makes the versions: the one with most events."""
        national = [v for v in self.versions if v.source == FLK_SOURCE]
        return max(national, key=lambda r: (len(r.events), r.record)) if national else None

    @property
    def title(self) -> str:
        """The title as the national database writes it, else as the newest record does."""
        history = self.history
        return history.title if history is not None else self.versions[-1].title

    @property
    def level(self) -> str:
        """The national database's kind where it has the work, else the highest LawRefBook level."""
        history = self.history
        if history is not None:
            return history.level
        return min((v.level for v in self.versions), key=_LEVEL_ORDER.index)

    @property
    def judicial(self) -> bool:
        return self.level == "司法解释"

    @property
    def date_passed(self) -> str | None:
        """The date first passed: the history's, else the earliest publish date of any record."""
        history = self.history
        if history is not None and history.published:
            return history.published
        return min((v.published for v in self.versions if v.published), default=None)


def _version_order(record: LawRecord) -> tuple[str, str, str, str]:
    first = record.published or record.in_force or "9999"
    return (first, record.in_force or "9999", record.source, record.record)


def group_works(records: Iterable[LawRecord], ids: Ids) -> list[Work]:
    """Records grouped into works, sorted by jurisdiction and normalised title."""
    groups: dict[tuple[str, str], list[LawRecord]] = {}
    for record in records:
        groups.setdefault((record.jurisdiction, record.key), []).append(record)
    works = []
    for (_jurisdiction, key), members in sorted(groups.items()):
        code = members[0].code
        versions = tuple(sorted(members, key=_version_order))
        works.append(Work(work_iri(ids, code, key), key, code, versions))
    return works


def segments(dates: list[str | None]) -> list[str]:
    """Last IRI segment of each version: its date, ``{date}.{n}`` when dates repeat, its position if none."""
    out = []
    for position, date in enumerate(dates, start=1):
        if date is None:
            out.append(str(position))
        elif dates.count(date) == 1:
            out.append(date)
        else:
            out.append(f"{date}.{dates[:position].count(date)}")
    return out


def version_segments(versions: tuple[LawRecord, ...]) -> list[str]:
    """Version segments of records (one version per LawRefBook record)."""
    return segments([v.published or v.in_force for v in versions])


def issuer_names(work: Work, table: JurisdictionTable) -> tuple[str, ...]:
    """Who passed the work: the body its history names, else where the level and jurisdiction settle it.

    National levels: 宪法 → 全国人民代表大会; 法律 → 全国人民代表大会及其常务委员会 (the data does not say
    which of the two); 行政法规 → 国务院; 司法解释 → the court(s) the title opens with, as one name.
    A LawRefBook 地方性法规 whose title names a province or a city → that place's 人民代表大会常务委员会.
    One name per work: the core shapes allow one @zh.
    """
    history = work.history
    if history is not None:
        return (history.issuer,) if history.issuer else ()
    level = work.level
    if level in _NATIONAL_ISSUERS:
        return _NATIONAL_ISSUERS[level]
    if level == "司法解释":
        opening = work.title.split("关于", 1)[0]
        courts = [court for court in _COURTS if court in opening]
        return ("、".join(courts),) if courts else ()
    if level == "地方性法规" and work.code and all(v.resolution == "resolved" for v in work.versions):
        place = table.by_code(work.code)
        if place.level in ("province", "prefecture"):
            return (f"{place.name_zh}人民代表大会常务委员会",)
    return ()


def _zh(text: str) -> Term:
    return literal(text, language="zh")


@lru_cache(maxsize=16384)
def _date(text: str) -> Term:
    return literal(text, datatype=_DATE)


def act_key(title: str) -> str:
    """A decision's title from 关于 on, normalised, inner 〈〉 as 《》: how histories name it."""
    text = unicodedata.normalize("NFKC", title).translate(str.maketrans("〈〉", "《》"))
    text = re.sub(r"\s+", "", text)
    found = _ABOUT.search(text)
    return found.group(0) if found else text


class Decisions:
    """The decisions (决定) of the corpus, found by jurisdiction and the act key their title ends with."""

    def __init__(self, works: list[Work]) -> None:
        self._by_key: dict[tuple[str, str], list[Work]] = {}
        for work in works:
            if work.level == "决定" and work.code:
                self._by_key.setdefault((work.code, act_key(work.title)), []).append(work)

    def find(self, code: str | None, act: str) -> Work | None:
        """The one decision of this jurisdiction (else of its province) whose title the act names."""
        if not code or not act:
            return None
        key = act_key(act)
        found = self._by_key.get((code, key), [])
        if not found and code[2:] != "0000":
            found = self._by_key.get((code[:2] + "0000", key), [])
        return found[0] if len(found) == 1 else None


@dataclass
class Links:
    """Decision → work links gathered while mapping: (decision, property, work) and repeal dates."""

    triples: set[Triple]
    repealed: dict[Term, str]


@lru_cache(maxsize=4096)
def _place_code(place: str, hint: str | None, table: JurisdictionTable) -> str | None:
    if not place:
        return None
    found = resolve_jurisdiction(place, table, hint_province=hint)
    return found.code if found.status == "resolved" else None


def _source_triples(ids: Ids, records: Iterable[LawRecord]) -> list[Triple]:
    """The source record nodes and the datasets they belong to."""
    triples: list[Triple] = []
    used: dict[str, datasets.Dataset] = {}
    for record in records:
        node = _record(ids, record)
        dataset = datasets.dataset_of(record.source)
        used[dataset.id] = dataset
        path = datasets.record_path(record.source, record.record, record.path)
        triples += [
            (node, _TYPE, _RECORD_CLASS),
            (node, _LABEL, _zh(f"{dataset.id} {record.record}")),
            (node, _RECORD_ID, literal(record.record)),
            (node, _RECORD_PATH, literal(path)),
            (node, _IN_DATASET, iri(dataset_iri(ids, dataset))),
        ]
    for dataset in used.values():
        node = iri(dataset_iri(ids, dataset))
        triples += [
            (node, _TYPE, _DATASET_CLASS),
            (node, _LABEL, _zh(dataset.title)),
            (node, _LABEL, literal(dataset.title, language="en")),
            (node, _SOURCE, iri(dataset.address)),
            (node, _COMMIT, literal(dataset.commit)),
        ]
    return triples


def version_triples(work: Work, node: Term, record: LawRecord, label: str, ids: Ids) -> list[Triple]:
    """The triples of one LawRefBook version; dates only where the record has them."""
    triples: list[Triple] = [
        (work.node, _HAS_VERSION, node),
        (node, _TYPE, _VERSION),
        (node, _LABEL, _zh(label)),
        (node, _EXPIRED, _TRUE if record.expired else _FALSE),
        (node, _SOURCE_RECORD, literal(f"lawrefbook/{record.source}/{record.record}")),
        (node, _DERIVED, _record(ids, record)),
    ]
    if record.published:
        triples.append((node, _PASSED, _date(record.published)))
    if record.in_force:
        triples.append((node, _IN_FORCE, _date(record.in_force)))
    version_date = record.published or record.in_force
    if version_date:
        triples.append((node, _VERSION_DATE, _date(version_date)))
    return triples


def history_versions(events: tuple[Event, ...]) -> list[tuple[Event | None, str | None]]:
    """The versions a history makes: the original (its passed event) and one per amending event, by date."""
    passed = next((e for e in events if e.kind == "passed"), None)
    first = passed.date if passed else min((e.date for e in events if e.date), default=None)
    amending = sorted(
        (e for e in events if e.kind in AMENDING_KINDS), key=lambda e: (e.date or "9999", e.position)
    )
    return [(passed, first), *((e, e.date) for e in amending)]


def _history_triples(
    work: Work,
    history: LawRecord,
    ids: Ids,
    table: JurisdictionTable,
    decisions: Decisions,
    links: Links,
) -> list[Triple]:
    """Versions and events from the national database's history, each derived from its source record."""
    node, source = work.node, _record(ids, history)
    triples: list[Triple] = []
    versions = history_versions(history.events)
    version_nodes = [iri(f"{work.iri}/v/{s}") for s in segments([date for _e, date in versions])]
    repealed = next((e.date for e in history.events if e.kind == "repealed"), None)
    starts: dict[int, Term] = {}
    matched: set[str] = set()
    for index, ((event, date), version) in enumerate(zip(versions, version_nodes, strict=True)):
        last = index == len(versions) - 1
        label = f"{work.title}（{date}）" if date else f"{work.title}（版本{index + 1}）"
        triples += [
            (node, _HAS_VERSION, version),
            (version, _TYPE, _VERSION),
            (version, _LABEL, _zh(label)),
            (version, _EXPIRED, _TRUE if (not last or repealed) else _FALSE),
            (version, _DERIVED, source),
        ]
        if date:
            triples.append((version, _VERSION_DATE, _date(date)))
        if event is not None:
            starts[event.position] = version
        for other in work.versions:
            if other.source != FLK_SOURCE and other.published == date and date is not None:
                triples.append((version, _DERIVED, _record(ids, other)))
                matched.add(other.record)
    for other in work.versions:
        if other.source != FLK_SOURCE and other.record not in matched:
            triples.append((node, _DERIVED, _record(ids, other)))
    province = None if work.code is None else work.code[:2] + "0000"
    for event in history.events:
        event_node = iri(f"{work.iri}/event/{event.position}")
        zh_kind = EVENT_LABELS[event.kind][0]
        triples += [
            (node, _HAS_EVENT, event_node),
            (event_node, _TYPE, _EVENT),
            (event_node, _LABEL, _zh(f"{event.date or '日期不详'}{zh_kind}")),
            (event_node, _EVENT_KIND, _EVENT_KINDS[event.kind]),
            (event_node, _DERIVED, source),
        ]
        if event.date:
            triples.append((event_node, _EVENT_DATE, _date(event.date)))
        if event.body:
            triples.append((event_node, _BODY, _zh(event.body)))
            place = _place_code(event.place, province, table)
            if place is not None:
                triples.append((event_node, _BODY_PLACE, iri(ids.jurisdiction(place))))
        if event.session or event.meeting:
            triples.append((event_node, _MEETING, _zh(f"{event.session}{event.meeting}")))
        if event.ordinal:
            triples.append((event_node, _ORDINAL, literal(str(event.ordinal), datatype=_POSITIVE)))
        if event.position in starts:
            triples.append((event_node, _STARTS, starts[event.position]))
        if event.act:
            triples.append((event_node, _ACT_TITLE, _zh(event.act)))
            decision = decisions.find(work.code, event.act)
            if decision is not None and decision.node != node:
                triples.append((event_node, _ACT, decision.node))
                verb = _REPEALS if event.kind == "repealed" else _AMENDS
                links.triples.add((decision.node, verb, node))
    if repealed:
        triples.append((node, _REPEALED, _date(repealed)))
    return triples


def _decision_targets(work: Work, index: dict[tuple[str, str | None], Term], links: Links) -> None:
    """Links a decision's own title names: 关于修改《A》的决定 amends A; 关于废止《A》《B》的决定 repeals."""
    about = act_key(work.title)
    amend, repeal = "修改" in about, "废止" in about
    if amend == repeal:
        return
    for title in _DECISION_TARGET.findall(about):
        target = index.get((normalise_title(title), work.code))
        if target is None or target == work.node:
            continue
        links.triples.add((work.node, _REPEALS if repeal else _AMENDS, target))
        if repeal and work.date_passed:
            links.repealed.setdefault(target, work.date_passed)


def work_triples(
    work: Work,
    table: JurisdictionTable,
    jurisdiction: Term,
    topic: Term | None,
    implemented: Term | None,
    ids: Ids,
    decisions: Decisions,
    links: Links,
) -> list[Triple]:
    """The triples of one work and of its versions (and events, where a history is known)."""
    node = work.node
    title = _zh(work.title)
    triples: list[Triple] = [
        (node, _TYPE, _JUDICIAL if work.judicial else _REGULATION),
        (node, _LABEL, title),
        (node, _TITLE, title),
        (node, _KIND, _KINDS[work.level]),
        (node, _JURISDICTION, jurisdiction),
    ]
    if work.level == "决定":
        triples.append((node, _TYPE, _DECISION))
    if topic is not None:
        triples.append((node, TOPIC, topic))
    if work.date_passed:
        triples.append((node, _PASSED, _date(work.date_passed)))
    triples.extend((node, _ISSUER, _zh(name)) for name in issuer_names(work, table))
    if implemented is not None and implemented != node:
        triples.append((node, _IMPLEMENTS, implemented))
    history = work.history
    if history is not None:
        if history.in_force:
            triples.append((node, _IN_FORCE, _date(history.in_force)))
        triples.append((node, _DERIVED, _record(ids, history)))
        triples.extend(_history_triples(work, history, ids, table, decisions, links))
        return triples
    for record, segment in zip(work.versions, version_segments(work.versions), strict=True):
        date = record.published or record.in_force
        label = f"{record.title}（{date}）" if date else f"{record.title}（版本{segment}）"
        triples.extend(version_triples(work, iri(f"{work.iri}/v/{segment}"), record, label, ids))
    return triples


def topic_triples(node: Term, topic: Topic, scheme: Term) -> list[Triple]:
    """A topic as a SKOS concept of the topic scheme."""
    label = _zh(topic.label)
    return [
        (node, _TYPE, _TOPIC_CLASS),
        (node, _TYPE, _CONCEPT),
        (node, _PREF_LABEL, label),
        (node, _LABEL, label),
        (node, _IN_SCHEME, scheme),
    ]


def scheme_triples() -> list[Triple]:
    """The topic concept scheme, labelled in Chinese and English."""
    scheme = iri(Ids.scheme(TOPIC_SCHEME))
    triples: list[Triple] = [(scheme, _TYPE, iri(SKOS.ConceptScheme))]
    for lang, text in TOPIC_SCHEME_LABELS.items():
        triples.append((scheme, _LABEL, literal(text, language=lang)))
        triples.append((scheme, _PREF_LABEL, literal(text, language=lang)))
    return triples


def legislation_terms(
    records: Iterable[LawRecord], table: JurisdictionTable, *, ids: Ids | None = None
) -> list[Triple]:
    """The triples of the imported works, versions, events, decisions' links, sources and topics, as
    N-Triples terms (what a build writes)."""
    ids = ids or Ids()
    records = list(records)
    works = group_works(records, ids)
    decisions = Decisions(works)
    links = Links(set(), {})
    index = {(w.key, w.code): w.node for w in works}
    national = {w.key: w for w in works if w.code is None and not w.judicial}
    topics: dict[Term, Topic] = {}
    places: dict[str | None, Term] = {}
    triples: list[Triple] = scheme_triples()
    for work in works:
        hint = None if work.code is None else work.code[:2] + "0000"
        topic_node = None
        target = None
        if work.level != "决定":
            topic = normalise_topic(work.title, table, hint_province=hint)
            topic_node = iri(topic_iri(topic))
            topics.setdefault(topic_node, topic)
            if topic.implements and not work.judicial:
                target = national.get(topic.implements)
        else:
            _decision_targets(work, index, links)
        if work.code not in places:
            places[work.code] = iri(ids.jurisdiction(work.code))
        implemented = None if target is None else target.node
        triples.extend(
            work_triples(work, table, places[work.code], topic_node, implemented, ids, decisions, links)
        )
    triples.extend(sorted(links.triples))
    repealed_already = {s for s, p, _o in triples if p == _REPEALED}
    for repealed, date in sorted(links.repealed.items()):
        if repealed not in repealed_already:
            triples.append((repealed, _REPEALED, _date(date)))
    triples.extend(_source_triples(ids, records))
    scheme = iri(Ids.scheme(TOPIC_SCHEME))
    for node in sorted(topics):
        triples.extend(topic_triples(node, topics[node], scheme))
    return triples


def legislation_triples(
    records: Iterable[LawRecord], table: JurisdictionTable, *, ids: Ids | None = None
) -> list[tuple[Identifier, Identifier, Identifier]]:
    """:func:`legislation_terms` as rdflib terms."""
    return rdflib_triples(legislation_terms(records, table, ids=ids))


def legislation_graph(
    records: Iterable[LawRecord], table: JurisdictionTable, *, ids: Ids | None = None
) -> Graph:
    """The graph of the imported works, their versions and topics (see :func:`legislation_terms`)."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in legislation_triples(records, table, ids=ids))
    return graph
