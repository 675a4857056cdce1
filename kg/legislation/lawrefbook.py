"""Reader of LawRefBook SQLite files (table ``law``), read-only.

The database is opened through a ``file:`` URI made by :meth:`pathlib.Path.as_uri`, which percent-encodes
``?``, ``#`` and ``%`` in the path, so a file name cannot add URI parameters (``mode=ro`` stays in force).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kg.errors import InputError

SOURCE = "lawrefbook"
"""The dataset name in provenance; the record table names each file by its stem (``local-beijing``)."""

LAW_COLUMNS = ("id", "level", "name", "publish", "valid_from", "expired", "ver")
OPEN_END = "2099-12-31"
"""The ``valid_to`` of a law in force in the website build's databases, which have ``valid_to`` instead of
``expired``: any other date there marks the record expired."""


def read_only_uri(path: Path) -> str:
    """``file:///…?mode=ro`` for a path, every special character percent-encoded."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def read_law_rows(path: Path) -> list[dict[str, object]]:
    """The rows of table ``law``, read-only; InputError for what is not a LawRefBook database."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; give LawRefBook .sqlite3 files")
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise InputError(f"{path}: cannot open ({error}); give a LawRefBook .sqlite3 file") from None
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "law" not in tables:
            raise InputError(
                f"{path}: SQLite file without the table `law`; give a LawRefBook database (.sqlite3)"
            )
        columns = {row[1] for row in connection.execute("PRAGMA table_info(law)")}
        wanted = list(LAW_COLUMNS)
        if "expired" not in columns and "valid_to" in columns:
            wanted[wanted.index("expired")] = "valid_to"
        missing = [c for c in wanted if c not in columns]
        if missing:
            lacking = ", ".join(missing)
            raise InputError(f"{path}: table `law` lacks the column(s) {lacking}; give a LawRefBook database")
        select = ", ".join(f'"{c}"' for c in wanted)
        rows = []
        for values in connection.execute(f"SELECT {select} FROM law ORDER BY id"):
            row = dict(zip(wanted, values, strict=True))
            if "valid_to" in row:
                end = row.pop("valid_to")
                row["expired"] = 1 if isinstance(end, str) and end.strip() not in ("", OPEN_END) else 0
            rows.append(row)
        return rows
    except sqlite3.DatabaseError as error:
        raise InputError(f"{path}: not a SQLite database ({error}); give a LawRefBook .sqlite3") from None
    finally:
        connection.close()
