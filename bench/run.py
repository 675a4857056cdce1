"""Benchmark of fazhi-kg against fair baselines, end to end, in one run: seconds, peak memory and ratios.

Run it with ``make bench`` (the bundled dataset and about 100k triples) or ``make bench-1m`` (adds about 1M
triples; long). Every step is a separate process, timed from start to exit, with its peak resident memory
(``wait4``); ``kg`` runs as users run it, on the store that ``kg build`` writes. Each baseline is what a user
would write with rdflib and pyshacl **with the same settings** as ``kg``: the same shapes and ontology, no
inference (``kg`` does none), the same queries, the same serialisations. Baselines run in the same run on
the same data, so the ratio says what the project's choices buy on this machine today. A baseline that runs
past ``--baseline-limit`` seconds is stopped and shown as ``>limit``.

Sizes other than the bundled dataset are built from ``kg synth`` case files (synthetic cases replacing the
bundled ones, with the same reference data). The smallest dataset is the reference data plus the cases, about
80k triples; there is no 10k-triple dataset of this shape, so none is measured.

Results are printed as a table and kept as JSON in ``bench/out/results.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
TRIPLES_PER_CASE = 290
"""About what one synthetic case adds (measured); the reference data hold about 77k triples."""
REFERENCE_TRIPLES = 77_000

PRELUDE = """
import sys, rdflib
rdflib.NORMALIZE_LITERALS = False
from rdflib import Graph
from kg.resources import ontology_file, shapes_files
"""

BASELINES = {
    "build": PRELUDE
    + """
import gzip
from pathlib import Path
from rdflib import Dataset, URIRef
from kg.build import dataset_layers
from kg.terms import DEFAULT_BASE, PREFIXES
cases = sys.argv[1] if sys.argv[1] != "-" else None
layers = dataset_layers(cases_dir=Path(cases) if cases else None)
out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
graph = Graph()
for prefix, namespace in PREFIXES.items():
    graph.bind(prefix, namespace)
for triples in layers.values():
    graph.addN((s, p, o, graph) for s, p, o in triples)
graph.serialize(out / "dataset.ttl", format="turtle")
graph.serialize(out / "dataset.nt", format="nt")
(out / "dataset.nt.gz").write_bytes(gzip.compress((out / "dataset.nt").read_bytes(), 9, mtime=0))
graph.serialize(out / "dataset.jsonld", format="json-ld")
del graph
dataset = Dataset()
for layer, triples in layers.items():
    named = dataset.graph(URIRef(DEFAULT_BASE + "graph/" + layer))
    named.addN((s, p, o, named) for s, p, o in triples)
dataset.serialize(out / "dataset.trig", format="trig")
""",
    "validate": PRELUDE
    + """
import pyshacl
data = Graph().parse(sys.argv[1], format="nt")
shapes = Graph()
for path in shapes_files():
    shapes.parse(path, format="turtle")
ontology = Graph().parse(ontology_file(), format="turtle")
pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True)
""",
    "query": PRELUDE
    + """
from kg.query import QUERY_PREFIXES, named
query = named(sys.argv[2])
data = Graph().parse(sys.argv[1], format="nt")
rows = list(data.query(query.text, initNs=QUERY_PREFIXES, initBindings=query.parameters))
""",
    "stats": PRELUDE
    + """
from kg.stats import compute
compute(Graph().parse(sys.argv[1], format="nt"))
""",
    "export": PRELUDE
    + """
