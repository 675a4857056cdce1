"""Reading the dataset: SPARQL selections, labels and region names.

Every fact the analyses use comes through a SPARQL query run by ``kg.query.run``; nothing walks triples.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..divisions import DIVISION_SUFFIXES
from ..errors import InputError

Row = dict[str, Any]


class UnknownRegionError(InputError):
    """A region given by the user matches no jurisdiction, or several equally well."""


def select(source: Any, query: str, *, bindings: Mapping[str, Any] | None = None) -> list[Row]:
    """Run a SELECT query kg wrote (``kg.query`` declares the project's prefixes) and return its rows.

    The texts are the analyses' own, values in them written as escaped terms: on a store they skip rdflib's
    parser (``trusted``, see :func:`kg.query.trusted_check`)."""
    from ..query import run

    return run(source, query, bindings=bindings, trusted=True).rows


PlainRow = dict[str, str | None]


def select_plain(source: Any, query: str) -> list[PlainRow]:
    """Rows of a query kg wrote, every value as plain text (an IRI without brackets, a literal's lexical
    form, None when unbound), for results too large for one rdflib term per value.

    On a store the answer is serialised as SPARQL TSV inside Oxigraph and split here, as ``kg stats`` does:
    at 300,000 rows that is seconds instead of a minute. Other sources go through :func:`select`.
    """
    from ..query import QUERY_PREFIXES, _is_store

    if not _is_store(source):
        return [{k: None if v is None else str(v) for k, v in row.items()} for row in select(source, query)]
    from ..stats import tsv_rows

    return tsv_rows(source.query(query, prefixes=QUERY_PREFIXES))


def select_iris(source: Any, query: str) -> list[tuple[str, ...]]:
    """The rows of a query kg wrote in which every value is an IRI, as tuples of plain text in the order of
    the query's variables; rows with a blank node or a literal are left out.

    On a store, a TSV line of IRIs is ``<a>\\t<b>``, and an IRI holds neither ``>`` nor a tab: the line is cut
    at those, without reading it cell by cell (the entity graph's 300,000 links in a fraction of a second).
    """
    from ..query import QUERY_PREFIXES, _is_store

    if not _is_store(source):
        from rdflib import URIRef

        rows = select(source, query)
        return [
            tuple(str(value) for value in row.values())
            for row in rows
            if all(isinstance(value, URIRef) for value in row.values())
        ]
    import pyoxigraph

    answer = source.query(query, prefixes=QUERY_PREFIXES)
    header, *lines = answer.serialize(format=pyoxigraph.QueryResultsFormat.TSV).decode("utf-8").split("\n")
    width = len(header.split("\t"))
    cut = (line[1:-1].split(">\t<") for line in lines if line.startswith("<") and line.endswith(">"))
    return [tuple(cells) for cells in cut if len(cells) == width]


def select_named(source: Any, name: str, *, arguments: Mapping[str, str] | None = None) -> list[Row]:
    """Run a named query of ``kg/queries`` and return its rows."""
    from ..query import run_named

    return run_named(source, name, arguments=arguments).rows


def text(term: Any) -> str:
    """A term as plain text ('' for an unbound variable)."""
    return "" if term is None else str(term)


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``…/level/province`` → ``province``."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


def as_date(term: Any) -> dt.date | None:
    """A date from an xsd:date, xsd:gYearMonth or xsd:gYear literal; missing month or day count as 1."""
    if term is None:
        return None
    value = term.toPython() if hasattr(term, "toPython") else term
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(term))
    if not match:
        return None
    year, month, day = match.groups()
    return dt.date(int(year), int(month or 1), int(day or 1))


_LABELS = """
SELECT ?node ?label (LANG(?label) AS ?language) WHERE {
  %s
  { ?node rdfs:label ?label } UNION { ?node skos:prefLabel ?label } UNION { ?node dcterms:title ?label }
}"""
_CHUNK = 2000


def labels(source: Any, nodes: Iterable[str] | None = None) -> dict[str, str]:
    """Display labels: Chinese first, then English, then any; ties broken by text.

    With ``nodes``, only those nodes' labels are read (a VALUES block per chunk), which is much cheaper than
    reading every label of the dataset. Labels are read as plain text (:func:`select_plain`).
    """
    if nodes is None:
        return _best_labels(select_plain(source, _LABELS % ""))
    wanted = sorted(set(nodes))
    rows: list[PlainRow] = []
    for start in range(0, len(wanted), _CHUNK):
        values = " ".join(f"<{node}>" for node in wanted[start : start + _CHUNK] if _SAFE_IRI.match(node))
        rows.extend(select_plain(source, _LABELS % f"VALUES ?node {{ {values} }}"))
    return _best_labels(rows)


_SAFE_IRI = re.compile(r"^[^<>\"{}|^`\\\s]+$")


def _best_labels(rows: list[PlainRow]) -> dict[str, str]:

    def preference(row: PlainRow) -> tuple[int, str]:
        language = (row["language"] or "").lower()
        rank = 0 if language.startswith("zh") else 1 if language.startswith("en") else 2
        return rank, row["label"] or ""

    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        node = str(row["node"])
        candidate = preference(row)
        if node not in best or candidate < best[node]:
            best[node] = candidate
    return {node: label for node, (_, label) in best.items()}


def label_of(node: str, names: Mapping[str, str]) -> str:
    """A node's label, or the last segment of its IRI when it has none."""
    return names.get(node) or local_name(node)


@dataclass(frozen=True)
class Region:
    """A jurisdiction of the dataset."""

    iri: str
    code: str
    label: str
    level: str


_REGIONS = """
SELECT ?j ?code ?label ?level WHERE {
  ?j a fz:Jurisdiction .
  OPTIONAL { ?j fz:adminCode ?code }
  OPTIONAL { ?j rdfs:label ?label FILTER(langMatches(lang(?label), "zh")) }
  OPTIONAL { ?j fz:level ?level }
  %s
}"""
_CANDIDATE_FILTER = "FILTER(STR(?j) = ?wanted || STR(?code) = ?wanted || STRSTARTS(STR(?label), ?short))"

_LEVEL_ORDER = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
_SUFFIXES = (*DIVISION_SUFFIXES, "县", "区")


def regions(source: Any) -> list[Region]:
    """Every jurisdiction with its code, Chinese label and level, sorted by code."""
    return _regions(select(source, _REGIONS % ""))


def find_region(source: Any, query: str) -> Resolution:
    """The region the user means (see ``resolve_region``), reading only the jurisdictions that could fit."""
    from rdflib import Literal

    wanted = query.strip()
    values = f"VALUES (?wanted ?short) {{ ({Literal(wanted).n3()} {Literal(short_name(wanted)).n3()}) }}"
    return resolve_region(_regions(select(source, _REGIONS % (values + _CANDIDATE_FILTER))), wanted)


def _regions(rows: list[Row]) -> list[Region]:
    found: dict[str, Region] = {}
    for row in rows:
        iri = str(row["j"])
        region = Region(iri, text(row["code"]), text(row["label"]), local_name(text(row["level"])))
        if iri not in found or region.label < found[iri].label:
            found[iri] = region
    return sorted(found.values(), key=lambda r: (r.code, r.iri))


def short_name(label: str) -> str:
    """A jurisdiction's name without its administrative suffix: 吉林省 → 吉林, 宁夏回族自治区 → 宁夏."""
    for suffix in _SUFFIXES:
        if label.endswith(suffix) and len(label) > len(suffix) + 1:
            return label[: -len(suffix)]
    return label


@dataclass(frozen=True)
class Resolution:
    """A region found from the user's text, and the other jurisdictions the text could have meant."""

    region: Region
    alternatives: tuple[Region, ...] = ()


def resolve_region(candidates: list[Region], query: str) -> Resolution:
    """Find a region by 6-digit code, IRI, exact Chinese name or name without suffix (吉林 → 吉林省).

    When a short name fits several jurisdictions, the highest level wins (吉林 → the province, not the city)
    and the others are returned as alternatives so that the caller can say how to pick them.

    :raises UnknownRegionError: no jurisdiction fits, or several fit at the same level.
    """
    wanted = query.strip()
    exact = [r for r in candidates if wanted in (r.code, r.iri, r.label)]
    if len(exact) == 1:
        return Resolution(exact[0])
    loose = exact or [r for r in candidates if r.label and short_name(r.label) == short_name(wanted)]
    if not loose:
        raise UnknownRegionError(
            f"region {query!r}: no jurisdiction of the dataset has this code or name; give a 6-digit code "
            "(e.g. 220000) or a Chinese name (e.g. 吉林 or 吉林省)"
        )
    loose.sort(key=lambda r: (_LEVEL_ORDER.get(r.level, 9), r.code))
    top = [r for r in loose if _LEVEL_ORDER.get(r.level, 9) == _LEVEL_ORDER.get(loose[0].level, 9)]
    if len(top) > 1:
        listed = ", ".join(f"{r.label} ({r.code})" for r in top)
        raise UnknownRegionError(f"region {query!r} is ambiguous: {listed}; give the 6-digit code instead")
    return Resolution(top[0], tuple(loose[1:]))
