"""The legislation layer: importers (LawRefBook SQLite, the national database's JSONL.gz), the history
grammar, the jurisdiction resolver, topics and the mapping to RDF, one module each (docs/legislation.md).

Dependencies run one way: ``titles`` → ``resolver`` → ``topics``; ``history`` → ``records`` → readers
(``lawrefbook``, ``flk``) → ``importer``; ``rdf`` maps records; ``corpus`` links case files. The public names
are re-exported here; the resolver is shared with text extraction (``from kg.legislation import
resolve_jurisdiction``). Names that need rdflib are loaded on first use, so this package stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.legislation.corpus import LegislationCorpus, case_linker, corpus_graph, link_case_regulation
from kg.legislation.history import Event, History, parse_history
from kg.legislation.importer import ImportReport, collect_records, import_lawrefbook, import_legislation
from kg.legislation.records import (
    COUNTRY,
    LEVEL_KINDS,
    TSV_HEADER,
    TSV_NAME,
    LawRecord,
    default_tsv_path,
    read_records,
    records_text,
)
from kg.legislation.resolver import NATIONAL_LEVELS, NATIONAL_PREFIXES, Resolution, resolve_jurisdiction
from kg.legislation.titles import balanced_brackets, normalise_title, title_hash
from kg.legislation.topics import Topic, normalise_topic, topic_iri

if TYPE_CHECKING:
    from kg.legislation.rdf import work_iri

__all__ = [
    "COUNTRY",
    "LEVEL_KINDS",
    "NATIONAL_LEVELS",
    "NATIONAL_PREFIXES",
    "TSV_HEADER",
    "TSV_NAME",
    "Event",
    "History",
    "ImportReport",
    "LawRecord",
    "LegislationCorpus",
    "Resolution",
    "Topic",
    "balanced_brackets",
    "case_linker",
    "collect_records",
    "corpus_graph",
    "default_tsv_path",
    "import_lawrefbook",
    "import_legislation",
    "link_case_regulation",
    "normalise_title",
    "normalise_topic",
    "parse_history",
    "read_records",
    "records_text",
    "resolve_jurisdiction",
    "title_hash",
    "topic_iri",
    "work_iri",
]


def __getattr__(name: str) -> Any:
    """``work_iri`` lives with the RDF mapping and is imported on first use."""
    if name == "work_iri":
        from kg.legislation.rdf import work_iri

        return work_iri
    raise AttributeError(name)
