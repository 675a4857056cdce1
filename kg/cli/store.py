"""``kg load``, ``kg push`` and ``kg serve``: making a store, uploading to a server, serving a store."""

from __future__ import annotations

from pathlib import Path

import click

from .common import DEFAULT_DIST, DEFAULT_TIMEOUT, guarded_command, progress


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--store",
    "store_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the store to make (an older kg store there is replaced once the new one is complete).",
)
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest input file, in bytes.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Give up when reading the files takes longer, in seconds.",
)
@click.option("--allow-network", is_flag=True, help="Allow remote JSON-LD contexts.")
def load_command(
    files: tuple[Path, ...], store_dir: Path, max_bytes: int | None, timeout: float, allow_network: bool
) -> None:
    """Make a query store from RDF files in any format; read commands take it with --store.

    The files are read in a confined worker (time and memory limits, kernel sandbox); the store replaces
    an older one only once it is complete.

    \b
    Example:
      kg load dist/dataset.nt more.ttl --store /tmp/store
      kg query --store /tmp/store --name rq01-case-regions
    """
    from ..guard import guarded
    from ..store import load_files

    with guarded(allow_network=allow_network, readable=[*files, store_dir]), progress("loading"):
        count = load_files(
            files, store_dir, allow_network=allow_network, max_bytes=max_bytes, timeout=timeout
        )
    click.echo(f"loaded {count} triples → {store_dir}")


@click.command("push")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--endpoint",
    "endpoint_url",
    required=True,
    metavar="URL",
    help="The Graph Store HTTP protocol URL (Oxigraph: http://HOST:PORT/store; Fuseki: …/DATASET/data).",
)
@click.option("--graph", "graph", default=None, metavar="IRI", help="Upload into this named graph.")
@click.option("--replace", is_flag=True, help="Replace the graph's content (PUT) instead of adding (POST).")
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DIST,
    show_default=True,
    help="Folder of the built dataset, uploaded when no FILES are given.",
)
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest input file, in bytes.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Give up when the server takes longer, in seconds.",
)
@click.option("--allow-network", is_flag=True, help="Allow an endpoint on another machine.")
def push_command(
    files: tuple[Path, ...],
    endpoint_url: str,
    graph: str | None,
    replace: bool,
    dist_dir: Path,
    max_bytes: int | None,
    timeout: float,
    allow_network: bool,
) -> None:
    """Upload the dataset (or FILES) to a SPARQL server over the Graph Store HTTP protocol.

    \b
    Example:
      kg push --endpoint http://127.0.0.1:7878/store --replace
      kg push extra.ttl --endpoint http://localhost:3030/fazhi/data --graph https://example.org/g
    """
    import pyoxigraph

    from ..endpoint import endpoint, is_loopback, push
    from ..guard import guarded
    from ..loading import DEFAULT_MAX_BYTES, read_bytes, read_quads
    from .common import dataset_files

    target = endpoint(endpoint_url, allow_network=allow_network, read_timeout=timeout)
    paths = dataset_files(files, dist_dir)
    with guarded(allow_network=allow_network, readable=paths, allow_loopback=is_loopback(endpoint_url)):
        limit = max_bytes or DEFAULT_MAX_BYTES
        if not files:
            body = read_bytes(paths[0], max_bytes=limit, what="RDF file")
        else:
            quads = [
                quad
                for path in paths
                for quad in read_quads(
                    path, allow_network=allow_network, max_bytes=limit, rename_blank_nodes=len(paths) > 1
                )
            ]
            body = (
                pyoxigraph.serialize(
                    (pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads),
                    format=pyoxigraph.RdfFormat.N_TRIPLES,
                )
                or b""
            )
        with progress("uploading"):
            status = push(target, body, graph=graph, replace=replace)
    click.echo(f"uploaded {len(body)} bytes of N-Triples → {endpoint_url} (HTTP {status})")


@click.command("serve")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The store to serve (default: the built dataset's, dist.store beside dist).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback: this machine only).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="TCP port.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="The server stops a query after this many seconds.",
)
def serve_command(store_dir: Path | None, host: str, port: int, timeout: float) -> None:
    """Serve the dataset read-only with Oxigraph's SPARQL 1.1 server, until Ctrl-C.

    Point YASGUI, your own tools or kg --endpoint at the URL it prints.

    \b
    Example:
      kg serve
      kg query --endpoint http://127.0.0.1:7878/query --name rq01-case-regions
    """
    import os
    import sys

    from ..endpoint import is_loopback
    from ..server import EXAMPLE_QUERY, server
    from ..store import store_path
    from .common import dataset_files

    if store_dir is None:
        dataset_files((), DEFAULT_DIST)
        store_dir = store_path(DEFAULT_DIST)
    spec = server(store_dir, host=host, port=port, timeout=timeout)
    click.echo(f"SPARQL endpoint: {spec.query_url}  (read-only; Ctrl-C stops it)")
    if not is_loopback(spec.base_url):
        click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    click.echo(f"example query:\n{EXAMPLE_QUERY}\n{spec.example()}")
    click.echo(f"kg query --endpoint {spec.query_url} --name rq01-case-regions")
    sys.stdout.flush()
    sys.stderr.flush()
    # The server replaces this process: Ctrl-C and signals reach it directly, and no orphan is left behind.
    os.execv(spec.command[0], list(spec.command))


@click.command("synth")
@click.option("--cases", "count", type=click.IntRange(min=1), required=True, help="How many cases to make.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("synth-cases"),
    show_default=True,
    help="Folder for the case files (new or empty).",
)
@click.option(
    "--rdf",
    "rdf_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the whole dataset with the synthetic cases as N-Triples to this file instead of case files.",
)
@guarded_command
def synth_command(count: int, seed: int, out_dir: Path, rdf_file: Path | None) -> None:
    """Make synthetic cases for benchmarks, drawn from the real ones (never part of the published data).

    \b
    Example:
      kg synth --cases 1000 --seed 1 --out /tmp/cases && kg build --cases /tmp/cases --out /tmp/dist
      kg synth --cases 1000 --seed 1 --rdf /tmp/synthetic.nt
    """
    from ..synth import write_case_files, write_dataset

    with progress("making synthetic cases"):
        if rdf_file is not None:
            triples = write_dataset(rdf_file, count, seed)
            click.echo(f"wrote {triples} triples ({count} synthetic cases) → {rdf_file}")
            return
        files = write_case_files(out_dir, count, seed)
    click.echo(f"wrote {len(files)} synthetic case files → {out_dir}")
