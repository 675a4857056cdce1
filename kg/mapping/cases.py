"""Checked case files → RDF: cases, measures, outcomes, institutions, regulations and their source spans.

Every node made from a case file records where it came from twice over: ``prov:wasDerivedFrom`` a
``fz:SourceSpan`` of the source document, and ``fz:caseFile`` / ``fz:caseFileLine`` for the editor. A
regulation's dates that the notice does not print come from public sources (``facts_source``):
``fz:datesFrom`` names each, and the span stays what the rest is derived from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..casefile import Case, Institution, Located, Measure, Outcome, Regulation, Span, Text
from ..terms import FZ, PROV, Ids

INSTITUTION_CLASS_BY_KIND = {
    "government-body": "GovernmentBody",
    "management-agency": "GovernmentBody",
    "leading-group": "LeadingGroup",
    "expert-committee": "ExpertCommittee",
    "think-tank": "ExpertCommittee",
    "monitoring-centre": "MonitoringCentre",
    "procuratorate": "Procuratorate",
    "court": "Court",
    "coordination-body": "CoordinationBody",
    "joint-meeting": "CoordinationBody",
    "platform": "Platform",
    "data-platform": "Platform",
}
"""The class an institution gets from its kind when its case file names no ``class``."""

Triple = tuple[URIRef, URIRef, URIRef | Literal]
"""Where mapped triples go: an rdflib graph, or a plain set when speed matters."""

RegulationLinker = Callable[[Regulation], URIRef | None]
"""Finds the imported work a case regulation names, or None for a case-only regulation."""


def date_literal(value: str) -> Literal:
    """A date of the case format as xsd:gYear, xsd:gYearMonth or xsd:date by its precision."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


