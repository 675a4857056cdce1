"""Topics: the family a title belongs to across jurisdictions (优化营商环境条例 in provinces and cities)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.legislation.resolver import resolve_jurisdiction
from kg.legislation.titles import balanced_brackets, normalise_title, plain_title, title_hash

if TYPE_CHECKING:
    from rdflib import URIRef

    from kg.divisions import JurisdictionTable

_IMPLEMENTS = re.compile(r"实施《([^《》]+)》|《([^《》]+)》实施")


@dataclass(frozen=True)
class Topic:
    """The family a title belongs to across jurisdictions.

    ``label``: the normalised title without its jurisdiction prefix (优化营商环境条例); ``implements``: the
    normalised title of the law that an implementing regulation (实施《…》办法) names, else None.
    """

    label: str
    implements: str | None = None

    @property
    def hash(self) -> str:
        """The hash of the label's normalised form, so （一） and (一) make one topic."""
        return title_hash(normalise_title(self.label))


def normalise_topic(title: str, table: JurisdictionTable, *, hint_province: str | None = None) -> Topic:
    """A title's topic: strip version marks and the place the title opens with (and 经济特区 after it).

    ``hint_province`` as for ``resolve_jurisdiction``: it lets short city names (深圳, 绍兴) be stripped.

    >>> from kg.divisions import jurisdiction_table
    >>> normalise_topic("上海市实施《突发事件应对法》办法", jurisdiction_table())
    Topic(label='实施《突发事件应对法》办法', implements='突发事件应对法')
    """
    text = plain_title(title)
    found = resolve_jurisdiction(text, table, hint_province=hint_province)
    if found.status != "national" and len(found.matched) < len(text):
        text = text[len(found.matched) :]
        text = text.removeprefix("经济特区") or text
    implemented = _IMPLEMENTS.search(text)
    target = None
    if implemented and balanced_brackets(text):
        target = normalise_title(implemented.group(1) or implemented.group(2))
    return Topic(text, target)


def topic_iri(topic: Topic) -> URIRef:
    """``https://w3id.org/fazhi/id/topic/{hash}``: topics live under the default base, like concepts."""
    from kg.terms import Ids

    return Ids.concept("topic", topic.hash)
