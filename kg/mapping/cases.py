"""Checked case files → RDF: cases, measures, outcomes, institutions, regulations and their source spans.

Every node made from a case file records where it came from twice over: ``prov:wasDerivedFrom`` a
``fz:SourceSpan`` of the source document, and ``fz:caseFile`` / ``fz:caseFileLine`` for the editor. A
regulation's dates that the notice does not print come from public sources (``facts_source``):
``fz:datesFrom`` names each, and the span stays what the rest is derived from.

The triples are made as N-Triples terms (:mod:`kg.ntriples`), what a build writes; :func:`case_triples` and
:func:`cases_graph` are Oxigraph's reading of the same terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS

from ..casefile import Case, Institution, Located, Measure, Outcome, Regulation, Span, Text
from ..ntriples import Term, iri, literal, rdflib_triples
from ..terms import FZ, PROV, Ids

if TYPE_CHECKING:
    from rdflib.term import Identifier

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

Triple = tuple[Term, Term, Term]
"""(subject, predicate, object) as N-Triples terms."""

RegulationLinker = Callable[[Regulation], URIRef | None]
"""Finds the imported work a case regulation names, or None for a case-only regulation."""


_DATE_TYPES = {4: str(XSD.gYear), 7: str(XSD.gYearMonth)}
_POSITIVE, _NON_NEGATIVE, _DECIMAL = str(XSD.positiveInteger), str(XSD.nonNegativeInteger), str(XSD.decimal)
_TRUE, _FALSE = literal("true", datatype=str(XSD.boolean)), literal("false", datatype=str(XSD.boolean))
_TYPE, _LABEL, _COMMENT, _TITLE = iri(RDF.type), iri(RDFS.label), iri(RDFS.comment), iri(DCTERMS.title)
_DERIVED = iri(PROV.wasDerivedFrom)


@cache
def _fz(name: str) -> Term:
    """An ontology term, looked up once: rdflib's namespace lookup costs more than adding the triple."""
    return iri(FZ[name])


def date_literal(value: str) -> Term:
    """A date of the case format as xsd:gYear, xsd:gYearMonth or xsd:date by its precision."""
    return literal(value, datatype=_DATE_TYPES.get(len(value), str(XSD.date)))