class _CaseMapper:
    def __init__(
        self,
        case: Case,
        triples: set[Triple],
        ids: Ids,
        region_names: dict[str, Text],
        link_regulation: RegulationLinker | None,
    ) -> None:
        self.case = case
        self.triples = triples
        self.ids = ids
        self.region_names = region_names
        self.link_regulation = link_regulation
        self.outcomes = 0
        self.regulations: dict[str, URIRef] = {}
        self.institutions: dict[str, URIRef] = {}

    def add(self, subject: URIRef, predicate: URIRef, value: URIRef | Literal) -> None:
        self.triples.add((subject, predicate, value))

    def labels(self, node: URIRef, predicate: URIRef, text: Text | None) -> None:
        if text is None:
            return
        self.add(node, predicate, Literal(text.zh, lang="zh"))
        if text.en:
            self.add(node, predicate, Literal(text.en, lang="en"))

    def provenance(self, node: URIRef, span: Span | None, at: Located) -> None:
        self.add(node, FZ.caseFile, Literal(at.file))
        self.add(node, FZ.caseFileLine, Literal(at.line, datatype=XSD.positiveInteger))
        if span is not None:
            self.add(node, PROV.wasDerivedFrom, self.span(span))

    def span(self, span: Span) -> URIRef:
        node = self.ids.span(span.document, *span.offsets)
        first, last = span.lines
        lines = f"{first}" if first == last else f"{first}–{last}"
        self.add(node, RDF.type, FZ.SourceSpan)
        self.add(node, RDFS.label, Literal(f"{span.document} 第{lines}行", lang="zh"))
        self.add(
            node,
            RDFS.label,
            Literal(f"{span.document} line{'s' if first != last else ''} {lines}", lang="en"),
        )
        self.add(node, FZ.inDocument, self.ids.document(span.document))
        self.add(node, FZ.startLine, Literal(first, datatype=XSD.positiveInteger))
        self.add(node, FZ.endLine, Literal(last, datatype=XSD.positiveInteger))
        self.add(node, FZ.startOffset, Literal(span.offsets[0], datatype=XSD.nonNegativeInteger))
        self.add(node, FZ.endOffset, Literal(span.offsets[1], datatype=XSD.nonNegativeInteger))
        self.add(node, FZ.sha256, Literal(span.sha256))
        return node

    def run(self) -> None:
        case = self.case
        node = self.ids.case(case.id)
        notice = self.ids.notice(case.notice)
        self.add(node, RDF.type, FZ.Case)
        region = self.region_names.get(case.region, Text(case.region, case.region))
        if case.headline:
            self.labels(node, RDFS.label, case.headline)
            self.labels(node, DCTERMS.title, case.headline)
        else:
            self.add(node, RDFS.label, Literal(f"{region.zh}典型案例(无文本)", lang="zh"))
            self.add(
                node, RDFS.label, Literal(f"Typical case of {region.en or case.region} (no text)", lang="en")
            )
        self.add(node, FZ.region, self.ids.jurisdiction(case.region))
        self.add(node, FZ.status, Ids.concept("status", case.status))
        self.add(node, FZ.reportedIn, notice)
        self.add(notice, FZ.reports, node)
        if case.position is not None:
            self.add(node, FZ.positionInNotice, Literal(case.position, datatype=XSD.positiveInteger))
        for field in case.fields:
            self.add(node, FZ.policyField, Ids.concept("field", field))
        self.labels(node, FZ.summary, case.summary)
        if case.note:
            self.add(node, RDFS.comment, Literal(case.note, lang="zh" if _is_chinese(case.note) else "en"))
        self.provenance(node, case.source, case.at)
        for institution in case.institutions:
            self.institutions[institution.id] = self.institution(institution)
        for regulation in case.regulations:
            self.regulations[regulation.id] = self.regulation(regulation)
        for number, measure in enumerate(case.measures, start=1):
            self.add(node, FZ.hasMeasure, self.measure(measure, (number,)))

    def institution(self, institution: Institution) -> URIRef:
        node = self.ids.institution(self.case.id, institution.id)
        cls = institution.cls or INSTITUTION_CLASS_BY_KIND.get(institution.kind)
        self.add(node, RDF.type, FZ.Platform if cls == "Platform" else FZ.Institution)
        if cls and cls != "Platform":
            self.add(node, RDF.type, FZ[cls])
        self.labels(node, RDFS.label, institution.name)
        self.add(node, FZ.institutionKind, Ids.concept("institution-kind", institution.kind))
        self.add(node, FZ.jurisdiction, self.ids.jurisdiction(institution.jurisdiction))
        self.provenance(node, institution.span, institution.at)
        return node

    def regulation(self, regulation: Regulation) -> URIRef:
        linked = self.link_regulation(regulation) if self.link_regulation else None
        node = linked or self.ids.regulation(self.case.id, regulation.id)
        self.add(node, RDF.type, FZ.Regulation)
        self.add(node, DCTERMS.title, Literal(regulation.title, lang="zh"))
        self.add(node, RDFS.label, Literal(regulation.title, lang="zh"))
        self.add(node, FZ.regulationKind, Ids.concept("regulation-kind", regulation.kind))
        self.add(node, FZ.jurisdiction, self.ids.jurisdiction(regulation.jurisdiction))
        if regulation.issuer:
            self.labels(node, FZ.issuerName, regulation.issuer)
        for predicate, value in ((FZ.datePassed, regulation.passed), (FZ.dateInForce, regulation.in_force)):
            if value:
                self.add(node, predicate, date_literal(value))
        for value in regulation.amended:
            self.add(node, FZ.dateAmended, date_literal(value))
        for source in regulation.facts_source:
            self.add(node, FZ.datesFrom, self.ids.document(source))
        self.provenance(node, regulation.span, regulation.at)
        return node

    def measure(self, measure: Measure, path: tuple[int, ...]) -> URIRef:
        node = self.ids.measure(self.case.id, path)
        self.add(node, RDF.type, FZ.Measure)
        self.labels(node, RDFS.label, measure.title)
        self.labels(node, DCTERMS.title, measure.title)
        self.add(node, FZ.order, Literal(path[-1], datatype=XSD.positiveInteger))
        for mechanism in measure.mechanisms:
            self.add(node, FZ.instantiates, Ids.concept("mechanism", mechanism))
        for local in measure.creates:
            self.add(node, FZ.creates, self.institutions[local])
        for local in measure.involves:
            self.add(node, FZ.involves, self.institutions[local])
        for local in measure.enacts:
            self.add(node, FZ.enacts, self.regulations[local])
        for local in measure.uses:
            self.add(node, FZ.usesRegulation, self.regulations[local])
        for outcome in measure.outcomes:
            self.add(node, FZ.hasOutcome, self.outcome(outcome))
        self.provenance(node, measure.span, measure.at)
        for number, sub in enumerate(measure.measures, start=1):
            self.add(node, FZ.hasSubMeasure, self.measure(sub, (*path, number)))
        return node

    def outcome(self, outcome: Outcome) -> URIRef:
        self.outcomes += 1
        node = self.ids.outcome(self.case.id, self.outcomes)
        self.add(node, RDF.type, FZ.QuantitativeOutcome)
        figure = outcome.reported or f"{outcome.value}"
        self.add(node, RDFS.label, Literal(f"{outcome.counts.zh} {figure}", lang="zh"))
        if outcome.counts.en:
            self.add(node, RDFS.label, Literal(f"{outcome.counts.en}: {figure}", lang="en"))
        self.add(node, FZ.value, Literal(_plain_decimal(outcome.value), datatype=XSD.decimal))
        self.add(node, FZ.unit, Ids.concept("unit", outcome.unit))
        self.labels(node, FZ.counts, outcome.counts)
        if outcome.reported:
            self.add(node, FZ.reportedAs, Literal(outcome.reported))
        self.add(node, FZ.approximate, Literal(outcome.approximate))
        point = outcome.date or outcome.year
        if point:
            self.add(node, FZ.pointInTime, date_literal(point))
        if outcome.since:
            self.add(node, FZ.periodStart, date_literal(outcome.since))
        if outcome.until:
            self.add(node, FZ.periodEnd, date_literal(outcome.until))
        if outcome.qualifier:
            self.add(node, FZ.qualifier, Literal(outcome.qualifier, lang="zh"))
        self.provenance(node, outcome.span, outcome.at)
        return node


def _plain_decimal(value: Decimal) -> str:
    """A decimal's canonical-looking lexical form without exponent: 210000, 0.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def case_triples(
    cases: Iterable[Case],
    *,
    ids: Ids | None = None,
    region_names: dict[str, Text] | None = None,
    link_regulation: RegulationLinker | None = None,
) -> set[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The triples of checked cases.

    :param region_names: code → name, to label cases that have no headline.
    :param link_regulation: maps a case regulation to an imported work, when the corpus holds it.
    """
    triples: set[Triple] = set()
    for case in cases:
        _CaseMapper(case, triples, ids or Ids(), region_names or {}, link_regulation).run()
    return triples


def cases_graph(
    cases: Iterable[Case],
    *,
    ids: Ids | None = None,
    region_names: dict[str, Text] | None = None,
    link_regulation: RegulationLinker | None = None,
) -> Graph:
    """The RDF of checked cases as a graph (see :func:`case_triples`)."""
    graph = Graph()
    triples = case_triples(cases, ids=ids, region_names=region_names, link_regulation=link_regulation)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph
