"""Benchmark of fazhi-kg against fair baselines, end to end, in one run: seconds, peak memory and ratios.

Run it with ``make bench`` (about 10k and 100k triples and the bundled dataset) or ``make bench-1m`` (adds
about 1M triples; long). Every ``kg`` step is a separate process, timed from start to exit, with its peak
resident memory (``wait4``); ``kg`` runs as users run it, on the store that ``kg build`` (or ``kg load``)
writes. Each baseline is what a user would write with rdflib, pyshacl and networkx **with the same settings**
as ``kg``: the same shapes and ontology, no inference (``kg`` does none), the same queries, the same analysis
code, the same serialisations. Baselines run in the same run on the same data, so the ratio says what the
project's choices buy on this machine today.

**The sizes** (:data:`SIZES`). The bundled dataset alone is about 830k triples (the nationwide legislation),
so the smaller sizes are made without it:

- ``10k``: synthetic cases (``kg synth``), the SKOS vocabularies and the jurisdictions the cases name with
  the divisions above them; no legislation. Written as N-Triples and loaded with ``kg load`` (a build always
  maps all 3,340 divisions, 17k triples, so there is no build at this size).
- ``100k``: ``kg build`` of synthetic cases with the test suite's legislation extract
  (``KG_LEGISLATION_TABLE``: national documents, 北京, 吉林) and every division.
- ``bundled``: ``kg build`` of the repository as shipped.
- ``1m``: ``kg build`` of synthetic cases (in place of the bundled ones) with the bundled reference data.

**Read-step baselines** (queries, stats, analyses): one process per size parses ``dataset.nt`` into an
rdflib graph once, then runs each step's query or analysis in turn on rdflib's engine, each stopped after
``--baseline-limit`` seconds. A step's baseline time is that process's start-up and parse time plus the
step's own time: what one user process doing only that step takes. Its memory is the whole process's peak.

``--dist DIR`` measures only the bundled size's read steps, on a dataset already built in ``DIR`` (no build,
validation or export rows); ``--no-baselines`` leaves out the read-step baselines (kg's side only; no ratio).

Results are printed as a table and kept as JSON in ``bench/out/results.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PYTHON = sys.executable
LEGISLATION_EXTRACT = ROOT / "tests" / "fixtures" / "legislation" / "legislation.tsv.gz"
TRIPLES_PER_CASE = 190
"""About what one synthetic case adds (measured for seed 1)."""

SIZES = {
    "10k": "synthetic cases + SKOS vocabularies + the jurisdictions they name; no legislation (kg load)",
    "100k": "kg build: synthetic cases + all divisions + the test suite's legislation extract",
    "bundled": "kg build of the repository: 8 real cases, all divisions, nationwide legislation",
    "1m": "kg build: synthetic cases + the bundled reference data and nationwide legislation",
}

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
    "export": PRELUDE
    + """
Graph().parse(sys.argv[1], format="nt").serialize(sys.argv[2], format="turtle")
""",
}
"""What a user would write with rdflib and pyshacl for each whole-process step, same settings as kg."""

READS = PRELUDE + """
import json, signal, time
started = float(sys.argv[2])
limit = float(sys.argv[3])
steps = json.loads(sys.argv[4])
graph = Graph().parse(sys.argv[1], format="nt")
parsed = time.time() - started

class Stopped(BaseException):
    pass

def stop(*_):
    raise Stopped()

signal.signal(signal.SIGALRM, stop)

def work(kind, args):
    if kind == "query":
        from kg.query import run_named
        run_named(graph, args[0])
    elif kind == "stats":
        from kg.stats import compute
        compute(graph)
    else:
        sys.path.insert(0, sys.argv[5])
        from run import analysis_baseline
        analysis_baseline(graph, args)

for step, kind, args in steps:
    signal.setitimer(signal.ITIMER_REAL, limit)
    began = time.perf_counter()
    failed = None
    try:
        work(kind, args)
        seconds = time.perf_counter() - began
    except Stopped:
        seconds = None
    except Exception as error:
        seconds, failed = None, f"{type(error).__name__}: {error}"[:300]
    signal.setitimer(signal.ITIMER_REAL, 0)
    print(json.dumps({"step": step, "parse": parsed, "seconds": seconds, "failed": failed}), flush=True)
"""
"""The read-step baselines: parse once with rdflib, then each step on rdflib's engine (see the notes)."""


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
    limit_ratio: float = 0.0

    @property
    def ratio(self) -> str:
        if not self.baseline:
            return "–"
        if self.baseline_seconds is None:
            if not self.timed_out:
                return "–"
            # stopped at the limit: a lower bound, unknown when the limit was below kg's own time
            return f">{self.limit_ratio:.1f}×" if self.limit_ratio >= 1 else "?"
        return f"{self.baseline_seconds / self.seconds:.1f}×"


@dataclass
class Dataset:
    """One benchmark size, ready to read: ``read_args`` name its store for ``kg`` read commands."""

    size: str
    description: str
    nt: Path
    read_args: list[str]
    triples: int = 0
    regions: list[str] = field(default_factory=list)


Measured = tuple[float | None, float]


def measure(command: list[str], limit: float | None = None, env: dict[str, str] | None = None) -> Measured:
    """Seconds and peak RSS (MB) of one process run to its end; None seconds when stopped at ``limit``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
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


def case_count(target: int, reference: int) -> int:
    return max(1, (target - reference) // TRIPLES_PER_CASE)


# --- the sizes ---------------------------------------------------------------------------------------------


def prepare_10k(work: Path) -> tuple[Dataset, list[str]]:
    """Synthetic cases, the vocabularies and the jurisdictions the cases name (with those above them)."""
    folder = work / "10k"
    nt = folder / "dataset.nt"
    script = """
import sys
from pathlib import Path
from rdflib import Graph, URIRef
from kg.build import dataset_layers
from kg.synth import write_case_files
from kg.terms import FZ
folder = Path(sys.argv[1])
write_case_files(folder / "cases", int(sys.argv[2]), 1)
layers = dataset_layers(cases_dir=folder / "cases")
kept = set(layers["vocabularies"]) | set(layers["cases"])
named = {o for _, _, o in kept if isinstance(o, URIRef) and "/jurisdiction/" in str(o)}
above = {}
for s, p, o in layers["jurisdictions"]:
    if p == FZ.within:
        above[s] = o
todo = list(named)
while todo:
    node = todo.pop()
    parent = above.get(node)
    if parent is not None and parent not in named:
        named.add(parent)
        todo.append(parent)
kept |= {t for t in layers["jurisdictions"] if t[0] in named}
graph = Graph()
for triple in kept:
    graph.add(triple)
graph.serialize(sys.argv[3], format="nt", encoding="utf-8")
"""
    folder.mkdir(parents=True)
    subprocess.run([PYTHON, "-c", script, str(folder), str(case_count(10_000, 3_000)), str(nt)], check=True)
    store = folder / "store"
    dataset = Dataset("10k", SIZES["10k"], nt, ["--store", str(store)])
    return dataset, ["load", str(nt), "--store", str(store)]


def prepare_built(size: str, work: Path) -> tuple[Dataset, list[str], dict[str, str], Path | None]:
    """A size made by ``kg build``: the dataset, the build's arguments, its environment, its case folder."""
    folder = work / size
    dist = folder / "dist"
    env: dict[str, str] = {}
    cases: Path | None = None
    if size == "100k":
        env["KG_LEGISLATION_TABLE"] = str(LEGISLATION_EXTRACT)
        count = case_count(100_000, 91_000)
    elif size == "1m":
        count = case_count(1_000_000, 826_000)
    else:
        count = 0
    if count:
        cases = folder / "cases"
        subprocess.run(kg("synth", "--cases", str(count), "--seed", "1", "--out", str(cases)), check=True)
    build_args = ["build", *(["--cases", str(cases)] if cases else []), "--out", str(dist)]
    dataset = Dataset(size, SIZES[size], dist / "dataset.nt", ["--dist", str(dist)])
    return dataset, build_args, env, cases


