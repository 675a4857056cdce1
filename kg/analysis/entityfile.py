"""The entity graph as plain data, and its copy beside a store (``entity-graph.json``).

Reading the entity graph through SPARQL costs about 5 s at the nationwide size (Oxigraph decodes 314,000 × 3
IRIs, then every label and type of 110,000 nodes), more than all the rest of ``kg analyze centrality --graph
entity``. So ``kg build`` and ``kg load`` run those queries once, while the store is made, and keep the answer
in the store's folder; the analyses read it in a fraction of a second. The file records the quad count of the
store and a digest of the queries that made it: when either differs (a store made by another version of kg,
another definition of the graph), or the file is missing or unreadable, the analyses run the queries again.
The folder is replaced whole when a store is made again, so the file never outlives its data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTITY_FILE = "entity-graph.json"
"""The entity graph's file inside a kg store's folder."""

_FORMAT = "kg-entity-graph 1"


@dataclass(frozen=True)
class EntityData:
    """The entity graph with nodes as indices: ``nodes`` sorted IRIs; ``links`` (subject, predicate,
    object) sorted as their IRIs sort (subject and object as indices into ``nodes``); ``described`` the
    (label, kind) of each node, when it was read with them."""

    nodes: list[str]
    links: list[tuple[int, str, int]]
    described: list[tuple[str, str]] | None = None

    @classmethod
    def from_links(cls, links: list[tuple[str, str, str]]) -> EntityData:
        """Index sorted (subject, predicate, object) IRIs."""
        nodes = sorted({n for s, _, o in links for n in (s, o)})
        index = {node: i for i, node in enumerate(nodes)}
        return cls(nodes, [(index[s], p, index[o]) for s, p, o in links])


def definition() -> str:
    """A digest of what the file holds: the queries and exclusions that define the entity graph."""
    from .graphs import _ENTITY_EDGES, _ENTITY_TYPES, _VOCABULARIES
    from .sparql import _LABELS

    text = "\n".join((_FORMAT, _ENTITY_EDGES, _ENTITY_TYPES, *_VOCABULARIES, _LABELS))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_entity_file(store: Any, folder: Path, quads: int) -> Path:
    """Read the entity graph of ``store`` with every label and kind, and write it into ``folder`` (the
    staged folder of a store holding ``quads`` quads)."""
    from .graphs import entity_described

    data = entity_described(store)
    predicates = sorted({p for _, p, _ in data.links})
    number = {p: i for i, p in enumerate(predicates)}
    described = data.described or []
    content = {
        "format": _FORMAT,
        "definition": definition(),
        "quads": quads,
        "nodes": data.nodes,
        "labels": [label for label, _ in described],
        "kinds": [kind for _, kind in described],
        "predicates": predicates,
        "links": [value for s, p, o in data.links for value in (s, number[p], o)],
    }
    path = Path(folder) / ENTITY_FILE
    path.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def read_entity_file(folder: Path) -> EntityData | None:
    """The entity graph kept in a store's folder, or None when there is none, it is unreadable, or it was
    made for another store (the quad count its marker records) or another definition of the graph."""
    from ..store import recorded_quads

    quads = recorded_quads(folder)
    try:
        content = json.loads((Path(folder) / ENTITY_FILE).read_text(encoding="utf-8"))
        if (
            content.get("format") != _FORMAT
            or content.get("definition") != definition()
            or quads is None
            or content.get("quads") != quads
        ):
            return None
        nodes, predicates, flat = content["nodes"], content["predicates"], content["links"]
        labels, kinds = content["labels"], content["kinds"]
        if len(labels) != len(nodes) or len(kinds) != len(nodes) or len(flat) % 3:
            return None
        texts = (*nodes, *labels, *kinds, *predicates)
        if not all(type(v) is str for v in texts) or not all(type(v) is int for v in flat):
            return None
        ends = flat[0::3] + flat[2::3]
        if ends and (min(ends) < 0 or max(ends) >= len(nodes)):
            return None
        links = [(flat[i], predicates[flat[i + 1]], flat[i + 2]) for i in range(0, len(flat), 3)]
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return EntityData(nodes, links, list(zip(labels, kinds, strict=True)))
