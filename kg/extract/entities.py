"""What a case's text names: regulations in 《》, institutions, mechanism types and quantitative outcomes.

Every finder works on a flat (de-wrapped) text and returns flat ``[start, end)`` indices; the caller maps them
back to the input with :class:`~kg.extract.text.Flat`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .lexicon import Lexicon

# --- a longest-match scanner ----------


class Matcher:
    """Leftmost-longest, non-overlapping matches of fixed words, in time linear in the text."""

    def __init__(self, words: list[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        for word in sorted(set(words), key=lambda w: (-len(w), w)):
            if word:
                self._by_first.setdefault(word[0], []).append(word)

    def inside(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """Every word lying wholly inside ``text[start:end]`` other than that passage itself."""
        found: list[tuple[int, int, str]] = []
        for index in range(start, end):
            for word in self._by_first.get(text[index], ()):
                stop = index + len(word)
                if stop <= end and (index, stop) != (start, end) and text.startswith(word, index):
                    found.append((index, stop, word))
        return found

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        index = 0
        by_first = self._by_first
        while index < len(text):
            candidates = by_first.get(text[index])
            if candidates:
                for word in candidates:
                    if text.startswith(word, index):
                        found.append((index, index + len(word), word))
                        index += len(word) - 1
                        break
            index += 1
        return found


# --- regulations ----------

_OPEN, _CLOSE = "《〈", "》〉"
_TITLE_LIMIT = 120
_ENACT_VERBS = (
    "出台",
    "制定",
    "印发",
    "颁布",
    "发布",
    "修订",
    "修改",
    "起草",
    "通过",
    "审议通过",
    "出台了",
    "制定了",
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RegulationMention(Mention):
    enacted: bool


def titles(text: str) -> list[RegulationMention]:
    """Titles in 《》 (nested 〈〉 or 《》 kept inside); a title never closed is left out."""
    found: list[RegulationMention] = []
    index = 0
    enacted = False
    while index < len(text):
        if text[index] != "《":
            index += 1
            continue
        depth, close = 0, -1
        for probe in range(index, min(len(text), index + _TITLE_LIMIT)):
            if text[probe] in _OPEN:
                depth += 1
            elif text[probe] in _CLOSE:
                depth -= 1
                if depth == 0:
                    close = probe
                    break
            elif text[probe] in "。\n":
                break
        if close < 0:
            index += 1
            continue
        title = "".join(text[index + 1 : close].split())
        if text[close] != "》" or title[:1] in ("《", "》") or title[-1:] in ("《", "》"):
            index += 1
            continue
        chained = index > 0 and text[index - 1] in "》、和及与"
        if not chained:
            before = text[max(0, index - 8) : index]
            clause = re.split(r"[，,；;。：:]", before)[-1]
            enacted = any(verb in clause for verb in _ENACT_VERBS)
        if title:
            found.append(RegulationMention(index, close + 1, title, enacted))
        index = close + 1
    return found


def title_mask(text: str, mentions: list[RegulationMention]) -> list[bool]:
    """True for every flat index inside a 《title》."""
    inside = [False] * len(text)
    for mention in mentions:
        for index in range(mention.start, mention.end):
            inside[index] = True
    return inside


def regulation_kind(title: str, lexicon: Lexicon, has_place: bool) -> str:
    """The regulation-kind of a title, from its ending."""
    for label in sorted(lexicon.regulation_kinds, key=len, reverse=True):
        if len(label) >= 2 and title.endswith(label):
            return lexicon.regulation_kinds[label]
    if title.endswith("条例"):
        return "local-regulation" if has_place else "administrative-regulation"
    if title.endswith("法"):
        return "law"
    if title.endswith(("计划", "方案", "规划", "要点")):
        return "work-plan"
    return "normative-document"


# --- institutions ----------

INSTITUTION_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("专家咨询委员会", "expert-committee", "ExpertCommittee"),
    ("专家委员会", "expert-committee", "ExpertCommittee"),
    ("领导小组", "leading-group", "LeadingGroup"),
    ("联席会议", "joint-meeting", "CoordinationBody"),
    ("检察机构", "procuratorate", "Procuratorate"),
    ("人民检察院", "procuratorate", "Procuratorate"),
    ("检察院", "procuratorate", "Procuratorate"),
    ("人民法院", "court", "Court"),
    ("法院", "court", "Court"),
    ("法庭", "court", "Court"),
    ("监测中心", "monitoring-centre", "MonitoringCentre"),
    ("监测站", "monitoring-centre", "MonitoringCentre"),
    ("协同中心", "coordination-body", "CoordinationBody"),
    ("管理机构", "management-agency", "GovernmentBody"),
    ("专家智库", "think-tank", "ExpertCommittee"),
    ("智库", "think-tank", "ExpertCommittee"),
    ("专家库", "think-tank", "ExpertCommittee"),
    ("大数据平台", "platform", "Platform"),
    ("数据平台", "platform", "Platform"),
    ("信息平台", "platform", "Platform"),
    ("平台", "platform", "Platform"),
    ("审查组", "working-group", "CoordinationBody"),
    ("核查组", "working-group", "CoordinationBody"),
    ("评审组", "working-group", "CoordinationBody"),
    ("工作组", "working-group", "CoordinationBody"),
    ("工作专班", "working-group", "CoordinationBody"),
    ("委员会", "coordination-body", "CoordinationBody"),
    ("指挥部", "coordination-body", "CoordinationBody"),
    ("办公室", "government-body", "GovernmentBody"),
    ("服务中心", "government-body", "GovernmentBody"),
    ("调解中心", "government-body", "GovernmentBody"),
    ("中心", "government-body", "GovernmentBody"),
    ("工作站", "government-body", "GovernmentBody"),
)
"""Endings of named bodies: (suffix, institution-kind id, class), longest first where they share an end."""

_SUFFIX_MATCHER = Matcher([suffix for suffix, _, _ in INSTITUTION_SUFFIXES])
_SUFFIX_KIND = {suffix: (kind, cls) for suffix, kind, cls in INSTITUTION_SUFFIXES}
_NAME_STOPS = "，,、。；;：:！？!?《》〈〉\n"
_CREATE_VERBS = (
    "组织成立",
    "成立了",
    "成立",
    "设立了",
    "设立",
    "组建",
    "建立",
    "建设",
    "搭建",
    "打造",
    "新建",
    "挂牌",
)
_OTHER_LEADS = (
    "关于",
    "依托",
    "利用",
    "通过",
    "推动",
    "健全",
    "完善",
    "发挥",
    "联合",
    "会同",
    "牵头",
    "由",
    "在",
    "经",
    "将",
    "把",
    "向",
    "对",
    "并",
    "及",
    "与",
    "了",
    "的",
    "和",
)
_NAME_MAX = 30
_MARKER = re.compile(r"(?:[一二三四五六七八九十]{1,2}是)?")
_REJECT = re.compile(r"为中心|^以|中心工作|平台作用|^(?:领导小组|委员会|中心|平台|智库|工作组|办公室)$")


@dataclass(frozen=True)
class InstitutionMention(Mention):
    kind: str
    cls: str
    created: bool


def institutions(text: str) -> list[InstitutionMention]:
    """Named bodies: a known ending, extended left to the start of the name (after a verb such as 成立, a
    punctuation mark, or 和 between two names)."""
    found: list[InstitutionMention] = []
    for start, end, suffix in _SUFFIX_MATCHER.find(text):
        if suffix in ("中心", "平台") and text[end : end + 2] in ("工作", "作用"):
            continue
        left = start
        while left > 0 and start - left < _NAME_MAX and text[left - 1] not in _NAME_STOPS:
            left -= 1
        marker = _MARKER.match(text, left)
        if marker is not None:
            left = marker.end()
        name_start, created = _name_start(text, left, start)
        name = text[name_start:end].strip()
        if len(name) <= len(suffix) or _REJECT.search(name):
            continue
        kind, cls = _SUFFIX_KIND[suffix]
        found.append(InstitutionMention(name_start, end, name, kind, cls, created))
    return found


def _name_start(text: str, left: int, suffix_start: int) -> tuple[int, bool]:
    """Where a name begins in the clause ``[left, suffix_start)``; whether a creating verb leads it."""
    created = False
    position = left
    # a name never holds 的 or a creating verb: it starts after the last one (围绕…的实施组建X智库 → X智库),
    # unless that would leave the bare ending (法治政府建设领导小组 keeps 建设)
    for index in range(suffix_start - 2, left - 1, -1):
        verb = next((v for v in _CREATE_VERBS if text.startswith(v, index)), None)
        if text[index] == "的" or verb:
            after = index + (len(verb) if verb else 1)
            if suffix_start - after >= 2:
                created = verb is not None
                position = after
                break
    changed = True
    while changed and position < suffix_start:
        changed = False
        for verb in (*_CREATE_VERBS, *_OTHER_LEADS):
            if text.startswith(verb, position) and position + len(verb) < suffix_start:
                created = created or verb in _CREATE_VERBS
                position += len(verb)
                changed = True
                break
    # "A机构和B中心": two names joined by 和 — the later one starts after 和
    for joint in range(suffix_start - 1, position, -1):
        if text[joint] in "和及与" and _ends_with_suffix(text[position:joint]):
            return joint + 1, created
    return position, created


def _ends_with_suffix(text: str) -> bool:
    return any(text.endswith(suffix) for suffix in _SUFFIX_KIND)


def same_body(short: str, full: str) -> bool:
    """Whether ``short`` refers to ``full`` (评查领导小组 → “典型差案”评查和“示范优案”评选工作领导小组):
    same ending, and its characters appear in order in the full name."""
    if short == full or len(short) >= len(full):
        return short == full
    if not any(short.endswith(s) and full.endswith(s) for s in _SUFFIX_KIND):
        return False
    remaining = iter(full)
    return all(char in remaining for char in short)


# --- mechanisms ----------


def mechanisms(text: str, lexicon: Lexicon, matcher: Matcher) -> list[tuple[int, int, str]]:
    """Mechanism concept ids named in ``text``: (start, end, id).

    A label inside a longer label counts only when it names another concept (上升为地方性法规 names both
    reform-legislation and, inside it, local-legislation; 检察监督 inside 检察监督专项行动 adds nothing).
    """
    found: list[tuple[int, int, str]] = []
    for start, end, label in matcher.find(text):
        outer = lexicon.mechanisms[label]
        found.extend((start, end, concept) for concept in outer)
        for inner_start, inner_end, inner in matcher.inside(text, start, end):
            found.extend(
                (inner_start, inner_end, concept)
                for concept in lexicon.mechanisms[inner]
                if concept not in outer
            )
    return found


# --- quantitative outcomes ----------

_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_EXTRA_UNITS = {
    "件": "case",
    "宗": "case",
    "起": "incident",
    "次": "incident",
    "人": "person",
    "名": "person",
    "位": "person",
    "立方米": "cubic-metre",
    "平方米": "square-metre",
    "亩": "mu",
    "公顷": "hectare",
    "元": "yuan",
    "份": "document",
    "篇": "document",
    "个": "item",
    "条": "item",
    "项": "item",
    "家": "item",
    "%": "percent",
    "％": "percent",
}


def unit_words(lexicon: Lexicon) -> dict[str, str]:
    """Unit words as written after a figure → unit concept id."""
    words = {label: unit for label, unit in lexicon.units.items() if len(label) <= 3}
    words.update(_EXTRA_UNITS)
    return words


def outcome_pattern(units: dict[str, str]) -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in sorted(units, key=len, reverse=True))
    return re.compile(
        r"(?P<about>超过|逾|近|约)?(?P<number>\d+(?:\.\d+)?)(?P<after>余|多)?"
        r"(?P<scale>[十百千万亿]{1,2})?(?P<after2>余|多)?(?P<unit>" + words + ")"
    )


_DATE = re.compile(
    r"(?P<until>截至|截止到|截止)?(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?"
    r"(?P<end>底|末)?(?P<since>以来|至今)?"
)


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    key: str
    """year, date, since or until"""
    value: str
    qualifier: str | None


@dataclass(frozen=True)
class FigureMention(Mention):
    value: Decimal
    unit: str
    approximate: bool
    clause_start: int
    counts: str


def periods(text: str, inside_title: list[bool]) -> list[Period]:
    """Dates and periods (2021 年; 2020 年 9 月以来; 截至2021年底) outside titles."""
    found: list[Period] = []
    for match in _DATE.finditer(text):
        if inside_title[match.start()]:
            continue
        year, month, day = match.group("year"), match.group("month"), match.group("day")
        if month is not None and not 1 <= int(month) <= 12:
            continue
        if day is not None and not 1 <= int(day) <= 31:
            continue
        value = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if month and day else "")
        if match.group("since"):
            found.append(Period(match.start(), match.end(), "since", value, match.group("since")))
        elif match.group("until"):
            found.append(Period(match.start(), match.end(), "until", value, None))
        elif month:
            found.append(Period(match.start(), match.end(), "date", value, None))
        else:
            found.append(Period(match.start(), match.end(), "year", value, None))
    return found


def figures(
    text: str, pattern: re.Pattern[str], units: dict[str, str], inside_title: list[bool]
) -> list[FigureMention]:
    """Figures with a unit: value normalised (万, 亿), 余/多 marking an approximate figure."""
    found: list[FigureMention] = []
    previous_clause, previous_counts = -1, ""
    for match in pattern.finditer(text):
        start = match.start("number")
        if inside_title[start] or (start > 0 and (text[start - 1] in "第.-/" or text[start - 1].isdigit())):
            continue
        following = text[match.end() : match.end() + 1]
        if match.group("unit") == "人" and following in "员民数大":
            continue
        value = Decimal(match.group("number"))
        for char in match.group("scale") or "":
            value *= _MULTIPLIERS[char]
        approximate = bool(match.group("about") or match.group("after") or match.group("after2"))
        clause_start = _clause_start(text, match.start())
        counts = _counts(text[clause_start : match.start()])
        if not counts and clause_start == previous_clause:
            counts = previous_counts
        previous_clause, previous_counts = clause_start, counts
        found.append(
            FigureMention(
                match.start(),
                match.end(),
                match.group(0),
                value,
                units[match.group("unit")],
                approximate,
                clause_start,
                counts,
            )
        )
    return found


def _clause_start(text: str, index: int) -> int:
    cut = max(text.rfind(mark, 0, index) for mark in "，,；;。：:")
    return cut + 1


def _counts(text: str) -> str:
    """What a figure counts: its clause before the figure, without a leading date."""
    text = _DATE.sub("", text)
    text = re.sub(r"\d+(?:\.\d+)?(?:余|多)?[十百千万亿]*(?:余|多)?[件起人名个项份]", "", text)
    return text.strip(" ，,、")
