"""``kg import legislation``: LawRefBook SQLite files and the national database's JSONL.gz → record tables.

Every input is read and checked before anything is written; both tables are then written atomically. Records
of one document from several sources stay separate rows (each with its own record id) and become one work in
the mapping; where the sources disagree the report counts it and names the records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.legislation import flk, lawrefbook
from kg.legislation.history import parse_history
from kg.legislation.records import (
    COUNTRY,
    EVENTS_NAME,
    LEVEL_KINDS,
    TSV_NAME,
    LawRecord,
    events_text,
    gzip_bytes,
    iso_date,
    records_text,
    sort_key,
)
from kg.legislation.resolver import NATIONAL_LEVELS, Resolution, resolve_jurisdiction
from kg.legislation.titles import SPACE, balanced_brackets

if TYPE_CHECKING:
    from kg.divisions import JurisdictionTable

AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")
"""Autonomous areas below the province, whose congresses make 自治条例 and 单行条例."""


@dataclass
class ImportReport:
    """What the import read, kept, skipped, parsed, merged and could not place, with counts."""

    path: Path
    files: list[str] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    dates_dropped: Counter[str] = field(default_factory=Counter)
    resolution: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    history_problems: Counter[str] = field(default_factory=Counter)
    disagreements: Counter[str] = field(default_factory=Counter)
    unresolved: Counter[str] = field(default_factory=Counter)
    per_province: Counter[str] = field(default_factory=Counter)
    records: int = 0
    works: int = 0
    judicial_interpretations: int = 0
    versions: int = 0
    works_with_versions: int = 0
    works_in_both: int = 0
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

        return [
            f"wrote {self.path}: {self.records} records",
            f"files: {', '.join(self.files)}",
            f"kept by level: {counts(self.kept)}",
            f"skipped: {counts(self.skipped)}",
            f"works: {self.works} documents, {self.judicial_interpretations} judicial interpretations; "
            f"{self.works_with_versions} works with several records; "
            f"{self.works_in_both} works in both sources",
            f"jurisdiction from: {counts(self.resolution)}",
            f"unresolved issuing regions: {counts(self.unresolved)}",
            f"national-database documents by province (2-digit code): {counts(self.per_province)}",
            f"history events: {counts(self.events)}",
            f"history problems: {counts(self.history_problems)}",
            f"source disagreements: {counts(self.disagreements)}",
            f"dates dropped: {counts(self.dates_dropped)}",
            f"duplicate records merged: {self.duplicate_records}; titles with unbalanced 《》: "
            f"{self.unbalanced_titles}; resolved outside the file's province: {self.outside_province}",
            *self.notes,
        ]


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
    title = SPACE.sub(" ", str(row["name"] or "")).strip()
    level = str(row["level"] or "").strip()
    if level not in LEVEL_KINDS:
        report.skipped[level or "(empty)"] += 1
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
        value = iso_date(raw)
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
        if hint is not None and code is not None and not table.is_within(code, hint, inclusive=True):
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
    for record in sorted(records, key=sort_key):
        family = flk.SOURCE if record.source == flk.SOURCE else lawrefbook.SOURCE
        facts = (family, record.jurisdiction, record.key, record.published, record.in_force, record.expired)
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
        if {v.source for v in versions} != {flk.SOURCE} and flk.SOURCE in {v.source for v in versions}:
            report.works_in_both += 1
        if "司法解释" in {v.level for v in versions}:
            report.judicial_interpretations += 1
        else:
            report.works += 1
        if len(versions) > 1:
            report.works_with_versions += 1
        levels = sorted({v.level for v in versions if v.source != flk.SOURCE})
        if len(levels) > 1:
            report.notes.append(f"{versions[0].title}: one work with several levels {', '.join(levels)}")
    report.versions = len(kept)
    return kept


# --- the national database --------------------------------------------------------------------------------


def _place(name: str, table: JurisdictionTable, hint: str | None) -> Resolution:
    """Where a body's, folder's or title's name places a document; county names need the whole name."""
    if not name:
        return Resolution("unresolved")
    return resolve_jurisdiction(name, table, hint_province=hint)


