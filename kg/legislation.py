"""The legislation layer: LawRefBook importer, jurisdictions and topics from titles, case ↔ corpus links.

``kg import lawrefbook PATH…`` reads LawRefBook SQLite files (table ``law``) and writes the facts of every
legal document except court cases (level 案例) to ``data/reference/legislation.tsv``: title, level,
jurisdiction, dates, expired flag, the source's ``ver`` number and the source record id. No law text.

Identity and IRIs (see ``docs/legislation.md``):

- a *work* is one (normalised title, jurisdiction) pair; several records of one work are its *versions*;
- the normalised title (``normalise_title``) is the NFKC form of the title without white space, 《》 around
  the whole title, a leading 中华人民共和国 and version marks such as （2021年修正）;
- the work IRI is ``{base}regulation/{code or CN}/{hash}`` where ``hash`` is the first 12 hex digits of
  the sha256 of the UTF-8 normalised title (``title_hash``); versions are ``…/{hash}/v/{date or index}``;
- a topic is the normalised title without the jurisdiction prefix (``normalise_topic``), its IRI
  ``https://w3id.org/fazhi/id/topic/{hash of the topic label}``.

The jurisdiction resolver works on titles alone and is shared with text extraction.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.divisions import DIVISION_SUFFIXES
from kg.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rdflib import Graph, URIRef

    from kg.casefile import Regulation
    from kg.divisions import JurisdictionTable
    from kg.terms import Ids

LEVEL_KINDS: dict[str, str] = {
    "宪法": "constitution",
    "法律": "law",
    "行政法规": "administrative-regulation",
    "部门规章": "departmental-rule",
    "司法解释": "judicial-interpretation",
    "地方性法规": "local-regulation",
}
"""LawRefBook levels that are imported, and the regulation-kind concept id of each."""

NATIONAL_LEVELS = frozenset({"宪法", "法律", "行政法规", "部门规章", "司法解释"})
"""Levels whose documents are national whatever their title says."""

SKIPPED_LEVELS: dict[str, str] = {
    "案例": "court cases, not legal documents",
    "其他": "guides and other texts that are not legal documents",
}
"""Levels that are read but not imported, with the reason the report gives."""

NATIONAL_PREFIXES = ("中华人民共和国", "全国人民代表大会", "国务院", "最高人民法院", "最高人民检察院")
"""Title openings that name a national body or the state itself."""

TSV_NAME = "legislation.tsv"
TSV_HEADER = (
    "source",
    "record",
    "title",
    "level",
    "jurisdiction",
    "resolution",
    "matched",
    "published",
    "in_force",
    "expired",
    "ver",
)
"""Columns of ``legislation.tsv``; ``jurisdiction`` is a 6-digit code or ``CN``, dates YYYY-MM-DD or empty."""

COUNTRY = "CN"
_LAW_COLUMNS = ("id", "level", "name", "publish", "valid_from", "expired", "ver")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BAD_TEXT = re.compile(r"[\t\r\n\x00-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_VERSION_MARK = re.compile(
    r"[(（]\s*(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?\s*"
    r"(?:第[一二三四五六七八九十\d]+次)?(?:修正|修订|修改|修正文本|修订文本|修正本|修订本)\s*[)）]"
)
_FREE_TRADE = re.compile(r"^中国[(（]([^()（）]{2,8})[)）]")
_IMPLEMENTS = re.compile(r"实施《([^《》]+)》|《([^《》]+)》实施")


# --- titles ------------------------------------------------------------------------------------------------


def _clean(title: str) -> str:
    """NFKC, no white space, no 《》 around the whole title (case files and prose quote titles)."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", title))
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    return text


def normalise_title(title: str) -> str:
    """The key that makes records one work: cleaned title without 中华人民共和国 and version marks.

    >>> normalise_title("中华人民共和国突发事件应对法（2024年修订）")
    '突发事件应对法'
    """
    text = _VERSION_MARK.sub("", _clean(title))
    return text.removeprefix("中华人民共和国") or text


