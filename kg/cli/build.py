"""``kg build`` and ``kg export``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    DataSource,
    data_options,
    format_option,
    guarded_command,
    output_option,
    progress,
    write_output,
)


@click.command("build")
@click.option(
    "--cases",
    "cases_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of case files (default: the bundled data/cases/).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder the dataset is written to.",
)
@click.option(
    "--base", default=None, help="Base IRI of the dataset's own IRIs (default https://w3id.org/fazhi/id/)."
)
@click.option(
    "--sparql-endpoint",
    default=None,
    metavar="URL",
    help="The public SPARQL endpoint serving the dataset, described in void.ttl (void:sparqlEndpoint).",
)
@guarded_command
def build_command(
    cases_dir: Path | None, out_dir: Path, base: str | None, sparql_endpoint: str | None
) -> None:
    """Build the dataset from case files and reference data.

    Case files are checked first; any problem is reported as file:line:column and nothing is written.
    Writes dataset.ttl, .nt, .nt.gz, .jsonld (context inline), .trig (one named graph per input),
    context.jsonld, ontology.ttl, shapes.ttl and void.ttl (DCAT/VoID metadata of them all).

    \b
    Example:
      kg build
      kg build --cases my-cases/ --out /tmp/dist
    """
    from ..build import build
    from ..terms import DEFAULT_BASE

    with progress("building the dataset"):
        summary = build(
            cases_dir=cases_dir, out_dir=out_dir, base=base or DEFAULT_BASE, sparql_endpoint=sparql_endpoint
        )
    click.echo(summary.line())


@click.command("export")
@format_option(("ttl", "jsonld", "nt", "trig"), default=None, help="The serialisation to write.")
@output_option
@data_options
def export_command(
    fmt: str,
    output: Path | None,
    source: DataSource,
) -> None:
    """Convert the dataset, or any RDF files given with --data, to one serialisation.

    JSON-LD carries its context inline, so any JSON-LD processor reads it offline.

    \b
    Example:
      kg export --format jsonld -o dataset.jsonld
      kg export --format ttl --data other.nt
    """
    from ..loading import RdfFormat
    from ..publish import serialize

    write_output(serialize(source.graph(), RdfFormat.from_label(fmt)), output)
