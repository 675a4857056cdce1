"""Reader of the national law database's local documents (``flk-local/local-regulations.jsonl.gz``).

One JSON object a line: ``region_folder`` (the issuing region as the database names it, may be empty),
``file`` (the title plus ``.md``), ``blob`` (the git blob id of the full file) and ``header`` (the ``#
title`` line and the history, one ``- `` line per event). The reader checks every line and returns plain
records; it keeps no text beyond the title and the history lines. A file that is not gzip, a truncated
stream, a line that is not a JSON object or lacks a field stops the read with one message naming the
file and line."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.legislation.history import history_lines

SOURCE = "flk"
"""The source name in the record table."""

FIELDS = ("region_folder", "file", "blob", "header")
_BLOB = re.compile(r"^[0-9a-f]{40}$")
_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]+")
_TITLE = re.compile(r"^#\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class FlkRecord:
    """One document as the database publishes it: title, region folder, blob id and history lines.

    The title is the file name without ``.md`` and without white space or control characters (one file name
    holds a line break); the ``# `` heading only where the name is empty.
    """

    line: int
    title: str
    folder: str
    file: str
    blob: str
    history: tuple[str, ...]

    @property
    def path(self) -> str:
        """The file's path in the source repository below the 地方性法规 folder."""
        return f"{self.folder}/{self.file}" if self.folder else self.file


def _fail(path: Path, line: int, problem: str) -> InputError:
    return InputError(
        f"{path}:{line}: {problem}; give the flk-local JSONL.gz file (one object a line with "
        f"{', '.join(FIELDS)})"
    )


def parse_object(path: Path, number: int, text: str) -> FlkRecord:
    """One JSON line → a record; InputError naming the line for what is not a well-formed record."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(path, number, f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(value, dict):
        raise _fail(path, number, f"a JSON {type(value).__name__}, not an object")
    missing = [name for name in FIELDS if name not in value]
    if missing:
        raise _fail(path, number, f"the object lacks {', '.join(missing)}")
    wrong = [name for name in FIELDS if not isinstance(value[name], str)]
    if wrong:
        raise _fail(path, number, f"{', '.join(wrong)} must be text")
    if not _BLOB.match(value["blob"]):
        raise _fail(path, number, f"blob {value['blob']!r} is not a 40-digit git blob id")
    file, header = value["file"], value["header"]
    title = _CONTROL.sub("", file.removesuffix(".md"))
    if not title:
        heading = _TITLE.search(header)
        title = _CONTROL.sub("", heading.group(1)) if heading else ""
    if not title:
        raise _fail(path, number, "no title (empty file name and no # heading)")
    return FlkRecord(
        line=number,
        title=title,
        folder=value["region_folder"].strip(),
        file=_CONTROL.sub("", file),
        blob=value["blob"],
        history=tuple(history_lines(header)),
    )


def read_flk(path: Path) -> list[FlkRecord]:
    """Every record of a JSONL.gz file, read-only; InputError for a bad file or line (nothing half-read)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; give ../shared/data/flk-local/local-regulations.jsonl.gz")
    records: list[FlkRecord] = []
    number = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as stream:
            for number, text in enumerate(stream, start=1):
                if text.strip():
                    records.append(parse_object(path, number, text))
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as error:
        raise InputError(
            f"{path}: not a complete gzip file after line {number} ({error}); fetch the file again"
        ) from None
    if not records:
        raise InputError(f"{path}: no records; give the flk-local JSONL.gz file")
    return records
