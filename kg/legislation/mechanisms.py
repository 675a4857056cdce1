"""The hand-curated links between mechanisms and the regulation topics that embody them.

``data/vocab/mechanism-topics.tsv`` holds one link a row: the mechanism's concept id, the SKOS mapping
relation (``closeMatch``: the topic's regulations are the mechanism put into law; ``relatedMatch``: they
carry part of it), the topic's label and a note that says why. The build turns each link into a
``skos:closeMatch`` / ``skos:relatedMatch`` triple from the mechanism to the topic concept, for the topics the
corpus holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.legislation.topics import Topic

MAPPING_NAME = "mechanism-topics.tsv"
HEADER = ("mechanism", "relation", "topic", "note")
RELATIONS = ("closeMatch", "relatedMatch")


@dataclass(frozen=True)
class MechanismLink:
    """A mechanism (concept id), a SKOS mapping relation, a topic label and the curator's note."""

    mechanism: str
    relation: str
    topic: str
    note: str

    @property
    def topic_hash(self) -> str:
        return Topic(self.topic).hash


def default_mapping_path() -> Path:
    """The bundled mapping, ``data/vocab/mechanism-topics.tsv``."""
    from kg.resources import data_dir

    return data_dir() / "vocab" / MAPPING_NAME


def read_mapping(path: Path | None = None) -> list[MechanismLink]:
    """The links of a mapping file, checked: four columns, a known relation, a note on every link."""
    path = default_mapping_path() if path is None else Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the mechanism–topic mapping ({error})") from None
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise InputError(f"{path}:1: header must be {' '.join(HEADER)} (tab-separated)")
    links = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(HEADER) or not all(cell.strip() for cell in cells):
            raise InputError(f"{path}:{number}: give mechanism, relation, topic and a note, tab-separated")
        if cells[1] not in RELATIONS:
            raise InputError(f"{path}:{number}: relation {cells[1]!r}; use {' or '.join(RELATIONS)}")
        links.append(MechanismLink(*(cell.strip() for cell in cells)))
    return links


def mapping_triples(links: Iterable[MechanismLink], topics: set[str]) -> list[tuple[str, str, str]]:
    """(mechanism IRI, SKOS property IRI, topic IRI) for each link whose topic hash is in ``topics``."""
    from kg.terms import Ids

    skos = "http://www.w3.org/2004/02/skos/core#"
    return sorted(
        (str(Ids.concept("mechanism", link.mechanism)), skos + link.relation, str(Ids.concept("topic", h)))
        for link in links
        if (h := link.topic_hash) in topics
    )
