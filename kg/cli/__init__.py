"""The ``kg`` command line: a thin click layer over the library.

Subcommands are imported only when they run, so ``kg --help`` stays quick. Exit codes are a contract:
0 success (data conforms), 1 validation problems at or above ``--fail-on``, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("kg.cli.build:build_command", "Build the dataset from case files and reference data."),
    "validate": ("kg.cli.validate:validate_command", "Validate RDF data against the SHACL shapes."),
    "stats": ("kg.cli.query:stats_command", "Statistics of the dataset: sizes, regions, completeness."),
    "query": ("kg.cli.query:query_command", "Run a SPARQL query or a named research question."),
    "export": ("kg.cli.build:export_command", "Convert the dataset, or any RDF files, to one serialisation."),
    "publish": ("kg.cli.build:publish_command", "Make the static website of the dataset (no server code)."),
    "load": ("kg.cli.store:load_command", "Make a query store from RDF files (read commands take --store)."),
    "push": ("kg.cli.store:push_command", "Upload the dataset to a SPARQL server (Graph Store protocol)."),
    "serve": ("kg.cli.store:serve_command", "Serve the dataset with Oxigraph's SPARQL server (read-only)."),
    "synth": ("kg.cli.store:synth_command", "Make synthetic cases for benchmarks (never published)."),
    "import": ("kg.cli.imports:import_group", "Import reference data (divisions, legislation) into data/."),
    "analyze": ("kg.cli.analyze:analyze", "Network analysis: similarity, centrality, paths, diffusion."),
    "extract": ("kg.cli.extract:extract_command", "Draft case files from the plain text of a notice."),
    "span": ("kg.cli.extract:span_command", "Lines, offsets and sha256 of a quoted passage."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        _configure_rdflib()
        module, _, attribute = COMMANDS[name][0].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="fazhi-kg", prog_name="kg")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say on stderr which kernel sandbox confines the work on untrusted input.",
)
def cli(verbose: bool) -> None:
    """fazhi-kg: linked data on law-based government building (法治政府建设) in China.

    \b
    Example:
      kg build && kg validate && kg stats
      kg query --list
      kg query --name rq01-case-regions
    """
    if verbose:
        from ..sandbox import describe

        click.echo(describe(), err=True)


def _configure_rdflib() -> None:
    """The application (not the library) sets rdflib's globals, once a subcommand is about to run: ``kg
    --help`` never imports rdflib, and neither does a command that needs none (a named query on the store),
    for rdflib is most of their start-up time. So the globals are set now if rdflib is loaded, else right
    after it is first imported."""
    loaded = sys.modules.get("rdflib")
    if loaded is not None:
        _set_rdflib_globals(loaded)
    elif not any(isinstance(finder, _ConfigureRdflibOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ConfigureRdflibOnImport())


def _set_rdflib_globals(rdflib: Any) -> None:
    import logging

    rdflib.NORMALIZE_LITERALS = False
    # rdflib logs a traceback for every ill-typed literal it reads; kg validate reports those plainly instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


class _ConfigureRdflibOnImport:
    """An import hook that sets rdflib's globals as soon as ``import rdflib`` has run, then removes itself."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "rdflib":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        loader = getattr(spec, "loader", None)
        if loader is None:
            return spec
        execute = loader.exec_module

        def execute_and_configure(module: Any) -> None:
            execute(module)
            _set_rdflib_globals(module)

        loader.exec_module = execute_and_configure
        return spec


def main(argv: list[str] | None = None) -> Any:
    """The console entry point."""
    from .common import run_cli

    return run_cli(cli, argv if argv is not None else sys.argv[1:])
