"""The examples of docs/queries.md run as tests, so that the query cookbook cannot drift from the program.

- A ```console block starting ``$ kg …`` is run in-process; its other lines must be what the command prints
  (stdout and stderr), or its first lines when the block ends with a line ``…``.
- A ```sparql block whose first line is ``# file: kg/queries/<name>.rq`` must be that file, line for line.

``KG_REGENERATE_DOCS=1 pytest tests/test_docs_examples.py`` rewrites the blocks from what the program prints
now (keeping as many lines as each block shows); never otherwise.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from tests.helpers import invoke

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / "queries.md"]
BLOCK = re.compile(r"```(console|sparql)\n(.*?)```", re.S)
MORE = "…"


def _blocks(path: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]


def _examples() -> list[tuple[Path, str, str]]:
    found = []
    for path in DOCS:
        for kind, body in _blocks(path):
            first = body.splitlines()[0] if body.strip() else ""
            if (kind == "console" and first.startswith("$ kg ")) or first.startswith("# file: "):
                found.append((path, kind, body))
    return found


def _expected(body: str) -> tuple[list[str], bool]:
    """The block's output lines and whether they are a prefix only."""
    lines = body.splitlines()[1:]
    partial = bool(lines) and lines[-1] == MORE
    return (lines[:-1] if partial else lines), partial


def _actual(kind: str, body: str, built: Path) -> list[str]:
    """What the program gives now; commands read the dataset built for this test session (as `dist/`)."""
    first = body.splitlines()[0]
    if kind == "sparql":
        return (ROOT / first.removeprefix("# file: ").strip()).read_text(encoding="utf-8").splitlines()
    args = shlex.split(first.removeprefix("$ kg "))
    code, out = invoke(*args, "--dist", str(built))
    assert code == 0, f"{first}: exit {code}\n{out}"
    return out.splitlines()


EXAMPLES = _examples()


def test_the_cookbook_has_examples_for_every_research_question() -> None:
    text = DOCS[0].read_text(encoding="utf-8")
    for number in range(1, 15):
        assert f"### RQ{number} " in text, f"docs/queries.md has no section for RQ{number}"
    assert len(EXAMPLES) >= 28


@pytest.mark.parametrize(
    ("path", "kind", "body"), EXAMPLES, ids=[body.splitlines()[0][:70] for _, _, body in EXAMPLES]
)
def test_doc_example_matches_the_program(path: Path, kind: str, body: str, built: Path) -> None:
    expected, partial = _expected(body)
    actual = _actual(kind, body, built)
    if os.environ.get("KG_REGENERATE_DOCS") == "1":
        keep = len(expected) if partial and len(expected) < len(actual) else len(actual)
        lines = actual[:keep] + ([MORE] if keep < len(actual) else [])
        new_body = "\n".join([body.splitlines()[0], *lines]) + "\n"
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"```{kind}\n{body}```", f"```{kind}\n{new_body}```", 1)
        path.write_text(text, encoding="utf-8")
        return
    shown = actual[: len(expected)] if partial else actual
    assert shown == expected, f"{path.name}: the example no longer matches; first line {body.splitlines()[0]}"
