"""Imported legislation records to RDF, per ``docs/legislation.md``.

One work per (normalised title, jurisdiction): ``fz:Regulation``, or ``fz:JudicialInterpretation`` for
司法解释 (both legal resources in the ELI sense). The records of a work are its ``fz:RegulationVersion``s,
each with the dates, expired flag and source record it came with, so that a ``publish`` date later than
``valid_from`` (an amendment) stays on the version it belongs to. The work carries its kind, jurisdiction,
earliest publish date, issuer name where the level and jurisdiction make it certain, its topic and, for an
implementing regulation, the national law it implements. Topics are SKOS concepts in ``scheme/topic``.
No blank nodes; every IRI is minted from the record's facts, so a rebuild gives the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from kg.divisions import JurisdictionTable
from kg.legislation import LEVEL_KINDS, LawRecord, Topic, normalise_topic, topic_iri, work_iri
from kg.terms import FZ, Ids

TOPIC_SCHEME = "topic"
TOPIC_SCHEME_LABELS = {"zh": "法规主题", "en": "Regulation topics"}

_LEVEL_ORDER = tuple(LEVEL_KINDS)
_NATIONAL_ISSUERS = {
    "宪法": ("全国人民代表大会",),
    "法律": ("全国人民代表大会及其常务委员会",),
    "行政法规": ("国务院",),
}
_COURTS = ("最高人民法院", "最高人民检察院")
_TRUE = Literal(True)
_FALSE = Literal(False)
# Terms looked up once: rdflib's Namespace attribute access costs more than adding the triple.
_TYPE, _LABEL, _TITLE, _CONCEPT = RDF.type, RDFS.label, DCTERMS.title, SKOS.Concept
_PREF_LABEL, _IN_SCHEME = SKOS.prefLabel, SKOS.inScheme
_REGULATION, _JUDICIAL = FZ.Regulation, FZ.JudicialInterpretation
_VERSION, _TOPIC_CLASS = FZ.RegulationVersion, FZ.RegulationTopic
_HAS_VERSION, _EXPIRED, _SOURCE_RECORD = FZ.hasVersion, FZ.expired, FZ.sourceRecord
_PASSED, _IN_FORCE, _VERSION_DATE = FZ.datePassed, FZ.dateInForce, FZ.dateVersion
_KIND, _JURISDICTION, _TOPIC = FZ.regulationKind, FZ.jurisdiction, FZ.topic
_ISSUER, _IMPLEMENTS = FZ.issuerName, FZ.implements
_KINDS = {level: Ids.concept("regulation-kind", kind) for level, kind in LEVEL_KINDS.items()}

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Work:
    """The records of one work, oldest first, and what the work's triples are made from."""

    iri: URIRef
    key: str
    code: str | None
    versions: tuple[LawRecord, ...]

    @property
    def title(self) -> str:
        """The title as the newest record writes it."""
        return self.versions[-1].title

    @property
    def level(self) -> str:
        """The highest level among the records (they agree in the LawRefBook data)."""
        return min((v.level for v in self.versions), key=_LEVEL_ORDER.index)

    @property
    def judicial(self) -> bool:
        return self.level == "司法解释"

    @property
    def date_passed(self) -> str | None:
        """The earliest publish date of any version."""
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


def version_segments(versions: tuple[LawRecord, ...]) -> list[str]:
    """Last IRI segment of each version: its date, ``{date}.{n}`` when dates repeat, its position if none."""
    dates = [v.published or v.in_force for v in versions]
    segments = []
    for position, date in enumerate(dates, start=1):
        if date is None:
            segments.append(str(position))
        elif dates.count(date) == 1:
            segments.append(date)
        else:
            segments.append(f"{date}.{dates[:position].count(date)}")
    return segments


def issuer_names(work: Work, table: JurisdictionTable) -> tuple[str, ...]:
    """Who passed the work, where the level and jurisdiction settle it; () where they do not.

    National levels: 宪法 → 全国人民代表大会; 法律 → 全国人民代表大会及其常务委员会 (the data does not say
    which of the two); 行政法规 → 国务院; 司法解释 → the court(s) the title opens with, as one name
    (最高人民法院、最高人民检察院). 地方性法规 whose title names a province or a city → that place's
    人民代表大会常务委员会, which passes most of them (a few are passed by the full congress; the
    data does not say which). Departmental rules, county-level titles (浦东新区 regulations are passed by
    the city) and titles that name no place get none. One name per work: the core shapes allow one @zh.
    """
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


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


