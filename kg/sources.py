"""Source documents: checksums and the line ↔ character-offset arithmetic behind every source span.

Lines are 1-based and inclusive, as ``nl -ba`` numbers them; offsets are 0-based Unicode code points into the
document's text, the end exclusive. A span of lines starts at the first character of its first line and ends
at the end of its last line, without the line break.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError


@dataclass(frozen=True)
class SourceDocument:
    """A document that case files cite, as recorded in ``data/reference/documents.tsv``."""

    id: str
    title: str
    sha256: str
    path_hint: str
    lines: int
    characters: int


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in blocks (published dumps are hundreds of MB)."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def line_offsets(text: str, first: int, last: int) -> tuple[int, int] | None:
    """The ``[start, end)`` code-point offsets of lines ``first``–``last`` of ``text``, or None if outside."""
    lines = text.splitlines(keepends=True)
    if not 1 <= first <= last <= len(lines):
        return None
    start = sum(len(line) for line in lines[: first - 1])
    end = start + sum(len(line) for line in lines[first - 1 : last])
    return start, end - len(lines[last - 1]) + len(lines[last - 1].rstrip("\r\n"))


def read_documents(path: Path) -> dict[str, SourceDocument]:
    """The documents table, by id."""
    documents = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        expected = ["id", "title", "sha256", "path_hint", "lines", "characters"]
        if reader.fieldnames != expected:
            raise InputError(f"{path}:1: header must be {' '.join(expected)}")
        for row in reader:
            documents[row["id"]] = SourceDocument(
                row["id"],
                row["title"],
                row["sha256"],
                row["path_hint"],
                int(row["lines"]),
                int(row["characters"]),
            )
    return documents


def document_paths(documents: dict[str, SourceDocument], root: Path) -> dict[str, Path]:
    """Where each document would be found: its path hint, relative to ``root``."""
    return {document.id: (root / document.path_hint).resolve() for document in documents.values()}


def available_texts(documents: dict[str, SourceDocument], root: Path) -> dict[str, str]:
    """The texts of the documents found at their path hint (relative to ``root``) with a matching checksum."""
    texts = {}
    for document_id, candidate in document_paths(documents, root).items():
        document = documents[document_id]
        if candidate.is_file() and sha256_of(candidate) == document.sha256:
            texts[document.id] = candidate.read_text(encoding="utf-8")
    return texts


def source_document_paths() -> list[Path]:
    """The source documents a build reads to check case spans (empty outside a source checkout)."""
    from .resources import data_dir, repository_root

    root = repository_root()
    if root is None:
        return []
    return sorted(document_paths(read_documents(data_dir() / "reference" / "documents.tsv"), root).values())