Graph().parse(sys.argv[1], format="nt").serialize(sys.argv[2], format="turtle")
""",
}
"""What a user would write with rdflib and pyshacl for each step, same settings as kg."""


@dataclass
class Row:
    size: str
    triples: int
    step: str
    seconds: float
    peak_mb: float
    baseline: str
    baseline_seconds: float | None
    baseline_peak_mb: float | None
    timed_out: bool = False

    @property
    def ratio(self) -> str:
        if not self.baseline:
            return "–"
        if self.baseline_seconds is None:
            return f">{self.limit_ratio:.0f}×" if self.timed_out else "–"
        return f"{self.baseline_seconds / self.seconds:.1f}×"

    limit_ratio: float = 0.0


def measure(command: list[str], limit: float | None = None) -> tuple[float | None, float]:
    """Seconds and peak RSS (MB) of one process run to its end; None seconds when stopped at ``limit``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = None if limit is None else started + limit
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return None, usage.ru_maxrss / 1024
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed with exit {code}:\n{error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def kg(*args: str) -> list[str]:
    return [PYTHON, "-m", "kg", *args]


def baseline(name: str, *args: str) -> list[str]:
    return [PYTHON, "-c", BASELINES[name], *args]


def count_triples(dataset: Path) -> int:
    with dataset.open("rb") as handle:
        return sum(1 for _ in handle)


def prepare(size: str, work: Path) -> tuple[Path | None, Path]:
    """The case folder (None: the bundled cases) and the output folder of a benchmark size."""
    if size == "bundled":
        return None, work / "bundled" / "dist"
    target = {"100k": 100_000, "1m": 1_000_000}[size]
    cases = work / size / "cases"
    count = max(1, (target - REFERENCE_TRIPLES) // TRIPLES_PER_CASE)
    subprocess.run(kg("synth", "--cases", str(count), "--seed", "1", "--out", str(cases)), check=True)
    return cases, work / size / "dist"


def run_size(size: str, work: Path, limit: float, rows: list[Row], skip_analysis: bool) -> None:
    cases, dist = prepare(size, work)
    case_args = ["--cases", str(cases)] if cases else []
    build_seconds, build_peak = measure(kg("build", *case_args, "--out", str(dist)))
    dataset = dist / "dataset.nt"
    triples = count_triples(dataset)
    base_seconds, base_peak = measure(baseline("build", str(cases or "-"), str(work / size / "base")), limit)

    def add(
        step: str,
        ours: tuple[float | None, float],
        what: str = "",
        base: tuple[float | None, float] | None = None,
    ) -> None:
        row = Row(
            size=size,
            triples=triples,
            step=step,
            seconds=ours[0] or 0.0,
            peak_mb=ours[1],
            baseline=what,
            baseline_seconds=base[0] if base else None,
            baseline_peak_mb=base[1] if base else None,
            timed_out=base is not None and base[0] is None,
            limit_ratio=limit / (ours[0] or 1.0),
        )
        rows.append(row)
        print_row(row)

    add(
        "build (→ ttl nt nt.gz jsonld trig store)",
        (build_seconds, build_peak),
        "kg's mapping + rdflib serialisers",
        (base_seconds, base_peak),
    )
    dist_args = ["--dist", str(dist)]
    validate_rows(add, dist_args, dataset, limit)
    add(
        "stats",
        measure(kg("stats", *dist_args)),
        "same SPARQL on rdflib (parse + query)",
        measure(baseline("stats", str(dataset)), limit),
    )
    from kg.query import list_named

    for named in list_named():
        add(
            f"query {named.name}",
            measure(kg("query", "--name", named.name, *dist_args)),
            "rdflib parse + same query",
            measure(baseline("query", str(dataset), named.name), limit),
        )
    add(
        "export --format ttl",
        measure(kg("export", "--format", "ttl", *dist_args, "-o", str(work / "x.ttl"))),
        "rdflib parse + Turtle serialiser (rdfpipe)",
        measure(baseline("export", str(dataset), str(work / "y.ttl")), limit),
    )
    if not skip_analysis:
        for args in (("centrality", "--graph", "regions"), ("communities",), ("diffusion",)):
            add(
                "analyze " + " ".join(args),
                measure(kg("analyze", *args, *dist_args)),
                "same analysis re-parsing dataset.nt (--data)",
                measure(kg("analyze", *args, "--data", str(dataset)), limit),
            )


def validate_rows(add: Callable[..., None], dist_args: list[str], dataset: Path, limit: float) -> None:
    """``kg validate`` with each engine (fast is the default) against plain pyshacl, measured once."""
    base = measure(baseline("validate", str(dataset)), limit)
    what = "pyshacl, same shapes + ontology, no inference"
    fast = measure(kg("validate", *dist_args, "--timeout", "3600"))
    add("validate (fast engine, default)", fast, what, base)
    add(
        "validate --engine pyshacl",
        measure(kg("validate", "--engine", "pyshacl", *dist_args, "--timeout", "3600")),
        what,
        base,
    )


HEADER = (
    f"{'size':<8} {'triples':>9}  {'step':<46} {'kg s':>8} {'kg MB':>7} {'base s':>8} {'base MB':>8} "
    f"{'ratio':>7}  baseline"
)


def print_row(row: Row) -> None:
    if row.baseline_seconds is not None:
        base = f"{row.baseline_seconds:8.2f}"
    else:
        base = f"{'>limit' if row.timed_out else '–':>8}"
    base_mb = f"{row.baseline_peak_mb:8.0f}" if row.baseline_peak_mb else f"{'–':>8}"
    print(
        f"{row.size:<8} {row.triples:>9}  {row.step:<46} {row.seconds:8.2f} {row.peak_mb:7.0f} {base} "
        f"{base_mb} {row.ratio:>7}  {row.baseline}",
        flush=True,
    )


def startup() -> dict[str, float]:
    """Best of 5: ``kg --help`` end to end, and ``import kg`` alone (python -X importtime is not used: it
    changes what it measures)."""
    help_seconds = min(measure(kg("--help"))[0] or 0 for _ in range(5))
    bare = min(measure([PYTHON, "-c", "pass"])[0] or 0 for _ in range(5))
    imported = min(measure([PYTHON, "-c", "import kg"])[0] or 0 for _ in range(5))
    return {"kg --help": help_seconds, "import kg (over bare python)": imported - bare, "bare python": bare}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024**2:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,100k", help="comma-separated: bundled, 100k, 1m")
    parser.add_argument("--baseline-limit", type=float, default=600.0, help="seconds a baseline may take")
    parser.add_argument("--skip-analysis", action="store_true", help="leave out the analysis steps")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"machine: {machine()}")
    times = startup()
    for name, seconds in times.items():
        print(f"{name}: {seconds:.3f} s")
    print(HEADER)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        for size in options.sizes.split(","):
            run_size(size.strip(), Path(folder), options.baseline_limit, rows, options.skip_analysis)
            save(rows, times, options.baseline_limit)  # kept after each size, so a stopped run keeps its rows
    print(f"results: {OUT / 'results.json'}")


def save(rows: list[Row], times: dict[str, float], limit: float) -> None:
    document = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "startup_seconds": times,
        "baseline_limit_seconds": limit,
        "rows": [{**asdict(row), "ratio": row.ratio} for row in rows],
    }
    (OUT / "results.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
