"""Public sources: the web pages that the checked facts in ``../shared/data/facts/`` cite, as sources.

Case files take a few facts that the notice does not print (a regulation's dates, the inspection's dates and
teams) from ``seed-notice-facts.md``, which names, for each fact, the public page it was checked against.
:func:`import_public_sources` reads that file and writes one row per cited address to
``data/reference/public-sources.tsv``: an id, the address as the facts give it, the site that publishes it,
what the facts call it, and the fact it supports. The project holds no copy of these pages, so a public source
has an address but no checksum. Case files name them by id (``facts_source``), and the build maps each to a
``fz:PublicSource`` that provenance queries (``rq11-provenance``) answer with.

An address the facts shorten (``host .../page``) cannot be opened, so it is reported and not imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from .errors import InputError
from .terms import FZ, SCHEMA, Ids

TABLE_NAME = "public-sources.tsv"
COLUMNS = ("id", "address", "publisher", "title", "accessed", "supports")

_HOST = r"(?:[a-z0-9-]+\.)+(?:cn|com|org|net|gov|edu|info)"
_ADDRESS = re.compile(rf"(?<![\w./-])({_HOST}/[^\s,;()\[\]]*)", re.I)
_ELIDED = re.compile(rf"(?<![\w./-])((?:{_HOST}|[\w-]+/[\w-]+)\S*\s*\.\.\./\S+)", re.I)
_TAGS = re.compile(r"\[(?:verified|lead)[^\]]*\]|\b(?:verified|lead only)\b[;,]?", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OPENERS, _CLOSERS = "([", ")]"


@dataclass(frozen=True)
class PublicSource:
    """A public page cited by the facts: no local copy, so an address instead of a checksum."""

    id: str
    address: str
    publisher: str
    title: str
    accessed: str
    supports: str

    @property
    def url(self) -> str:
        """The address as an IRI; the facts give addresses without a scheme, and these sites answer http."""
        return self.address if "://" in self.address else "http://" + self.address


@dataclass
class FactsReport:
    """What an import of the facts file found: the sources and the addresses it could not use."""

    sources: list[PublicSource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    path: Path | None = None

    def to_text(self) -> str:
        lines = [f"{len(self.sources)} public sources → {self.path}"]
        lines += [f"skipped: {reason}" for reason in self.skipped]
        return "\n".join(lines)


def source_id(address: str) -> str:
    """A readable, stable id: the host's labels and the page's last token (news-cn-1127948583)."""
    host, _, rest = address.partition("/")
    tokens = re.findall(r"[A-Za-z0-9]+", re.sub(r"\.[a-z]{2,5}$", "", rest.split("#")[0]))
    parts = [*host.lower().split("."), *(tokens[-1:] if tokens else [])]
    return "-".join(part.lower() for part in parts)


def parse_facts(text: str, where: str) -> FactsReport:
    """Every complete address the facts file cites, with what it supports (the fact line or section)."""
    report = FactsReport()
    sections = _sections(text)
    found: dict[str, PublicSource] = {}
    for heading, heading_line, bullets in sections:
        for number, line, is_heading in [(heading_line, heading, True), *bullets]:
            for match in _ELIDED.finditer(line):
                shortened = match.group(1).rstrip(".:;,)]")
                report.skipped.append(f"{where}:{number}: '{shortened}' is shortened, not an address")
            for match in _ADDRESS.finditer(line):
                address = match.group(1).rstrip(".:;,")
                supports = _supports(heading, bullets) if is_heading else _fact(heading, line)
                source = PublicSource(
                    source_id(address),
                    address,
                    address.split("/", 1)[0].lower(),
                    _cited_as(line, match.start(), match.start() + len(address)),
                    "",
                    supports,
                )
                known = found.get(source.id)
                if known is not None and known.address != address:
                    raise InputError(
                        f"{where}:{number}: '{address}' and '{known.address}' get the same id '{source.id}'"
                    )
                if known is None:
                    found[source.id] = source
    report.sources = sorted(found.values(), key=lambda source: source.id)
    return report


def _sections(text: str) -> list[tuple[str, int, list[tuple[int, str, bool]]]]:
    """``## `` headings with their line number and their ``- `` bullets (number, text, False)."""
    sections: list[tuple[str, int, list[tuple[int, str, bool]]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("## "):
            sections.append((line[3:].strip(), number, []))
        elif line.startswith("- ") and sections:
            sections[-1][2].append((number, line[2:].strip(), False))
    return sections


def _cited_as(line: str, start: int, end: int) -> str:
    """What the facts call the source: the words beside its address within the same brackets."""
    depth, begin = 0, 0
    for index in range(start - 1, -1, -1):
        char = line[index]
        if char in _CLOSERS:
            depth += 1
        elif char in _OPENERS:
            if depth == 0:
                begin = index + 1
                break
            depth -= 1
        elif char == ";" and depth == 0:
            begin = index + 1
            break
    depth, finish = 0, len(line)
    for index in range(end, len(line)):
        char = line[index]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            if depth == 0:
                finish = index
                break
            depth -= 1
        elif char in ";:" and depth == 0:
            finish = index
            break
    words = f"{line[begin:start]} {line[end:finish]}"
    words = _TAGS.sub("", words)
    words = re.sub(r"\bcopied at\b", "", words)
    return re.sub(r"\s+", " ", words).strip(" ,;:—-")


def _plain(text: str) -> str:
    """A fact line without the bracketed citations that hold an address, and without verification tags."""
    kept, group, depth = [], [], 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        if depth:
            group.append(char)
        else:
            kept.append(char)
        if char in _CLOSERS and depth:
            depth -= 1
            if not depth:
                cited = "".join(group)
                if not (_ADDRESS.search(cited) or _ELIDED.search(cited)):
                    kept.append(cited)
                group = []
    text = _ADDRESS.sub("", "".join(kept + group))
    text = _TAGS.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:.")


def _fact(heading: str, line: str) -> str:
    return f"{_plain(heading)}: {_plain(line)}"


def _supports(heading: str, bullets: list[tuple[int, str, bool]]) -> str:
    return " / ".join([_plain(heading), *(_plain(text) for _, text, _ in bullets)])


def public_sources_text(sources: list[PublicSource]) -> str:
    """The table as TSV text, sorted by id: the same facts give the same bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for source in sorted(sources, key=lambda source: source.id):
        writer.writerow([getattr(source, column) for column in COLUMNS])
    return buffer.getvalue()


def import_public_sources(facts: Path, out: Path) -> FactsReport:
    """Read the facts file and write the public sources it cites to ``out`` (atomically)."""
    from .publish import write_file

    try:
        text = facts.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{facts}: no such file; give the facts file, e.g. ../shared/data/facts/seed-notice-facts.md"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{facts}: cannot be read as UTF-8 text ({error})") from error
    report = parse_facts(text, str(facts))
    if not report.sources:
        raise InputError(f"{facts}: cites no address (host/path); is it the facts file?")
    report.path = out
    write_file(out, public_sources_text(report.sources).encode("utf-8"))
    return report


def default_table_path() -> Path:
    from .resources import data_dir

    return data_dir() / "reference" / TABLE_NAME


def read_public_sources(path: Path | None = None) -> dict[str, PublicSource]:
    """The imported table, by id; empty when none has been imported."""
    path = path or default_table_path()
    if not path.is_file():
        return {}
    sources = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(f"{path}:1: header must be {' '.join(COLUMNS)}; re-run kg import facts")
        for number, row in enumerate(reader, start=2):
            if not row["id"] or not row["address"] or (row["accessed"] and not _DATE.match(row["accessed"])):
                raise InputError(
                    f"{path}:{number}: a row needs an id and an address, and an accessed date "
                    "(YYYY-MM-DD) or none"
                )
            sources[row["id"]] = PublicSource(**{column: row[column] for column in COLUMNS})
    return sources


def public_source_triples(
    sources: dict[str, PublicSource], ids: Ids | None = None
) -> set[tuple[URIRef, URIRef, URIRef | Literal]]:
    """Each public source as a ``fz:PublicSource`` under ``document/{id}``: address, site, title, fact."""
    ids = ids or Ids()
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()
    for source in sources.values():
        node = ids.document(source.id)
        title = source.title or f"page at {source.publisher}"
        triples |= {
            (node, RDF.type, FZ.PublicSource),
            (node, DCTERMS.title, Literal(title)),
            (node, RDFS.label, Literal(f"{title} ({source.publisher})")),
            (node, SCHEMA.url, URIRef(source.url)),
            (node, FZ.publisherName, Literal(source.publisher)),
            (node, FZ.supportsFact, Literal(source.supports)),
        }
        if source.accessed:
            triples.add((node, FZ.dateAccessed, Literal(source.accessed, datatype=XSD.date)))
    return triples
