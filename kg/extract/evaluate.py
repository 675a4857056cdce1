"""Accuracy of extraction against curated case files: precision, recall and F1 per field.

Case-level fields count only gold cases whose text is in the notice (status complete or truncated); a
predicted case is paired with the gold case of the same region. Gold cases without text are scored apart,
against the regions that the preamble names and no case covers.

Items compared per field (texts compared without white space and punctuation, NFKC):

- cases: (region, headline) · regions: region code
- measures: (region, path such as "2.3", title)
- mechanisms: (region, top-level measure number, mechanism id): a sub-measure's mechanisms count for the
  measure it belongs to, since editors split unnumbered measures at will (the seed's 吉林 case does)
- regulations: (region, title) · institutions: (region, name) · outcomes: (region, value, unit), as a multiset
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FIELDS = ("cases", "regions", "measures", "regulations", "institutions", "outcomes", "mechanisms")
WITH_TEXT = ("complete", "truncated")
_PUNCTUATION = re.compile(r"[\s，,。、；;：:“”\"'‘’《》〈〉()（）·!！?？\-—]")


@dataclass(frozen=True)
class Score:
    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0 if not self.gold else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0 if not self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    scores: dict[str, Score]
    unavailable: Score
    """gold text-unavailable regions against the regions the preamble names without text"""
    missed: dict[str, list[str]]
    extra: dict[str, list[str]]

    def table(self) -> str:
        rows = [f"{'field':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>5}{'pred':>6}{'gold':>6}"]
        for name, score in [*self.scores.items(), ("no-text", self.unavailable)]:
            rows.append(
                f"{name:<14}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>7.3f}"
                f"{score.true_positives:>5}{score.predicted:>6}{score.gold:>6}"
            )
        return "\n".join(rows)

    def to_json(self) -> dict[str, Any]:
        def one(score: Score) -> dict[str, Any]:
            return {
                "precision": round(score.precision, 4),
                "recall": round(score.recall, 4),
                "f1": round(score.f1, 4),
                "true_positives": score.true_positives,
                "predicted": score.predicted,
                "gold": score.gold,
            }

        return {
            "fields": {name: one(score) for name, score in self.scores.items()},
            "text_unavailable_regions": one(self.unavailable),
            "missed": self.missed,
            "extra": self.extra,
        }


def norm(text: Any) -> str:
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", str(text or "")))


def _zh(value: Any) -> str:
    return str(value.get("zh", "")) if isinstance(value, Mapping) else str(value or "")


def _walk(measures: Any, prefix: str = "") -> Iterable[tuple[str, Mapping[str, Any]]]:
    if not isinstance(measures, list):
        return
    for index, measure in enumerate(measures, start=1):
        if not isinstance(measure, Mapping):
            continue
        path = f"{prefix}{index}"
        yield path, measure
        yield from _walk(measure.get("measures"), path + ".")


def _number(value: Any) -> str:
    try:
        return str(Decimal(str(value)).normalize())
    except ArithmeticError:
        return str(value)


def items(case: Mapping[str, Any]) -> dict[str, Counter[Hashable]]:
    """The comparable items of one case file's data, per field."""
    region = str(case.get("region", ""))
    found: dict[str, Counter[Hashable]] = {name: Counter() for name in FIELDS}
    found["cases"][(region, norm(_zh(case.get("headline"))))] += 1
    found["regions"][region] += 1
    mechanisms: set[tuple[str, str, str]] = set()
    for path, measure in _walk(case.get("measures")):
        found["measures"][(region, path, norm(_zh(measure.get("title"))))] += 1
        for mechanism in measure.get("mechanisms") or []:
            mechanisms.add((region, path.partition(".")[0], str(mechanism)))
        for outcome in measure.get("outcomes") or []:
            if isinstance(outcome, Mapping):
                found["outcomes"][(region, _number(outcome.get("value")), str(outcome.get("unit")))] += 1
    found["mechanisms"].update(mechanisms)
    for regulation in case.get("regulations") or []:
        if isinstance(regulation, Mapping):
            found["regulations"][(region, norm(regulation.get("title")))] += 1
    for institution in case.get("institutions") or []:
        if isinstance(institution, Mapping):
            found["institutions"][(region, norm(_zh(institution.get("name"))))] += 1
    return found


def evaluate(
    predicted: list[Mapping[str, Any]], gold: list[Mapping[str, Any]], named_without_text: Iterable[str]
) -> Evaluation:
    """Score predicted drafts against gold case data (both as plain case-file mappings)."""
    with_text = [case for case in gold if case.get("status") in WITH_TEXT]
    no_text = {str(case.get("region")) for case in gold if case.get("status") == "text-unavailable"}
    totals_pred: dict[str, Counter[Hashable]] = {name: Counter() for name in FIELDS}
    totals_gold: dict[str, Counter[Hashable]] = {name: Counter() for name in FIELDS}
    for case in predicted:
        for name, counter in items(case).items():
            totals_pred[name].update(counter)
    for case in with_text:
        for name, counter in items(case).items():
            totals_gold[name].update(counter)
    scores: dict[str, Score] = {}
    missed: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    for name in FIELDS:
        pred, want = totals_pred[name], totals_gold[name]
        common = pred & want
        scores[name] = Score(sum(common.values()), sum(pred.values()), sum(want.values()))
        missed[name] = sorted(str(key) for key in (want - pred))
        extra[name] = sorted(str(key) for key in (pred - want))
    named = set(named_without_text)
    unavailable = Score(len(named & no_text), len(named), len(no_text))
    return Evaluation(scores, unavailable, missed, extra)
