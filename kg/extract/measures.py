"""The measures of a case, in order, with their sub-measures.

Top-level measures start a line with 一是/二是/三是 or 一、/二、/三、 (numbered in sequence).
Under 一、 measures,
sub-measures run 一是 … 五是 inside the text, each after the end of a sentence. A case without numbered
measures takes its paragraphs as measures (layout c), or its whole text as one measure (layout b).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import SourceText, ends_sentence

NUMERALS = "一二三四五六七八九十"
_TOP = re.compile(r"^\s*([一二三四五六七八九十]{1,2})(是|、)")
_TITLE_END = "。；;！？!?"
_SUB_BOUNDARY = "。；;：:"
_TITLE_SHORT = 24
_TITLE_MAX = 40


def numeral(n: int) -> str:
    """Chinese numeral for 1–99 as list markers write it (十一, 二十)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class MeasureSpan:
    """A measure: original ``[start, end)`` of its whole text, where its own text ends, its title."""

    start: int
    end: int
    title_start: int
    """offset of the title's first character (after the marker)"""
    own_end: int
    """end of the measure's own text: where its first sub-measure starts, else ``end``"""
    title: str
    children: tuple[MeasureSpan, ...] = ()


def top_level(source: SourceText, first: int, last: int) -> list[tuple[int, int, str]]:
    """Lines that start top-level measures: (line, offset of marker end, style '是' or '、')."""
    found: list[tuple[int, int, str]] = []
    style = ""
    expected = 1
    for number in range(first, last + 1):
        match = _TOP.match(source.line(number))
        if not match:
            continue
        if match.group(1) != numeral(expected) or (style and match.group(2) != style):
            continue
        style = match.group(2)
        found.append((number, source.starts[number - 1] + match.end(), style))
        expected += 1
    return found


def paragraphs(source: SourceText, first: int, last: int) -> list[tuple[int, int]]:
    """Paragraphs of hard-wrapped lines: a line that ends a sentence and is shorter than the wrap width
    ends its paragraph."""
    lengths = [len(source.line(n).strip()) for n in range(first, last + 1) if source.line(n).strip()]
    if not lengths:
        return []
    width = max(lengths)
    found: list[tuple[int, int]] = []
    start: int | None = None
    for number in range(first, last + 1):
        line = source.line(number).strip()
        if not line:
            if start is not None:
                found.append((start, number - 1))
                start = None
            continue
        if start is None:
            start = number
        if ends_sentence(line) and len(line) < width - 1:
            found.append((start, number))
            start = None
    if start is not None:
        found.append((start, last))
    return found


def title_of(text: str, breaks: set[int], *, clause: bool = False) -> str:
    """A measure's title: its first sentence when short; else cut where a lost full stop would stand (at
    a line break), else at the first comma.

    ``breaks`` holds the flat indices at which an original line break fell; ``clause`` cuts at the first
    comma (a one-sentence case of layout b names its measure in its first clause).
    """
    end = len(text)
    stops = _TITLE_END + ",，" if clause else _TITLE_END
    for index, char in enumerate(text):
        if char in stops:
            end = index
            break
    title = text[:end]
    if clause:
        title = title[:_TITLE_MAX]
    elif len(title) > _TITLE_SHORT:
        cut = next((b for b in sorted(breaks) if 4 <= b < len(title)), None)
        comma = min((i for i in (title.find(","), title.find("，")) if i >= 4), default=-1)
        choices = [i for i in (cut, comma) if i is not None and 0 <= i <= _TITLE_SHORT]
        title = title[: min(choices)] if choices else title[: comma if comma >= 4 else _TITLE_MAX]
    title = title.strip()
    if not title:
        # the text opens with a full stop or a comma: take its first words instead
        title = text.strip(" \t\u3000" + _TITLE_END + ",，、：:")[:_TITLE_MAX].strip()
    return fullwidth_commas(title)


def fullwidth_commas(text: str) -> str:
    """The capture turns ， into ,; between Chinese characters it is the Chinese comma again."""
    return re.sub(r"(?<=[\u4e00-\u9fff”）])\s*,\s*(?=[\u4e00-\u9fff“（])", "，", text)


def sub_markers(text: str) -> list[int]:
    """Flat indices where 一是, 二是 … start, in sequence, each at a sentence boundary."""
    found: list[int] = []
    position = 0
    expected = 1
    while True:
        marker = numeral(expected) + "是"
        index = text.find(marker, position)
        while index > 0 and text[index - 1] not in _SUB_BOUNDARY:
            index = text.find(marker, index + 1)
        if index < 0:
            return found
        found.append(index)
        position = index + len(marker)
        expected += 1
