"""``kg span``: where a quoted passage lies in a source document, in the form a case file takes.

Matching ignores white space (hard wraps and the capture's stray spaces) and compares characters in NFKC
form, so a passage quoted with ， finds the captured ",". Spans cover whole lines, as the case-file check
expects; the passage's own offsets are given too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .text import SourceText


@dataclass(frozen=True)
class Found:
    """One place of the passage: its own offsets and the whole lines that hold it."""

    passage: tuple[int, int]
    lines: tuple[int, int]
    offsets: tuple[int, int]


def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def find_passage(source: SourceText, passage: str) -> list[Found]:
    """Every place of ``passage`` in ``source`` (white space ignored), in order."""
    wanted = "".join(_fold(char) for char in passage if not char.isspace())
    if not wanted:
        return []
    kept: list[str] = []
    origins: list[int] = []
    for offset, char in enumerate(source.text):
        if not char.isspace():
            kept.append(_fold(char))
            origins.append(offset)
    text = "".join(kept)
    found: list[Found] = []
    index = text.find(wanted)
    while index >= 0:
        start, end = origins[index], origins[index + len(wanted) - 1] + 1
        lines, offsets = source.whole_lines(start, end)
        found.append(Found((start, end), lines, offsets))
        index = text.find(wanted, index + 1)
    return found


def describe(found: Found, sha256: str) -> str:
    """The span as case-file YAML, with the passage's own offsets as a comment."""
    return (
        f"sha256: {sha256}\n"
        f"span: {{lines: [{found.lines[0]}, {found.lines[1]}], "
        f"offsets: [{found.offsets[0]}, {found.offsets[1]}]}}"
        f"  # passage itself: [{found.passage[0]}, {found.passage[1]}]\n"
    )
