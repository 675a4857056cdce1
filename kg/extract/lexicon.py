"""The words extraction looks for, taken from the project's SKOS vocabularies (never from case files).

Mechanism types are found by their Chinese prefLabels and altLabels; institution kinds and units likewise.
Top concepts of the mechanism scheme are categories reached through ``skos:broader``: text never names them
on their own terms (监督, 通报 are everyday words), so only their narrower concepts are matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Lexicon:
    """Chinese labels → concept ids, per scheme."""

    mechanisms: dict[str, tuple[str, ...]]
    """label → mechanism ids (narrower concepts only)"""
    institution_kinds: dict[str, str]
    """label → institution-kind id"""
    units: dict[str, str]
    """label → unit id"""
    regulation_kinds: dict[str, str]
    """label → regulation-kind id"""


def _scheme_of(concept: str) -> tuple[str, str]:
    scheme, _, local = concept.rstrip("/").rpartition("/")
    return scheme.rpartition("/")[2], local


@lru_cache(maxsize=4)
def load_lexicon(files: tuple[Path, ...] | None = None) -> Lexicon:
    """The lexicon of the shipped vocabularies (or of ``files``, Turtle SKOS schemes)."""
    from rdflib import SKOS, Literal, URIRef

    from kg.loading import read_rdf_files
    from kg.resources import vocab_files

    graph = read_rdf_files(list(files) if files is not None else vocab_files())
    top = {str(node) for node in graph.subjects(SKOS.topConceptOf, None)}
    mechanisms: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    units: dict[str, str] = {}
    regulation_kinds: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for subject, label in graph.subject_objects(predicate):
            if not isinstance(subject, URIRef) or not isinstance(label, Literal) or label.language != "zh":
                continue
            scheme, local = _scheme_of(str(subject))
            text = str(label)
            if scheme == "mechanism" and str(subject) not in top:
                mechanisms.setdefault(text, set()).add(local)
            elif scheme == "institution-kind":
                kinds.setdefault(text, local)
            elif scheme == "unit":
                units.setdefault(text, local)
            elif scheme == "regulation-kind":
                regulation_kinds.setdefault(text, local)
    return Lexicon(
        {label: tuple(sorted(ids)) for label, ids in sorted(mechanisms.items())},
        dict(sorted(kinds.items())),
        dict(sorted(units.items())),
        dict(sorted(regulation_kinds.items())),
    )
