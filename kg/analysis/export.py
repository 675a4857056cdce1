"""Graph exports: GraphML, GEXF (Gephi) and node-link JSON.

Attribute values are made plain (text, numbers, booleans; None dropped), since GraphML and GEXF hold nothing
else; node ids are IRIs and multigraph edge keys are predicate IRIs.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, OutputError

if TYPE_CHECKING:
    import networkx as nx

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


def graph_text(graph: nx.Graph[str], fmt: str) -> str:
    """The graph serialised as GraphML, GEXF or node-link JSON."""
    import networkx as nx

    copy = plain_copy(graph)
    if fmt == "json":
        data = nx.node_link_data(copy, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
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
