"""From a decoded notice to draft cases: segmentation, measures, findings, each with its source span.

The drafts are plain data in the case-file format (``docs/case-format.md``) with ``status: draft``; the
writer in :mod:`kg.extract.draft` turns them into files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import entities as ent
from .layout import Layout, RegionName, Segment, ambiguity_checker, detect, preamble_regions, region_resolver
from .lexicon import Lexicon, load_lexicon
from .measures import MeasureSpan, fullwidth_commas, paragraphs, sub_markers, title_of, top_level
from .text import Flat, SourceText, flatten

if TYPE_CHECKING:
    from kg.divisions import JurisdictionTable

Draft = dict[str, Any]

ENACTING_MECHANISMS = {
    "local-regulation": "local-legislation",
    "government-rule": "local-legislation",
    "normative-document": "normative-document-making",
}
"""A measure that enacts a regulation of this kind uses this mechanism, whether or not the text says so."""


@dataclass(frozen=True)
class Extraction:
    """What ``kg extract`` found in one notice."""

    layout: str
    drafts: tuple[Draft, ...]
    named_without_text: tuple[RegionName, ...]
    """regions the preamble lists that no case of the text covers"""
    truncated: bool
    end_line: int
    counts: dict[str, int] = field(default_factory=dict)
    unresolved: tuple[str, ...] = ()
    """case headings left out because their place name fits several divisions or none"""


@dataclass
class _Context:
    source: SourceText
    lexicon: Lexicon
    mechanism_matcher: ent.Matcher
    units: dict[str, str]
    outcome_pattern: Any
    table: JurisdictionTable


def extract(
    source: SourceText,
    *,
    document: str,
    notice: str,
    table: JurisdictionTable | None = None,
    lexicon: Lexicon | None = None,
) -> Extraction | None:
    """Draft cases of a notice, or None when it holds no recognisable case."""
    from kg.divisions import jurisdiction_table

    table = table or jurisdiction_table()
    lexicon = lexicon or load_lexicon()
    resolve = region_resolver(table)
    layout = detect(source, resolve, ambiguity_checker(table))
    if layout is None:
        return None
    units = ent.unit_words(lexicon)
    context = _Context(
        source, lexicon, ent.Matcher(list(lexicon.mechanisms)), units, ent.outcome_pattern(units), table
    )
    drafts = tuple(_case(context, layout, segment, document, notice) for segment in layout.segments)
    covered = {segment.region.code for segment in layout.segments}
    named = tuple(r for r in preamble_regions(source, layout, resolve) if r.code not in covered)
    counts = {
        "cases": len(drafts),
        "measures": sum(_count_measures(d.get("measures", [])) for d in drafts),
        "regulations": sum(len(d.get("regulations", [])) for d in drafts),
        "institutions": sum(len(d.get("institutions", [])) for d in drafts),
        "outcomes": sum(_count_outcomes(d.get("measures", [])) for d in drafts),
    }
    return Extraction(
        layout.kind, drafts, named, layout.truncated, layout.end_line, counts, layout.unresolved
    )


def _count_measures(measures: list[Draft]) -> int:
    return sum(1 + _count_measures(m.get("measures", [])) for m in measures)


def _count_outcomes(measures: list[Draft]) -> int:
    return sum(len(m.get("outcomes", [])) + _count_outcomes(m.get("measures", [])) for m in measures)


def _span(source: SourceText, start: int, end: int) -> dict[str, list[int]]:
    lines, offsets = source.whole_lines(start, max(end, start + 1))
    return {"lines": list(lines), "offsets": list(offsets)}


# --- one case ----------


def _case(context: _Context, layout: Layout, segment: Segment, document: str, notice: str) -> Draft:
    source = context.source
    body = flatten(source, *segment.body_lines)
    body_from = body.index_of(segment.body_start) if segment.body_start is not None else 0
    measures = _measures(source, layout, segment, body, body_from)
    if layout.kind == "a":
        headline = flatten(source, *segment.headline_lines, separator=" ").text
    else:
        headline = fullwidth_commas(_first_sentence(body.text[body_from:]))
    first_line = segment.headline_lines[0]
    source_block = {
        "document": document,
        "sha256": source.sha256,
        "lines": [first_line, segment.body_lines[1]],
        "offsets": [source.starts[first_line - 1], source.line_end(segment.body_lines[1])],
    }
    draft: Draft = {
        "id": f"{notice}-case-{segment.position}",
        "notice": notice,
        "region": segment.region.code,
        "status": "draft",
        "position": segment.position,
        "headline": {"zh": headline},
        "source": source_block,
    }
    findings = _Findings(context, body, body_from, measures)
    if findings.institutions:
        draft["institutions"] = findings.institutions
    if findings.regulations:
        draft["regulations"] = findings.regulations
    if measures:
        draft["measures"] = [findings.measure(measure) for measure in measures]
    notes = [f"Draft made by kg extract (layout {layout.kind}); check every item against the text."]
    if layout.truncated and segment is layout.segments[-1]:
        notes.append(
            f"The text breaks off mid-sentence at line {layout.end_line}: this case may be incomplete."
        )
    draft["note"] = " ".join(notes)
    return draft


def _first_sentence(text: str) -> str:
    for index, char in enumerate(text):
        if char in "。；;！？!?":
            return text[:index]
    return text[:80]


def _measures(
    source: SourceText, layout: Layout, segment: Segment, body: Flat, body_from: int
) -> list[MeasureSpan]:
    first, last = segment.body_lines
    if last < first or not body.text:
        return []
    end = source.line_end(last)
    tops = top_level(source, first, last)
    spans: list[tuple[int, int, int, str]] = []
    if tops:
        for index, (line, marker_end, style) in enumerate(tops):
            start = source.starts[line - 1]
            stop = source.starts[tops[index + 1][0] - 1] if index + 1 < len(tops) else end
            spans.append((start, stop, marker_end, style))
    elif layout.kind == "b":
        start = body.origin(body_from)
        after_region = body.origin(min(body_from + len(segment.region.matched), len(body.text) - 1))
        spans.append((start, end, after_region, "clause"))
    else:
        found = paragraphs(source, first, last)
        if len(found) > 1:
            found = found[1:]
        for para_first, para_last in found:
            start = source.starts[para_first - 1]
            spans.append((start, source.line_end(para_last), start, ""))
    measures = [
        _measure(source, body, start, stop, title_start, style) for start, stop, title_start, style in spans
    ]
    return [measure for measure in measures if measure.title]


def _measure(
    source: SourceText, body: Flat, start: int, end: int, title_start: int, style: str
) -> MeasureSpan:
    flat_start, flat_end = body.index_of(title_start), body.index_of(end)
    text = body.text[flat_start:flat_end]
    title = title_of(text, _breaks(source, body, flat_start, flat_end), clause=style == "clause")
    children: list[MeasureSpan] = []
    if style != "是":
        markers = sub_markers(text)
        for index, marker in enumerate(markers):
            child_end = markers[index + 1] if index + 1 < len(markers) else len(text)
            child_text_start = flat_start + marker + 2
            child_title = title_of(
                body.text[child_text_start : flat_start + child_end],
                _breaks(source, body, child_text_start, flat_start + child_end),
            )
            if not child_title:
                continue
            children.append(
                MeasureSpan(
                    body.origin(flat_start + marker),
                    body.span(flat_start, flat_start + child_end)[1],
                    body.origin(child_text_start),
                    body.span(flat_start, flat_start + child_end)[1],
                    child_title,
                )
            )
    own_end = children[0].start if children else end
    return MeasureSpan(start, end, title_start, own_end, title, tuple(children))


def _breaks(source: SourceText, body: Flat, start: int, end: int, limit: int = 48) -> set[int]:
    """Indices (relative to ``start``) of flat characters that begin a new original line."""
    found: set[int] = set()
    previous = source.line_of(body.origin(start)) if start < len(body.text) else 0
    for index in range(start + 1, min(end, start + limit)):
        line = source.line_of(body.origin(index))
        if line != previous:
            found.add(index - start)
            previous = line
    return found


# --- findings in a case's text ----------


class _Findings:
    """Regulations, institutions, mechanisms and outcomes of one case, sorted into its measures."""

    def __init__(self, context: _Context, body: Flat, body_from: int, measures: list[MeasureSpan]) -> None:
        self.context = context
        self.source = context.source
        self.body = body
        text = body.text
        lexicon = context.lexicon
        mentions = [m for m in ent.titles(text) if m.start >= body_from]
        inside = ent.title_mask(text, mentions)
        self.regulations: list[Draft] = []
        self.case_wide: dict[str, list[str]] = {}
        """regulations named outside every measure (the introduction): the case's own, used by each measure"""
        self.institutions: list[Draft] = []
        self.by_measure: dict[int, dict[str, list[Any]]] = {}
        self.known_mechanisms = {c for concepts in lexicon.mechanisms.values() for c in concepts}
        self.leaves = [child for measure in measures for child in (measure, *measure.children)]
        self._regulations(mentions, lexicon)
        self._institutions([m for m in ent.institutions(text) if m.start >= body_from])
        for start, _, concept in ent.mechanisms(text[body_from:], lexicon, context.mechanism_matcher):
            self._add(self._owner(body.origin(body_from + start), own=True), "mechanisms", concept)
        self._outcomes(text, body_from, inside)

    def _owner(self, offset: int, *, own: bool = False) -> MeasureSpan | None:
        """The innermost measure holding ``offset``; with ``own``, a parent only for its own text."""
        best: MeasureSpan | None = None
        for measure in self.leaves:
            limit = measure.own_end if own else measure.end
            if measure.start <= offset < limit and (best is None or measure.start >= best.start):
                best = measure
        return best

    def _add(self, measure: MeasureSpan | None, key: str, value: Any) -> None:
        if measure is None:
            return
        lists = self.by_measure.setdefault(id(measure), {})
        items = lists.setdefault(key, [])
        if value not in items:
            items.append(value)

    def _regulations(self, mentions: list[ent.RegulationMention], lexicon: Lexicon) -> None:
        from kg.legislation import resolve_jurisdiction

        ids: dict[str, str] = {}
        for mention in mentions:
            local = ids.get(mention.text)
            start, end = self.body.span(mention.start, mention.end)
            if local is None:
                local = f"regulation-{len(ids) + 1}"
                ids[mention.text] = local
                place = resolve_jurisdiction(mention.text, self.context.table)
                entry: Draft = {
                    "id": local,
                    "title": mention.text,
                    "kind": ent.regulation_kind(mention.text, lexicon, place.status == "resolved"),
                }
                if place.status == "resolved" and place.code is not None:
                    entry["jurisdiction"] = place.code
                entry["span"] = _span(self.source, start, end)
                self.regulations.append(entry)
            owner = self._owner(start)
            key = "enacts" if mention.enacted else "uses"
            if owner is None:
                self.case_wide.setdefault(key, [])
                if local not in self.case_wide[key]:
                    self.case_wide[key].append(local)
            self._add(owner, key, local)

    def _institutions(self, mentions: list[ent.InstitutionMention]) -> None:
        known: list[tuple[str, str]] = []
        counters: dict[str, int] = {}
        for mention in mentions:
            start, end = self.body.span(mention.start, mention.end)
            local = next((lid for name, lid in known if ent.same_body(mention.text, name)), None)
            created = mention.created
            if local is None:
                counters[mention.kind] = counters.get(mention.kind, 0) + 1
                local = f"{mention.kind}-{counters[mention.kind]}"
                known.append((mention.text, local))
                self.institutions.append(
                    {
                        "id": local,
                        "name": {"zh": mention.text},
                        "kind": mention.kind,
                        "class": mention.cls,
                        "span": _span(self.source, start, end),
                    }
                )
            else:
                created = False
            owner = self._owner(start)
            self._add(owner, "creates" if created else "involves", local)

    def _outcomes(self, text: str, body_from: int, inside: list[bool]) -> None:
        context = self.context
        dates = ent.periods(text, inside)
        for figure in ent.figures(text, context.outcome_pattern, context.units, inside):
            if figure.start < body_from:
                continue
            start, end = self.body.span(figure.start, figure.end)
            clause = self.body.origin(figure.clause_start)
            entry: Draft = {
                "value": _number(figure.value),
                "unit": figure.unit,
                "counts": {"zh": figure.counts or figure.text},
                "reported": self.source.text[start:end].replace("\r", "").replace("\n", ""),
                "approximate": figure.approximate,
            }
            period = _period_before(text, dates, figure.start)
            if period is not None:
                entry[period.key] = period.value
                if period.qualifier:
                    entry["qualifier"] = period.qualifier
            entry["span"] = _span(self.source, clause, end)
            self._add(self._owner(start), "outcomes", entry)

    def measure(self, measure: MeasureSpan, *, top: bool = True) -> Draft:
        """A measure's draft entry; a top-level one also carries the regulations of the introduction."""
        found = self.by_measure.get(id(measure), {})
        kinds = {entry["id"]: entry["kind"] for entry in self.regulations}
        for local in found.get("enacts", []):
            implied = ENACTING_MECHANISMS.get(kinds.get(local, ""))
            if implied and implied in self.known_mechanisms and implied not in found.get("mechanisms", []):
                found.setdefault("mechanisms", []).append(implied)
        if top:
            for key, regulations in self.case_wide.items():
                items = found.setdefault(key, [])
                items.extend(local for local in regulations if local not in items)
        entry: Draft = {"title": {"zh": measure.title}}
        for key in ("mechanisms", "creates", "involves", "enacts", "uses", "outcomes"):
            if found.get(key):
                entry[key] = found[key]
        entry["span"] = _span(self.source, measure.start, measure.end)
        if measure.children:
            entry["measures"] = [self.measure(child, top=False) for child in measure.children]
        return entry


def _period_before(text: str, dates: list[ent.Period], index: int) -> ent.Period | None:
    """The latest date before a figure in the same sentence."""
    from bisect import bisect_right

    position = bisect_right([period.end for period in dates], index) - 1
    if position < 0:
        return None
    period = dates[position]
    return period if text.find("。", period.end, index) < 0 else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
