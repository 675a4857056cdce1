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


@click.command("publish")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder the site is written to (replaced as a whole once it is complete).",
)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
    help="Folder of the built dataset, built first if missing.",
)
@click.option(
    "--base", default=None, help="Base IRI the dataset was built with (default https://w3id.org/fazhi/id/)."
)
@guarded_command
def publish_command(out_dir: Path, dist_dir: Path, base: str | None) -> None:
    """Make the static site: landing page, ontology documentation, one page per entity with its RDF.

    Every IRI the dataset mints opens its page or an anchor in one; each page embeds its JSON-LD and has its
    Turtle and JSON-LD beside it. Serve the folder with any static web server (see deploy/ for w3id.org
    and nginx content negotiation).

    \b
    Example:
      kg build && kg publish --out site/
      python -m http.server -d site
    """
    from ..build import build
    from ..site import publish_site
    from ..terms import DEFAULT_BASE

    if not (dist_dir / "dataset.nt").is_file() or not (dist_dir / "ontology.ttl").is_file():
        with progress("building the dataset"):
            click.echo(build(out_dir=dist_dir, base=base or DEFAULT_BASE).line(), err=True)
    with progress("publishing the site"):
        summary = publish_site(dist_dir, out_dir, base=base or DEFAULT_BASE)
    click.echo(summary.line())
