"""What the commands share: the dataset options, loading the data they read, errors, progress."""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import KgError

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DIST = Path("dist")
DEFAULT_TIMEOUT = 120.0


def run_cli(command: click.Command, argv: list[str]) -> None:
    """Run a click command, turning library errors into one ``Error:`` line and their exit code."""
    try:
        code = command.main(args=argv, prog_name="kg", standalone_mode=False)
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
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


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
        help="Largest input file accepted, in bytes (default 64 MiB).",
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
            "Allow SPARQL SERVICE and FROM, remote JSON-LD contexts and other network or file access "
            "(LOAD and other updates stay refused: queries are read-only)."
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

    def graph(self, *more: Path) -> Graph:
        """The data as an rdflib graph (``more`` files first, then ``--data``; else the built dataset)."""
        return load_graph(
            (*more, *self.files), self.dist_dir, allow_network=self.allow_network, max_bytes=self.max_bytes
        )

    def store(self) -> pyoxigraph.Store:
        """The data in a fast query store."""
        return load_store(
            self.files, self.dist_dir, allow_network=self.allow_network, max_bytes=self.max_bytes
        )


def data_options(function: F) -> F:
    """``--data``, ``--dist``, ``--allow-network``, ``--timeout``, ``--max-bytes``, given as ``source``.

    The command receives one :class:`DataSource` argument named ``source``, and runs under
    :func:`kg.guard.guarded`: no socket, URL open or device read unless ``--allow-network`` is given.
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
        )
        readable = None if getattr(function, "reads_system_files", False) else _named_inputs(source, kwargs)
        with guarded(allow_network=source.allow_network, readable=readable):
            return function(*args, source=source, **kwargs)

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
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        help="Read these RDF files instead of the built dataset (repeatable).",
    )(decorated)
    return decorated  # type: ignore[return-value]


def _named_inputs(source: DataSource, options: dict[str, Any]) -> list[Path]:
    """Every path the user named for this command (files, folders, query files), plus the dataset folder.

    The guard refuses Python-level reads of anything else while the command runs.
    """
    from ..build import source_document_paths

    named: list[Path] = [*source.files, source.dist_dir]
    # the cited source documents: a missing dataset is built first, checking case spans, and RQ11 checks
    # their checksums against the files
    named.extend(source_document_paths())
    for value in options.values():
        values = value if isinstance(value, tuple | list) else (value,)
        for item in values:
            if isinstance(item, Path):
                named.append(item)
            elif isinstance(item, str) and item.strip().endswith((".rq", ".sparql")) and "\n" not in item:
                named.append(Path(item.strip()))
    return named


def reads_system_files(function: F) -> F:
    """Mark a command that must read files nobody names (fonts, for figures): the guard allows reads."""
    function.reads_system_files = True  # type: ignore[attr-defined]
    return function


@contextmanager
def progress(message: str) -> Iterator[None]:
    """Say what is happening on a terminal when a step takes more than a second; say nothing elsewhere."""
    if not sys.stderr.isatty():
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


def load_store(
    data_files: tuple[Path, ...], dist_dir: Path, *, allow_network: bool = False, max_bytes: int | None = None
) -> pyoxigraph.Store:
    """The data a command reads, in a fast query store."""
    from ..loading import DEFAULT_MAX_BYTES, read_quads
    from ..store import from_quads

    files = dataset_files(data_files, dist_dir)
    with progress("loading the data"):
        quads = []
        for path in files:
            quads.extend(
                read_quads(
                    path,
                    allow_network=allow_network,
                    max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                    rename_blank_nodes=len(files) > 1,
                )
            )
        return from_quads(quads)


def write_output(text: str | bytes, output: Path | None) -> None:
    """Print to stdout, or write a file atomically."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from ..publish import write_file

    write_file(output, text.encode("utf-8") if isinstance(text, str) else text)
