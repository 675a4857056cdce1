"""Graph exports: GraphML, GEXF (Gephi) and node-link JSON.

Attribute values are made plain (text, numbers, booleans; None dropped), since GraphML and GEXF hold nothing
else; node ids are IRIs and multigraph edge keys are predicate IRIs.

Node-link JSON is what ``json.dumps(nx.node_link_data(graph), indent=1, sort_keys=True)`` writes, byte for
byte, but faster: Python encodes an indented document with its pure-Python encoder (the C encoder runs only
without ``indent``), 7 s for the entity graph's 424,000 nodes and links; :func:`indented_json` lets the C
encoder write the runs of flat objects and lays them out as the indented encoder does. The entity graph's
node-link data is built from its plain data (:func:`entity_node_link`), without the MultiDiGraph.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, OutputError

if TYPE_CHECKING:
    import networkx as nx

    from .entityfile import EntityData

GRAPH_FORMATS = ("graphml", "gexf", "json")


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else str(value)


_PLAIN = (str, int, float, bool)


def _is_plain(graph: nx.Graph[str]) -> bool:
    """True when every node id, key and attribute value is text, a number or a boolean already."""
    import networkx as nx

    values = [graph.graph.values(), *(data.values() for _, data in graph.nodes(data=True))]
    if isinstance(graph, nx.MultiGraph):
        edges = graph.edges(keys=True, data=True)
        if not all(isinstance(key, str) for _, _, key, _ in edges):
            return False
        values.extend(data.values() for _, _, _, data in edges)
    else:
        values.extend(data.values() for _, _, data in graph.edges(data=True))
    return all(isinstance(node, str) for node in graph) and all(
        isinstance(value, _PLAIN) for group in values for value in group
    )


def plain_copy(graph: nx.Graph[str]) -> nx.Graph[str]:
    """A copy of the graph whose attributes every format can hold (the graph itself when they all can: the
    entity graph's 300,000 links are copied in seconds)."""
    import networkx as nx

    if _is_plain(graph):
        return graph

    copy = graph.__class__()
    copy.graph.update({k: _plain(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        copy.add_node(str(node), **{k: _plain(v) for k, v in data.items() if v is not None})
    if isinstance(graph, nx.MultiGraph):
        for a, b, key, data in graph.edges(keys=True, data=True):
            copy.add_edge(
                str(a), str(b), key=str(key), **{k: _plain(v) for k, v in data.items() if v is not None}
            )
    else:
        for a, b, data in graph.edges(data=True):
            copy.add_edge(str(a), str(b), **{k: _plain(v) for k, v in data.items() if v is not None})
    return copy


_SCALARS = frozenset((str, int, float, bool, type(None)))


class _NotLaidOut(Exception):
    """A value :func:`indented_json` leaves to ``json.dumps`` (a key that is not text, an object JSON has
    no form for)."""


def _flat_objects(items: Sequence[Any]) -> bool:
    """True when ``items`` are non-empty dicts of text keys and scalar values (tested at C speed: 424,000
    objects in a fraction of a second)."""
    return (
        set(map(type, items)) == {dict}
        and all(items)
        and set(map(type, chain.from_iterable(items))) == {str}
        and set(map(type, chain.from_iterable(map(dict.values, items)))) <= _SCALARS
    )


def _lay_out(value: Any, level: int, indent: int, out: list[str]) -> None:
    """Append ``value`` as ``json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)`` writes it
    at nesting ``level``.

    JSON text holds a line break only between items (a string's are escaped), so the C encoder, given
    ``",\n" + padding`` as its item separator, writes a flat object or list already laid out; a list of flat
    objects is written in one call, and the only ``"},\n" + padding + "{"`` in it are the places between two
    objects (inside an object an item starts with its key's quote), which get their own line and padding.
    """
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if type(value) in _SCALARS:
        out.append(json.dumps(value, ensure_ascii=False))
    elif not value and isinstance(value, dict | list):
        out.append("{}" if isinstance(value, dict) else "[]")
    elif isinstance(value, dict):
        if set(map(type, value)) != {str}:
            raise _NotLaidOut
        if set(map(type, value.values())) <= _SCALARS:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",\n" + inner, ": "))
            out.append("{\n" + inner + text[1:-1] + "\n" + pad + "}")
            return
        for number, key in enumerate(sorted(value)):
            out.append(("{\n" if number == 0 else ",\n") + inner + json.dumps(key, ensure_ascii=False) + ": ")
            _lay_out(value[key], level + 1, indent, out)
        out.append("\n" + pad + "}")
    elif isinstance(value, list):
        if set(map(type, value)) <= _SCALARS:
            text = json.dumps(value, ensure_ascii=False, separators=(",\n" + inner, ": "))
            out.append("[\n" + inner + text[1:-1] + "\n" + pad + "]")
        elif _flat_objects(value):
            deeper = " " * (indent * (level + 2))
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",\n" + deeper, ": "))
            text = text[2:-2].replace("},\n" + deeper + "{", "\n" + inner + "},\n" + inner + "{\n" + deeper)
            out.append("[\n" + inner + "{\n" + deeper + text + "\n" + inner + "}\n" + pad + "]")
        else:
            for number, item in enumerate(value):
                out.append(("[\n" if number == 0 else ",\n") + inner)
                _lay_out(item, level + 1, indent, out)
            out.append("\n" + pad + "]")
    else:
        raise _NotLaidOut


