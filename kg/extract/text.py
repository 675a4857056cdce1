"""Notice text as captured: decoding, lines, and a de-wrapped "flat" view that maps back to the original.

PDF-to-text captures hard-wrap sentences at about 26 characters, put stray spaces inside numbers ("2021 年")
and drop list commas at line ends. Extraction reads a flat view of a stretch of lines in which those breaks
and spaces are gone; every flat character keeps the offset it had in the original text, so each finding
points back to the input. Offsets follow the case files: 0-based code points, end exclusive; lines 1-based.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass

from kg.errors import InputError

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = " \t\u3000\u00a0"
_SENTENCE_END = "。！？!?；;"
_PRINTABLE_CONTROLS = frozenset("\n\r\t\f\v")


@dataclass(frozen=True)
class SourceText:
    """A decoded input: its text, its bytes' sha256, the encoding found and where each line starts."""

    text: str
    sha256: str
    encoding: str
    starts: tuple[int, ...]
    """offset of the first character of each line (line n starts at ``starts[n - 1]``)"""

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line break."""
        start = self.starts[number - 1]
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_end(self, number: int) -> int:
        """Offset just after the last character of line ``number``, without the line break."""
        return self.starts[number - 1] + len(self.line(number))

    def line_of(self, offset: int) -> int:
        """The 1-based line that holds ``offset`` (a line break belongs to the line it ends)."""
        return max(1, bisect_right(self.starts, offset))

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """The first and last line of the passage ``[start, end)``."""
        return self.line_of(start), self.line_of(max(start, end - 1))

    def whole_lines(self, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Lines and offsets of the whole lines that hold ``[start, end)``, as case-file spans take them."""
        first, last = self.lines_of(start, end)
        return (first, last), (self.starts[first - 1], self.line_end(last))


def decode(data: bytes, name: str) -> SourceText:
    """Decode an input file: UTF-8, else GB18030 (which covers GBK and GB2312); refuse binary data.

    :raises InputError: for empty input, binary data, or text in no encoding we read.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give the plain text of a notice")
    if b"\x00" in data[:65536] or _looks_binary(data[:65536]):
        raise InputError(
            f"{name}: this is a binary file, not plain text; convert the notice to text first "
            "(e.g. pdftotext NOTICE.pdf NOTICE.txt)"
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            break
        return SourceText(text, hashlib.sha256(data).hexdigest(), encoding, _line_starts(text))
    raise InputError(
        f"{name}: not text in UTF-8, GB18030 or GBK; save the notice as UTF-8 text and try again"
    )


def _looks_binary(head: bytes) -> bool:
    """Many bytes below 0x20 that are not white space: an image, archive or office file."""
    controls = sum(1 for byte in head if byte < 0x20 and byte not in (9, 10, 12, 13))
    return controls > max(4, len(head) // 100)


def _control_share(text: str) -> float:
    sample = text[:65536]
    controls = sum(1 for char in sample if ord(char) < 0x20 and char not in _PRINTABLE_CONTROLS)
    return controls / max(1, len(sample))


def _line_starts(text: str) -> tuple[int, ...]:
    """Line starts as ``str.splitlines`` cuts lines, so numbering agrees with kg.sources."""
    starts = [0]
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        starts.append(position)
    if len(starts) > 1 and starts[-1] == len(text):
        starts.pop()
    return tuple(starts)


@dataclass(frozen=True)
class Flat:
    """De-wrapped text of some lines; ``origin(i)`` is the original offset of flat character ``i``.

    Inserted characters (a restored list comma, a space between headline lines) map to the line break they
    stand for.
    """

    text: str
    _flat_starts: tuple[int, ...]
    _origins: tuple[int, ...]
    _inserted: frozenset[int]

    def origin(self, index: int) -> int:
        if not self.text:
            return self._origins[0] if self._origins else 0
        index = min(max(index, 0), len(self.text) - 1)
        piece = bisect_right(self._flat_starts, index) - 1
        if self._flat_starts[piece] in self._inserted:
            return self._origins[piece]
        return self._origins[piece] + index - self._flat_starts[piece]

    def index_of(self, offset: int) -> int:
        """The first flat index whose original offset is at or after ``offset`` (``len(text)`` if none)."""
        piece = bisect_right(self._origins, offset) - 1
        if piece < 0:
            return 0
        start = self._flat_starts[piece]
        size = (
            self._flat_starts[piece + 1] if piece + 1 < len(self._flat_starts) else len(self.text)
        ) - start
        if start in self._inserted:
            return start if self._origins[piece] >= offset else start + size
        inside = offset - self._origins[piece]
        return start + inside if inside < size else start + size

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of flat ``[start, end)``."""
        if end <= start:
            at = self.origin(start)
            return at, at
        return self.origin(start), self.origin(end - 1) + 1