def case_regions(nt: Path) -> list[str]:
    """The 6-digit codes of the cases' regions, most frequent first (for ``similar`` and ``path``)."""
    pattern = re.compile(rb"ontology#region> <[^>]*/jurisdiction/(\d{6})>")
    counts: dict[str, int] = {}
    with nt.open("rb") as handle:
        for line in handle:
            found = pattern.search(line)
            if found:
                code = found.group(1).decode()
                counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda code: (-counts[code], code))


# --- the steps ---------------------------------------------------------------------------------------------


class Recorder:
    """Collects the rows of one size and prints each as it comes."""

    def __init__(self, dataset: Dataset, rows: list[Row], limit: float) -> None:
        self.dataset, self.rows, self.limit = dataset, rows, limit

    def add(self, step: str, ours: Measured, what: str = "", base: Measured | None = None) -> None:
        row = Row(
            size=self.dataset.size,
            triples=self.dataset.triples,
            step=step,
            seconds=ours[0] or 0.0,
            peak_mb=ours[1],
            baseline=what,
            baseline_seconds=base[0] if base else None,
            baseline_peak_mb=base[1] if base else None,
            timed_out=base is not None and base[0] is None,
            limit_ratio=self.limit / (ours[0] or 1.0),
        )
        self.rows.append(row)
        print_row(row)


def analyses(dataset: Dataset) -> list[tuple[str, ...]]:
    """The ``kg analyze`` commands measured: every analysis that prints a table."""
    steps: list[tuple[str, ...]] = [
        ("centrality", "--graph", "regions"),
        ("centrality", "--graph", "entity"),
        ("communities",),
        ("communities", "--graph", "entity"),
        ("diffusion",),
        ("innovativeness",),
        ("leaders",),
    ]
    if dataset.regions:
        steps.append(("similar", dataset.regions[0]))
    if len(dataset.regions) > 1:
        steps.append(("path", dataset.regions[0], dataset.regions[1]))
    return steps


def analysis_baseline(graph: object, args: list[str]) -> None:
    """One ``kg analyze`` step with the same analysis code on an rdflib graph (the read-step baseline)."""
    from kg.analysis.diffusion import (
        hierarchy_from_store,
        innovativeness,
        leader_ties,
        read_adoptions,
        topic_summaries,
    )
    from kg.analysis.graphs import FEATURE_KINDS, incidence, named_graph, region_graph
    from kg.analysis.metrics import centrality, communities, most_similar
    from kg.analysis.paths import VIA_KINDS, explaining_graph, explaining_paths
    from kg.analysis.sparql import regions, resolve_region

    name = args[0]
    if name in ("centrality", "communities"):
        which = args[2] if len(args) > 2 else "regions"
        if which == "regions":
            built = region_graph(incidence(graph, FEATURE_KINDS))
        else:
            built = named_graph(graph, which)
        if name == "communities":
            communities(built, seed=0, resolution=1.0)
        else:
            centrality(built, sample=100 if built.number_of_nodes() > 2000 else None, seed=0)
    elif name in ("diffusion", "innovativeness", "leaders"):
        table = read_adoptions(graph)
        if name == "diffusion":
            topic_summaries(table, min_adopters=2)
        elif name == "innovativeness":
            innovativeness(table, min_adopters=2)
        else:
            leader_ties(table, hierarchy_from_store(graph), min_topics=2)
    elif name == "similar":
        known = regions(graph)
        found = resolve_region(known, args[1])
        most_similar(incidence(graph, ("mechanism",)), found.region.iri, top=10)
    elif name == "path":
        known = regions(graph)
        start, end = resolve_region(known, args[1]).region, resolve_region(known, args[2]).region
        explaining_paths(
            explaining_graph(graph, via=VIA_KINDS), start.iri, end.iri, limit=10, max_length=None,
            through_regions=True,
        )