@lru_cache(maxsize=8192)
def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def version_triples(work: Work, node: URIRef, record: LawRecord, label: str) -> list[Triple]:
    """The triples of one version; dates only where the record has them."""
    triples: list[Triple] = [
        (work.iri, _HAS_VERSION, node),
        (node, _TYPE, _VERSION),
        (node, _LABEL, _zh(label)),
        (node, _EXPIRED, _TRUE if record.expired else _FALSE),
        (node, _SOURCE_RECORD, Literal(f"lawrefbook/{record.source}/{record.record}")),
    ]
    if record.published:
        triples.append((node, _PASSED, _date(record.published)))
    if record.in_force:
        triples.append((node, _IN_FORCE, _date(record.in_force)))
    version_date = record.published or record.in_force
    if version_date:
        triples.append((node, _VERSION_DATE, _date(version_date)))
    return triples


def work_triples(
    work: Work,
    table: JurisdictionTable,
    jurisdiction: URIRef,
    topic: URIRef,
    implemented: URIRef | None,
) -> list[Triple]:
    """The triples of one work and of its versions."""
    node = work.iri
    title = _zh(work.title)
    triples: list[Triple] = [
        (node, _TYPE, _JUDICIAL if work.judicial else _REGULATION),
        (node, _LABEL, title),
        (node, _TITLE, title),
        (node, _KIND, _KINDS[work.level]),
        (node, _JURISDICTION, jurisdiction),
        (node, _TOPIC, topic),
    ]
    if work.date_passed:
        triples.append((node, _PASSED, _date(work.date_passed)))
    triples.extend((node, _ISSUER, _zh(name)) for name in issuer_names(work, table))
    if implemented is not None and implemented != node:
        triples.append((node, _IMPLEMENTS, implemented))
    for record, segment in zip(work.versions, version_segments(work.versions), strict=True):
        date = record.published or record.in_force
        label = f"{record.title}（{date}）" if date else f"{record.title}（版本{segment}）"
        triples.extend(version_triples(work, URIRef(f"{node}/v/{segment}"), record, label))
    return triples


def topic_triples(node: URIRef, topic: Topic, scheme: URIRef) -> list[Triple]:
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
    scheme = Ids.scheme(TOPIC_SCHEME)
    triples: list[Triple] = [(scheme, _TYPE, SKOS.ConceptScheme)]
    for lang, text in TOPIC_SCHEME_LABELS.items():
        triples.append((scheme, _LABEL, Literal(text, lang=lang)))
        triples.append((scheme, _PREF_LABEL, Literal(text, lang=lang)))
    return triples


def legislation_triples(
    records: Iterable[LawRecord], table: JurisdictionTable, *, ids: Ids | None = None
) -> list[Triple]:
    """The triples of the imported works, their versions and topics (jurisdictions and kinds not included)."""
    ids = ids or Ids()
    works = group_works(records, ids)
    national = {w.key: w for w in works if w.code is None and not w.judicial}
    topics: dict[URIRef, Topic] = {}
    places: dict[str | None, URIRef] = {}
    triples: list[Triple] = scheme_triples()
    for work in works:
        hint = None if work.code is None else work.code[:2] + "0000"
        topic = normalise_topic(work.title, table, hint_province=hint)
        topic_node = topic_iri(topic)
        topics.setdefault(topic_node, topic)
        target = national.get(topic.implements) if topic.implements and not work.judicial else None
        if work.code not in places:
            places[work.code] = ids.jurisdiction(work.code)
        implemented = None if target is None else target.iri
        triples.extend(work_triples(work, table, places[work.code], topic_node, implemented))
    scheme = Ids.scheme(TOPIC_SCHEME)
    for node in sorted(topics):
        triples.extend(topic_triples(node, topics[node], scheme))
    return triples


def legislation_graph(
    records: Iterable[LawRecord], table: JurisdictionTable, *, ids: Ids | None = None
) -> Graph:
    """The graph of the imported works, their versions and topics (see :func:`legislation_triples`)."""
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in legislation_triples(records, table, ids=ids))
    return graph
