"""Benchmarks at the nationwide size (the bundled legislation of all 31 provinces, ~830k triples).

Run ``.venv/bin/python bench/legislation_bench.py`` (after ``make demo``; ``--sources`` re-times the import).
Each step is timed next to the plain way of doing the same work with the same settings: pyshacl with the same
shapes, the ontology as ``ont_graph`` and no inference (what ``kg validate`` runs); the same SPARQL on
rdflib's engine; the same diffusion query on rdflib's engine. Not a test: nothing passes or fails.
Baselines that run past ``--baseline-limit`` seconds are stopped and shown as ``>limit``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.pop("KG_LEGISLATION_TABLE", None)

from run import Report, bounded, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-limit", type=float, default=300.0, help="seconds a baseline may take")
    parser.add_argument("--sources", type=Path, default=None, help="../shared/data, to time the import too")
    parser.add_argument("--dist", type=Path, default=None, help="use this built dataset instead of building")
    options = parser.parse_args()

    import pyshacl
    import rdflib

    from kg import query, stats, store, validation
    from kg.analysis.diffusion import (
        find_topic,
        hierarchy_from_store,
        leader_ties,
        read_adoptions,
        topic_summaries,
    )
    from kg.analysis.eventhistory import event_history, places
    from kg.build import build
    from kg.loading import read_rdf
    from kg.resources import ontology_file, shapes_files

    limit = options.baseline_limit
    report = Report(limit)
    if options.sources is not None:
        from kg.divisions import jurisdiction_table
        from kg.legislation import collect_records

        data = options.sources
        inputs = [
            *sorted((data / "lawrefbook").glob("*.sqlite3")),
            data / "flk-local" / "local-regulations.jsonl.gz",
        ]
        seconds, (records, _report) = timed(lambda: collect_records(inputs, jurisdiction_table()))
        report.add(f"import, library ({len(records)} records)", seconds)

    if options.dist is None:
        out = Path(tempfile.mkdtemp(prefix="kg-bench-nation-"))
        seconds, summary = timed(lambda: build(out_dir=out))
        report.add(f"build, library ({summary.triples} triples, five serialisations)", seconds)
        dataset = out / "dataset.nt"
    else:
        dataset = options.dist / "dataset.nt"

    ours, graph = timed(lambda: read_rdf(dataset))
    plain = bounded(lambda: rdflib.Graph().parse(dataset, format="nt"), limit)
    report.add("parse dataset.nt → rdflib graph", ours, plain, "rdflib Graph.parse")
    ours, oxi = timed(lambda: store.from_graph(graph))
    report.add("rdflib graph → query store", ours)

    ours, _ = timed(lambda: validation.validate(graph))
    shapes = rdflib.Graph()
    for path in shapes_files():
        shapes.parse(path, format="turtle")
    ontology = rdflib.Graph().parse(ontology_file(), format="turtle")
    plain = bounded(
        lambda: pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="none"), limit
    )
    report.add("validate, library", ours, plain, "pyshacl, same shapes, ont_graph, no inference")

    ours, _ = timed(lambda: stats.compute(oxi))
    report.add("stats, library", ours)

    for named in query.list_named():
        ours, _ = timed(lambda named=named: query.run_named(oxi, named.name))
        plain = bounded(lambda named=named: query.run_named(graph, named.name), limit)
        report.add(f"query {named.name}", ours, plain, "same query, rdflib engine")

    ours, table = timed(lambda: read_adoptions(oxi))
    plain = bounded(lambda: read_adoptions(graph), limit)
    report.add(
        f"diffusion: adoptions ({len(table.adoptions)} rows)", ours, plain, "same query, rdflib engine"
    )
    ours, _ = timed(lambda: topic_summaries(table, min_adopters=2))
    report.add("diffusion: topic summaries (kg analyze diffusion)", ours)
    hierarchy = hierarchy_from_store(oxi)
    ours, ties = timed(lambda: leader_ties(table, hierarchy, min_topics=3))
    report.add(f"diffusion: leader → follower ties, k = 3 ({len(ties)} ties)", ours)
    topic = find_topic(table, "优化营商环境条例")
    population = places(oxi, ("province", "prefecture"))
    ours, rows = timed(lambda: event_history(table, {topic}, population))
    report.add(f"diffusion: event-history table ({len(rows)} rows)", ours)


if __name__ == "__main__":
    main()
