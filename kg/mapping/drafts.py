"""The notices and source documents that draft cases name before anyone has registered them.

``kg extract`` of a new notice writes drafts whose notice and document are not in ``data/reference/``. So that
such drafts build and validate, each unregistered notice becomes a ``fz:Notice`` and each unregistered
document a ``fz:SourceDocument`` (sha256 from the drafts), labelled as unregistered. Registered ones are left
to the reference data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..casefile import Case
from ..terms import FZ, Ids


def unregistered_triples(
    cases: Iterable[Case],
    *,
    notices: Collection[str],
    documents: Collection[str],
    ids: Ids | None = None,
) -> set[tuple[URIRef, URIRef, URIRef | Literal]]:
    """Triples that make the unregistered notices and documents of draft cases valid nodes."""
    ids = ids or Ids()
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()
    for case in cases:
        if case.status != "draft":
            continue
        if case.notice not in notices:
            notice = ids.notice(case.notice)
            triples.add((notice, RDF.type, FZ.Notice))
            triples.add((notice, RDFS.label, Literal(f"未登记的通报 {case.notice}", lang="zh")))
            triples.add((notice, RDFS.label, Literal(f"Unregistered notice {case.notice}", lang="en")))
        if case.source is not None and case.source.document not in documents:
            document = ids.document(case.source.document)
            triples.add((document, RDF.type, FZ.SourceDocument))
            triples.add((document, FZ.sha256, Literal(case.source.sha256)))
            triples.add((document, DCTERMS.title, Literal(case.source.document)))
            triples.add(
                (document, RDFS.label, Literal(f"未登记的来源文件 {case.source.document}", lang="zh"))
            )
    return triples