def flk_kind(title: str, place_name: str, passed_by_congress: bool) -> str:
    """决定, 自治条例, 单行条例 or 地方性法规, from the title and who passed the document.

    A 单行条例 is made by the full congress of an autonomous prefecture, county or banner (or is a 变通规定 /
    补充规定 of one); what its standing committee passes is a 地方性法规 (the city-level power since 2015).
    """
    if title.endswith("决定"):
        return "决定"
    if "自治条例" in title:
        return "自治条例"
    if place_name.endswith(AUTONOMOUS_SUFFIXES) and (
        passed_by_congress or "单行条例" in title or "变通" in title or "补充规定" in title
    ):
        return "单行条例"
    return "地方性法规"


def flk_record(item: flk.FlkRecord, table: JurisdictionTable, report: ImportReport) -> LawRecord | None:
    """One national-database document → a record with its parsed history; None (reported) when unplaced."""
    where = f"flk/{item.path}"
    history = parse_history(list(item.history))
    for kind, text in history.problems:
        report.history_problems[kind] += 1
        report.notes.append(f"{where}: {kind}: {text}")
    if not item.history:
        report.history_problems["no history"] += 1
    passed = history.first("passed")
    approval = history.first("approved")
    hint = None
    if approval is not None:
        approver = _place(approval.place, table, None)
        if approver.status == "resolved" and approver.code:
            hint = approver.code[:2] + "0000"
    candidates = [
        ("body", passed.place if passed else ""),
        ("folder", item.folder),
        ("title", item.title),
    ]
    found: dict[str, Resolution] = {how: _place(name, table, hint) for how, name in candidates}
    if hint is None:
        folder = found["folder"]
        if folder.status == "resolved" and folder.code:
            hint = folder.code[:2] + "0000"
            found["body"] = _place(candidates[0][1], table, hint)
            found["title"] = _place(item.title, table, hint)
    chosen = next(
        ((how, found[how]) for how in ("body", "folder", "title") if found[how].status == "resolved"), None
    )
    if chosen is None:
        names = [name for _how, name in candidates[:2] if name] or [item.title]
        status = "ambiguous" if any(f.status == "ambiguous" for f in found.values()) else "unresolved"
        for name in names:
            report.unresolved[f"{status} {name}"] += 1
        report.skipped[f"national database ({status} issuing region)"] += 1
        report.notes.append(f"{where}: issuing region {status} ({' / '.join(names)}); record skipped")
        return None
    how, place = chosen
    assert place.code is not None
    for other in ("body", "folder"):
        other_place = found[other]
        if other != how and other_place.status == "resolved" and other_place.code != place.code:
            report.disagreements[f"{other} names another region than the {how}"] += 1
            report.notes.append(f"{where}: the {other} names {other_place.code}, the {how} {place.code}")
    report.resolution[f"flk {how}"] += 1
    report.per_province[place.code[:2]] += 1
    place_name = table.by_code(place.code).name_zh
    congress = passed is not None and passed.body.endswith("人民代表大会")
    level = flk_kind(item.title, place_name, congress)
    report.kept[level] += 1
    for event in history.events:
        report.events[event.kind] += 1
    dated = sorted(e.date for e in history.events if e.date)
    published = passed.date if passed is not None and passed.date else (dated[0] if dated else None)
    in_force = next((e.date for e in history.events if e.kind == "in-force" and e.date), None)
    issuer = passed.body if passed is not None and found["body"].code == place.code else ""
    if not published:
        report.dates_dropped["flk: no dated event"] += 1
    return LawRecord(
        jurisdiction=place.code,
        title=SPACE.sub(" ", item.title).strip(),
        published=published,
        in_force=in_force,
        source=flk.SOURCE,
        record=item.blob,
        level=level,
        resolution=how,
        matched=place.matched,
        expired=any(e.kind == "repealed" for e in history.events),
        ver=None,
        path=item.path,
        issuer=issuer,
        events=tuple(history.events),
    )


