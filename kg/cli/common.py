"""What the commands share: the dataset options, loading the data they read, errors, progress."""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import KgError
from ..limits import run_with_timeout

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph

    from ..endpoint import Endpoint
    from ..store import WithOntology
    from ..validation import NTriples

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DIST = Path("dist")
DEFAULT_TIMEOUT = 120.0


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream the shell closed (``>&-``): writing to it is an error kg reports."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the stream is closed")


def _prepare_streams() -> None:
    """Closed streams become :class:`_ClosedStream`; messages on stderr never fail on the encoding."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = _ClosedStream()
    reconfigure = getattr(sys.stderr, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def _output_failure(error: OSError | UnicodeEncodeError) -> str:
    if isinstance(error, UnicodeEncodeError):
        encoding = getattr(sys.stdout, "encoding", None) or error.encoding
        return (
            f"stdout: the output holds characters the encoding {encoding} cannot write "
            f"({error.object[error.start : error.end]!r}); set PYTHONIOENCODING=utf-8 or write a file with -o"
        )
    return f"stdout: cannot write the output ({error.strerror or error}); write a file with -o instead"


def _abandon_stdout() -> None:
    """Output failed: make sure the interpreter's final flush does not fail again with a traceback."""
    with suppress(Exception):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit


def run_cli(command: click.Command, argv: list[str]) -> None:
    """Run a click command, turning library errors into one ``Error:`` line and their exit code.

    Failures to write the output (stdout closed or full, an encoding that cannot hold the text) are reported
    the same way, with exit code 2.
    """
    _prepare_streams()
    try:
        code = command.main(args=argv, prog_name="kg", standalone_mode=False)
        _flush_stdout()
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except KgError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
    except RecursionError:
        click.echo("Error: input too deeply nested", err=True)
        sys.exit(2)
    except BrokenPipeError:
        _abandon_stdout()
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


def _flush_stdout() -> None:
    """Write out what is buffered, reporting a closed or full stdout as a plain error (exit 2)."""
    from ..errors import OutputError

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        message = _output_failure(error)
        _abandon_stdout()
        raise OutputError(message) from None


def guarded_command(function: F) -> F:
    """Run a command that takes no ``--allow-network`` (``kg build``) under the network and device guard."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..guard import guarded

        with guarded():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _safety_options(function: F) -> F:
    """``--allow-network``, ``--timeout`` and ``--max-bytes``: what a command may do with untrusted input."""
    function = click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=None,
        help="Largest input file (or endpoint answer) accepted, in bytes (default 256 MiB for files).",
    )(function)
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Give up on work that takes longer, in seconds.",
    )(function)
    function = click.option(
        "--allow-network",
        is_flag=True,
        help=(
            "Allow SPARQL SERVICE and FROM (queries and shapes) to reach the network; nothing else fetches. "
            "LOAD and other updates stay refused: queries are read-only."
        ),
    )(function)
    return function


def output_option(function: F) -> F:
    """``-o/--output FILE``: write there (atomically) instead of stdout."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Write to this file instead of stdout.",
    )(function)