def read_steps(dataset: Dataset) -> list[tuple[str, str, list[str], list[str]]]:
    """Every read step: (name, baseline kind, baseline arguments, kg arguments)."""
    from kg.query import list_named

    steps = [("stats", "stats", [], ["stats"])]
    steps += [
        (f"query {q.name}", "query", [q.name], ["query", "--name", q.name]) for q in list_named()
    ]
    steps += [("analyze " + " ".join(a), "analysis", list(a), ["analyze", *a]) for a in analyses(dataset)]
    return steps


def read_baselines(dataset: Dataset, steps: list[tuple[str, str, list[str], list[str]]], limit: float) -> (
    dict[str, Measured]
):
    """The baselines of the read steps, from one rdflib process (see the module notes)."""
    plan = [(name, kind, args) for name, kind, args, _ in steps]
    started = time.time()
    command = [PYTHON, "-c", READS, str(dataset.nt), str(started), str(limit), json.dumps(plan), str(HERE)]
    found: dict[str, Measured] = {}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        record = json.loads(line)
        if record["failed"]:
            print(f"warning: baseline of {record['step']} failed: {record['failed']}", file=sys.stderr)
            continue
        seconds = record["seconds"]
        found[record["step"]] = (None if seconds is None else record["parse"] + seconds, 0.0)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read() if process.stderr else ""
        print(f"warning: the read baselines stopped early:\n{error[-1500:]}", file=sys.stderr)
    peak = usage.ru_maxrss / 1024
    return {name: (seconds, peak) for name, (seconds, _) in found.items()}


def measure_reads(dataset: Dataset, record: Recorder, limit: float, skip_analysis: bool) -> None:
    steps = [s for s in read_steps(dataset) if not (skip_analysis and s[1] == "analysis")]
    base = read_baselines(dataset, steps, limit) if REUSE.baselines else {}
    what = {
        "stats": "same SPARQL on rdflib (parse + query)",
        "query": "rdflib parse + same query",
        "analysis": "same analysis code on rdflib (parse + analysis)",
    }
    for name, kind, _, args in steps:
        ours = measure(kg(*args, *dataset.read_args, "--timeout", "3600"))
        record.add(name, ours, what[kind] if REUSE.baselines else "", base.get(name))


def measure_export(dataset: Dataset, record: Recorder, work: Path, limit: float) -> None:
    record.add(
        "export --format ttl",
        measure(kg("export", "--format", "ttl", *dataset.read_args, "-o", str(work / "x.ttl"))),
        "rdflib parse + Turtle serialiser (rdfpipe)",
        measure(baseline("export", str(dataset.nt), str(work / "y.ttl")), limit),
    )


def measure_link_graphs(dataset: Dataset, record: Recorder, work: Path) -> None:
    """``kg stats --link-graph`` and the entity graph's exports (issue 10: within 10 s at the nationwide
    size), kg's side only: both read the graph kept beside the store."""
    stats = kg("stats", "--link-graph", *dataset.read_args, "--timeout", "3600")
    record.add("stats --link-graph", measure(stats))
    for fmt in ("json", "graphml"):
        args = ("analyze", "export", "--graph", "entity", "-o", str(work / f"entity.{fmt}"))
        record.add(f"analyze export --graph entity ({fmt})", measure(kg(*args, *dataset.read_args)))


def measure_validate(dataset: Dataset, record: Recorder, limit: float) -> None:
    """``kg validate`` with each engine (fast is the default) against plain pyshacl, measured once."""
    base = measure(baseline("validate", str(dataset.nt)), limit)
    what = "pyshacl, same shapes + ontology, no inference"
    fast = measure(kg("validate", *dataset.read_args, "--timeout", "3600"))
    record.add("validate (fast engine, default)", fast, what, base)
    record.add(
        "validate --engine pyshacl",
        measure(kg("validate", "--engine", "pyshacl", *dataset.read_args, "--timeout", "3600")),
        what,
        base,
    )


