"""``kg extract`` (notice text → draft case files, or an accuracy report) and ``kg span``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import guarded_command


def _region_label(code: str) -> str:
    from kg.divisions import jurisdiction_table

    found = jurisdiction_table().get(code)
    return f"{found.name_zh} ({code})" if found else code


@click.command("extract")
@click.argument("source", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder the draft case files are written to (one file per case).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("yaml", "json")),
    default="yaml",
    show_default=True,
    help="Draft file format (kg build reads the .yaml files).",
)
@click.option(
    "--evaluate",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Score the extraction against the curated case files of this folder instead of writing.",
)
@click.option("--json", "as_json", is_flag=True, help="With --evaluate: print the scores as JSON.")
@click.option(
    "--notice", default=None, help="Notice id for the drafts (default: the registered one, or the file name)."
)
@click.option(
    "--document", default=None, help="Source document id (default: the registered one, or the file name)."
)
@guarded_command
def extract_command(
    source: Path | None,
    out_dir: Path | None,
    fmt: str,
    gold_dir: Path | None,
    as_json: bool,
    notice: str | None,
    document: str | None,
) -> None:
    """Turn a notice's plain text into draft case files (status: draft), with source spans.

    \b
    Examples:
      kg extract ../shared/seed/notice-2022-inspection-typical-experiences.txt --out drafts/
      kg extract --evaluate data/cases          # the seed against the curated cases
    """
    from kg.errors import InputError
    from kg.extract import extract_file

    if gold_dir is not None:
        _evaluate(source, gold_dir, as_json)
        return
    if source is None or out_dir is None:
        raise InputError("kg extract needs a SOURCE text file and --out DIR (or --evaluate GOLD_DIR)")
    _, extraction = extract_file(source, notice=notice, document=document)
    from kg.extract.draft import regulation_links, write_drafts

    links = regulation_links(extraction)
    paths = write_drafts(extraction, out_dir, fmt, source_name=source.name, links=links)
    counts = extraction.counts
    echo = click.echo
    echo(
        f"layout {extraction.layout}: {counts['cases']} cases, {counts['measures']} measures, "
        f"{counts['regulations']} regulations ({len(links)} in the legislation layer), "
        f"{counts['institutions']} institutions, {counts['outcomes']} outcomes; "
        f"unresolved regions: {len(extraction.unresolved)}",
        err=True,
    )
    for text in extraction.unresolved:
        echo(f"  unresolved region: {text}", err=True)
    if extraction.named_without_text:
        names = ", ".join(_region_label(r.code) for r in extraction.named_without_text)
        echo(f"named in the preamble, no case text: {names}", err=True)
    if extraction.truncated:
        echo(f"the text breaks off mid-sentence at line {extraction.end_line}", err=True)
    echo(f"wrote {len(paths)} draft files to {out_dir}", err=True)


def _evaluate(source: Path | None, gold_dir: Path, as_json: bool) -> None:
    from kg.errors import InputError
    from kg.extract import extract_file
    from kg.extract.evaluate import evaluate
    from kg.loading import load_yaml

    files = sorted(gold_dir.glob("*.yaml")) if gold_dir.is_dir() else []
    if not files:
        raise InputError(f"{gold_dir}: no *.yaml case files to evaluate against")
    gold = [load_yaml(path).data for path in files]
    if source is None:
        source = _gold_source(gold, gold_dir)
    _, extraction = extract_file(source)
    result = evaluate(list(extraction.drafts), gold, [r.code for r in extraction.named_without_text])
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(f"{source.name} against {gold_dir} (layout {extraction.layout})")
        click.echo(result.table())


def _gold_source(gold: list[object], gold_dir: Path) -> Path:
    """The registered document the gold cases cite, found at its path hint."""
    from kg.errors import InputError
    from kg.resources import data_dir, repository_root
    from kg.sources import document_paths, read_documents

    documents = read_documents(data_dir() / "reference" / "documents.tsv")
    cited = {
        case["source"]["document"]
        for case in gold
        if isinstance(case, dict) and isinstance(case.get("source"), dict) and "document" in case["source"]
    }
    root = repository_root() or Path.cwd()
    paths = document_paths(documents, root)
    for document in sorted(cited):
        if document in paths and paths[document].is_file():
            return paths[document]
    raise InputError(
        f"{gold_dir}: the source document its cases cite is not at hand; give it: "
        f"kg extract SOURCE --evaluate {gold_dir}"
    )


@click.command("span")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("passage")
@guarded_command
def span_command(source: Path, passage: str) -> None:
    """Lines, offsets and sha256 of a quoted passage, as a case file's span takes them.

    Hard wraps and stray spaces are ignored when matching.

    \b
    Example:
      kg span ../shared/seed/notice-2022-inspection-typical-experiences.txt "北京市接诉即办工作条例"
    """
    from kg.errors import InputError
    from kg.extract import read_source
    from kg.extract.span import describe, find_passage

    text = read_source(source)
    found = find_passage(text, passage)
    if not found:
        raise InputError(f"{source}: the passage is not in the text (white space ignored); check the quote")
    if len(found) > 1:
        places = "; ".join(f"lines {f.lines[0]}-{f.lines[1]} offsets {list(f.passage)}" for f in found)
        click.echo(
            f"Error: {source}: the passage occurs {len(found)} times ({places}); quote a longer one", err=True
        )
        sys.exit(2)
    click.echo(describe(found[0], text.sha256), nl=False)
