"""``kg import``: reference data into ``data/``."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("import")
def import_group() -> None:
    """Import reference data (divisions of China, legislation metadata) into data/reference/.

    \b
    Example:
      kg import divisions ../shared/data/divisions
      kg import legislation ../shared/data/lawrefbook/*.sqlite3 ../shared/data/flk-local/*.jsonl.gz
      kg import facts ../shared/data/facts/seed-notice-facts.md
    """


@import_group.command("divisions")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Table to write (default: data/reference/jurisdictions.tsv).",
)
def divisions_command(source: Path, out: Path | None) -> None:
    """Import the divisions of China from a folder of provinces.csv, cities.csv, areas.csv.

    \b
    Example:
      kg import divisions ../shared/data/divisions
    """
    from ..divisions import default_table_path, import_divisions

    summary = import_divisions(source, out or default_table_path())
    click.echo(
        f"{summary.total} jurisdictions ({summary.provinces} provinces, {summary.prefectures} prefectures, "
        f"{summary.counties} counties; {summary.merged} merged) → {summary.path}"
    )


@import_group.command("facts")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Table to write (default: data/reference/public-sources.tsv).",
)
def facts_command(source: Path, out: Path | None) -> None:
    """Import the public sources that a facts file cites (address, site, what each supports).

    Case files name them in a regulation's facts_source; the build makes each a fz:PublicSource.

    \b
    Example:
      kg import facts ../shared/data/facts/seed-notice-facts.md
    """
    from ..facts import default_table_path, import_public_sources

    click.echo(import_public_sources(source, out or default_table_path()).to_text())


def _import_legislation(sources: tuple[Path, ...], out_dir: Path | None) -> None:
    from ..divisions import jurisdiction_table
    from ..legislation import import_legislation
    from ..resources import data_dir

    report = import_legislation(list(sources), out_dir or data_dir() / "reference", jurisdiction_table())
    click.echo(report.to_text())


_OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to write the legislation tables to (default: data/reference/).",
)


@import_group.command("legislation")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@_OUT
def legislation_command(sources: tuple[Path, ...], out_dir: Path | None) -> None:
    """Import legislation facts from every source at once (titles, places, dates, histories; no law text).

    Sources: LawRefBook SQLite files (.sqlite3) and the national database's local documents (.jsonl.gz).
    Writes legislation.tsv.gz (one row per source record) and legislation-events.tsv.gz (history events).

    \b
    Example:
      kg import legislation ../shared/data/lawrefbook/*.sqlite3 \
        ../shared/data/flk-local/local-regulations.jsonl.gz
    """
    _import_legislation(sources, out_dir)


@import_group.command("lawrefbook")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@_OUT
def lawrefbook_command(sources: tuple[Path, ...], out_dir: Path | None) -> None:
    """The same import as `kg import legislation` (its former name).

    Give every source: the import rewrites the tables.

    \b
    Example:
      kg import lawrefbook ../shared/data/lawrefbook/*.sqlite3 \
        ../shared/data/flk-local/local-regulations.jsonl.gz
    """
    _import_legislation(sources, out_dir)