class _FlatBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.flat_starts: list[int] = []
        self.origins: list[int] = []
        self.inserted: set[int] = set()
        self.length = 0

    def add(self, text: str, origin: int, *, inserted: bool = False) -> None:
        if not text:
            return
        if inserted:
            self.inserted.add(self.length)
        self.flat_starts.append(self.length)
        self.origins.append(origin)
        self.parts.append(text)
        self.length += len(text)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts else ""

    def build(self) -> Flat:
        return Flat(
            "".join(self.parts), tuple(self.flat_starts), tuple(self.origins), frozenset(self.inserted)
        )


def _is_cjk(char: str) -> bool:
    return bool(char) and _CJK.match(char) is not None


def _stray_space(before: str, after: str) -> bool:
    """A space between a digit and a Chinese character (or two digits' neighbours) that the capture added."""
    if not before or not after:
        return False
    digit_before, digit_after = before.isdigit(), after.isdigit()
    if digit_before and digit_after:
        return False
    return (digit_before and (_is_cjk(after) or after in "%％")) or (digit_after and _is_cjk(before))


def _clean_line(text: str, origin: int, builder: _FlatBuilder) -> None:
    """Add one line's characters, dropping stray spaces inside numbers and trailing/leading blanks."""
    stripped_left = len(text) - len(text.lstrip(_SPACES))
    text = text.strip(_SPACES + "\r\n")
    origin += stripped_left
    start = 0
    index = 0
    while index < len(text):
        if text[index] in _SPACES:
            run_end = index
            while run_end < len(text) and text[run_end] in _SPACES:
                run_end += 1
            before = text[index - 1] if index else builder.last_char()
            after = text[run_end] if run_end < len(text) else ""
            if _stray_space(before, after):
                builder.add(text[start:index], origin + start)
                start = run_end
            index = run_end
            continue
        index += 1
    builder.add(text[start:], origin + start)


_LIST_ITEM = 12
"""Longest item of a 、-list whose comma may have been lost at a line end."""


def _lost_list_comma(previous: str, following: str) -> bool:
    """Whether a line break stands for a lost 、: both sides are short items of one 、-separated list.

    "北京、天津、吉林、安徽⏎湖南、广东" lost one; "工作领导⏎小组、专家委员会" did not
    (领导 starts no list item).
    """
    if not previous or not following or not _is_cjk(previous[-1]) or not _is_cjk(following[0]):
        return False
    last_cut = max(previous.rfind(mark) for mark in "、,，。；;：:“”")
    if last_cut < 0 or previous[last_cut] != "、" or len(previous) - last_cut - 1 > _LIST_ITEM:
        return False
    cuts = [index for index in (following.find(mark) for mark in "、,，。；;") if index >= 0]
    first_cut = min(cuts) if cuts else -1
    return 0 < first_cut <= _LIST_ITEM and following[first_cut] == "、"


def flatten(source: SourceText, first: int, last: int, *, separator: str = "") -> Flat:
    """The flat view of lines ``first``–``last`` (1-based, inclusive).

    Lines are joined without a break (``separator`` between them, e.g. a space for headline lines); a lost
    list comma is restored as 、.
    """
    builder = _FlatBuilder()
    previous = ""
    for number in range(first, last + 1):
        line = source.line(number)
        if not line.strip(_SPACES):
            continue
        if previous:
            break_at = source.line_end(number - 1)
            following = line.strip(_SPACES)
            if separator:
                builder.add(separator, break_at, inserted=True)
            elif _lost_list_comma(previous, following):
                builder.add("、", break_at, inserted=True)
        _clean_line(line, source.starts[number - 1], builder)
        previous = line.strip(_SPACES)
    return builder.build()


def squeeze(text: str) -> str:
    """A passage as matched: no white space at all (the capture's breaks and stray spaces vanish)."""
    return "".join(text.split())


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (。！？； possibly inside a closing quote or bracket)."""
    stripped = text.rstrip(_SPACES + "”’」』)）")
    return bool(stripped) and stripped[-1] in _SENTENCE_END