def title_hash(normalised: str) -> str:
    """First 12 hex digits of the sha256 of a normalised title or topic label (UTF-8)."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


def balanced_brackets(title: str) -> bool:
    """Whether every 《 in a title is closed by a 》, without nesting errors."""
    depth = 0
    for char in title:
        if char == "《":
            depth += 1
        elif char == "》":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --- jurisdiction resolution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Where a title places its document.

    ``status``: ``resolved`` (``code`` is a division), ``national`` (``code`` None), ``unresolved`` (the title
    names no known place) or ``ambiguous`` (the name fits several divisions: ``candidates``). ``matched`` is
    the text of the title that named the place.
    """

    status: str
    code: str | None = None
    matched: str = ""
    candidates: tuple[str, ...] = ()


_SHORT_SUFFIXES = DIVISION_SUFFIXES


def _short_name(name: str) -> str:
    """Province or prefecture name without its suffix (山东省 → 山东); 朝鲜族自治州 loses its people too."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix == "自治州":
                stem = re.sub(r"(?:[\u4e00-\u9fff]{1,6}?族)+$", "", stem) or stem
            return stem if len(stem) >= 2 else name
    return name


@dataclass(frozen=True)
class _NameIndex:
    full: dict[str, tuple[str, ...]]
    short: dict[str, tuple[str, ...]]
    longest: int


@lru_cache(maxsize=8)
def _index(table: JurisdictionTable) -> _NameIndex:
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for j in table:
        if j.code is None:
            continue
        full.setdefault(j.name_zh, set()).add(j.code)
        if j.level in ("province", "prefecture"):
            stem = _short_name(j.name_zh)
            if stem != j.name_zh:
                short.setdefault(stem, set()).add(j.code)
    longest = max(len(name) for name in full)
    return _NameIndex(
        {k: tuple(sorted(v)) for k, v in full.items()},
        {k: tuple(sorted(v)) for k, v in short.items() if k not in full},
        longest,
    )


def _leading(text: str, names: dict[str, tuple[str, ...]], longest: int) -> tuple[str, tuple[str, ...]]:
    """The longest name in ``names`` that ``text`` starts with, and its codes."""
    for size in range(min(len(text), longest), 1, -1):
        codes = names.get(text[:size])
        if codes:
            return text[:size], codes
    return "", ()


def _within(table: JurisdictionTable, code: str, ancestor: str) -> bool:
    return table.is_within(code, ancestor, inclusive=True)


def _short_allowed(table: JurisdictionTable, code: str, hint_province: str | None) -> bool:
    """Short province names always count; short prefecture names only inside a hinted province."""
    if table.by_code(code).level == "province":
        return hint_province is None or code == hint_province
    return hint_province is not None and _within(table, code, hint_province)


def _descend(text: str, code: str, table: JurisdictionTable, index: _NameIndex) -> tuple[str, str]:
    """Follow names of divisions inside ``code`` that come next in the title (上海市 + 浦东新区)."""
    matched = ""
    while True:
        name, codes = _leading(text[len(matched) :], index.full, index.longest)
        inside = [c for c in codes if c != code and _within(table, c, code)]
        if len(inside) != 1:
            return matched, code
        matched += name
        code = inside[0]


def resolve_jurisdiction(
    title: str,
    table: JurisdictionTable,
    *,
    hint_province: str | None = None,
    level: str | None = None,
) -> Resolution:
    """Place a document by its title: the division its title opens with, down to a named county.

    ``hint_province`` (a province code) settles names several provinces share, e.g. the collection a
    title comes from. ``level``: a national level (法律, 行政法规, …) makes the document national whatever
    the title says. Short names (山东, 深圳, 绍兴) count for provinces and prefectures only, never for
    counties (泰山 is not 泰山区); short prefecture names need ``hint_province`` and must lie in it, so that
    长治久安 does not name 长治市. Nothing is guessed: a title that
    names no place is ``unresolved``, one whose place fits several divisions is ``ambiguous``.

    >>> from kg.divisions import jurisdiction_table
    >>> resolve_jurisdiction("上海市浦东新区市场主体登记确认制若干规定", jurisdiction_table()).code
    '310115'
    """
    if level in NATIONAL_LEVELS:
        return Resolution("national")
    text = _clean(title)
    for prefix in NATIONAL_PREFIXES:
        if text.startswith(prefix):
            return Resolution("national", matched=prefix)
    index = _index(table)
    opening, rest = "", text
    free_trade = _FREE_TRADE.match(text)
    if free_trade:
        opening, rest = free_trade.group(0), text[free_trade.end() :]
        text = free_trade.group(1)
    name, codes = _leading(text, index.full, index.longest)
    if not name:
        name, codes = _leading(text, index.short, index.longest)
        codes = tuple(c for c in codes if _short_allowed(table, c, hint_province))
        if not codes:
            return Resolution("unresolved")
    if len(codes) > 1 and hint_province is not None:
        codes = tuple(c for c in codes if _within(table, c, hint_province)) or codes
    if len(codes) > 1:
        return Resolution("ambiguous", matched=opening or name, candidates=codes)
    if opening:
        return Resolution("resolved", code=codes[0], matched=opening)
    below, code = _descend(rest[len(name) :], codes[0], table, index)
    return Resolution("resolved", code=code, matched=name + below)


# --- topics ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """The family a title belongs to across jurisdictions.

    ``label``: the normalised title without its jurisdiction prefix (优化营商环境条例); ``implements``: the
    normalised title of the law that an implementing regulation (实施《…》办法) names, else None.
    """

    label: str
    implements: str | None = None

    @property
    def hash(self) -> str:
        """The hash of the label's normalised form, so （一） and (一) make one topic."""
        return title_hash(normalise_title(self.label))


