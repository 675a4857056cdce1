"""The jurisdiction resolver: the division a title (or a body's name) places a document in.

It works on text alone, with the table of divisions, so text extraction uses it as well as the importers.
Nothing is guessed: a name that fits no division is ``unresolved``, one that fits several is ``ambiguous``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.divisions import DIVISION_SUFFIXES
from kg.legislation.titles import clean_title

if TYPE_CHECKING:
    from kg.divisions import JurisdictionTable

NATIONAL_LEVELS = frozenset({"宪法", "法律", "行政法规", "部门规章", "司法解释"})
"""Levels whose documents are national whatever their title says."""

NATIONAL_PREFIXES = ("中华人民共和国", "全国人民代表大会", "国务院", "最高人民法院", "最高人民检察院")
"""Title openings that name a national body or the state itself."""

_FREE_TRADE = re.compile(r"^中国[(（]([^()（）]{2,8})[)）]")


@dataclass(frozen=True)
class Resolution:
    """Where a title places its document.

    ``status``: ``resolved`` (``code`` is a division), ``national`` (``code`` None), ``unresolved`` (the title
    names no known place) or ``ambiguous`` (the name fits several divisions: ``candidates``). ``matched`` is
    the text of the title that named the place.
    """

    status: str
    code: str | None = None
    matched: str = ""
    candidates: tuple[str, ...] = ()


_SHORT_SUFFIXES = DIVISION_SUFFIXES


def _short_name(name: str) -> str:
    """Province or prefecture name without its suffix (山东省 → 山东); 朝鲜族自治州 loses its people too."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix == "自治州":
                stem = re.sub(r"(?:[\u4e00-\u9fff]{1,6}?族)+$", "", stem) or stem
            return stem if len(stem) >= 2 else name
    return name


@dataclass(frozen=True)
class _NameIndex:
    full: dict[str, tuple[str, ...]]
    short: dict[str, tuple[str, ...]]
    longest: int


@lru_cache(maxsize=8)
def _index(table: JurisdictionTable) -> _NameIndex:
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for j in table:
        if j.code is None:
            continue
        full.setdefault(j.name_zh, set()).add(j.code)
        if j.level in ("province", "prefecture"):
            stem = _short_name(j.name_zh)
            if stem != j.name_zh:
                short.setdefault(stem, set()).add(j.code)
    longest = max(len(name) for name in full)
    return _NameIndex(
        {k: tuple(sorted(v)) for k, v in full.items()},
        {k: tuple(sorted(v)) for k, v in short.items() if k not in full},
        longest,
    )


def _leading(text: str, names: dict[str, tuple[str, ...]], longest: int) -> tuple[str, tuple[str, ...]]:
    """The longest name in ``names`` that ``text`` starts with, and its codes."""
    for size in range(min(len(text), longest), 1, -1):
        codes = names.get(text[:size])
        if codes:
            return text[:size], codes
    return "", ()


def _within(table: JurisdictionTable, code: str, ancestor: str) -> bool:
    return table.is_within(code, ancestor, inclusive=True)


def _short_allowed(table: JurisdictionTable, code: str, hint_province: str | None) -> bool:
    """Short province names always count; short prefecture names only inside a hinted province."""
    if table.by_code(code).level == "province":
        return hint_province is None or code == hint_province
    return hint_province is not None and _within(table, code, hint_province)


def _descend(text: str, code: str, table: JurisdictionTable, index: _NameIndex) -> tuple[str, str]:
    """Follow names of divisions inside ``code`` that come next in the title (上海市 + 浦东新区)."""
    matched = ""
    while True:
        name, codes = _leading(text[len(matched) :], index.full, index.longest)
        inside = [c for c in codes if c != code and _within(table, c, code)]
        if len(inside) != 1:
            return matched, code
        matched += name
        code = inside[0]


def resolve_jurisdiction(
    title: str,
    table: JurisdictionTable,
    *,
    hint_province: str | None = None,
    level: str | None = None,
) -> Resolution:
    """Place a document by its title: the division its title opens with, down to a named county.

    ``hint_province`` (a province code) settles names several provinces share, e.g. the collection a
    title comes from. ``level``: a national level (法律, 行政法规, …) makes the document national whatever
    the title says. Short names (山东, 深圳, 绍兴) count for provinces and prefectures only, never for
    counties (泰山 is not 泰山区); short prefecture names need ``hint_province`` and must lie in it, so that
    长治久安 does not name 长治市. Nothing is guessed: a title that
    names no place is ``unresolved``, one whose place fits several divisions is ``ambiguous`` (unless the
    others lie inside one of them, as the county-level 嘉峪关市 620201 inside the city 620200: then that
    one is the place).

    >>> from kg.divisions import jurisdiction_table
    >>> resolve_jurisdiction("上海市浦东新区市场主体登记确认制若干规定", jurisdiction_table()).code
    '310115'
    """
    if level in NATIONAL_LEVELS:
        return Resolution("national")
    text = clean_title(title)
    for prefix in NATIONAL_PREFIXES:
        if text.startswith(prefix):
            return Resolution("national", matched=prefix)
    index = _index(table)
    opening, rest = "", text
    free_trade = _FREE_TRADE.match(text)
    if free_trade:
        opening, rest = free_trade.group(0), text[free_trade.end() :]
        text = free_trade.group(1)
    name, codes = _leading(text, index.full, index.longest)
    if not name:
        name, codes = _leading(text, index.short, index.longest)
        codes = tuple(c for c in codes if _short_allowed(table, c, hint_province))
        if not codes:
            return Resolution("unresolved")
    if len(codes) > 1 and hint_province is not None:
        codes = tuple(c for c in codes if _within(table, c, hint_province)) or codes
    outer = [c for c in codes if all(_within(table, other, c) for other in codes)]
    if len(codes) > 1 and len(outer) == 1:
        codes = (outer[0],)
    if len(codes) > 1:
        return Resolution("ambiguous", matched=opening or name, candidates=codes)
    if opening:
        return Resolution("resolved", code=codes[0], matched=opening)
    below, code = _descend(rest[len(name) :], codes[0], table, index)
    return Resolution("resolved", code=code, matched=name + below)
