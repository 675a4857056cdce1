"""``kg validate``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import DataSource, data_options, progress, write_output

LEVELS = ("violation", "warning", "info")


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shapes_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes file(s) to use instead of the shipped shapes (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS),
    default="violation",
    show_default=True,
    help="Exit 1 when a problem of this severity or worse is found.",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: fast (pyshacl-turbo on the N-Triples text, same results) or pyshacl (the reference, "
    "on an rdflib graph); the report names it.",
)
@data_options
def validate_command(
    files: tuple[Path, ...],
    shapes_files: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    engine: str,
    source: DataSource,
) -> None:
    """Validate RDF data against the SHACL shapes.

    Reads the built dataset unless FILES (or --data) are given. The report groups problems by the node they
    concern and names the case file and line each node came from.
    Exit codes: 0 conforms, 1 problems at or above --fail-on, 2 usage or input error.

    \b
    Example:
      kg validate
      kg validate my-data.ttl --format json --fail-on warning
      kg validate --engine pyshacl
    """
    from ..errors import InputError
    from ..limits import run_with_timeout
    from ..loading import DEFAULT_MAX_BYTES, read_rdf_files
    from ..validation import validate

    data = source.ntriples(*files) if engine == "fast" else source.graph(*files)
    shapes = None
    if shapes_files:
        shapes = read_rdf_files(
            shapes_files, allow_network=source.allow_network, max_bytes=source.max_bytes or DEFAULT_MAX_BYTES
        )
    try:
        with progress("validating"):
            report = run_with_timeout(
                validate,
                data,
                shapes=shapes,
                allow_network=source.allow_network,
                engine=engine,
                timeout=source.timeout,
                what="validation",
            )
    except InputError as error:
        message = str(error)
        if shapes_files and message.startswith("shapes:"):
            message = ", ".join(str(path) for path in shapes_files) + message.removeprefix("shapes")
        raise type(error)(message) from None
    rendered = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    write_output(rendered, None)
    if not report.conforms_at(fail_on):
        raise click.exceptions.Exit(1)
