"""Notice text → draft case files: normalisation, layout, cases, measures, findings, spans, evaluation.

:func:`extract_file` reads a notice (UTF-8, GB18030 or GBK), finds its cases and returns an
:class:`~kg.extract.pipeline.Extraction` whose drafts are case-file data with ``status: draft``. The modules:
``text`` (decoding, de-wrapped text with offsets), ``layout`` (layouts a/b/c, cases, chrome, preamble),
``measures``, ``entities`` (regulations, institutions, mechanisms, outcomes), ``lexicon`` (SKOS labels),
``pipeline``, ``draft`` (writing), ``span`` (``kg span``) and ``evaluate`` (accuracy against curated cases).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import Extraction
    from .text import SourceText


def read_source(path: Path, *, max_bytes: int | None = None) -> SourceText:
    """Read and decode a notice file; empty, binary or undecodable input raises InputError."""
    from kg.loading import DEFAULT_MAX_BYTES, read_bytes

    from .text import decode

    data = read_bytes(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, what="notice text file")
    return decode(data, str(path))


def identify(source: SourceText, stem: str) -> tuple[str, str]:
    """(document id, notice id) for a source: the registered ones when its sha256 is in
    ``data/reference/documents.tsv``, else a slug of the file name for both."""
    from kg.resources import data_dir
    from kg.sources import read_documents

    documents = read_documents(data_dir() / "reference" / "documents.tsv")
    for document in documents.values():
        if document.sha256 == source.sha256:
            return document.id, _notice_of(document.id) or document.id
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "notice"
    return slug, slug


def _notice_of(document_id: str) -> str | None:
    """The notice derived from a span of this document, as data/reference/notice.ttl records it."""
    from rdflib import PROV, RDF

    from kg.loading import read_rdf
    from kg.resources import data_dir
    from kg.terms import FZ

    graph = read_rdf(data_dir() / "reference" / "notice.ttl")
    for notice in sorted(graph.subjects(RDF.type, FZ.Notice), key=str):
        for span in graph.objects(notice, PROV.wasDerivedFrom):
            document = graph.value(span, FZ.inDocument)
            if document is not None and str(document).rstrip("/").endswith("/" + document_id):
                return str(notice).rstrip("/").rpartition("/")[2]
    return None


def extract_file(
    path: Path, *, notice: str | None = None, document: str | None = None, max_bytes: int | None = None
) -> tuple[SourceText, Extraction]:
    """Extract the draft cases of a notice file.

    :raises InputError: empty or binary input, or text in which no case is recognisable.
    """
    from kg.errors import InputError

    from .pipeline import extract

    source = read_source(path, max_bytes=max_bytes)
    known_document, known_notice = identify(source, path.stem)
    extraction = extract(source, document=document or known_document, notice=notice or known_notice)
    if extraction is None:
        raise InputError(
            f"{path}: no recognisable case: no headline opening with a region (北京市出台…), no numbered "
            "case (1.江苏省苏州市…) and no region heading (一、北京市); see docs/extract.md"
        )
    return source, extraction