def format_option(choices: tuple[str, ...], *, default: str | None, help: str) -> Callable[[F], F]:
    """``--format`` with the given choices; required when there is no default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


@dataclass(frozen=True)
class DataSource:
    """What a read command reads, and how carefully: the options every read command shares."""

    files: tuple[Path, ...]
    dist_dir: Path
    allow_network: bool
    timeout: float
    max_bytes: int | None
    store_dir: Path | None = None
    endpoint_url: str | None = None

    @property
    def worker_timeout(self) -> float | None:
        """The time limit of the forked worker (:mod:`kg.limits`) that runs local work; none for an endpoint,
        whose client keeps its own deadline (and needs the network a sandboxed worker lacks)."""
        return None if self.endpoint_url else self.timeout

    def _written_files(self, *more: Path) -> tuple[Path, ...]:
        """The files holding the data as written: ``more``, then ``--data``; else a ``--store``'s own copy
        (none when the store keeps no copy); empty for the built dataset or an endpoint."""
        files = (*more, *self.files)
        if not files and self.store_dir is not None:
            from ..store import open_store, written

            open_store(self.store_dir)  # a clear error when it is no store
            copy = written(self.store_dir)
            files = (copy,) if copy else ()
        return files

    def graph(self, *more: Path) -> Graph:
        """The data as an rdflib graph (``more`` files first, then ``--data``, ``--store``, ``--endpoint``;
        else the built dataset's N-Triples file, which keeps every literal as written)."""
        files = self._written_files(*more)
        if not files and (self.endpoint_url or self.store_dir):
            from ..query import run

            with progress("reading the data"):
                return run(self.store(), _EVERYTHING).graph()
        return load_graph(files, self.dist_dir, allow_network=self.allow_network, max_bytes=self.max_bytes)

    def ntriples(self, *more: Path) -> NTriples:
        """The data as N-Triples text, for the fast validation engine: read as it is written for one ``.nt``
        file (the built dataset, a store's own copy), converted by Oxigraph's parsers otherwise (an endpoint's
        data comes through :meth:`graph`)."""
        from ..validation import NTriples

        files = self._written_files(*more)
        if not files and (self.endpoint_url or self.store_dir):
            return NTriples.from_graph(self.graph())
        from ..loading import DEFAULT_MAX_BYTES, read_ntriples
        from ..store import copy_matches

        paths = dataset_files(files, self.dist_dir)
        with progress("reading the data"):
            text = read_ntriples(
                paths, allow_network=self.allow_network, max_bytes=self.max_bytes or DEFAULT_MAX_BYTES
            )
        store = self._persistent() if not more and not self.files and len(paths) == 1 else None
        if store is not None and self.store_dir is not None and not copy_matches(store, paths[0]):
            store = None
        return NTriples(text, str(paths[0]) if len(paths) == 1 else "data", store)

    def store(self, *, ontology: bool = False) -> pyoxigraph.Store | WithOntology | Endpoint:
        """The backend queries run on: the remote endpoint, the store given, an in-memory store of the files
        given, or else the built dataset's store (built first if missing). With ``ontology`` the ontology goes
        beside the data: a persistent store holds it in a named graph (written by ``kg build`` and ``kg
        load``), read together with the data; files, and a store without a current ontology graph, are
        loaded with the ontology into an in-memory store (a parse); an endpoint answers with what the server
        holds."""
        from ..store import open_store, with_ontology

        if self.endpoint_url:
            from ..endpoint import endpoint

            # The ontology cannot be added to a server's data: a server answers with what it holds.
            # The client gives up before the command's worker is stopped, so the error names the server.
            return endpoint(
                self.endpoint_url,
                allow_network=self.allow_network,
                read_timeout=max(self.timeout * 0.5, self.timeout - 1.0),
                max_bytes=self.max_bytes,
            )
        if ontology:
            persistent = self._persistent()
            if persistent is not None:
                view = with_ontology(persistent)
                if view is not None:
                    return view
            return load_store(
                self._written_files(),
                self.dist_dir,
                allow_network=self.allow_network,
                max_bytes=self.max_bytes,
                ontology=True,
            )
        persistent = self._persistent()
        if persistent is not None:
            return open_store(persistent)
        return load_store(
            self.files,
            self.dist_dir,
            allow_network=self.allow_network,
            max_bytes=self.max_bytes,
            ontology=ontology,
        )


    def persistent_store(self) -> Path | None:
        """The folder of the persistent store :meth:`store` opens; None for an endpoint or files."""
        return None if self.endpoint_url else self._persistent()

    def _persistent(self) -> Path | None:
        """The persistent store to read: the one given, else the built dataset's when it matches
        ``dataset.nt`` (the dataset is built first if missing); None when files are given or it does not
        match."""
        from ..store import matches, store_path

        if self.store_dir is not None:
            return self.store_dir
        if self.files:
            return None
        (dataset,) = dataset_files((), self.dist_dir)
        built = store_path(self.dist_dir)
        return built if matches(built, dataset) else None


_EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def data_options(function: F) -> F:
    """``--data``, ``--store``, ``--endpoint`` (at most one of the three), ``--dist``, ``--allow-network``,
    ``--timeout``, ``--max-bytes``, given as ``source``.

    The command receives one :class:`DataSource` argument named ``source``, and runs under
    :func:`kg.guard.guarded`: no socket, URL open or device read unless ``--allow-network`` is given (a
    loopback ``--endpoint`` is reached without it, and only that). It runs
    whole in the worker of :func:`kg.limits.run_with_timeout` (``--timeout``, memory limit, kernel sandbox);
    its outputs (through :func:`write_output`) are written here once it succeeded, and an ``-o`` path that
    is not a regular file is refused before any work.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..guard import guarded

        source = DataSource(
            files=tuple(kwargs.pop("data_files")),
            dist_dir=kwargs.pop("dist_dir"),
            allow_network=kwargs.pop("allow_network"),
            timeout=kwargs.pop("timeout"),
            max_bytes=kwargs.pop("max_bytes"),
            store_dir=kwargs.pop("store_dir"),
            endpoint_url=kwargs.pop("endpoint_url"),
        )
        given = [
            name
            for name, value in (
                ("--data", source.files),
                ("--store", source.store_dir),
                ("--endpoint", source.endpoint_url),
            )
            if value
        ]
        if len(given) > 1:
            raise click.UsageError(f"give one of {', '.join(given)}: each names the whole data to read")
        output = kwargs.get("output")
        if isinstance(output, Path):
            from ..publish import check_output_file

            check_output_file(output)
        readable = None if getattr(function, "reads_system_files", False) else _named_inputs(source, kwargs)
        _note_stale_store(source)
        loopback = False
        if source.endpoint_url:  # kg.endpoint is imported only here: start-up cost for the other sources
            from ..endpoint import is_loopback

            loopback = is_loopback(source.endpoint_url)
        with guarded(allow_network=source.allow_network, readable=readable, allow_loopback=loopback):
            work = functools.partial(
                run_with_timeout,
                _deferring,
                function,
                args,
                {**kwargs, "source": source},
                timeout=source.timeout,
                what=_command_name(kwargs),
                isolate=True,
            )
            try:
                outputs, code, usage = work()
            except DatasetMissing:
                dataset_files((), source.dist_dir)  # built here, outside the confined worker
                outputs, code, usage = work()
        if usage is not None:
            raise click.UsageError(usage[0]) if usage[1] == 2 else click.ClickException(usage[0])
        for text, output in outputs:
            write_output(text, output)
        if code:
            raise click.exceptions.Exit(code)

    decorated = _safety_options(wrapper)
    decorated = click.option(
        "--dist",
        "dist_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_DIST,
        show_default=True,
        help="Folder of the built dataset, built first if missing.",
    )(decorated)
    decorated = click.option(
        "--endpoint",
        "endpoint_url",
        default=None,
        metavar="URL",
        help="Query this SPARQL 1.1 endpoint instead (needs --allow-network unless it is on loopback).",
    )(decorated)
    decorated = click.option(
        "--store",
        "store_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Read this store (made by kg build or kg load) instead of the built dataset.",
    )(decorated)
    decorated = click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        help="Read these RDF files instead of the built dataset (repeatable).",
    )(decorated)
    return decorated  # type: ignore[return-value]


def _note_stale_store(source: DataSource) -> None:
    """Say (in the parent: a worker's stderr is not shown) when the built store will be passed over."""
    from ..store import matches, store_path

    if source.files or source.store_dir or source.endpoint_url:
        return
    built, dataset = store_path(source.dist_dir), source.dist_dir / "dataset.nt"
    if built.exists() and dataset.is_file() and not matches(built, dataset):
        click.echo(
            f"note: {built} does not match {dataset}; reading the file (kg build renews both)",
            err=True,
        )


class DatasetMissing(KgError):
    """Raised in a read command's worker, which may not write: the parent builds the dataset and retries."""


Deferred = list[tuple[str | bytes, Path | None]]
_deferred: Deferred | None = None
"""Outputs a command made inside its worker, written by the parent once the command has succeeded."""


def _deferring(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Deferred, int, tuple[str, int] | None]:
    """Worker side of a read command: run it, keeping its outputs, exit code and usage error as plain data.

    The whole command (reading and parsing the data, the query, the shapes, the work) runs inside the
    time-limited, memory-limited, kernel-confined worker; only the outputs come back.
    """
    global _deferred
    _deferred = []
    code = 0
    usage: tuple[str, int] | None = None
    try:
        function(*args, **kwargs)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        usage = (error.format_message(), error.exit_code)
    return _deferred, code, usage


def _command_name(options: dict[str, Any]) -> str:
    """How messages about the whole command name it: by its query file when it has one."""
    for value in options.values():
        if isinstance(value, str) and value.strip().endswith(QUERY_SUFFIXES) and "\n" not in value:
            return value.strip()
    context = click.get_current_context(silent=True)
    return context.command_path if context is not None else "kg"


QUERY_SUFFIXES = (".rq", ".ru", ".sparql")


def _named_inputs(source: DataSource, options: dict[str, Any]) -> list[Path]:
    """Every path the user named for this command (files, folders, query files), plus the dataset folder.

    The guard refuses Python-level reads of anything else while the command runs.
    """
    from ..sources import source_document_paths
    from ..store import store_path

    stores = [source.store_dir] if source.store_dir else [store_path(source.dist_dir)]
    named: list[Path] = [*source.files, source.dist_dir, *stores]
    # the cited source documents: a missing dataset is built first, checking case spans, and RQ11 checks
    # their checksums against the files
    named.extend(source_document_paths())
    for value in options.values():
        values = value if isinstance(value, tuple | list) else (value,)
        for item in values:
            if isinstance(item, Path):
                named.append(item)
            elif isinstance(item, str) and item.strip().endswith(QUERY_SUFFIXES) and "\n" not in item:
                named.append(Path(item.strip()))
    return named


def reads_system_files(function: F) -> F:
    """Mark a command that must read files nobody names (fonts, for figures): the guard allows reads."""
    function.reads_system_files = True  # type: ignore[attr-defined]
    return function


@contextmanager
def progress(message: str) -> Iterator[None]:
    """Say what is happening on a terminal when a step takes more than a second; say nothing elsewhere."""
    from ..sandbox import confined

    if not sys.stderr.isatty() or confined() is not None:
        yield
        return
    shown = threading.Event()

    def show() -> None:
        shown.set()
        sys.stderr.write(f"\r{message} …")
        sys.stderr.flush()

    timer = threading.Timer(1.0, show)
    timer.daemon = True
    started = time.perf_counter()
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if shown.is_set():
            sys.stderr.write(f"\r{message} … {time.perf_counter() - started:.1f} s\n")
            sys.stderr.flush()


def dataset_files(data_files: tuple[Path, ...], dist_dir: Path) -> list[Path]:
    """The files a read command reads: the ones given, else the built dataset (built now if missing)."""
    if data_files:
        return list(data_files)
    dataset = dist_dir / "dataset.nt"
    if not dataset.is_file():
        from ..sandbox import confined

        if confined() is not None:
            raise DatasetMissing(f"{dist_dir}: no built dataset")
        from ..build import build

        with progress("building the dataset"):
            summary = build(out_dir=dist_dir)
        click.echo(summary.line(), err=True)
    return [dataset]


def load_graph(
    data_files: tuple[Path, ...], dist_dir: Path, *, allow_network: bool = False, max_bytes: int | None = None
) -> Graph:
    """The data a command reads, as an rdflib graph."""
    from ..loading import DEFAULT_MAX_BYTES, read_rdf_files

    files = dataset_files(data_files, dist_dir)
    with progress("reading the data"):
        return read_rdf_files(files, allow_network=allow_network, max_bytes=max_bytes or DEFAULT_MAX_BYTES)


def beside_data(files: list[Path], *, ontology: bool) -> list[Path]:
    """The files to load: the data, plus the shipped ontology when ``ontology`` is set.

    With the ontology beside the data, class and property hierarchies answer queries:
    ``?x a/rdfs:subClassOf* fz:Actor`` finds institutions and platforms, ``prov:Activity`` finds measures.
    The SKOS vocabularies are part of the dataset already.
    """
    if not ontology:
        return files
    from ..resources import ontology_file

    return [*files, ontology_file()]


def load_store(
    data_files: tuple[Path, ...],
    dist_dir: Path,
    *,
    allow_network: bool = False,
    max_bytes: int | None = None,
    ontology: bool = False,
) -> pyoxigraph.Store:
    """The data a command reads, in a fast query store (with the ontology beside it when ``ontology``)."""
    from ..loading import DEFAULT_MAX_BYTES, InputBudget, read_quads
    from ..store import from_quads

    files = beside_data(dataset_files(data_files, dist_dir), ontology=ontology)
    budget = InputBudget(max_bytes or DEFAULT_MAX_BYTES)
    with progress("loading the data"):
        quads = []
        for path in files:
            quads.extend(
                read_quads(
                    path,
                    allow_network=allow_network,
                    max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                    rename_blank_nodes=len(files) > 1,
                    budget=budget,
                )
            )
        return from_quads(quads)


def write_output(text: str | bytes, output: Path | None) -> None:
    """Print to stdout (also for ``-o -``), or write a file atomically.

    Inside a read command's worker the output is kept and written by the parent after the command succeeds.
    """
    if _deferred is not None:
        _deferred.append((text, output))
        return
    if output is not None and str(output) == "-":
        output = None
    if output is None:
        from ..errors import OutputError

        try:
            if isinstance(text, bytes):
                sys.stdout.buffer.write(text)
                sys.stdout.buffer.flush()
            else:
                click.echo(text, nl=not text.endswith("\n"))
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except (OSError, UnicodeEncodeError) as error:
            message = _output_failure(error)
            _abandon_stdout()
            raise OutputError(message) from None
        return
    from ..publish import write_file

    write_file(output, text.encode("utf-8") if isinstance(text, str) else text)

