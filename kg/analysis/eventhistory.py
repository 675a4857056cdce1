"""The event-history table of policy-diffusion research, and adoption by province for the tile-grid map.

An event-history table (Berry and Berry 1990) has one row per jurisdiction and year while the jurisdiction is
"at risk": from the first year observed until the year it adopts (adopted = 1 in that row, and no rows after)
or the last year observed. Researchers feed it to a discrete-time hazard model (logit in R or Stata).

A policy is a set of regulation topics: one topic, or every topic a mechanism is linked to (the earliest
adoption of any of them counts). The population at risk is every jurisdiction of the chosen levels in the
dataset, whether or not it adopted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .diffusion import AdoptionTable
from .sparql import local_name, select

LEVELS = ("province", "prefecture", "county")
HEADER = ("jurisdiction", "code", "name", "province", "province_name", "level", "year", "adopted")


@dataclass(frozen=True)
class Place:
    """A jurisdiction of the population at risk: IRI, 6-digit code, Chinese name and level."""

    iri: str
    code: str
    name: str
    level: str

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True)
class HistoryRow:
    """One jurisdiction-year of the event-history table."""

    place: Place
    province_name: str
    year: int
    adopted: int

    def cells(self) -> list[str]:
        p = self.place
        return [
            p.iri,
            p.code,
            p.name,
            p.province,
            self.province_name,
            p.level,
            str(self.year),
            str(self.adopted),
        ]


_PLACES = """
SELECT ?j ?code ?name ?level WHERE {
  ?j a fz:Jurisdiction ; fz:adminCode ?code ; fz:level ?level ; rdfs:label ?name .
  FILTER (lang(?name) = "zh")
}"""

_MECHANISM_TOPICS = """
SELECT DISTINCT ?mechanism ?topic ?wanted WHERE {
  ?mechanism a fz:Mechanism ; skos:prefLabel ?label .
  ?narrower skos:broader* ?mechanism .
  ?narrower skos:closeMatch|skos:relatedMatch ?topic .
  FILTER (STR(?mechanism) = ?wanted || STR(?label) = ?wanted)
}"""


def places(source: Any, levels: Iterable[str] = ("province",)) -> list[Place]:
    """Every jurisdiction of the dataset at the given levels, by code."""
    wanted = set(levels)
    found = {
        str(row["j"]): Place(str(row["j"]), str(row["code"]), str(row["name"]), local_name(str(row["level"])))
        for row in select(source, _PLACES)
    }
    return sorted((p for p in found.values() if p.level in wanted), key=lambda p: p.code)


def mechanism_topics(source: Any, mechanism: str) -> set[str]:
    """The topics a mechanism (IRI or label) and its narrower mechanisms are linked to.

    :raises InputError: when the mechanism is unknown or linked to no topic.
    """
    from rdflib import Literal

    rows = select(source, _MECHANISM_TOPICS, bindings={"wanted": Literal(mechanism)})
    if not rows:
        raise InputError(
            f"mechanism {mechanism!r} is linked to no regulation topic; see data/vocab/mechanism-topics.tsv"
        )
    return {str(row["topic"]) for row in rows}


def adoption_years(table: AdoptionTable, topics: set[str]) -> dict[str, int]:
    """jurisdiction → the year it first adopted any of ``topics``."""
    years: dict[str, int] = {}
    for adoption in table.adoptions:
        if adoption.topic in topics:
            year = adoption.date.year
            years[adoption.jurisdiction] = min(year, years.get(adoption.jurisdiction, year))
    return years


def event_history(
    table: AdoptionTable,
    topics: set[str],
    population: Sequence[Place],
    *,
    start: int | None = None,
    end: int | None = None,
    province_names: Mapping[str, str] | None = None,
) -> list[HistoryRow]:
    """The event-history table: each place from ``start`` until it adopts or ``end``.

    ``start`` defaults to the first adoption year of the policy anywhere, ``end`` to the last one; places that
    adopted before ``start`` are left-censored and have no rows.
    """
    years = adoption_years(table, topics)
    if not years and (start is None or end is None):
        raise InputError("the policy has no dated adoption; give --start and --end to list the population")
    first = start if start is not None else min(years.values())
    last = end if end is not None else max(years.values())
    if first > last:
        raise InputError(f"start year {first} is after end year {last}")
    names = dict(province_names or {p.code: p.name for p in population if p.level == "province"})
    rows: list[HistoryRow] = []
    for place in population:
        adopted = years.get(place.iri)
        province = names.get(place.province, "")
        for year in range(first, last + 1):
            if adopted is not None and adopted < year:
                break
            rows.append(HistoryRow(place, province, year, int(adopted == year)))
    return rows


def history_csv(rows: Iterable[HistoryRow]) -> str:
    """The table as CSV with a header (UTF-8, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(row.cells() for row in rows)
    return out.getvalue()


@dataclass(frozen=True)
class ProvinceAdoption:
    """A province's adoption of a policy: the year the province itself adopted, and the first year any
    jurisdiction in it (the province or a city or county) did."""

    code: str
    name: str
    own: int | None
    anywhere: int | None
    adopters: int


def province_adoptions(
    table: AdoptionTable, topics: set[str], provinces: Sequence[Place]
) -> list[ProvinceAdoption]:
    """One row per province, for the tile-grid map."""
    years = adoption_years(table, topics)
    by_province: dict[str, list[tuple[str, int]]] = {}
    for iri, year in years.items():
        code = iri.rsplit("/", 1)[-1]
        if code[:2].isdigit():
            by_province.setdefault(code[:2], []).append((code, year))
    rows = []
    for place in provinces:
        members = by_province.get(place.code[:2], [])
        own = next((year for code, year in members if code == place.code), None)
        anywhere = min((year for _code, year in members), default=None)
        rows.append(ProvinceAdoption(place.code, place.name, own, anywhere, len(members)))
    return rows


def cumulative_by_level(
    table: AdoptionTable, topics: set[str], levels: Mapping[str, str]
) -> dict[str, list[tuple[int, int]]]:
    """level → [(year, cumulative adopters at that level by the end of the year)], over the policy's years."""
    years = adoption_years(table, topics)
    if not years:
        return {}
    span = range(min(years.values()), max(years.values()) + 1)
    counts: dict[str, list[tuple[int, int]]] = {}
    for level in sorted({levels.get(j, "country") for j in years}):
        members = [y for j, y in years.items() if levels.get(j, "country") == level]
        counts[level] = [(year, sum(1 for y in members if y <= year)) for year in span]
    return counts
