"""Tabular results as aligned text, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

FORMATS = ("text", "csv", "json")


@dataclass(frozen=True)
class Table:
    """Named columns, rows of plain values, and notes saying how the numbers were made."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    notes: tuple[str, ...] = field(default=())


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _cell(value: Any, *, rounded: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_cell(v, rounded=rounded) for v in value)
    if isinstance(value, float) and rounded:
        return f"{value:.4f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters count two.

    Each distinct character is looked up once (a community of the entity graph lists 100,000 labels in one
    cell)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(count for ch, count in Counter(text).items() if _wide(ch))


@functools.lru_cache(maxsize=65536)
def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def render(table: Table, fmt: str) -> str:
    """The table as ``text`` (aligned, 4 decimals, notes below), ``csv`` (full precision, no notes) or
    ``json`` (rows as objects, and the notes)."""
    if fmt == "json":
        rows = [{c: _json_value(v) for c, v in zip(table.columns, row, strict=True)} for row in table.rows]
        return json.dumps({"rows": rows, "notes": list(table.notes)}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([_cell(v, rounded=False) for v in row] for row in table.rows)
        return out.getvalue()
    if fmt != "text":
        raise InputError(f"unknown table format {fmt!r}; choose from {', '.join(FORMATS)}")
    cells = [list(table.columns), *[[_cell(v) for v in row] for row in table.rows]]
    # The last column is not padded: its cells can be long (a community's members), the padding stripped.
    widths = [[width(c) for c in row] for row in cells]
    sizes = [max(row[i] for row in widths) for i in range(len(table.columns) - 1)] + [0]
    lines = [
        "  ".join(c + " " * (s - w) for c, w, s in zip(row, row_widths, sizes, strict=True)).rstrip()
        for row, row_widths in zip(cells, widths, strict=True)
    ]
    lines.insert(1, "  ".join("-" * s for s in [*sizes[:-1], max(row[-1] for row in widths)]))
    if not table.rows:
        lines.append("(no rows)")
    lines.extend(f"note: {note}" for note in table.notes)
    return "\n".join(lines) + "\n"


def rows_of(items: Sequence[Any], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows from dataclass instances, taking the given attributes in order."""
    return [tuple(getattr(item, c) for c in columns) for item in items]
