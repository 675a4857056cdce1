"""The fast validation engine (pyshacl-turbo) reports exactly what the reference engine (pyshacl) reports:
the same focus nodes, paths, values, constraint components, severities, shapes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.loading import read_rdf
from kg.validation import validate

EXAMPLES = Path(__file__).resolve().parent / "shapes"


def _both(data: Graph, **options: object) -> tuple[object, object]:
    reference = validate(data, engine="pyshacl", **options)  # type: ignore[arg-type]
    fast = validate(data, engine="fast", **options)  # type: ignore[arg-type]
    assert reference.engine == "pyshacl" and fast.engine == "fast"
    return reference, fast


def test_fast_engine_reports_what_pyshacl_reports_on_the_whole_dataset(built: Path) -> None:
    reference, fast = _both(read_rdf(built / "dataset.nt"))
    assert fast.problems == reference.problems  # type: ignore[attr-defined]
    assert fast.to_turtle() == reference.to_turtle()  # type: ignore[attr-defined]


def _examples() -> Graph:
    """Every valid and invalid shape example, each file's own nodes renamed apart, with the common data."""
    data = Graph().parse(EXAMPLES / "common.ttl", format="turtle")
    for path in sorted((EXAMPLES / "valid").glob("*.ttl")) + sorted((EXAMPLES / "invalid").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        own = {s for s in graph.subjects() if isinstance(s, URIRef)}
        for s, p, o in graph:
            data.add(
                (
                    URIRef(f"{s}#{path.stem}") if s in own else s,
                    p,
                    URIRef(f"{o}#{path.stem}") if o in own else o,
                )
            )
    return data


def test_fast_engine_reports_what_pyshacl_reports_on_every_shape_example() -> None:
    reference, fast = _both(_examples())
    assert len(reference.problems) > 100  # type: ignore[attr-defined]  # every invalid example fails
    assert fast.problems == reference.problems  # type: ignore[attr-defined]


def test_the_report_names_the_engine_that_ran(built: Path) -> None:
    from helpers import invoke

    code, output = invoke("validate", "--engine", "fast", "--data", str(built / "dataset.nt"))
    assert code == 0 and output.rstrip().endswith("(engine: fast)")


def test_an_unknown_engine_is_refused() -> None:
    from kg.errors import InputError

    with pytest.raises(InputError, match="unknown validation engine"):
        validate(Graph(), engine="quick")
