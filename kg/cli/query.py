"""``kg query`` and ``kg stats``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .common import DataSource, data_options, format_option, output_option, write_output


@click.command("query")
@click.argument("query", required=False)
@click.option("--name", "-n", "name", default=None, help="Run a named research question (see --list).")
@click.option(
    "--list",
    "list_queries",
    is_flag=True,
    help="List the named queries, one a line: name, [parameters with defaults], question.",
)
@click.option(
    "--describe",
    "describe",
    default=None,
    metavar="NAME",
    help="Describe a named query: question, parameters and defaults, columns, an example.",
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of a named query, e.g. -p case=2022-jilin; -p topic=* leaves it unbound (repeatable).",
)
@click.option(
    "--ontology/--no-ontology",
    "with_ontology",
    default=True,
    show_default=True,
    help=(
        "Load the fazhi ontology beside the data, so subclass and subproperty paths answer (a named query "
        "reads it only if it needs it)."
    ),
)
@format_option(
    ("table", "csv", "tsv", "json", "turtle", "nt", "jsonld"),
    default="table",
    help=(
        "How to print the results (json: SPARQL 1.1 Query Results JSON; turtle, nt, jsonld: the triples of "
        "a CONSTRUCT or DESCRIBE answer as RDF)."
    ),
)
@output_option
@data_options
def query_command(
    query: str | None,
    name: str | None,
    list_queries: bool,
    describe: str | None,
    params: tuple[str, ...],
    with_ontology: bool,
    fmt: str,
    output: Path | None,
    source: DataSource,
) -> None:
    """Run a SPARQL query (text or .rq file) or a named research question.

    Queries never reach the network: SERVICE and FROM are refused unless --allow-network is given; LOAD and
    every other update are always refused. Table cells print IRIs so that they paste back into a query: a
    prefixed name where one is valid (case:2022-jilin), else the full <IRI>.
    The ontology is loaded beside the data, so '?x a/rdfs:subClassOf* fz:Actor' finds institutions and
    platforms; --no-ontology queries the data alone. A named query reads the ontology only if its header
    says '# ontology: read'; the others give the same answer from the data alone, faster.

    \b
    Example:
      kg query --list
      kg query --describe rq03-case-measures
      kg query --name rq03-case-measures -p case=2022-jilin
      kg query 'SELECT ?case WHERE { ?case a fz:Case }' --format csv
      kg query 'DESCRIBE case:2022-jilin' --format turtle
      kg query 'SELECT ?x WHERE { ?x a/rdfs:subClassOf* fz:Actor }'
    """
    from .. import query as queries
    from .. import querydoc
    from ..limits import run_with_timeout

    if list_queries:
        write_output("\n".join(querydoc.list_line(q) for q in queries.list_named()) + "\n", output)
        return
    if describe is not None:
        with _named_errors(f"query {describe}"):
            write_output(querydoc.describe(queries.named(describe)), output)
        return
    if (query is None) == (name is None):
        raise click.UsageError("give either a QUERY (text or .rq file) or --name NAME (see kg query --list)")
    arguments = _parse_params(params)
    if name is not None:
        origin = f"query {name}"
        with _named_errors(origin):
            text = queries.named_text(name) or queries.named(name).text
    else:
        if arguments:
            raise click.UsageError("--param goes with --name")
        from ..loading import read_query

        text = read_query(query or "")
        origin = query if query and text != query else "query"
    if name is None:  # a named query is kg's own text: run_named reads it without rdflib's parser
        with _named_errors(origin):
            queries.check(text, allow_network=source.allow_network)
    # A named query reads the ontology only when its header says so; the others answer the same without it.
    with _named_errors(origin):
        ontology = with_ontology and (name is None or queries.header_reads_ontology(text, origin))
    store = source.store(ontology=ontology)
    # rows are only printed: a store's terms print as they are (rq11's checksums are rdflib literals)
    native = fmt not in queries.RDF_FORMATS and name != "rq11-provenance"
    with _named_errors(origin):
        if name is not None:
            result = run_with_timeout(
                queries.run_named,
                store,
                name,
                arguments=arguments,
                native=native,
                timeout=source.worker_timeout,
                what=origin,
            )
        else:
            result = run_with_timeout(
                queries.run,
                store,
                text,
                allow_network=source.allow_network,
                native=native,
                timeout=source.worker_timeout,
                what=origin,
            )
    if name == "rq11-provenance":
        from ..provenance import check_files

        result = check_files(result)
    for warning in querydoc.group_concat_warnings(text, result):
        click.echo(warning, err=True)
    write_output(queries.format_result(result, fmt), output)


@contextmanager
def _named_errors(origin: str) -> Iterator[None]:
    """Name the query file (or the named query) in the errors of its checking and running."""
    from ..errors import InputError

    try:
        yield
    except InputError as error:
        message = str(error)
        if origin != "query" and not message.startswith(origin):
            message = f"{origin}: {message.removeprefix('query: ')}"
        raise type(error)(message) from None


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    arguments = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param '{param}' must be NAME=VALUE")
        arguments[key.strip()] = value.strip()
    return arguments


@click.command("stats")
@format_option(
    ("text", "json", "markdown"),
    default="text",
    help="How to print the statistics (json: the documented stable form).",
)
@click.option(
    "--link-graph",
    "with_link_graph",
    is_flag=True,
    help="Also the link graph's metrics (every link of the dataset through networkx: slow on large data).",
)
@output_option
@data_options
def stats_command(
    fmt: str,
    with_link_graph: bool,
    output: Path | None,
    source: DataSource,
) -> None:
    """Statistics of the dataset: triples, classes, properties, regions, completeness; with --link-graph
    also graph metrics.

    \b
    Example:
      kg stats
      kg stats --format json > stats.json
      kg stats --link-graph
    """
    from ..limits import run_with_timeout
    from ..stats import compute

    store = source.store()
    stats = run_with_timeout(
        compute,
        store,
        link_graph=with_link_graph,
        store_folder=source.persistent_store(),
        timeout=source.worker_timeout,
        what="statistics",
    )
    rendered = {"text": stats.to_text, "json": stats.to_json, "markdown": stats.to_markdown}[fmt]()
    write_output(rendered, output)