def _plain(title: str) -> str:
    """A title without white space, outer 《》, version marks and 中华人民共和国; characters as written."""
    text = _SPACE.sub("", title)
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1]
    text = _VERSION_MARK.sub("", text)
    return text.removeprefix("中华人民共和国") or text


def normalise_topic(title: str, table: JurisdictionTable, *, hint_province: str | None = None) -> Topic:
    """A title's topic: strip version marks and the place the title opens with (and 经济特区 after it).

    ``hint_province`` as for ``resolve_jurisdiction``: it lets short city names (深圳, 绍兴) be stripped.

    >>> from kg.divisions import jurisdiction_table
    >>> normalise_topic("上海市实施《突发事件应对法》办法", jurisdiction_table())
    Topic(label='实施《突发事件应对法》办法', implements='突发事件应对法')
    """
    text = _plain(title)
    found = resolve_jurisdiction(text, table, hint_province=hint_province)
    if found.status != "national" and len(found.matched) < len(text):
        text = text[len(found.matched) :]
        text = text.removeprefix("经济特区") or text
    implemented = _IMPLEMENTS.search(text)
    target = None
    if implemented and balanced_brackets(text):
        target = normalise_title(implemented.group(1) or implemented.group(2))
    return Topic(text, target)


# --- records -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class LawRecord:
    """One imported record: one version of one work. Dates are ISO strings or None."""

    jurisdiction: str
    title: str
    published: str | None
    in_force: str | None
    source: str
    record: str
    level: str
    resolution: str
    matched: str
    expired: bool
    ver: int | None

    @property
    def code(self) -> str | None:
        """The 6-digit code, None for national documents."""
        return None if self.jurisdiction == COUNTRY else self.jurisdiction

    @property
    def key(self) -> str:
        return normalise_title(self.title)

    def cells(self) -> list[str]:
        values = {
            "source": self.source,
            "record": self.record,
            "title": self.title,
            "level": self.level,
            "jurisdiction": self.jurisdiction,
            "resolution": self.resolution,
            "matched": self.matched,
            "published": self.published or "",
            "in_force": self.in_force or "",
            "expired": "1" if self.expired else "0",
            "ver": "" if self.ver is None else str(self.ver),
        }
        return [values[column] for column in TSV_HEADER]