def _positive(number: int) -> Term:
    return literal(str(number), datatype=_POSITIVE)


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
        self.regulations: dict[str, Term] = {}
        self.institutions: dict[str, Term] = {}

    def add(self, subject: Term, predicate: Term, value: Term) -> None:
        self.triples.add((subject, predicate, value))

    def labels(self, node: Term, predicate: Term, text: Text | None) -> None:
        if text is None:
            return
        self.add(node, predicate, literal(text.zh, language="zh"))
        if text.en:
            self.add(node, predicate, literal(text.en, language="en"))

    def provenance(self, node: Term, span: Span | None, at: Located) -> None:
        self.add(node, _fz("caseFile"), literal(at.file))
        self.add(node, _fz("caseFileLine"), _positive(at.line))
        if span is not None:
            self.add(node, _DERIVED, self.span(span))

    def span(self, span: Span) -> Term:
        node = iri(self.ids.span(span.document, *span.offsets))
        first, last = span.lines
        lines = f"{first}" if first == last else f"{first}–{last}"
        self.add(node, _TYPE, _fz("SourceSpan"))
        self.add(node, _LABEL, literal(f"{span.document} 第{lines}行", language="zh"))
        self.add(
            node,
            _LABEL,
            literal(f"{span.document} line{'s' if first != last else ''} {lines}", language="en"),
        )
        self.add(node, _fz("inDocument"), iri(self.ids.document(span.document)))
        self.add(node, _fz("startLine"), _positive(first))
        self.add(node, _fz("endLine"), _positive(last))
        self.add(node, _fz("startOffset"), literal(str(span.offsets[0]), datatype=_NON_NEGATIVE))
        self.add(node, _fz("endOffset"), literal(str(span.offsets[1]), datatype=_NON_NEGATIVE))
        self.add(node, _fz("sha256"), literal(span.sha256))
        return node

    def run(self) -> None:
        case = self.case
        node = iri(self.ids.case(case.id))
        notice = iri(self.ids.notice(case.notice))
        self.add(node, _TYPE, _fz("Case"))
        region = self.region_names.get(case.region, Text(case.region, case.region))
        if case.headline:
            self.labels(node, _LABEL, case.headline)
            self.labels(node, _TITLE, case.headline)
        else:
            self.add(node, _LABEL, literal(f"{region.zh}典型案例(无文本)", language="zh"))
            self.add(
                node, _LABEL, literal(f"Typical case of {region.en or case.region} (no text)", language="en")
            )
        self.add(node, _fz("region"), iri(self.ids.jurisdiction(case.region)))
        self.add(node, _fz("status"), iri(Ids.concept("status", case.status)))
        self.add(node, _fz("reportedIn"), notice)
        self.add(notice, _fz("reports"), node)
        if case.position is not None:
            self.add(node, _fz("positionInNotice"), _positive(case.position))
        for field in case.fields:
            self.add(node, _fz("policyField"), iri(Ids.concept("field", field)))
        self.labels(node, _fz("summary"), case.summary)
        if case.note:
            language = "zh" if _is_chinese(case.note) else "en"
            self.add(node, _COMMENT, literal(case.note, language=language))
        self.provenance(node, case.source, case.at)
        for institution in case.institutions:
            self.institutions[institution.id] = self.institution(institution)
        for regulation in case.regulations:
            self.regulations[regulation.id] = self.regulation(regulation)
        for number, measure in enumerate(case.measures, start=1):
            self.add(node, _fz("hasMeasure"), self.measure(measure, (number,)))

    def institution(self, institution: Institution) -> Term:
        node = iri(self.ids.institution(self.case.id, institution.id))
        cls = institution.cls or INSTITUTION_CLASS_BY_KIND.get(institution.kind)
        self.add(node, _TYPE, _fz("Platform" if cls == "Platform" else "Institution"))
        if cls and cls != "Platform":
            self.add(node, _TYPE, _fz(cls))
        self.labels(node, _LABEL, institution.name)
        self.add(node, _fz("institutionKind"), iri(Ids.concept("institution-kind", institution.kind)))
        self.add(node, _fz("jurisdiction"), iri(self.ids.jurisdiction(institution.jurisdiction)))
        self.provenance(node, institution.span, institution.at)
        return node

    def regulation(self, regulation: Regulation) -> Term:
        linked = self.link_regulation(regulation) if self.link_regulation else None
        node = iri(linked or self.ids.regulation(self.case.id, regulation.id))
        self.add(node, _TYPE, _fz("Regulation"))
        self.add(node, _TITLE, literal(regulation.title, language="zh"))
        self.add(node, _LABEL, literal(regulation.title, language="zh"))
        self.add(node, _fz("regulationKind"), iri(Ids.concept("regulation-kind", regulation.kind)))
        if not linked:  # an imported work's place is the corpus's, not that of every case citing it
            self.add(node, _fz("jurisdiction"), iri(self.ids.jurisdiction(regulation.jurisdiction)))
        if regulation.issuer:
            self.labels(node, _fz("issuerName"), regulation.issuer)
        for predicate, value in (("datePassed", regulation.passed), ("dateInForce", regulation.in_force)):
            if value:
                self.add(node, _fz(predicate), date_literal(value))
        for value in regulation.amended:
            self.add(node, _fz("dateAmended"), date_literal(value))
        for source in regulation.facts_source:
            self.add(node, _fz("datesFrom"), iri(self.ids.document(source)))
        self.provenance(node, regulation.span, regulation.at)
        return node

    def measure(self, measure: Measure, path: tuple[int, ...]) -> Term:
        node = iri(self.ids.measure(self.case.id, path))
        self.add(node, _TYPE, _fz("Measure"))
        self.labels(node, _LABEL, measure.title)
        self.labels(node, _TITLE, measure.title)
        self.add(node, _fz("order"), _positive(path[-1]))
        for mechanism in measure.mechanisms:
            self.add(node, _fz("instantiates"), iri(Ids.concept("mechanism", mechanism)))
        for local in measure.creates:
            self.add(node, _fz("creates"), self.institutions[local])
        for local in measure.involves:
            self.add(node, _fz("involves"), self.institutions[local])
        for local in measure.enacts:
            self.add(node, _fz("enacts"), self.regulations[local])
        for local in measure.uses:
            self.add(node, _fz("usesRegulation"), self.regulations[local])
        for outcome in measure.outcomes:
            self.add(node, _fz("hasOutcome"), self.outcome(outcome))
        self.provenance(node, measure.span, measure.at)
        for number, sub in enumerate(measure.measures, start=1):
            self.add(node, _fz("hasSubMeasure"), self.measure(sub, (*path, number)))
        return node

    def outcome(self, outcome: Outcome) -> Term:
        self.outcomes += 1
        node = iri(self.ids.outcome(self.case.id, self.outcomes))
        self.add(node, _TYPE, _fz("QuantitativeOutcome"))
        figure = outcome.reported or f"{outcome.value}"
        self.add(node, _LABEL, literal(f"{outcome.counts.zh} {figure}", language="zh"))
        if outcome.counts.en:
            self.add(node, _LABEL, literal(f"{outcome.counts.en}: {figure}", language="en"))
        self.add(node, _fz("value"), literal(_plain_decimal(outcome.value), datatype=_DECIMAL))
        self.add(node, _fz("unit"), iri(Ids.concept("unit", outcome.unit)))
        self.labels(node, _fz("counts"), outcome.counts)
        if outcome.reported:
            self.add(node, _fz("reportedAs"), literal(outcome.reported))
        self.add(node, _fz("approximate"), _TRUE if outcome.approximate else _FALSE)
        point = outcome.date or outcome.year
        if point:
            self.add(node, _fz("pointInTime"), date_literal(point))
        if outcome.since:
            self.add(node, _fz("periodStart"), date_literal(outcome.since))
        if outcome.until:
            self.add(node, _fz("periodEnd"), date_literal(outcome.until))
        if outcome.qualifier:
            self.add(node, _fz("qualifier"), literal(outcome.qualifier, language="zh"))
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


def case_terms(
    cases: Iterable[Case],
    *,
    ids: Ids | None = None,
    region_names: dict[str, Text] | None = None,
    link_regulation: RegulationLinker | None = None,
) -> set[Triple]:
    """The triples of checked cases, as N-Triples terms (what a build writes).

    :param region_names: code → name, to label cases that have no headline.
    :param link_regulation: maps a case regulation to an imported work, when the corpus holds it.
    """
    triples: set[Triple] = set()
    for case in cases:
        _CaseMapper(case, triples, ids or Ids(), region_names or {}, link_regulation).run()
    return triples


def case_triples(
    cases: Iterable[Case],
    *,
    ids: Ids | None = None,
    region_names: dict[str, Text] | None = None,
    link_regulation: RegulationLinker | None = None,
) -> set[tuple[Identifier, Identifier, Identifier]]:
    """:func:`case_terms` as rdflib terms."""
    terms = case_terms(cases, ids=ids, region_names=region_names, link_regulation=link_regulation)
    return set(rdflib_triples(terms))


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