def run_size(size: str, work: Path, limit: float, rows: list[Row], skip_analysis: bool) -> Dataset:
    if size == "bundled" and REUSE.dist is not None:
        return reads_of_built(REUSE.dist, limit, rows, skip_analysis)
    if size == "10k":
        dataset, load_args = prepare_10k(work)
        dataset.triples = count_triples(dataset.nt)
        record = Recorder(dataset, rows, limit)
        record.add("load (kg load → store)", measure(kg(*load_args)))
    else:
        dataset, build_args, env, cases = prepare_built(size, work)
        built = measure(kg(*build_args), env=env)
        dataset.triples = count_triples(dataset.nt)
        record = Recorder(dataset, rows, limit)
        base = measure(baseline("build", str(cases or "-"), str(work / size / "base")), limit, env=env)
        what = "kg's mapping + rdflib serialisers"
        record.add("build (→ ttl nt nt.gz jsonld trig store)", built, what, base)
    print(f"# {size}: {dataset.triples} triples — {dataset.description}", flush=True)
    dataset.regions = case_regions(dataset.nt)
    measure_validate(dataset, record, limit)
    measure_reads(dataset, record, limit, skip_analysis)
    if not skip_analysis:
        measure_link_graphs(dataset, record, work)
    measure_export(dataset, record, work, limit)
    return dataset


@dataclass
class Reuse:
    """``--dist``: the read steps of the bundled size on a dataset already built there (no build, no
    validation, no export); ``--no-baselines``: kg's side only."""

    dist: Path | None = None
    baselines: bool = True


REUSE = Reuse()


def reads_of_built(dist: Path, limit: float, rows: list[Row], skip_analysis: bool) -> Dataset:
    dataset = Dataset("bundled", SIZES["bundled"] + " (built before the run)", dist / "dataset.nt", [])
    dataset.read_args = ["--dist", str(dist)]
    dataset.triples = count_triples(dataset.nt)
    dataset.regions = case_regions(dataset.nt)
    print(f"# bundled: {dataset.triples} triples — {dataset.description}", flush=True)
    measure_reads(dataset, Recorder(dataset, rows, limit), limit, skip_analysis)
    return dataset


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

    def best(command: list[str]) -> float:
        return min(measure(command)[0] or 0 for _ in range(5))

    bare = best([PYTHON, "-c", "pass"])
    return {
        "kg --help": best(kg("--help")),
        "import kg (over bare python)": best([PYTHON, "-c", "import kg"]) - bare,
        "bare python": bare,
    }


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


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,bundled", help=f"comma-separated: {', '.join(SIZES)}")
    parser.add_argument(
        "--baseline-limit", type=float, default=300.0, help="seconds a baseline step may take"
    )
    parser.add_argument("--skip-analysis", action="store_true", help="leave out the analysis steps")
    parser.add_argument(
        "--dist", type=Path, default=None, help="bundled size: only the read steps, on this built dataset"
    )
    parser.add_argument("--no-baselines", action="store_true", help="read steps: kg's side only")
    options = parser.parse_args()
    REUSE.dist, REUSE.baselines = options.dist, not options.no_baselines
    sizes = [size.strip() for size in options.sizes.split(",")]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    OUT.mkdir(exist_ok=True)
    print(f"machine: {machine()}; load average at start: {load_average()}")
    times = startup()
    for name, seconds in times.items():
        print(f"{name}: {seconds:.3f} s")
    print(HEADER)
    rows: list[Row] = []
    described: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        for size in sizes:
            dataset = run_size(size, Path(folder), options.baseline_limit, rows, options.skip_analysis)
            described[size] = f"{dataset.triples} triples: {dataset.description}"
            save(rows, times, options.baseline_limit, described)  # kept after each size
    print(f"load average at end: {load_average()}")
    print(f"results: {OUT / 'results.json'}")


def save(rows: list[Row], times: dict[str, float], limit: float, sizes: dict[str, str]) -> None:
    document = {
        "machine": machine(),
        "load_average": load_average(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "startup_seconds": times,
        "baseline_limit_seconds": limit,
        "sizes": sizes,
        "rows": [{**asdict(row), "ratio": row.ratio} for row in rows],
    }
    (OUT / "results.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")



if __name__ == "__main__":
    main()