def compare_sources(records: list[LawRecord], report: ImportReport) -> None:
    """Count where LawRefBook and the national database disagree on one work's dates or validity."""
    works: dict[tuple[str, str], list[LawRecord]] = {}
    for record in records:
        works.setdefault((record.jurisdiction, record.key), []).append(record)
    for members in works.values():
        national = [r for r in members if r.source == flk.SOURCE]
        others = [r for r in members if r.source != flk.SOURCE]
        if not national or not others:
            continue
        dates = {e.date for r in national for e in r.events if e.date}
        for record in others:
            if record.published and record.published not in dates:
                report.disagreements["LawRefBook publish date not in the history"] += 1
                report.notes.append(
                    f"{record.source}/{record.record}: publish {record.published} is no date of "
                    f"{national[0].path}'s history"
                )
            if record.expired and not any(r.expired for r in national):
                report.disagreements["LawRefBook expired, no repeal in the history"] += 1
        if len(national) > 1:
            report.disagreements["several national-database records"] += 1


# --- entry points -------------------------------------------------------------------------------------------


def _lawrefbook_records(path: Path, table: JurisdictionTable, report: ImportReport) -> list[LawRecord]:
    stem = path.name.removesuffix(".sqlite3").removesuffix(".db")
    rows = lawrefbook.read_law_rows(path)
    report.files.append(f"{path.name} ({len(rows)} rows)")
    levels = set(LEVEL_KINDS) - NATIONAL_LEVELS
    local = [r for r in rows if str(r["level"] or "").strip() in levels]
    hint = _province_hint(stem, local, table) if local else None
    found = [_record(stem, row, table, hint, report) for row in rows]
    return [record for record in found if record is not None]


def _is_flk(path: Path) -> bool:
    return path.name.endswith((".jsonl.gz", ".jsonl"))


def collect_records(paths: Sequence[Path], table: JurisdictionTable) -> tuple[list[LawRecord], ImportReport]:
    """Read every source into records and a report, writing nothing (``import_legislation`` writes)."""
    report = ImportReport(path=Path())
    if not paths:
        raise InputError(
            "no sources given; pass LawRefBook .sqlite3 files and/or the flk-local .jsonl.gz file"
        )
    paths = [Path(p) for p in paths]
    for path in paths:
        if not (_is_flk(path) or path.suffix in (".sqlite3", ".db")):
            raise InputError(
                f"{path}: unknown source; give .sqlite3 (LawRefBook) or .jsonl.gz (flk-local) files"
            )
    stems = [p.name.removesuffix(".sqlite3").removesuffix(".db") for p in paths if not _is_flk(p)]
    if len(set(stems)) != len(stems) or sum(1 for p in paths if _is_flk(p)) > 1:
        raise InputError(f"two files share a name ({', '.join(sorted(stems))}); give each source once")
    records: list[LawRecord] = []
    for path in sorted((p for p in paths if not _is_flk(p)), key=lambda p: p.name):
        records.extend(_lawrefbook_records(path, table, report))
    for path in (p for p in paths if _is_flk(p)):
        items = flk.read_flk(path)
        report.files.append(f"{path.name} ({len(items)} records)")
        for item in items:
            record = flk_record(item, table, report)
            if record is not None:
                records.append(record)
    merged = _merge(records, report)
    compare_sources(merged, report)
    report.records = len(merged)
    return merged, report


def write_bytes_atomically(data: bytes, path: Path) -> None:
    """Write a file through a temporary file in the same folder and a rename: never half a file."""
    from kg.publish import write_file

    write_file(path, data)


def import_legislation(paths: Sequence[Path], out_dir: Path, table: JurisdictionTable) -> ImportReport:
    """Import every source into ``out_dir/legislation.tsv.gz`` and ``legislation-events.tsv.gz``.

    Every file is read and checked before anything is written; each table is written atomically. Raises
    InputError for a missing file, a file that is not SQLite or gzip, a bad JSON line.
    """
    records, report = collect_records(paths, table)
    report.path = Path(out_dir) / TSV_NAME
    records_data = gzip_bytes(records_text(records))
    events_data = gzip_bytes(events_text(records))
    write_bytes_atomically(events_data, Path(out_dir) / EVENTS_NAME)
    write_bytes_atomically(records_data, report.path)
    return report


import_lawrefbook = import_legislation
"""The former name: LawRefBook files alone are one of the sources ``import_legislation`` takes."""
