"""Case files: the structural check that runs before any RDF is made, and the plain data it yields.

The format is documented in ``docs/case-format.md``. :func:`load_cases` reads every ``*.yaml`` file of a
folder, checks it and returns :class:`Case` objects; every problem in every file is collected and raised at
once as a :class:`~kg.errors.CaseFileError` whose lines read ``file:line:column: message``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import CaseFileError, Problem
from .loading import YamlDocument, YamlPath, load_yaml

STATUSES = ("complete", "truncated", "text-unavailable", "draft")
WITH_TEXT = ("complete", "truncated")
INSTITUTION_CLASSES = (
    "GovernmentBody",
    "LeadingGroup",
    "ExpertCommittee",
    "MonitoringCentre",
    "Procuratorate",
    "Court",
    "CoordinationBody",
    "Platform",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[0-9]{6}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@dataclass(frozen=True)
class Text:
    """A text in Chinese, with an optional English rendering."""

    zh: str
    en: str | None = None


@dataclass(frozen=True)
class Span:
    """A passage of a source document: 1-based inclusive lines, 0-based code-point offsets (end exclusive)."""

    document: str
    sha256: str
    lines: tuple[int, int]
    offsets: tuple[int, int]


@dataclass(frozen=True)
class Located:
    """Where in which case file a thing was written."""

    file: str
    line: int


@dataclass(frozen=True)
class Institution:
    id: str
    name: Text
    kind: str
    cls: str | None
    jurisdiction: str
    span: Span | None
    at: Located


@dataclass(frozen=True)
class Regulation:
    id: str
    title: str
    kind: str
    issuer: Text | None
    jurisdiction: str
    passed: str | None
    in_force: str | None
    amended: tuple[str, ...]
    span: Span | None
    facts_source: tuple[str, ...]
    """ids of the public sources (data/reference/public-sources.tsv) that the dates come from"""
    at: Located


@dataclass(frozen=True)
class Outcome:
    value: Decimal
    unit: str
    counts: Text
    reported: str | None
    approximate: bool
    year: str | None
    date: str | None
    since: str | None
    until: str | None
    qualifier: str | None
    span: Span | None
    at: Located


@dataclass(frozen=True)
class Measure:
    title: Text
    mechanisms: tuple[str, ...]
    creates: tuple[str, ...]
    involves: tuple[str, ...]
    enacts: tuple[str, ...]
    uses: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    span: Span | None
    measures: tuple[Measure, ...]
    at: Located


@dataclass(frozen=True)
class Case:
    id: str
    notice: str
    region: str
    status: str
    position: int | None
    headline: Text | None
    fields: tuple[str, ...]
    summary: Text | None
    source: Span | None
    institutions: tuple[Institution, ...]
    regulations: tuple[Regulation, ...]
    measures: tuple[Measure, ...]
    note: str | None
    at: Located

    @property
    def has_text(self) -> bool:
        return self.status in WITH_TEXT


@dataclass(frozen=True)
class Vocabulary:
    """What case files may refer to: known codes and concept ids per scheme, known notices and documents."""

    regions: Collection[str]
    concepts: Mapping[str, Collection[str]]
    notices: Collection[str]
    documents: dict[str, str] = field(default_factory=dict)
    """document id → sha256"""
    public_sources: Collection[str] = ()
    """ids of data/reference/public-sources.tsv, which a regulation's facts_source names"""

    def knows(self, scheme: str, concept_id: str) -> bool:
        return concept_id in self.concepts.get(scheme, ())


