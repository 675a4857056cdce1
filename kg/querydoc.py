"""What a named query is, in words: its ``--list`` line and its ``--describe`` page; and advice on answers.

Kept apart from :mod:`kg.query` (guard, execution) because it only reads what that module parses: a named
query's header comments, its parameters with their defaults, and the columns its SELECT returns.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .query import NamedQuery, QueryResult


def list_line(query: NamedQuery) -> str:
    """One ``kg query --list`` line: the name first (scripts read the first word), parameters, question."""
    parameters = " ".join(f"-p {name}={_short(term)}" for name, term in sorted(query.parameters.items()))
    middle = f"  [{parameters}]" if parameters else ""
    return f"{query.name}{middle}  {query.question}"


def notes(query: NamedQuery) -> list[str]:
    """The header's free comment lines (after name, question and parameters), joined into paragraphs."""
    lines = []
    for line in query.text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        text = line.lstrip("#").strip()
        if re.match(r"(name|question|param)\s*:", text):
            continue
        lines.append(text)
    return [" ".join(lines)] if lines else []


def describe(query: NamedQuery) -> str:
    """``kg query --describe NAME``: question, parameters with defaults, columns, notes and an example."""
    from .query import check

    columns = check(query.text).variables
    out = [f"{query.name}", "", f"Question: {query.question}", ""]
    if query.parameters:
        out.append("Parameters (written in the query as VALUES; -p NAME=VALUE replaces, -p NAME=* drops):")
        for name, term in sorted(query.parameters.items()):
            out.append(f"  {name}  default {_short(term)}  ({term.n3()})")
    else:
        out.append("Parameters: none")
    out += ["", "Columns: " + ", ".join(columns), ""]
    for paragraph in notes(query):
        out += [paragraph, ""]
    example = f"kg query --name {query.name}"
    if query.parameters:
        name, term = sorted(query.parameters.items())[0]
        example += f" -p {name}={_short(term)}"
    out += ["Example:", f"  {example}", f"  {example} --format csv", ""]
    out.append(f"The query text (runs as it stands in any SPARQL 1.1 engine): {query.path or '(not a file)'}")
    return "\n".join(out) + "\n"


def _short(term: object) -> str:
    """A default as a user types it after ``-p``: a path under the base for the dataset's IRIs."""
    from rdflib import Literal

    from .namespaces import DEFAULT_BASE

    if isinstance(term, Literal):
        return str(term)
    text = str(term)
    return text[len(DEFAULT_BASE) :] if text.startswith(DEFAULT_BASE) else f"<{text}>"


def group_concat_warnings(text: str, result: QueryResult) -> list[str]:
    """Warnings for ``GROUP_CONCAT(?x)`` columns that are empty in every row: GROUP_CONCAT joins strings only,
    so over IRIs (or numbers, on some engines) it fails, which SPARQL turns into an empty cell.

    A column empty in only some rows is taken for groups with nothing to join (an unmatched OPTIONAL), and a
    variable bound by a string function (``BIND (STR(…) AS ?x)``) is known to be text.
    """
    from .query import term_text

    warnings = []
    pattern = r"GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?(\w+)[^)]*\)\s*AS\s+\?(\w+)"
    for variable, column in re.findall(pattern, text, flags=re.I):
        textual = rf"(STR|CONCAT|LCASE|UCASE|SUBSTR|STRBEFORE|STRAFTER|REPLACE)\s*\(.*\bAS\s+\?{variable}\b"
        if re.search(textual, text, flags=re.I):
            continue
        cells = [row.get(column) for row in result.rows]
        if column in result.variables and cells and all(term_text(cell) == "" for cell in cells):
            warnings.append(
                f"warning: column ?{column} is empty in every row: GROUP_CONCAT joins strings, and "
                f"?{variable} may hold IRIs or other non-strings; write GROUP_CONCAT(STR(?{variable})) to "
                "join their text"
            )
    return warnings
