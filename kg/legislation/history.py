"""The grammar of a legislative history: one line per event → dated, typed events.

A history line reads, for example::

    2018年3月30日吉林省第十三届人民代表大会常务委员会第二次会议通过
    2021年3月26日宁夏回族自治区第十二届人民代表大会常务委员会第二十五次会议《关于修改〈…〉等七件地方性法规的决定》修正
    2018年9月21日山东省第十三届人民代表大会常务委员会第五次会议批准的《淄博市…的决定》修正
    2012年1月1日施行

that is: an optional 根据, a date, the body (place, 第N届, 人民代表大会 or its 常务委员会) and meeting,
the act in 《》 where the line names one, and the kind word at the end. ``parse_history`` turns the
lines of one document into :class:`Event` values and lists what it could not read; it never drops a line
silently."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date

EVENT_KINDS = ("passed", "approved", "amended", "revised", "promulgated", "in-force", "repealed")
"""Event kinds, in the order the ontology's event-kind scheme lists them."""

AMENDING_KINDS = frozenset({"amended", "revised"})
"""Events that start a new version of the work (ELI: a new expression)."""

_NUMERAL = "一二三四五六七八九十百零〇两\\d"
_DATE = re.compile(r"^(?:根据)?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BODY = re.compile(
    rf"^(?P<place>[^第《〈<]*?)(?P<session>第[{_NUMERAL}]+届)?"
    r"(?P<organ>(?:人民代表大会|人民代表会议|人民代表会|人大代表大会|代表大会|人大)(?:常务委员会|常委会)?)"
    rf"(?P<meeting>第[{_NUMERAL}]+次(?:全体)?会议)?"
)
_ORDINAL = re.compile(rf"第([{_NUMERAL}]+)次(?:修正|修订|修改)")
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True)
class Event:
    """One event of a document's history; ``position`` is the 1-based line it came from.

    ``place`` is the place the body is named after (吉林省), ``body`` the organ with its place
    (吉林省人民代表大会常务委员会), ``session`` and ``meeting`` the 第N届 and 第N次会议;
    ``act`` is the title the
    line names in 《》 (the amending decision), with inner 〈〉 made 《》; ``ordinal`` is N of 第N次修正.
    """

    position: int
    kind: str
    date: str | None
    place: str = ""
    body: str = ""
    session: str = ""
    meeting: str = ""
    act: str = ""
    ordinal: int | None = None


@dataclass
class History:
    """The events of one document and what was wrong with its lines (each problem: a kind and the line)."""

    events: list[Event] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def first(self, kind: str) -> Event | None:
        """The earliest-listed event of a kind."""
        return next((event for event in self.events if event.kind == kind), None)


def chinese_number(text: str) -> int | None:
    """十三 → 13, 二十五 → 25, 一百零二 → 102, 18 → 18; None for what is not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def history_lines(header: str) -> list[str]:
    """The history entries of a header: ``- `` lines, each joined with the lines that continue it."""
    entries: list[str] = []
    current: list[str] | None = None
    for raw in header.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            if current is not None:
                entries.append("".join(current))
            current = [line[2:].strip()]
        elif not line or line.startswith("#") or line.startswith("<!--"):
            if current is not None:
                entries.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        entries.append("".join(current))
    return [entry for entry in entries if entry]


def _act(text: str) -> tuple[str, str]:
    """The first title in 《》 (nesting kept, inner 〈〉 and <> made 《》) and the text after it."""
    start = text.find("《")
    if start < 0:
        return "", text
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "《":
            depth += 1
        elif text[index] == "》":
            depth -= 1
            if depth == 0:
                inner = text[start + 1 : index]
                inner = inner.translate(str.maketrans("〈〉<>", "《》《》"))
                return inner, text[:start] + text[index + 1 :]
    return "", text


def _kind(tail: str) -> str | None:
    """The event kind a line's last words name (制定, enacted, counts as passed)."""
    if "废止" in tail:
        return "repealed"
    if "修订" in tail:
        return "revised"
    if "修正" in tail or "修改" in tail:
        return "amended"
    if "批准" in tail:
        return "approved"
    if "通过" in tail or "制定" in tail:
        return "passed"
    if "公布" in tail or "公告" in tail:
        return "promulgated"
    if "施行" in tail:
        return "in-force"
    return None


