"""Where the cases of a notice lie: layout detection, case segmentation, page chrome and the preamble.

Three layouts are known:

- **a** a headline of one or two lines that opens with the region (北京市出台…), then the case text;
- **b** an annex of numbered cases, one sentence or paragraph each (1.江苏省苏州市推进…。);
- **c** region section headings (一、北京市 / (一)上海市浦东新区) with paragraphs under each.

Every layout is tried; the one that finds the most cases wins (c before b before a on a tie, since their
markers are the more explicit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text import SourceText, ends_sentence, flatten

if TYPE_CHECKING:
    from kg.divisions import JurisdictionTable

_CLAUSE_PUNCTUATION = re.compile(r"[,，。；;：:！？!?]")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(\S.*)$")
_SECTION = re.compile(
    r"^\s*(?:([一二三四五六七八九十]{1,3})\s*、|[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）])\s*(\S.*?)[\s：:]*$"
)
_CHROME = re.compile(
    r"^\s*(?:摘要[:：]|展开\s*>>|收起\s*<<|评论\s*[(（]\d+[)）]|没有更多评论|声明[:：]|请登录|登录/注册|"
    r"相关文档|猜你喜欢|下载文档|举报|分享到|上一页|下一页|第\s*\d+\s*页|打印本页|关闭窗口|返回顶部|【打印】)"
)
_HEADLINE_MAX = 40
_DIVISION_ENDINGS = ("省", "市", "区", "县", "旗", "州", "盟", "自治区", "自治州", "自治县")
_REGION_WINDOW = 24


@dataclass(frozen=True)
class RegionName:
    code: str
    matched: str


@dataclass(frozen=True)
class Segment:
    """One case of the notice: where its headline and text lie."""

    position: int
    region: RegionName
    headline_lines: tuple[int, int]
    body_lines: tuple[int, int]
    """first and last line of the case text after the headline (first > last: none)"""
    headline_separator: str = " "
    body_start: int | None = None
    """offset where the text starts when it shares a line with the headline (layout b)"""


@dataclass(frozen=True)
class Layout:
    kind: str
    segments: tuple[Segment, ...]
    preamble_lines: tuple[int, int]
    end_line: int
    """last line of notice text (page chrome after it is left out)"""
    truncated: bool
    """the notice text stops without ending its sentence"""
    unresolved: tuple[str, ...] = ()
    """case headings whose place name fits several divisions or none (left out)"""


Resolver = Callable[[str, str | None], RegionName | None]
Ambiguity = Callable[[str, str | None], str | None]


def region_resolver(table: JurisdictionTable) -> Resolver:
    """A function from text that opens with a place name (and a province hint) to the region it names."""
    from kg.legislation import resolve_jurisdiction

    def resolve(text: str, hint_province: str | None = None) -> RegionName | None:
        window = text[:_REGION_WINDOW]
        if not window:
            return None
        found = resolve_jurisdiction(window, table, hint_province=hint_province)
        if found.status != "resolved" or found.code is None:
            return None
        return RegionName(found.code, found.matched)

    return resolve


def ambiguity_checker(table: JurisdictionTable) -> Ambiguity:
    """A function from text that opens with a place name to that name when it fits several divisions."""
    from kg.legislation import resolve_jurisdiction

    def ambiguous(text: str, hint_province: str | None = None) -> str | None:
        found = resolve_jurisdiction(text[:_REGION_WINDOW], table, hint_province=hint_province)
        return found.matched if found.status == "ambiguous" else None

    return ambiguous


def content_end(source: SourceText, from_line: int) -> int:
    """The last line of notice text at or after ``from_line``: page chrome and repeated abstracts end it."""
    lengths = sorted(len(source.line(n)) for n in range(1, source.line_count + 1) if source.line(n).strip())
    typical = lengths[len(lengths) // 2] if lengths else 0
    last = from_line - 1
    for number in range(from_line, source.line_count + 1):
        line = source.line(number)
        if _CHROME.match(line):
            break
        if typical and len(line) > max(120, 4 * typical):
            break
        if line.strip():
            last = number
    return max(last, from_line - 1)


def _province_of(code: str) -> str:
    return code[:2] + "0000"


def _layout_a(source: SourceText, resolve: Resolver) -> list[tuple[RegionName, int, int]]:
    """Headlines: one or two short lines without clause punctuation, after a finished sentence, naming a
    region first, before a line of running text."""
    found: list[tuple[RegionName, int, int]] = []
    width = wrap_width(source)

    def body_like(number: int) -> bool:
        line = source.line(number).strip() if number <= source.line_count else ""
        return bool(line) and (bool(_CLAUSE_PUNCTUATION.search(line)) or len(line) > width * 3 // 4)

    previous_ends = True
    number = 1
    count = source.line_count
    while number <= count:
        line = source.line(number).strip()
        if not line:
            number += 1
            continue
        if previous_ends and _headline_line(line) and not body_like(number) and number < count:
            region = resolve(line, None)
            if region is not None:
                last = number
                following = source.line(number + 1).strip()
                if (
                    following
                    and _headline_line(following)
                    and not body_like(number + 1)
                    and body_like(number + 2)
                ):
                    last = number + 1
                if body_like(last + 1):
                    found.append((region, number, last))
                    number = last + 1
                    previous_ends = False
                    continue
        previous_ends = ends_sentence(line)
        number += 1
    return found


def wrap_width(source: SourceText) -> int:
    """The width at which the capture wrapped lines: the 90th percentile of line lengths."""
    lengths = sorted(len(source.line(n).strip()) for n in range(1, source.line_count + 1))
    lengths = [length for length in lengths if length]
    return lengths[(len(lengths) * 9) // 10] if lengths else 0


def _headline_line(line: str) -> bool:
    return 4 <= len(line) <= _HEADLINE_MAX and not _CLAUSE_PUNCTUATION.search(line)


def _layout_b(
    source: SourceText, resolve: Resolver, ambiguous: Ambiguity, unresolved: list[str]
) -> list[tuple[RegionName, int, int]]:
    found: list[tuple[RegionName, int, int]] = []
    expected = 1
    for number in range(1, source.line_count + 1):
        match = _NUMBERED.match(source.line(number))
        if not match or int(match.group(1)) != expected:
            continue
        region = resolve(match.group(2), None)
        if region is not None:
            found.append((region, number, number))
            expected += 1
        elif (name := ambiguous(match.group(2), None)) is not None:
            unresolved.append(f"line {number}: {name} (fits several divisions)")
            expected += 1
    return found


def _layout_c(
    source: SourceText, resolve: Resolver, ambiguous: Ambiguity, unresolved: list[str]
) -> list[tuple[RegionName, int, int]]:
    found: list[tuple[RegionName, int, int]] = []
    province: str | None = None
    for number in range(1, source.line_count + 1):
        match = _SECTION.match(source.line(number))
        if not match:
            continue
        name = match.group(3).strip()
        outer = match.group(1) is not None
        region = resolve(name, None if outer else province)
        if region is None or region.matched != name.replace(" ", ""):
            if region is None and name.endswith(_DIVISION_ENDINGS) and len(name) <= 12:
                fits = ambiguous(name, None if outer else province)
                why = "fits several divisions" if fits else "names no known division"
                unresolved.append(f"line {number}: {name} ({why})")
            continue
        if outer:
            province = _province_of(region.code)
        found.append((region, number, number))
    return found


def detect(source: SourceText, resolve: Resolver, ambiguous: Ambiguity) -> Layout | None:
    """The layout of a notice and its cases, or None when no case is recognisable."""
    unresolved: dict[str, list[str]] = {"a": [], "b": [], "c": []}
    candidates = [
        ("c", _layout_c(source, resolve, ambiguous, unresolved["c"])),
        ("b", _layout_b(source, resolve, ambiguous, unresolved["b"])),
        ("a", _layout_a(source, resolve)),
    ]
    kind, heads = max(candidates, key=lambda item: len(item[1]))
    if not heads:
        return None
    end = content_end(source, heads[-1][2] + 1)
    end = max(end, heads[-1][2])
    segments: list[Segment] = []
    for index, (region, first, last) in enumerate(heads):
        next_start = heads[index + 1][1] if index + 1 < len(heads) else end + 1
        body_last = next_start - 1
        while body_last > last and not source.line(body_last).strip():
            body_last -= 1
        if kind == "b":
            segments.append(_numbered_segment(source, index + 1, region, first, body_last))
        elif kind == "c":
            if body_last <= last:
                continue
            segments.append(Segment(len(segments) + 1, region, (first, last), (last + 1, body_last)))
        else:
            segments.append(Segment(index + 1, region, (first, last), (last + 1, body_last)))
    if not segments:
        return None
    last_text = source.line(end).strip() if end >= 1 else ""
    return Layout(
        kind,
        tuple(segments),
        (1, heads[0][1] - 1),
        end,
        bool(last_text) and not ends_sentence(last_text),
        tuple(unresolved[kind]),
    )


def _numbered_segment(
    source: SourceText, position: int, region: RegionName, first: int, last: int
) -> Segment:
    """A numbered case: its headline is its first sentence, its text the whole item after the number."""
    line = source.line(first)
    match = _NUMBERED.match(line)
    start = source.starts[first - 1] + (match.start(2) if match else 0)
    return Segment(position, region, (first, last), (first, last), "", start)


def preamble_regions(source: SourceText, layout: Layout, resolve: Resolver) -> list[RegionName]:
    """The regions a preamble lists (北京、天津、吉林、安徽⏎湖南…): runs of three or more region names."""
    first, last = layout.preamble_lines
    if last < first:
        return []
    text = flatten(source, first, last).text
    runs: list[list[RegionName]] = []
    current: list[RegionName] = []
    gap = 0
    index = 0
    while index < len(text):
        region = resolve(text[index:], None) if _starts_name(text, index) else None
        if region is not None and len(region.matched) >= 2:
            if current and gap > 1:
                runs.append(current)
                current = []
            current.append(region)
            index += len(region.matched)
            gap = 0
            continue
        if current:
            gap += 1 if text[index] in "、，,和及与" else 2
        index += 1
    runs.append(current)
    names: list[RegionName] = []
    seen: set[str] = set()
    for run in runs:
        if len(run) < 3:
            continue
        for region in run:
            if region.code not in seen:
                seen.add(region.code)
                names.append(region)
    return names


def _starts_name(text: str, index: int) -> bool:
    """Cheap pre-check before resolving: a name starts with a Chinese character."""
    return "\u4e00" <= text[index] <= "\u9fff"