def _sort_key(record: LawRecord) -> tuple[str, str, str, str, str, str]:
    return (
        record.jurisdiction,
        record.key,
        record.published or "9999",
        record.in_force or "9999",
        record.source,
        record.record,
    )


def records_text(records: Iterable[LawRecord]) -> str:
    """The TSV text: header, then records sorted by jurisdiction, title, dates, source and record id."""
    lines = ["\t".join(TSV_HEADER)]
    for record in sorted(records, key=_sort_key):
        cells = record.cells()
        if any(_BAD_TEXT.search(cell) for cell in cells):
            raise ValueError(f"record {record.record} holds a tab or control character")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def default_tsv_path() -> Path:
    """The bundled table, ``data/reference/legislation.tsv``."""
    from kg.resources import data_dir

    return data_dir() / "reference" / TSV_NAME


def read_records(path: Path | None = None) -> list[LawRecord]:
    """Read ``legislation.tsv`` (default: the bundled one) back into records, checking its shape."""
    path = default_tsv_path() if path is None else Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; run `kg import lawrefbook PATH…` to make it")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; re-run the import") from None
    if not lines or tuple(lines[0].split("\t")) != TSV_HEADER:
        header = " ".join(TSV_HEADER)
        raise InputError(f"{path}:1: header must be {header} (tab-separated); re-run the import")
    records = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(TSV_HEADER):
            raise InputError(f"{path}:{number}: {len(cells)} columns; expected {len(TSV_HEADER)}; re-import")
        row = dict(zip(TSV_HEADER, cells, strict=True))
        if row["level"] not in LEVEL_KINDS or row["expired"] not in ("0", "1"):
            raise InputError(f"{path}:{number}: unknown level or expired flag; re-run the import")
        for column in ("published", "in_force"):
            if row[column] and _iso_date(row[column]) is None:
                raise InputError(f"{path}:{number}: {column} {row[column]!r} is not YYYY-MM-DD; re-import")
        records.append(
            LawRecord(
                jurisdiction=row["jurisdiction"],
                title=row["title"],
                published=row["published"] or None,
                in_force=row["in_force"] or None,
                source=row["source"],
                record=row["record"],
                level=row["level"],
                resolution=row["resolution"],
                matched=row["matched"],
                expired=row["expired"] == "1",
                ver=int(row["ver"]) if row["ver"].isdigit() else None,
            )
        )
    return records


# --- the importer ------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What ``import_lawrefbook`` read, kept, skipped, dropped and could not place, with counts."""

    path: Path
    files: list[str] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    dates_dropped: Counter[str] = field(default_factory=Counter)
    resolution: Counter[str] = field(default_factory=Counter)
    records: int = 0
    works: int = 0
    judicial_interpretations: int = 0
    versions: int = 0
    works_with_versions: int = 0
    duplicate_records: int = 0
    unbalanced_titles: int = 0
    outside_province: int = 0
    notes: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        """The report as the CLI prints it."""
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """The report as text lines, counts first, then one line per noted record."""

        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{key} {value}" for key, value in sorted(counter.items())) or "none"

        out = [
            f"wrote {self.path}: {self.records} records",
            f"files: {', '.join(self.files)}",
            f"kept by level: {counts(self.kept)}",
            f"skipped by level: {counts(self.skipped)}",
            f"works: {self.works} regulations, {self.judicial_interpretations} judicial interpretations, "
            f"{self.versions} versions; {self.works_with_versions} works with several versions",
            f"jurisdiction from title: {counts(self.resolution)}",
            f"dates dropped: {counts(self.dates_dropped)}",
            f"duplicate records merged: {self.duplicate_records}; titles with unbalanced 《》: "
            f"{self.unbalanced_titles}; resolved outside the file's province: {self.outside_province}",
        ]
        return out + self.notes