def parse_line(position: int, line: str) -> tuple[Event | None, str | None]:
    """One history line → (event, None), or (None, problem) where the problem names what failed."""
    text = re.sub(r"\s+", "", line).rstrip("，,。;；")
    found = _DATE.match(text)
    if not found:
        return None, "no date"
    year, month, day = (int(part) for part in found.groups())
    try:
        iso = date(year, month, day).isoformat()
    except ValueError:
        return None, f"impossible date {year}年{month}月{day}日"
    rest = text[found.end() :]
    body = _BODY.match(rest)
    place = session = meeting = organ = ""
    if body:
        place, session = body["place"], body["session"] or ""
        standing = body["organ"].endswith(("常务委员会", "常委会"))
        organ = "人民代表大会常务委员会" if standing else "人民代表大会"
        meeting = body["meeting"] or ""
        rest = rest[body.end() :]
    act, tail = _act(rest)
    kind = _kind(tail)
    if kind is None:
        return None, "no event word (通过, 批准, 修正, 修订, 公布, 施行, 废止)"
    needs_body = kind in ("passed", "approved", "amended", "revised", "repealed")
    if needs_body and not body and not act and not ("施行" in tail or "公布" in tail):
        return None, "no body (人民代表大会 or its 常务委员会) before the event word"
    if "批准" in tail and kind in AMENDING_KINDS:
        kind = f"approved-{kind}"
    ordinal_match = _ORDINAL.search(tail)
    ordinal = chinese_number(ordinal_match.group(1)) if ordinal_match else None
    return (
        Event(
            position=position,
            kind=kind,
            date=iso,
            place=place,
            body=f"{place}{organ}" if organ else "",
            session=session,
            meeting=meeting,
            act=act,
            ordinal=ordinal,
        ),
        None,
    )


def _settle_approvals(events: list[Event]) -> list[Event]:
    """Resolve ``approved-amended`` lines (a province approving a city's amending decision).

    When the line before is a second 通过 (the city passing its amending decision), that event becomes the
    amendment and this line its approval; otherwise this line is the amendment itself, dated at the approval.
    """
    settled: list[Event] = []
    for event in events:
        if not event.kind.startswith("approved-"):
            settled.append(event)
            continue
        amending = event.kind.removeprefix("approved-")
        previous = settled[-1] if settled else None
        if (
            previous is not None
            and previous.kind == "passed"
            and any(e.kind == "passed" for e in settled[:-1])
        ):
            settled[-1] = replace(previous, kind=amending, act=event.act, ordinal=event.ordinal)
            settled.append(replace(event, kind="approved", act="", ordinal=None))
        else:
            settled.append(replace(event, kind=amending))
    return settled


def check_order(events: list[Event]) -> list[tuple[str, str]]:
    """Problems of order: dates that go back in the listed order; 第N次 ordinals that disagree with dates."""
    problems: list[tuple[str, str]] = []
    dated = [event for event in events if event.date]
    for before, after in itertools.pairwise(dated):
        if after.date is not None and before.date is not None and after.date < before.date:
            problems.append(("events out of order", f"{after.date} listed after {before.date}"))
    for kind in AMENDING_KINDS:
        ordered = sorted((e for e in dated if e.kind == kind), key=lambda e: (e.date or "", e.position))
        ordinals = [e.ordinal for e in ordered if e.ordinal is not None]
        if ordinals != sorted(ordinals) or len(set(ordinals)) != len(ordinals):
            problems.append(("ordinals disagree with dates", f"{kind} ordinals {ordinals} in date order"))
        elif ordinals and ordinals[-1] > len(ordered):
            problems.append(
                ("ordinal beyond the events listed", f"{kind} 第{ordinals[-1]}次 but {len(ordered)} listed")
            )
    return problems


def parse_history(lines: list[str]) -> History:
    """Every line of one history → events (in listed order) and the problems of lines and order."""
    history = History()
    events: list[Event] = []
    for position, line in enumerate(lines, start=1):
        event, problem = parse_line(position, line)
        if event is None:
            reason = problem or "unrecognised"
            kind = "impossible date" if reason.startswith("impossible date") else "unrecognised line"
            history.problems.append((kind, f"line {position} {line!r}: {reason}"))
        else:
            events.append(event)
    history.events = _settle_approvals(events)
    history.problems.extend(check_order(history.events))
    return history