@dataclass
class _Reader:
    """Walks one YAML document, converting values and collecting problems."""

    doc: YamlDocument
    vocabulary: Vocabulary
    problems: list[Problem] = field(default_factory=list)

    def fail(self, where: YamlPath, message: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(where, message, key=key))

    def at(self, where: YamlPath) -> Located:
        return Located(self.doc.path, self.doc.position(where)[0])

    def mapping(self, value: Any, where: YamlPath, allowed: Iterable[str], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"{what} must be a mapping (key: value lines), not {_kind(value)}")
            return {}
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                hint = _closest(key, allowed)
                fix = f"did you mean '{hint}'?" if hint else f"allowed keys: {', '.join(allowed)}"
                self.fail((*where, key), f"unknown field '{key}' in {what}; {fix}", key=True)
        return value

    def required(self, data: dict[str, Any], where: YamlPath, key: str, what: str) -> Any:
        if data.get(key) is None:
            self.fail(where, f"{what} lacks the required field '{key}'; see docs/case-format.md")
            return None
        return data[key]

    def text(self, value: Any, where: YamlPath, what: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"{what} must be non-empty text, not {_kind(value)}; quote it")
            return None
        return value

    def slug(self, value: Any, where: YamlPath, what: str) -> str | None:
        text = self.text(value, where, what)
        if text is not None and not _SLUG.match(text):
            self.fail(where, f"{what} '{text}' must be lowercase ASCII letters, digits and hyphens")
            return None
        return text

    def bilingual(self, value: Any, where: YamlPath, what: str) -> Text | None:
        if value is None:
            return None
        data = self.mapping(value, where, ("zh", "en"), what)
        zh = self.text(self.required(data, where, "zh", what), (*where, "zh"), f"{what}.zh") if data else None
        en = self.text(data.get("en"), (*where, "en"), f"{what}.en")
        return Text(zh, en) if zh else None

    def region(self, value: Any, where: YamlPath, what: str) -> str | None:
        if isinstance(value, int):
            self.fail(where, f'{what} {value} must be quoted: write "{value:06d}"')
            return None
        code = self.text(value, where, what)
        if code is None:
            return None
        if not _CODE.match(code):
            self.fail(where, f"{what} '{code}' is not a 6-digit administrative code (e.g. \"110000\")")
            return None
        if code not in self.vocabulary.regions:
            self.fail(where, f"unknown region code '{code}' in {what}; see data/reference/jurisdictions.tsv")
            return None
        return code

    def date(self, value: Any, where: YamlPath, what: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            self.fail(where, f"{what} must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not {_kind(value)}")
            return None
        match = _DATE.match(value)
        try:
            if not match:
                raise ValueError
            year, month, day = (int(part) if part else 1 for part in match.groups())
            dt.date(year, month, day)
        except ValueError:
            self.fail(
                where,
                f"invalid date '{value}' in {what}; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-09-24)",
            )
            return None
        return value

    def concept_list(self, value: Any, where: YamlPath, scheme: str, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"{what} must be a list, not {_kind(value)}; write [a, b]")
            return ()
        found = []
        for index, item in enumerate(value):
            concept = self.concept(item, (*where, index), scheme, what)
            if concept:
                found.append(concept)
        return tuple(found)

    def concept(self, value: Any, where: YamlPath, scheme: str, what: str) -> str | None:
        concept = self.slug(value, where, what)
        if concept is not None and not self.vocabulary.knows(scheme, concept):
            known = sorted(self.vocabulary.concepts.get(scheme, ()))
            hint = _closest(concept, known)
            fix = f"did you mean '{hint}'?" if hint else f"see data/vocab/ for the {scheme} ids"
            self.fail(where, f"unknown {scheme} '{concept}' in {what}; {fix}")
            return None
        return concept

    def ids(
        self, value: Any, where: YamlPath, known: Collection[str], what: str, listed: str
    ) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(where, f"{what} must be a list of ids, not {_kind(value)}")
            return ()
        found = []
        for index, item in enumerate(value):
            local = self.slug(item, (*where, index), what)
            if local is None:
                continue
            if local not in known:
                self.fail(
                    (*where, index), f"'{local}' in {what} is not an id listed under '{listed}' in this file"
                )
                continue
            found.append(local)
        return tuple(found)

    def integer(self, value: Any, where: YamlPath, what: str, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"{what} must be a whole number, not {_kind(value)}")
            return None
        if value < minimum:
            self.fail(where, f"{what} must be at least {minimum}, not {value}")
            return None
        return value

    def pair(self, value: Any, where: YamlPath, what: str, minimum: int) -> tuple[int, int] | None:
        if not isinstance(value, list) or len(value) != 2:
            self.fail(where, f"{what} must be a list of two numbers [start, end], not {_kind(value)}")
            return None
        start = self.integer(value[0], (*where, 0), f"{what} start", minimum)
        end = self.integer(value[1], (*where, 1), f"{what} end", minimum)
        if start is None or end is None:
            return None
        return start, end

    def span(
        self, value: Any, where: YamlPath, parent: Span | None, *, top: bool = False, draft: bool = False
    ) -> Span | None:
        """A span; a draft's source may name a document not yet registered (kg extract of a new notice)."""
        if value is None:
            return None
        keys = ("document", "sha256", "lines", "offsets") if top else ("lines", "offsets")
        data = self.mapping(value, where, keys, "source" if top else "span")
        if not data:
            return None
        if top:
            document = self.slug(
                self.required(data, where, "document", "source"), (*where, "document"), "document"
            )
            sha = self.text(self.required(data, where, "sha256", "source"), (*where, "sha256"), "sha256")
            if sha is not None and not _SHA256.match(sha):
                self.fail(
                    (*where, "sha256"),
                    "sha256 must be 64 lowercase hex digits (run sha256sum on the document)",
                )
                sha = None
            if (
                document is not None
                and self.vocabulary.documents
                and document not in self.vocabulary.documents
                and not draft
            ):
                self.fail(
                    (*where, "document"), f"unknown document '{document}'; see data/reference/documents.tsv"
                )
                document = None
            known = self.vocabulary.documents.get(document or "")
            if sha is not None and known and known != sha:
                self.fail(
                    (*where, "sha256"), f"sha256 differs from the one recorded for '{document}': {known}"
                )
        else:
            if parent is None:
                self.fail(where, "a span needs the case's 'source' block (document and sha256)")
                return None
            document, sha = parent.document, parent.sha256
        lines = self.pair(self.required(data, where, "lines", "span"), (*where, "lines"), "lines", 1)
        offsets = self.pair(self.required(data, where, "offsets", "span"), (*where, "offsets"), "offsets", 0)
        if lines and lines[0] > lines[1]:
            self.fail((*where, "lines"), f"lines {lines[0]}–{lines[1]}: the first line comes after the last")
            lines = None
        if offsets and offsets[0] >= offsets[1]:
            self.fail(
                (*where, "offsets"), f"offsets {offsets[0]}–{offsets[1]}: the start must be before the end"
            )
            offsets = None
        if not (document and sha and lines and offsets):
            return None
        return Span(document, sha, lines, offsets)

    def items(self, value: Any, where: YamlPath, what: str) -> list[tuple[YamlPath, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(where, f"{what} must be a list (lines starting with '- '), not {_kind(value)}")
            return []
        return [((*where, index), item) for index, item in enumerate(value)]


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _short(text: str, limit: int = 40) -> str:
    """A value as quoted in a message: never more than a few words of a file's content."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.7)
    return found[0] if found else None


_CASE_KEYS = (
    "id",
    "notice",
    "region",
    "status",
    "position",
    "headline",
    "fields",
    "summary",
    "source",
    "institutions",
    "regulations",
    "measures",
    "note",
)


def read_case(doc: YamlDocument, vocabulary: Vocabulary) -> tuple[Case | None, list[Problem]]:
    """Check one parsed case file; return the case (None when it has problems) and its problems."""
    reader = _Reader(doc, vocabulary)
    data = reader.mapping(doc.data, (), _CASE_KEYS, "a case file")
    if not data:
        return None, reader.problems
    case_id = reader.slug(reader.required(data, (), "id", "the case"), ("id",), "id")
    notice = reader.slug(reader.required(data, (), "notice", "the case"), ("notice",), "notice")
    draft = data.get("status") == "draft"
    if notice is not None and notice not in vocabulary.notices and not draft:
        reader.fail(("notice",), f"unknown notice '{notice}'; known: {', '.join(sorted(vocabulary.notices))}")
    region = reader.region(reader.required(data, (), "region", "the case"), ("region",), "region")
    status = reader.text(reader.required(data, (), "status", "the case"), ("status",), "status")
    if status is not None and status not in STATUSES:
        reader.fail(("status",), f"status '{status}' is not one of {', '.join(STATUSES)}")
        status = None
    position = None
    if data.get("position") is not None:
        position = reader.integer(data["position"], ("position",), "position", 1)
    headline = reader.bilingual(data.get("headline"), ("headline",), "headline")
    summary = reader.bilingual(data.get("summary"), ("summary",), "summary")
    fields = reader.concept_list(data.get("fields"), ("fields",), "field", "fields")
    source = reader.span(data.get("source"), ("source",), None, top=True, draft=draft)
    note = reader.text(data.get("note"), ("note",), "note")
    if status in WITH_TEXT:
        for key in ("headline", "summary", "source", "measures"):
            if not data.get(key):
                reader.fail((), f"a case with status '{status}' needs '{key}'; see docs/case-format.md")
    elif status == "text-unavailable" and data.get("measures"):
        reader.fail(
            ("measures",), f"a case with status '{status}' has no text to take measures from; remove them"
        )
    region_default = region or ""
    institutions = _institutions(reader, data.get("institutions"), source, region_default)
    regulations = _regulations(reader, data.get("regulations"), source, region_default)
    counter = iter(range(1, 10**6))
    known_institutions = {item.id for item in institutions}
    known_regulations = {item.id for item in regulations}
    measures = tuple(
        measure
        for where, item in reader.items(data.get("measures"), ("measures",), "measures")
        if (measure := _measure(reader, item, where, source, known_institutions, known_regulations, counter))
    )
    if reader.problems or not (case_id and notice and region and status):
        return None, reader.problems
    case = Case(
        id=case_id,
        notice=notice,
        region=region,
        status=status,
        position=position,
        headline=headline,
        fields=fields,
        summary=summary,
        source=source,
        institutions=institutions,
        regulations=regulations,
        measures=measures,
        note=note,
        at=reader.at(()),
    )
    return case, reader.problems


def _unique(reader: _Reader, items: list[tuple[YamlPath, str | None]], what: str) -> None:
    seen: dict[str, YamlPath] = {}
    for where, local in items:
        if local is None:
            continue
        if local in seen:
            line = reader.doc.position(seen[local])[0]
            reader.fail(
                where, f"duplicate {what} id '{local}' (first at line {line}); ids must be unique in a file"
            )
        seen[local] = where


def _institutions(reader: _Reader, value: Any, source: Span | None, region: str) -> tuple[Institution, ...]:
    keys = ("id", "name", "kind", "class", "jurisdiction", "span")
    found, ids = [], []
    for where, item in reader.items(value, ("institutions",), "institutions"):
        data = reader.mapping(item, where, keys, "an institution")
        if not data:
            continue
        local = reader.slug(
            reader.required(data, where, "id", "an institution"), (*where, "id"), "institution id"
        )
        ids.append(((*where, "id"), local))
        name = reader.bilingual(
            reader.required(data, where, "name", "an institution"), (*where, "name"), "name"
        )
        kind = reader.concept(
            reader.required(data, where, "kind", "an institution"),
            (*where, "kind"),
            "institution-kind",
            "kind",
        )
        cls = reader.text(data.get("class"), (*where, "class"), "class")
        if cls is not None and cls not in INSTITUTION_CLASSES:
            reader.fail((*where, "class"), f"class '{cls}' is not one of {', '.join(INSTITUTION_CLASSES)}")
        jurisdiction = region
        if data.get("jurisdiction") is not None:
            jurisdiction = (
                reader.region(data["jurisdiction"], (*where, "jurisdiction"), "jurisdiction") or region
            )
        span = reader.span(data.get("span"), (*where, "span"), source)
        if local and name and kind:
            found.append(Institution(local, name, kind, cls, jurisdiction, span, reader.at(where)))
    _unique(reader, ids, "institution")
    return tuple(found)


def _regulations(reader: _Reader, value: Any, source: Span | None, region: str) -> tuple[Regulation, ...]:
    keys = (
        "id",
        "title",
        "kind",
        "issuer",
        "jurisdiction",
        "passed",
        "in_force",
        "amended",
        "span",
        "facts_source",
    )
    found, ids = [], []
    for where, item in reader.items(value, ("regulations",), "regulations"):
        data = reader.mapping(item, where, keys, "a regulation")
        if not data:
            continue
        local = reader.slug(
            reader.required(data, where, "id", "a regulation"), (*where, "id"), "regulation id"
        )
        ids.append(((*where, "id"), local))
        title = reader.text(reader.required(data, where, "title", "a regulation"), (*where, "title"), "title")
        if title and (title.startswith("《") or title.endswith("》")):
            reader.fail((*where, "title"), "write the title without 《》")
        kind = reader.concept(
            reader.required(data, where, "kind", "a regulation"), (*where, "kind"), "regulation-kind", "kind"
        )
        issuer = reader.bilingual(data.get("issuer"), (*where, "issuer"), "issuer")
        jurisdiction = region
        if data.get("jurisdiction") is not None:
            jurisdiction = (
                reader.region(data["jurisdiction"], (*where, "jurisdiction"), "jurisdiction") or region
            )
        passed = reader.date(data.get("passed"), (*where, "passed"), "passed")
        in_force = reader.date(data.get("in_force"), (*where, "in_force"), "in_force")
        amended_value = data.get("amended")
        amended_list = amended_value if isinstance(amended_value, list) else [amended_value]
        amended = tuple(
            date
            for index, item_date in enumerate(amended_list)
            if item_date is not None
            and (
                date := reader.date(
                    item_date,
                    (*where, "amended", index) if isinstance(amended_value, list) else (*where, "amended"),
                    "amended",
                )
            )
        )
        span = reader.span(data.get("span"), (*where, "span"), source)
        facts = _facts_sources(reader, data.get("facts_source"), (*where, "facts_source"))
        if facts and not (passed or in_force or amended):
            reader.fail(
                (*where, "facts_source"),
                "facts_source names where dates come from, but the regulation has no passed, in_force or "
                "amended date; add the dates or remove facts_source",
            )
        if local and title and kind:
            found.append(
                Regulation(
                    local,
                    title,
                    kind,
                    issuer,
                    jurisdiction,
                    passed,
                    in_force,
                    amended,
                    span,
                    facts,
                    reader.at(where),
                )
            )
    _unique(reader, ids, "regulation")
    return tuple(found)


def _facts_sources(reader: _Reader, value: Any, where: YamlPath) -> tuple[str, ...]:
    """The public-source ids of a regulation's facts_source: one id or a list, each in the imported table."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        place = (*where, index) if isinstance(value, list) else where
        text = reader.text(item, place, "facts_source")
        if text is None:
            continue
        if text not in reader.vocabulary.public_sources:
            known = sorted(reader.vocabulary.public_sources)
            hint = _closest(text, known)
            fix = f"did you mean '{hint}'?" if hint else f"known ids: {', '.join(known) or 'none'}"
            reader.fail(
                place,
                f"unknown public source '{text}'; name an id of data/reference/public-sources.tsv "
                f"(written by kg import facts); {fix}",
            )
            continue
        found.append(text)
    return tuple(found)


def _measure(
    reader: _Reader,
    value: Any,
    where: YamlPath,
    source: Span | None,
    institutions: Collection[str],
    regulations: Collection[str],
    counter: Iterable[int],
) -> Measure | None:
    keys = ("title", "mechanisms", "creates", "involves", "enacts", "uses", "outcomes", "span", "measures")
    data = reader.mapping(value, where, keys, "a measure")
    if not data:
        return None
    title = reader.bilingual(reader.required(data, where, "title", "a measure"), (*where, "title"), "title")
    mechanisms = reader.concept_list(
        data.get("mechanisms"), (*where, "mechanisms"), "mechanism", "mechanisms"
    )
    creates = reader.ids(data.get("creates"), (*where, "creates"), institutions, "creates", "institutions")
    involves = reader.ids(
        data.get("involves"), (*where, "involves"), institutions, "involves", "institutions"
    )
    enacts = reader.ids(data.get("enacts"), (*where, "enacts"), regulations, "enacts", "regulations")
    uses = reader.ids(data.get("uses"), (*where, "uses"), regulations, "uses", "regulations")
    outcomes = tuple(
        outcome
        for item_where, item in reader.items(data.get("outcomes"), (*where, "outcomes"), "outcomes")
        if (outcome := _outcome(reader, item, item_where, source))
    )
    span = reader.span(data.get("span"), (*where, "span"), source)
    subs = tuple(
        sub
        for item_where, item in reader.items(data.get("measures"), (*where, "measures"), "sub-measures")
        if (sub := _measure(reader, item, item_where, source, institutions, regulations, counter))
    )
    if title is None:
        return None
    return Measure(title, mechanisms, creates, involves, enacts, uses, outcomes, span, subs, reader.at(where))


def _outcome(reader: _Reader, value: Any, where: YamlPath, source: Span | None) -> Outcome | None:
    keys = (
        "value",
        "unit",
        "counts",
        "reported",
        "approximate",
        "year",
        "date",
        "since",
        "until",
        "qualifier",
        "span",
    )
    data = reader.mapping(value, where, keys, "an outcome")
    if not data:
        return None
    raw = reader.required(data, where, "value", "an outcome")
    number: Decimal | None = None
    if raw is not None:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
            reader.fail((*where, "value"), f"value must be a number, not {_kind(raw)}")
        else:
            try:
                number = raw if isinstance(raw, Decimal) else Decimal(str(raw))
            except InvalidOperation:
                reader.fail((*where, "value"), f"value {raw} is not a finite number")
            if number is not None and not number.is_finite():
                reader.fail((*where, "value"), f"value {raw} is not a finite number")
                number = None
    unit = reader.required(data, where, "unit", "an outcome")
    if unit is None and raw is not None:
        reader.problems[-1] = reader.doc.problem(
            where, "an outcome with a value needs a 'unit' (e.g. unit: case)"
        )
    unit = reader.concept(unit, (*where, "unit"), "unit", "unit") if unit is not None else None
    counts = reader.bilingual(
        reader.required(data, where, "counts", "an outcome"), (*where, "counts"), "counts"
    )
    approximate = data.get("approximate", False)
    if not isinstance(approximate, bool):
        reader.fail((*where, "approximate"), f"approximate must be true or false, not {_kind(approximate)}")
        approximate = False
    dates = {
        key: reader.date(data.get(key), (*where, key), key) for key in ("year", "date", "since", "until")
    }
    if data.get("year") is not None and dates["year"] and len(dates["year"]) != 4:
        reader.fail((*where, "year"), "year must be written YYYY")
    reported = reader.text(data.get("reported"), (*where, "reported"), "reported")
    qualifier = reader.text(data.get("qualifier"), (*where, "qualifier"), "qualifier")
    span = reader.span(data.get("span"), (*where, "span"), source)
    if number is None or unit is None or counts is None:
        return None
    return Outcome(
        number,
        unit,
        counts,
        reported,
        approximate,
        dates["year"],
        dates["date"],
        dates["since"],
        dates["until"],
        qualifier,
        span,
        reader.at(where),
    )


def load_cases(
    folder: Path,
    vocabulary: Vocabulary,
    *,
    display: Callable[[Path], str] | None = None,
    max_bytes: int | None = None,
) -> list[Case]:
    """Read and check every ``*.yaml`` case file of ``folder``, sorted by case id.

    :param display: how to name a file in messages and provenance (default: its path as given).
    :raises CaseFileError: with every problem of every file, when any file breaks the format.
    """
    from .errors import InputError

    if not folder.exists():
        raise InputError(f"{folder}: no such folder of case files; check --cases")
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; --cases takes the folder that holds the *.yaml case files")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError(f"{folder}: no *.yaml case files in this folder")
    name = display or str
    problems: list[Problem] = []
    cases: list[Case] = []
    seen: dict[str, Located] = {}
    inside = folder.resolve()
    for path in files:
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            problems.append(
                Problem(name(path), 1, 1, "a link to a file outside the cases folder; copy the file in")
            )
            continue
        try:
            doc = load_yaml(path, display=name(path), **({"max_bytes": max_bytes} if max_bytes else {}))
        except CaseFileError as error:
            problems.extend(error.problems)
            continue
        case, found = read_case(doc, vocabulary)
        problems.extend(found)
        if case is None:
            continue
        if case.id in seen:
            first = seen[case.id]
            problems.append(
                doc.problem(("id",), f"duplicate case id '{case.id}' (also in {first.file}:{first.line})")
            )
            continue
        seen[case.id] = case.at
        cases.append(case)
    if problems:
        raise CaseFileError(problems)
    return sorted(cases, key=lambda case: case.id)


def check_spans(case: Case, texts: dict[str, str]) -> list[Problem]:
    """Problems with a case's spans against the source documents at hand (document id → text)."""
    from .sources import line_offsets

    problems = []
    for span, at in _spans(case):
        text = texts.get(span.document)
        if text is None:
            continue
        expected = line_offsets(text, *span.lines)
        if expected is None:
            problems.append(Problem(at.file, at.line, 1, f"lines {span.lines} are outside '{span.document}'"))
        elif expected != span.offsets:
            problems.append(
                Problem(
                    at.file,
                    at.line,
                    1,
                    f"offsets {list(span.offsets)} do not match lines {list(span.lines)} "
                    f"of '{span.document}'; they should be {list(expected)}",
                )
            )
    return problems


def _spans(case: Case) -> list[tuple[Span, Located]]:
    found: list[tuple[Span, Located]] = []
    if case.source:
        found.append((case.source, case.at))
    items: tuple[Institution | Regulation, ...] = (*case.institutions, *case.regulations)
    for item in items:
        if item.span:
            found.append((item.span, item.at))

    def walk(measures: Iterable[Measure]) -> None:
        for measure in measures:
            if measure.span:
                found.append((measure.span, measure.at))
            for outcome in measure.outcomes:
                if outcome.span:
                    found.append((outcome.span, outcome.at))
            walk(measure.measures)

    walk(case.measures)
    return found
