"""RQ11's last step, which no SPARQL query can take: checking a source document's checksum against the file.

``rq11-provenance`` reports the sha256 the dataset records for each span's document; a query cannot read
files, so its ``checksum`` column says "not checked". :func:`check_files` runs after the query: for each row
whose document is listed in ``data/reference/documents.tsv`` it hashes the file at the document's path hint
(relative to the source checkout) and writes what it found into ``checksum``: the file matches, differs, or
is not at hand (then still "not checked", with the reason). A public web page that a checked fact was taken
from (``data/reference/public-sources.tsv``) has no local copy: its row says so and is never hashed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .query import QueryResult
    from .sources import SourceDocument

COLUMN = "checksum"


def check_files(result: QueryResult, *, root: Path | None = None) -> QueryResult:
    """``result`` (of ``rq11-provenance``) with its ``checksum`` column filled from the files at hand.

    :param root: the folder the documents' path hints are relative to; by default the source checkout (none
        in an installed wheel, so nothing is checked there).
    """
    from rdflib import Literal

    from .facts import read_public_sources
    from .resources import data_dir, repository_root
    from .sources import read_documents

    if COLUMN not in result.variables:
        return result
    documents = read_documents(data_dir() / "reference" / "documents.tsv")
    public = read_public_sources()
    base = root if root is not None else repository_root()
    verdicts: dict[str, str] = {}
    rows = []
    for row in result.rows:
        document, recorded = row.get("document"), row.get("sha256")
        checked = dict(row)
        differs = str(row.get(COLUMN, "")).startswith("DIFFERS")
        key = str(document).rsplit("/", 1)[-1] if document is not None else ""
        if recorded is None and key in public:
            address = public[key].url
            checked[COLUMN] = Literal(f"not checked: a web source ({address}); no local copy to hash")
        elif document is not None and recorded is not None and not differs:
            if key not in verdicts:
                verdicts[key] = _verdict(documents.get(key), str(recorded), base)
            checked[COLUMN] = Literal(verdicts[key])
        rows.append(checked)
    return replace(result, rows=rows)


def _verdict(document: SourceDocument | None, recorded: str, base: Path | None) -> str:
    from .sources import sha256_of

    if document is None:
        return "not checked: the document is not listed in data/reference/documents.tsv"
    if base is None:
        return f"not checked: {document.path_hint} is not at hand (no source checkout)"
    path = (base / document.path_hint).resolve()
    if not path.is_file():
        return f"not checked: {document.path_hint} is not at hand"
    actual = sha256_of(path)
    if actual == recorded:
        return f"matches the file {document.path_hint}"
    return f"DIFFERS from the file {document.path_hint} (its sha256 is {actual})"
