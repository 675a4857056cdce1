"""The public datasets the legislation records come from: what provenance names for each source record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    """A public dataset at one commit: its id (the IRI segment), title, address and commit."""

    id: str
    title: str
    address: str
    commit: str


LAWREFBOOK = Dataset(
    "lawrefbook-laws",
    "LawRefBook/Laws (SQLite databases)",
    "https://github.com/LawRefBook/Laws",
    "2f4c5c2",
)
LAWREFBOOK_SITE = Dataset(
    "lawrefbook-site",
    "LawRefBook/lawrefbook.github.io, branch build (DLC provincial databases)",
    "https://github.com/LawRefBook/lawrefbook.github.io",
    "7451ff3",
)
FLK = Dataset(
    "flk-bibliotheca",
    "国家法律法规数据库 地方性法规, as scraped into sonqyau/Bibliotheca",
    "https://github.com/sonqyau/Bibliotheca",
    "9d3056d",
)

SITE_FILES = frozenset({"local-tianjin", "local-sichuan", "local-hebei", "local-hainan"})
"""LawRefBook files taken from the website build rather than the Laws repository."""


def dataset_of(source: str) -> Dataset:
    """The dataset a record table's ``source`` (a LawRefBook file stem or ``flk``) comes from."""
    if source == "flk":
        return FLK
    return LAWREFBOOK_SITE if source in SITE_FILES else LAWREFBOOK


def record_path(source: str, record: str, path: str) -> str:
    """The record's place in its dataset: the flk file path, or ``{file}.sqlite3#law/{id}``."""
    if source == "flk":
        return f"国家法律法规数据库/地方法规/地方性法规/{path}"
    return f"{source}.sqlite3#law/{record}"
