"""The imported works as a corpus that case files' regulations are linked to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.legislation.records import LawRecord, read_records
from kg.legislation.resolver import resolve_jurisdiction
from kg.legislation.titles import normalise_title

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

    from kg.casefile import Regulation
    from kg.divisions import JurisdictionTable
    from kg.terms import Ids


class LegislationCorpus:
    """The imported works, looked up by (normalised title, jurisdiction code or None)."""

    def __init__(
        self, records: Iterable[LawRecord], table: JurisdictionTable, ids: Ids | None = None
    ) -> None:
        from kg.legislation.rdf import work_iri
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


def corpus_graph(path: Path | None = None) -> Graph:
    """The graph of a legislation table (default: the bundled one), with the bundled jurisdiction table."""
    from kg.divisions import jurisdiction_table
    from kg.legislation.rdf import legislation_graph

    return legislation_graph(read_records(path), jurisdiction_table())


def case_linker(path: Path | None = None) -> Callable[[Regulation], URIRef | None]:
    """A function from a case file's regulation to the imported work it names (None: case-only)."""
    from kg.divisions import jurisdiction_table

    corpus = LegislationCorpus(read_records(path), jurisdiction_table())

    def link(regulation: Regulation) -> URIRef | None:
        return link_case_regulation(regulation.title, regulation.jurisdiction, corpus)

    return link
