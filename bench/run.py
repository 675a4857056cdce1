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
    """Prints rows of (step, ours, baseline, what the baseline is) as they are measured."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        print(f"{'step':<64} {'ours (s)':>9} {'baseline (s)':>13} {'ratio':>8}  baseline")

    def add(self, step: str, ours: float, baseline: float | None = None, what: str = "") -> None:
        if not what:
            base, ratio = f"{'–':>13}", f"{'–':>8}"
        elif baseline is None:
            base = f"{'>' + format(self.limit, '.0f'):>13}"
            ratio = f"{'>' + format(self.limit / ours, '.0f') + '×':>8}"
        else:
            base, ratio = f"{baseline:13.3f}", f"{baseline / ours:7.1f}×"
        print(f"{step:<64} {ours:9.3f} {base} {ratio}  {what}", flush=True)


def bounded(function: Callable[[], Any], limit: float) -> float | None:
    """Seconds ``function`` takes, or None when it runs past ``limit`` (it is stopped there)."""
    from kg.errors import LimitExceeded
    from kg.limits import run_with_timeout

    started = time.perf_counter()
    try:
        run_with_timeout(lambda: (function(), None)[1], timeout=limit, what="baseline")
    except LimitExceeded:
        return None
    return time.perf_counter() - started


def cli_seconds(*args: str) -> float:
    """Wall-clock seconds of one ``kg`` command, end to end (process start, parsing, work, output)."""
    import subprocess

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per query step (best is kept)")
    parser.add_argument("--baseline-limit", type=float, default=60.0, help="seconds a baseline may take")
    parser.add_argument("--skip-analysis", action="store_true", help="leave out the analysis steps")
    options = parser.parse_args()

    import pyshacl
    import rdflib

    rdflib.NORMALIZE_LITERALS = False
    from kg import query, stats, store, validation
    from kg.build import build
    from kg.loading import read_quads, read_rdf
    from kg.resources import ontology_file, shapes_files

    limit = options.baseline_limit
    report = Report(limit)
    out = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    seconds, summary = timed(lambda: build(out_dir=out))
    report.add(f"build, library ({summary.triples} triples)", seconds)
    dataset = out / "dataset.nt"

    ours, _ = timed(lambda: read_quads(dataset))
    plain = bounded(lambda: rdflib.Graph().parse(dataset, format="nt"), limit)
    report.add("parse dataset.nt → quads", ours, plain, "rdflib Graph.parse")
    ours, graph = timed(lambda: read_rdf(dataset))
    report.add("parse dataset.nt → rdflib graph", ours, plain, "rdflib Graph.parse")
    ours, oxi = timed(lambda: store.from_graph(graph))
    report.add("rdflib graph → query store", ours)

    ours, _ = timed(lambda: validation.validate(graph))
    shapes = rdflib.Graph()
    for path in shapes_files():
        shapes.parse(path, format="turtle")
    ontology = rdflib.Graph().parse(ontology_file(), format="turtle")
    plain = bounded(
        lambda: pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="rdfs"), limit
    )
    report.add("validate, library", ours, plain, "pyshacl with rdfs inference")

    ours, _ = timed(lambda: stats.compute(oxi), options.repeat)
    report.add("stats, library", ours)

    for named in query.list_named():
        query.check(named.text)
        ours, _ = timed(lambda named=named: query.run_named(oxi, named.name), options.repeat)
        plain = bounded(lambda named=named: query.run_named(graph, named.name), limit)
        report.add(f"query {named.name}", ours, plain, "same query, rdflib engine")

    dist = ["--dist", str(out)]
    report.add("kg build (end to end)", cli_seconds("build", "--out", str(out)))
    report.add("kg validate (end to end)", cli_seconds("validate", *dist))
    report.add("kg stats (end to end)", cli_seconds("stats", *dist))
    for named in query.list_named():
        report.add(
            f"kg query --name {named.name} (end to end)", cli_seconds("query", "--name", named.name, *dist)
        )

    if not options.skip_analysis:
        try:
            from bench_analysis import benchmarks
        except ImportError as error:
            print(f"analysis benchmarks unavailable: {error}")
        else:
            for name, step in benchmarks():
                seconds, _ = timed(step)
                report.add(name, seconds)


if __name__ == "__main__":
    main()