def _iso_date(value: object) -> str | None:
    """A valid YYYY-MM-DD date as text, else None."""
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    from datetime import date

    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def _read_sqlite(path: Path) -> list[dict[str, object]]:
    """The rows of table ``law``, read-only; InputError for what is not a LawRefBook database."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; give LawRefBook .sqlite3 files")
    try:
        # A percent-encoded file: URI names exactly this file ('?', '#', '%' in its name stay part of the
        # name) and opens it read-only and immutable: nothing is created, no journal is written.
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise InputError(f"{path}: cannot open ({error}); give a LawRefBook .sqlite3 file") from None
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "law" not in tables:
            raise InputError(
                f"{path}: SQLite file without the table `law`; give a LawRefBook database (.sqlite3)"
            )
        columns = {row[1] for row in connection.execute("PRAGMA table_info(law)")}
        missing = [c for c in _LAW_COLUMNS if c not in columns]
        if missing:
            lacking = ", ".join(missing)
            raise InputError(f"{path}: table `law` lacks the column(s) {lacking}; give a LawRefBook database")
        select = ", ".join(f'"{c}"' for c in _LAW_COLUMNS)
        return [
            dict(zip(_LAW_COLUMNS, row, strict=True))
            for row in connection.execute(f"SELECT {select} FROM law ORDER BY id")
        ]
    except sqlite3.DatabaseError as error:
        raise InputError(f"{path}: not a SQLite database ({error}); give a LawRefBook .sqlite3") from None
    finally:
        connection.close()


def _province_hint(stem: str, rows: list[dict[str, object]], table: JurisdictionTable) -> str | None:
    """The province a ``local-<province>`` file covers: the one most of its titles name."""
    votes: Counter[str] = Counter()
    for row in rows:
        found = resolve_jurisdiction(str(row["name"] or ""), table)
        if found.status == "resolved" and found.code:
            votes[found.code[:2] + "0000"] += 1
    if not votes:
        return None
    return max(sorted(votes), key=lambda code: votes[code])


def _record(
    source: str,
    row: dict[str, object],
    table: JurisdictionTable,
    hint: str | None,
    report: ImportReport,
) -> LawRecord | None:
    where = f"{source}/{row['id']}"
    title = _SPACE.sub(" ", str(row["name"] or "")).strip()
    level = str(row["level"] or "").strip()
    if level not in LEVEL_KINDS:
        report.skipped[level or "(empty)"] += 1
        return None
    if _BAD_TEXT.search(str(row["id"])) or _BAD_TEXT.search(title):
        report.skipped[f"{level} (control characters)"] += 1
        report.notes.append(f"{where!r}: a tab or control character in the id or title; record skipped")
        return None
    if not title:
        report.skipped[f"{level} (empty title)"] += 1
        report.notes.append(f"{where}: empty title; record skipped")
        return None
    report.kept[level] += 1
    if not balanced_brackets(title):
        report.unbalanced_titles += 1
        report.notes.append(f"{where}: title {title!r} has unbalanced 《》; kept as written")
    dates: dict[str, str | None] = {}
    for column in ("publish", "valid_from"):
        raw = row[column]
        value = _iso_date(raw)
        if value is None and raw not in (None, ""):
            report.dates_dropped[f"{column} malformed"] += 1
            report.notes.append(f"{where}: {column} {raw!r} is not a date YYYY-MM-DD; dropped")
        elif value is None:
            report.dates_dropped[f"{column} empty"] += 1
        dates[column] = value
    found = resolve_jurisdiction(title, table, hint_province=hint, level=level)
    if found.status == "national" and level not in NATIONAL_LEVELS:
        found = Resolution("unresolved", matched=found.matched)
    code: str | None
    if found.status in ("unresolved", "ambiguous") and hint is not None:
        status, code = f"file-province ({found.status})", hint
        report.notes.append(f"{where}: {title}: place {found.status} from the title; file's province {hint}")
    elif found.status in ("unresolved", "ambiguous"):
        report.resolution[found.status] += 1
        report.skipped[f"{level} (no jurisdiction)"] += 1
        report.kept[level] -= 1
        report.notes.append(f"{where}: {title}: place {found.status} from the title; record skipped")
        return None
    else:
        status, code = found.status, found.code
        if hint is not None and code is not None and not _within(table, code, hint):
            report.outside_province += 1
            report.notes.append(f"{where}: {title}: the title names {code}, outside file province {hint}")
    report.resolution[status.split(" ")[0]] += 1
    expired = row["expired"]
    ver = row["ver"]
    return LawRecord(
        jurisdiction=COUNTRY if code is None else code,
        title=title,
        published=dates["publish"],
        in_force=dates["valid_from"],
        source=source,
        record=str(row["id"]),
        level=level,
        resolution=status.split(" ")[0],
        matched=found.matched,
        expired=str(expired).strip() in ("1", "True", "true"),
        ver=ver if isinstance(ver, int) and ver >= 0 else None,
    )


def _merge(records: list[LawRecord], report: ImportReport) -> list[LawRecord]:
    """Drop records that repeat another record of the same work with the same facts; count works."""
    seen: dict[tuple[object, ...], LawRecord] = {}
    for record in sorted(records, key=_sort_key):
        facts = (record.jurisdiction, record.key, record.published, record.in_force, record.expired)
        if facts in seen:
            report.duplicate_records += 1
            report.notes.append(f"{record.source}/{record.record}: repeats {seen[facts].record}; merged")
            continue
        seen[facts] = record
    kept = list(seen.values())
    works: dict[tuple[str, str], list[LawRecord]] = {}
    for record in kept:
        works.setdefault((record.jurisdiction, record.key), []).append(record)
    for (_jurisdiction, _key), versions in works.items():
        if "司法解释" in {v.level for v in versions}:
            report.judicial_interpretations += 1
        else:
            report.works += 1
        if len(versions) > 1:
            report.works_with_versions += 1
        levels = sorted({v.level for v in versions})
        if len(levels) > 1:
            report.notes.append(f"{versions[0].title}: one work with several levels {', '.join(levels)}")
    report.versions = len(kept)
    return kept


def write_text_atomically(text: str, path: Path) -> None:
    """Write a file through a temporary file in the same folder and a rename: never half a file."""
    from kg.publish import write_file

    write_file(path, text.encode("utf-8"))


def collect_records(paths: Sequence[Path], table: JurisdictionTable) -> tuple[list[LawRecord], ImportReport]:
    """Read LawRefBook files into records and a report, writing nothing (``import_lawrefbook`` writes)."""
    report = ImportReport(path=Path())
    if not paths:
        raise InputError("no LawRefBook files given; pass .sqlite3 files, e.g. ../shared/data/lawrefbook/*")
    stems = [Path(p).name.removesuffix(".sqlite3").removesuffix(".db") for p in paths]
    if len(set(stems)) != len(stems):
        raise InputError(f"two files share a name ({', '.join(sorted(stems))}); give each database once")
    records: list[LawRecord] = []
    for path, stem in sorted(zip((Path(p) for p in paths), stems, strict=True), key=lambda pair: pair[1]):
        rows = _read_sqlite(path)
        report.files.append(f"{path.name} ({len(rows)} rows)")
        levels = set(LEVEL_KINDS) - NATIONAL_LEVELS
        local = [r for r in rows if str(r["level"] or "").strip() in levels]
        hint = _province_hint(stem, local, table) if local else None
        for row in rows:
            record = _record(stem, row, table, hint, report)
            if record is not None:
                records.append(record)
    merged = _merge(records, report)
    report.records = len(merged)
    return merged, report


def import_lawrefbook(paths: Sequence[Path], out_dir: Path, table: JurisdictionTable) -> ImportReport:
    """Import LawRefBook SQLite files into ``out_dir/legislation.tsv`` (``kg import lawrefbook PATH…``).

    Every file is read and checked before anything is written; the table is then written atomically.
    Raises InputError for a missing file, a file that is not SQLite or has no ``law`` table.
    """
    records, report = collect_records(paths, table)
    report.path = Path(out_dir) / TSV_NAME
    write_text_atomically(records_text(records), report.path)
    return report


# --- the corpus and case links -----------------------------------------------------------------------------


class LegislationCorpus:
    """The imported works, looked up by (normalised title, jurisdiction code or None)."""

    def __init__(
        self, records: Iterable[LawRecord], table: JurisdictionTable, ids: Ids | None = None
    ) -> None:
        from kg.terms import Ids

        self.table = table
        self.ids = ids or Ids()
        self._works: dict[tuple[str, str | None], URIRef] = {}
        for record in records:
            key = (record.key, record.code)
            if key not in self._works:
                self._works[key] = work_iri(self.ids, record.code, record.key)

    def __len__(self) -> int:
        return len(self._works)

    def get(self, title: str, code: str | None) -> URIRef | None:
        """The work with this title (any form: 《》, 中华人民共和国, version marks) and jurisdiction."""
        return self._works.get((normalise_title(title), code))


def link_case_regulation(
    title: str, jurisdiction_code: str | None, corpus: LegislationCorpus
) -> URIRef | None:
    """The imported work a case file's regulation names, or None when the corpus lacks it.

    The title decides the place when it names one (北京市接诉即办工作条例 → 110000, whatever the case
    region); otherwise ``jurisdiction_code`` (None: national) is tried, and at last the national work of that
    title, for titles that name no place (黑土地保护法 in a 吉林 case is the national law).
    """
    hint = None if jurisdiction_code is None else jurisdiction_code[:2] + "0000"
    if hint is not None and corpus.table.get(hint) is None:
        hint = None
    found = resolve_jurisdiction(title, corpus.table, hint_province=hint)
    if found.status == "resolved":
        return corpus.get(title, found.code)
    if found.status == "national":
        return corpus.get(title, None)
    if found.status == "ambiguous":
        return None
    return corpus.get(title, jurisdiction_code) or corpus.get(title, None)


def work_iri(ids: Ids, code: str | None, key: str) -> URIRef:
    """``{base}regulation/{code or CN}/{hash}``: a regulation work or judicial interpretation."""
    from rdflib import URIRef

    return URIRef(f"{ids.base}regulation/{code or COUNTRY}/{title_hash(key)}")


def topic_iri(topic: Topic) -> URIRef:
    """``https://w3id.org/fazhi/id/topic/{hash}``: topics live under the default base, like concepts."""
    from kg.terms import Ids

    return Ids.concept("topic", topic.hash)


# --- entry points for the build ---------------------------------------------------------------------------


def corpus_graph(path: Path | None = None) -> Graph:
    """The graph of a legislation table (default: the bundled one), with the bundled jurisdiction table."""
    from kg.divisions import jurisdiction_table
    from kg.mapping.legislation import legislation_graph

    return legislation_graph(read_records(path), jurisdiction_table())


def case_linker(path: Path | None = None) -> Callable[[Regulation], URIRef | None]:
    """A function from a case file's regulation to the imported work it names (None: case-only)."""
    from kg.divisions import jurisdiction_table

    corpus = LegislationCorpus(read_records(path), jurisdiction_table())

    def link(regulation: Regulation) -> URIRef | None:
        return link_case_regulation(regulation.title, regulation.jurisdiction, corpus)

    return link
