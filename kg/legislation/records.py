"""The imported record tables: one row per source record (``legislation.tsv.gz``) and one per history event
(``legislation-events.tsv.gz``). Facts only, no law text. Gzip written with no name and time, so the same
records give the same bytes.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.errors import InputError
from kg.legislation.history import EVENT_KINDS, Event
from kg.legislation.titles import normalise_title

COUNTRY = "CN"

LEVEL_KINDS: dict[str, str] = {
    "宪法": "constitution",
    "法律": "law",
    "行政法规": "administrative-regulation",
    "部门规章": "departmental-rule",
    "司法解释": "judicial-interpretation",
    "地方性法规": "local-regulation",
    "自治条例": "autonomy-regulation",
    "单行条例": "separate-regulation",
    "决定": "decision",
}
"""Levels (LawRefBook's, or the kind the importer gives a national-database document), and the
regulation-kind concept id of each."""

TSV_NAME = "legislation.tsv.gz"
EVENTS_NAME = "legislation-events.tsv.gz"
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
    "path",
    "issuer",
)
"""Columns of the record table; ``jurisdiction`` is a 6-digit code or ``CN``, dates YYYY-MM-DD or empty."""

EVENTS_HEADER = (
    "source",
    "record",
    "position",
    "kind",
    "date",
    "ordinal",
    "place",
    "body",
    "session",
    "meeting",
    "act",
)
"""Columns of the event table: the events of each record's history, in listed order."""

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BAD_TEXT = re.compile(r"[\t\r\n\x00-\x1f\x7f]")


def iso_date(value: object) -> str | None:
    """A valid YYYY-MM-DD date as text, else None."""
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class LawRecord:
    """One imported source record. Dates are ISO strings or None; ``events`` is the parsed history.

    ``source`` is the LawRefBook file stem (``local-beijing``, ``national``) or ``flk``; ``record`` its id
    there
    (LawRefBook's id, the flk git blob id); ``path`` the file's path in the source repository (flk);
    ``issuer`` the body that passed the document, as its history names it.
    """

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
    path: str = ""
    issuer: str = ""
    events: tuple[Event, ...] = ()

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
            "path": self.path,
            "issuer": self.issuer,
        }
        return [values[column] for column in TSV_HEADER]


def sort_key(record: LawRecord) -> tuple[str, str, str, str, str, str]:
    return (
        record.jurisdiction,
        record.key,
        record.published or "9999",
        record.in_force or "9999",
        record.source,
        record.record,
    )


def _line(cells: list[str], what: str) -> str:
    if any(_BAD_TEXT.search(cell) for cell in cells):
        raise ValueError(f"{what} holds a tab or control character")
    return "\t".join(cells)


def records_text(records: Iterable[LawRecord]) -> str:
    """The record table: header, then records sorted by jurisdiction, title, dates, source and record id."""
    lines = ["\t".join(TSV_HEADER)]
    lines.extend(_line(r.cells(), f"record {r.record}") for r in sorted(records, key=sort_key))
    return "\n".join(lines) + "\n"


def events_text(records: Iterable[LawRecord]) -> str:
    """The event table: header, then each record's events, records in table order, events in listed order."""
    lines = ["\t".join(EVENTS_HEADER)]
    for record in sorted(records, key=sort_key):
        for event in record.events:
            cells = [
                record.source,
                record.record,
                str(event.position),
                event.kind,
                event.date or "",
                "" if event.ordinal is None else str(event.ordinal),
                event.place,
                event.body,
                event.session,
                event.meeting,
                event.act,
            ]
            lines.append(_line(cells, f"an event of record {record.record}"))
    return "\n".join(lines) + "\n"


def gzip_bytes(text: str) -> bytes:
    """Gzip with no file name and time 0: the same text always gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(text.encode("utf-8"))
    return buffer.getvalue()


TABLE_ENV = "KG_LEGISLATION_TABLE"
"""Environment variable naming another record table for builds (the test suite uses a small extract)."""


def default_tsv_path() -> Path:
    """The record table a build maps: ``$KG_LEGISLATION_TABLE`` if set, else the bundled
    ``data/reference/legislation.tsv.gz``."""
    import os

    from kg.resources import data_dir

    chosen = os.environ.get(TABLE_ENV)
    return Path(chosen) if chosen else data_dir() / "reference" / TSV_NAME


def _read_lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8").splitlines()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise InputError(
            f"{path}: not a readable gzip file ({error}); re-run `kg import legislation`"
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; re-run `kg import legislation`") from None


def _rows(path: Path, header: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    lines = _read_lines(path)
    if not lines or tuple(lines[0].split("\t")) != header:
        names = " ".join(header)
        raise InputError(f"{path}:1: header must be {names} (tab-separated); re-run `kg import legislation`")
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(f"{path}:{number}: {len(cells)} columns; expected {len(header)}; re-import")
        yield number, dict(zip(header, cells, strict=True))


def events_path(path: Path) -> Path:
    """The event table beside a record table (``legislation.tsv.gz`` → ``legislation-events.tsv.gz``)."""
    name = path.name
    stem = name.split(".", 1)[0]
    return path.with_name(f"{stem}-events.{name.split('.', 1)[1]}" if "." in name else f"{stem}-events")


def read_events(path: Path) -> dict[tuple[str, str], tuple[Event, ...]]:
    """The event table, by (source, record id); an absent table means no events."""
    if not path.is_file():
        return {}
    found: dict[tuple[str, str], list[Event]] = {}
    for number, row in _rows(path, EVENTS_HEADER):
        if row["kind"] not in EVENT_KINDS or (row["date"] and iso_date(row["date"]) is None):
            raise InputError(
                f"{path}:{number}: unknown event kind or bad date; re-run `kg import legislation`"
            )
        if not row["position"].isdigit() or (row["ordinal"] and not row["ordinal"].isdigit()):
            raise InputError(f"{path}:{number}: position and ordinal must be numbers; re-import")
        event = Event(
            position=int(row["position"]),
            kind=row["kind"],
            date=row["date"] or None,
            place=row["place"],
            body=row["body"],
            session=row["session"],
            meeting=row["meeting"],
            act=row["act"],
            ordinal=int(row["ordinal"]) if row["ordinal"] else None,
        )
        found.setdefault((row["source"], row["record"]), []).append(event)
    return {key: tuple(events) for key, events in found.items()}


def read_records(path: Path | None = None) -> list[LawRecord]:
    """Read the record table (default: the bundled one) and the event table beside it, checking both."""
    path = default_tsv_path() if path is None else Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found; run `kg import legislation PATH…` to make it")
    events = read_events(events_path(path))
    records = []
    for number, row in _rows(path, TSV_HEADER):
        if row["level"] not in LEVEL_KINDS or row["expired"] not in ("0", "1"):
            raise InputError(f"{path}:{number}: unknown level or expired flag; re-run the import")
        for column in ("published", "in_force"):
            if row[column] and iso_date(row[column]) is None:
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
                path=row["path"],
                issuer=row["issuer"],
                events=events.get((row["source"], row["record"]), ()),
            )
        )
    return records
