"""Benchmarks of fazhi-kg on the bundled data: seconds per step, and ratios against a plain baseline.

Run it with ``make bench`` (or ``.venv/bin/python bench/run.py``). Each step is timed in this one run, next
to the plain way of doing the same work with rdflib alone, so the ratio says what the project's choices buy
on this machine today. Not a test: nothing here passes or fails.

    step                              ours (s)  baseline (s)   ratio  baseline
    parse dataset.nt                     0.21          2.10    10.0×  rdflib Graph.parse
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best wall-clock seconds of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


class Report:
    """Collects and prints rows of (step, ours, baseline, what the baseline is)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float | None, str]] = []
        print(f"{'step':<42} {'ours (s)':>9} {'baseline (s)':>13} {'ratio':>8}  baseline")

    def add(self, step: str, ours: float, baseline: float | None = None, what: str = "") -> None:
        self.rows.append((step, ours, baseline, what))
        ratio = f"{baseline / ours:7.1f}×" if baseline is not None and ours > 0 else "       –"
        base = f"{baseline:13.3f}" if baseline is not None else f"{'–':>13}"
        print(f"{step:<42} {ours:9.3f} {base} {ratio}  {what}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per query step (best is kept)")
    parser.add_argument("--skip-analysis", action="store_true", help="leave out the analysis steps")
    options = parser.parse_args()

    import pyshacl
    import rdflib

    rdflib.NORMALIZE_LITERALS = False
    from kg import query, stats, store, validation
    from kg.build import build
    from kg.loading import read_quads, read_rdf

    report = Report()
    out = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    seconds, summary = timed(lambda: build(out_dir=out))
    report.add(f"kg build ({summary.triples} triples)", seconds)
    dataset = out / "dataset.nt"

    ours, _ = timed(lambda: read_quads(dataset))
    plain, plain_graph = timed(lambda: rdflib.Graph().parse(dataset, format="nt"))
    report.add("parse dataset.nt → quads", ours, plain, "rdflib Graph.parse")
    ours, graph = timed(lambda: read_rdf(dataset))
    report.add("parse dataset.nt → rdflib graph", ours, plain, "rdflib Graph.parse")
    ours, oxi = timed(lambda: store.from_graph(graph))
    report.add("rdflib graph → query store", ours)

    ours, result = timed(lambda: validation.validate(graph))
    shapes = rdflib.Graph()
    from kg.resources import ontology_file, shapes_files

    for path in shapes_files():
        shapes.parse(path, format="turtle")
    ontology = rdflib.Graph().parse(ontology_file(), format="turtle")
    plain, _ = timed(
        lambda: pyshacl.validate(plain_graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    )
    report.add("kg validate (library)", ours, plain, "pyshacl, rdfs inference")

    ours, _ = timed(lambda: stats.compute(oxi), options.repeat)
    report.add("kg stats (library)", ours)

    for named in query.list_named():
        ours, _ = timed(lambda named=named: query.run_named(oxi, named.name), options.repeat)
        plain, _ = timed(lambda named=named: query.run_named(graph, named.name), 1)
        report.add(f"query {named.name}", ours, plain, "same query on rdflib")

    if not options.skip_analysis:
        try:
            from bench_analysis import benchmarks
        except ImportError as error:
            print(f"analysis benchmarks unavailable: {error}")
        else:
            for name, step in benchmarks():
                seconds, _ = timed(step)
                report.add(name, seconds)
    del result


if __name__ == "__main__":
    main()