def indented_json(value: Any, indent: int = 1) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)``, the same text, written
    mostly by the C encoder (see :func:`_lay_out`); what it cannot lay out goes to ``json.dumps`` whole."""
    out: list[str] = []
    try:
        _lay_out(value, 0, indent, out)
    except _NotLaidOut:
        return json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)
    return "".join(out)


def entity_node_link(data: EntityData) -> dict[str, Any]:
    """``nx.node_link_data(entity_graph_of(data), edges="edges")``, built from the plain data: the same
    objects in the same order (nodes as listed; a node's links grouped by target in the order each target
    first appears, then by key), without the MultiDiGraph (3 s at the nationwide size)."""
    from .graphs import compact

    nodes, described = data.nodes, data.described or []
    targets: dict[int, dict[int, dict[str, None]]] = {}
    for s, p, o in data.links:
        targets.setdefault(s, {}).setdefault(o, {})[p] = None
    predicates = {p: compact(p) for p in {p for _, p, _ in data.links}}
    return {
        "directed": True,
        "multigraph": True,
        "graph": {},
        "nodes": [
            {"label": label, "kind": kind, "id": node}
            for node, (label, kind) in zip(nodes, described, strict=True)
        ],
        "edges": [
            {"predicate": predicates[p], "source": nodes[s], "target": nodes[o], "key": p}
            for s in sorted(targets)
            for o, keys in targets[s].items()
            for p in keys
        ],
    }


@dataclass(frozen=True)
class Exported:
    """A graph written out: its text and size."""

    text: str
    nodes: int
    edges: int


def entity_export(data: EntityData, fmt: str) -> Exported:
    """The entity graph (plain data with ``described``) in a format: node-link JSON straight from the data,
    GraphML and GEXF through its MultiDiGraph (text only: no copy to make plain)."""
    from .graphs import entity_graph_of

    if fmt == "json":
        content = entity_node_link(data)
        return Exported(_node_link_text(content), len(content["nodes"]), len(content["edges"]))
    graph = entity_graph_of(data)
    return Exported(graph_text(graph, fmt, plain=True), graph.number_of_nodes(), graph.number_of_edges())


def _node_link_text(data: dict[str, Any]) -> str:
    return indented_json(data) + "\n"


def graph_text(graph: nx.Graph[str], fmt: str, *, plain: bool = False) -> str:
    """The graph serialised as GraphML, GEXF or node-link JSON (``plain``: the caller knows every node id,
    key and attribute value is text, a number or a boolean already)."""
    import networkx as nx

    copy = graph if plain else plain_copy(graph)
    if fmt == "json":
        return _node_link_text(nx.node_link_data(copy, edges="edges"))
    if fmt == "graphml":
        # networkx's lxml writer (lxml comes with PyLD) streams the elements, about twice as fast as its
        # ElementTree writer on the entity graph; without lxml networkx falls back to the latter.
        buffer = io.BytesIO()
        nx.write_graphml(copy, buffer)
        return buffer.getvalue().decode("utf-8") + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(copy)) + "\n"
    raise InputError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")


def format_from_path(path: Path) -> str:
    """The export format named by a file's extension (.graphml, .gexf, .json)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in GRAPH_FORMATS:
        raise InputError(
            f"{path}: cannot tell the graph format from the extension; give --format "
            f"({', '.join(GRAPH_FORMATS)})"
        )
    return fmt


def write_graph(graph: nx.Graph[str], path: Path, fmt: str | None = None) -> Path:
    """Write the graph to ``path`` (format from ``fmt`` or the extension), atomically."""
    content = graph_text(graph, fmt or format_from_path(path))
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(content, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OutputError(
            f"{path}: cannot write the graph ({error.strerror}); choose a writable path"
        ) from error
    return path
