"""``kg analyze``: network analysis of the dataset — similarity, centrality, communities, paths, diffusion.

A thin layer: each command parses its options, calls one function of ``kg.analysis`` and renders the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..analysis.tables import FORMATS, Table, render, rows_of
from .common import data_options, format_option, progress, reads_system_files, write_output

KINDS = ("mechanism", "institution-kind", "field", "topic")
GRAPH_NAMES = (
    "regions",
    "region-mechanism",
    "region-institution-kind",
    "region-field",
    "region-topic",
    "mechanism-cooccurrence",
    "entity",
    "leaders",
)


def _format_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return format_option(tuple(FORMATS), default="text", help="How to print the table.")(function)


def _by_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--by",
        "kinds",
        type=click.Choice([*KINDS, "all"]),
        multiple=True,
        default=(default,),
        show_default=True,
        help="What regions share (repeatable; 'all' = every kind).",
    )


def _kinds(chosen: tuple[str, ...]) -> tuple[str, ...]:
    return KINDS if "all" in chosen else tuple(k for k in KINDS if k in chosen)


def _store(options: dict[str, Any]) -> Any:
    return options["source"].store()


def _show(table: Table, fmt: str) -> None:
    write_output(render(table, fmt), None)


@click.group("analyze", context_settings={"help_option_names": ["-h", "--help"]})
def analyze() -> None:
    """Network analysis: which regions are alike, who leads and who follows, how two regions are related.

    Reads the built dataset (or --data files) and prints tables as text, CSV or JSON, graphs as GraphML,
    GEXF or node-link JSON, and figures as PNG. docs/analysis.md defines every measure.

    \b
    Example:
      kg analyze similar 吉林
      kg analyze diffusion --topic 优化营商环境条例
    """


@analyze.command("similar")
@click.argument("region")
@_by_option("mechanism")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many regions.")
@_format_option
@data_options
def similar_command(region: str, kinds: tuple[str, ...], top: int, fmt: str, **options: Any) -> None:
    """Regions most like REGION (6-digit code or Chinese name), by the Jaccard index of what they share.

    \b
    Example:
      kg analyze similar 吉林
      kg analyze similar 110000 --by mechanism --by field --format csv
    """
    from ..analysis.graphs import incidence
    from ..analysis.metrics import most_similar
    from ..analysis.sparql import regions, resolve_region

    store = _store(options)
    with progress("comparing regions"):
        known = regions(store)
        found = resolve_region(known, region)
        data = incidence(store, _kinds(kinds))
        rows = most_similar(data, found.region.iri, top=top)
    codes = {r.iri: r.code for r in known}
    notes = [f"{region} → {found.region.label} ({found.region.code})"]
    if found.alternatives:
        others = ", ".join(f"{r.label} ({r.code})" for r in found.alternatives)
        notes.append(f"also named so: {others}; give the code to pick one")
    own = len(data.members.get(found.region.iri, ()))
    notes.append(f"{found.region.label} has {own} feature(s) of kind {', '.join(_kinds(kinds))}")
    table = Table(
        ("code", "region", "jaccard", "shared", "common"),
        [(codes.get(s.region, ""), s.label, s.jaccard, s.shared, s.common) for s in rows],
        tuple(notes),
    )
    _show(table, fmt)


def _graph(store: Any, name: str, kinds: tuple[str, ...], min_topics: int, folder: Path | None) -> Any:
    from ..analysis.graphs import incidence, named_graph, region_graph

    if name == "regions":
        return region_graph(incidence(store, _kinds(kinds)))
    return named_graph(store, name, min_topics=min_topics, store_folder=folder)


def _folder(options: dict[str, Any]) -> Path | None:
    """The persistent store's folder, where the entity graph is kept (kg.analysis.entityfile)."""
    folder: Path | None = options["source"].persistent_store()
    return folder


_GRAPH_OPTION = click.option(
    "--graph",
    "graph_name",
    type=click.Choice(GRAPH_NAMES),
    default="regions",
    show_default=True,
    help="Which graph ('kg analyze export --help' describes each).",
)


@analyze.command("centrality")
@_GRAPH_OPTION
@_by_option("all")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Estimate betweenness from this many source nodes (default: exact when nodes × edges ≤ 3 million, "
        "else as many sources as fit that and a work budget of about 5 s; the output says which)."
    ),
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampling.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many nodes.")
@_format_option
@data_options
def centrality_command(
    graph_name: str, kinds: tuple[str, ...], sample: int | None, seed: int, top: int, fmt: str, **options: Any
) -> None:
    """Degree, betweenness and eigenvector centrality of a graph's nodes, most connected first.

    \b
    Example:
      kg analyze centrality --graph regions --by topic
      kg analyze centrality --graph entity --sample 100
    """
    from ..analysis.graphs import metric_graph
    from ..analysis.metrics import centrality, default_sample

    store = _store(options)
    with progress("computing centralities"):
        graph, describe = metric_graph(store, graph_name, kinds=_kinds(kinds), store_folder=_folder(options))
        chosen = default_sample(graph) if sample is None else sample
        result = centrality(graph, sample=chosen, seed=seed, top=top, describe=describe)
    columns = ("label", "kind", "degree", "betweenness", "eigenvector", "node")
    how = result.betweenness_method
    if sample is None and how != "exact":
        how += " (as many as fit the default work budget: an estimate; --sample K for more)"
    notes = (
        f"graph: {graph_name} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)",
        f"betweenness: {how}",
        f"eigenvector: {result.eigenvector_method}",
    )
    _show(Table(columns, rows_of(result.rows, columns), notes), fmt)


@analyze.command("communities")
@_GRAPH_OPTION
@_by_option("all")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the method.")
@click.option(
    "--resolution",
    type=click.FloatRange(min=0.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Louvain: above 1 favours smaller communities.",
)
@click.option(
    "--method",
    type=click.Choice(("auto", "louvain", "label-propagation")),
    default="auto",
    show_default=True,
    help="Louvain, or fast label propagation; auto: Louvain up to 200,000 nodes plus edges (output says).",
)
@_format_option
@data_options
def communities_command(
    graph_name: str,
    kinds: tuple[str, ...],
    seed: int,
    resolution: float,
    method: str,
    fmt: str,
    **options: Any,
) -> None:
    """Communities of a graph (Louvain, or fast label propagation on large graphs), largest first.

    \b
    Example:
      kg analyze communities --graph regions --by topic
      kg analyze communities --graph entity --method label-propagation
    """
    from ..analysis.graphs import metric_graph
    from ..analysis.metrics import LOUVAIN_LIMIT, communities, default_community_method

    store = _store(options)
    with progress("finding communities"):
        graph, describe = metric_graph(store, graph_name, kinds=_kinds(kinds), store_folder=_folder(options))
        chosen = default_community_method(graph) if method == "auto" else method
        found = communities(graph, seed=seed, resolution=resolution, method=chosen, describe=describe)
    rows = [(c.number, len(c.members), c.labels) for c in found]
    size = f"graph: {graph_name} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)"
    if chosen == "louvain":
        how = f"Louvain, seed {seed}, resolution {resolution}"
    else:
        why = (
            f" (auto: over {LOUVAIN_LIMIT:,} nodes plus edges, where Louvain is slow)"
            if method == "auto"
            else ""
        )
        how = f"fast label propagation, seed {seed}{why}; --method louvain for Louvain"
    _show(Table(("community", "size", "members"), rows, (how, size)), fmt)


VIA_CHOICES = ("mechanism", "institution-kind", "field", "topic", "inspection", "notice", "region")
"""``--via`` choices: kg.analysis.paths.VIA_KINDS (spelt out so that ``kg --help`` imports nothing heavy)."""


@analyze.command("path")
@click.argument("region_a")
@click.argument("region_b")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many paths.")
@click.option(
    "--max-length",
    type=click.IntRange(min=2),
    default=None,
    help="Every path of at most this many links, shorter first (default: the shortest paths only).",
)
@click.option(
    "--via",
    "via",
    multiple=True,
    type=click.Choice(VIA_CHOICES),
    help="Kinds of node a path may pass through (repeatable; default: all).",
)
@_format_option
@data_options
def path_command(
    region_a: str,
    region_b: str,
    limit: int,
    max_length: int | None,
    via: tuple[str, ...],
    fmt: str,
    **options: Any,
) -> None:
    """How two regions are related (RQ9): paths through mechanisms, institution kinds, policy fields,
    regulation topics, the inspections that inspected them, the notices that reported their cases and
    other regions, as chains of labels.

    \b
    Example:
      kg analyze path 北京 吉林
      kg analyze path 北京 安徽 --via inspection --via notice
      kg analyze path 北京 吉林 --max-length 4 --via mechanism
    """
    from ..analysis.paths import VIA_KINDS, explaining_graph, explaining_paths
    from ..analysis.sparql import regions, resolve_region

    kinds = via or VIA_KINDS
    store = _store(options)
    with progress("finding paths"):
        known = regions(store)
        start, end = resolve_region(known, region_a).region, resolve_region(known, region_b).region
        paths = explaining_paths(
            explaining_graph(store, via=kinds),
            start.iri,
            end.iri,
            limit=limit,
            max_length=max_length,
            through_regions="region" in kinds,
        )
    notes = [f"{start.label} ({start.code}) to {end.label} ({end.code}); via {', '.join(kinds)}"]
    if not paths:
        longest = f"of at most {max_length} links " if max_length else ""
        notes.append(f"no path {longest}through these kinds of node: the two regions share none of them")
    rows = [(i, len(p.steps) - 1, p.chain()) for i, p in enumerate(paths, 1)]
    _show(Table(("path", "length", "chain"), rows, tuple(notes)), fmt)


_TOPIC_OPTION = click.option(
    "--topic", default=None, help="One regulation topic, by label (优化营商环境条例) or IRI."
)


def _adoptions(store: Any, topic: str | None) -> tuple[Any, str | None]:
    from ..analysis.diffusion import find_topic, read_adoptions, restrict

    table = read_adoptions(store)
    if topic is None:
        return table, None
    chosen = find_topic(table, topic)
    return restrict(table, {chosen}), chosen


def _undated_note(table: Any) -> tuple[str, ...]:
    return (f"{table.undated} adoption row(s) without a date left out",) if table.undated else ()


@analyze.command("diffusion")
@_TOPIC_OPTION
@click.option(
    "--min-adopters",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="List only topics adopted by at least this many jurisdictions.",
)
@_format_option
@data_options
def diffusion_command(topic: str | None, min_adopters: int, fmt: str, **options: Any) -> None:
    """How regulation topics spread: every topic's adopters and first adopters, or one topic's timeline
    with its cumulative adoption curve. Reads the named query rq10-topic-diffusion.

    \b
    Example:
      kg analyze diffusion
      kg analyze diffusion --topic 优化营商环境条例 --format csv
    """
    from ..analysis.diffusion import timeline, topic_summaries

    store = _store(options)
    table, chosen = _adoptions(store, topic)
    if chosen is None:
        rows = rows_of(
            topic_summaries(table, min_adopters=min_adopters),
            ("label", "adopters", "first", "last", "first_adopters"),
        )
        _show(
            Table(("topic", "adopters", "first", "last", "first adopters"), rows, _undated_note(table)), fmt
        )
        return
    rows = rows_of(timeline(table, chosen), ("rank", "date", "label", "cumulative", "jurisdiction"))
    notes = (f"topic: {table.label(chosen)}", *_undated_note(table))
    _show(Table(("rank", "date", "jurisdiction", "cumulative", "iri"), rows, notes), fmt)


@analyze.command("innovativeness")
@_TOPIC_OPTION
@click.option(
    "--min-adopters",
    type=click.IntRange(min=2),
    default=2,
    show_default=True,
    help="Count only topics with at least this many adopters.",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=30, show_default=True, help="How many jurisdictions."
)
@_format_option
@data_options
def innovativeness_command(topic: str | None, min_adopters: int, top: int, fmt: str, **options: Any) -> None:
    """Innovativeness per jurisdiction: 1 − the mean normalised rank of its adoptions (1 = always first).

    \b
    Example:
      kg analyze innovativeness --top 10
      kg analyze innovativeness --topic 优化营商环境条例
    """
    from ..analysis.diffusion import innovativeness

    store = _store(options)
    table, _ = _adoptions(store, topic)
    scores = innovativeness(table, min_adopters=min_adopters)
    rows = rows_of(scores[:top], ("label", "score", "topics", "first", "jurisdiction"))
    notes = (
        f"{len(scores)} jurisdictions scored over topics with ≥ {min_adopters} adopters",
        *_undated_note(table),
    )
    _show(Table(("jurisdiction", "score", "topics", "first", "iri"), rows, notes), fmt)


@analyze.command("leaders")
@_TOPIC_OPTION
@click.option(
    "--min-topics",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Keep A → B only when A adopted before B in at least this many topics.",
)
@click.option("--top", type=click.IntRange(min=1), default=30, show_default=True, help="How many ties.")
@_format_option
@data_options
def leaders_command(topic: str | None, min_topics: int, top: int, fmt: str, **options: Any) -> None:
    """Leader → follower ties: A → B when A adopted a topic before B, weighted by the number of topics,
    each classified vertical (down or up the hierarchy) or horizontal (same level or cross-level).

    \b
    Example:
      kg analyze leaders --min-topics 3
      kg analyze leaders --topic 优化营商环境条例 --min-topics 1
    """
    from collections import Counter

    from ..analysis.diffusion import hierarchy_from_store, leader_ties

    store = _store(options)
    table, _ = _adoptions(store, topic)
    with progress("finding leaders"):
        ties = leader_ties(table, hierarchy_from_store(store), min_topics=min_topics)
    kinds = Counter(f"{t.tie} ({t.direction})" for t in ties)
    notes = (
        f"{len(ties)} ties: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
        *_undated_note(table),
    )
    rows = [
        (table.label(t.leader), table.label(t.follower), t.weight, t.tie, t.direction) for t in ties[:top]
    ]
    _show(Table(("leader", "follower", "topics", "tie", "direction"), rows, notes), fmt)


@analyze.command("export")
@_GRAPH_OPTION
@_by_option("all")
@click.option(
    "--min-topics",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="For --graph leaders: the fewest topics a tie needs.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("graphml", "gexf", "json")),
    default=None,
    help="Graph format (default: from the output file's extension).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write (.graphml, .gexf or .json).",
)
@data_options
def export_command(
    graph_name: str, kinds: tuple[str, ...], min_topics: int, fmt: str | None, output: Path, **options: Any
) -> None:
    """Write a graph as GraphML, GEXF (Gephi) or node-link JSON.

    \b
    Graphs:
      regions                  regions linked by what they share (weight, jaccard)
      region-mechanism         bipartite: regions and their cases' mechanisms
      region-institution-kind  bipartite: regions and the kinds of institution involved
      region-field             bipartite: regions and their cases' policy fields
      region-topic             bipartite: jurisdictions and their regulation topics
      mechanism-cooccurrence   mechanisms linked when one case has both
      entity                   every link between entities, keyed by predicate
      leaders                  leader → follower graph over regulation topics
    \b
    Example:
      kg analyze export --graph region-mechanism -o regions.graphml
      kg analyze export --graph entity --format gexf -o dataset.gexf
    """
    from ..analysis.export import Exported, entity_export, format_from_path, graph_text
    from ..analysis.graphs import entity_described_data

    chosen = fmt or format_from_path(output)
    store = _store(options)
    with progress("building the graph"):
        if graph_name == "entity":
            exported = entity_export(entity_described_data(store, _folder(options)), chosen)
        else:
            graph = _graph(store, graph_name, kinds, min_topics, _folder(options))
            exported = Exported(graph_text(graph, chosen), graph.number_of_nodes(), graph.number_of_edges())
    write_output(exported.text, output)
    click.echo(f"wrote {output}: {exported.nodes} nodes, {exported.edges} edges ({chosen})", err=True)


@analyze.command("plot")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the PNG files.",
)
@click.option("--topic", default="优化营商环境条例", show_default=True, help="Topic of the timeline chart.")
@click.option(
    "--min-topics",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Fewest topics a leader → follower tie needs to be drawn.",
)
@click.option("--top", type=click.IntRange(min=1), default=25, show_default=True, help="Most ties drawn.")
@data_options
@reads_system_files
def plot_command(out_dir: Path, topic: str, min_topics: int, top: int, **options: Any) -> None:
    """Draw the region–mechanism network, the leader → follower graph and a topic's adoption timeline as
    PNG files (needs: pip install 'fazhi-kg[plot]', and a CJK font for the Chinese labels).

    \b
    Example:
      kg analyze plot --out docs/figures
    """
    from ..analysis.plots import make_figures

    store = _store(options)
    with progress("drawing"):
        figures = make_figures(store, out_dir, topic=topic, min_topics=min_topics, top=top)
    for warning in figures.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in figures.paths:
        click.echo(f"wrote {path}", err=True)


def _policy(store: Any, topic: str | None, mechanism: str | None) -> tuple[Any, set[str], str]:
    """The adoption table, the topics of the policy (one topic, or a mechanism's linked topics), its name."""
    from ..analysis.diffusion import find_topic, read_adoptions
    from ..analysis.eventhistory import mechanism_topics

    if (topic is None) == (mechanism is None):
        raise click.UsageError("give either --topic or --mechanism")
    table = read_adoptions(store)
    if topic is not None:
        chosen = find_topic(table, topic)
        return table, {chosen}, table.label(chosen)
    assert mechanism is not None
    return table, mechanism_topics(store, mechanism), mechanism


@analyze.command("event-history")
@click.option("--topic", default=None, help="A regulation topic, by label (优化营商环境条例) or IRI.")
@click.option(
    "--mechanism", default=None, help="A mechanism, by label (优化营商环境) or IRI: its linked topics."
)
@click.option(
    "--level",
    "levels",
    type=click.Choice(("province", "prefecture", "county")),
    multiple=True,
    default=("province", "prefecture"),
    show_default=True,
    help="Levels of the population at risk (repeatable).",
)
@click.option("--start", type=int, default=None, help="First year (default: the first adoption anywhere).")
@click.option("--end", type=int, default=None, help="Last year (default: the last adoption anywhere).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, help="CSV file to write."
)
@data_options
def event_history_command(
    topic: str | None,
    mechanism: str | None,
    levels: tuple[str, ...],
    start: int | None,
    end: int | None,
    output: Path | None,
    **options: Any,
) -> None:
    """The event-history table for R or Stata: one row per jurisdiction and year until it adopts, with the
    adoption indicator, the year, the level and the province (CSV).

    \b
    Example:
      kg analyze event-history --topic 优化营商环境条例 -o business.csv
      kg analyze event-history --mechanism 社会信用 --level province
    """
    from ..analysis.eventhistory import LEVELS, event_history, history_csv, places

    store = _store(options)
    table, topics, _name = _policy(store, topic, mechanism)
    everywhere = places(store, LEVELS)
    names = {p.code: p.name for p in everywhere if p.level == "province"}
    population = [p for p in everywhere if p.level in levels]
    rows = event_history(table, topics, population, start=start, end=end, province_names=names)
    write_output(history_csv(rows), output)
    if output is not None:
        adopted = sum(r.adopted for r in rows)
        click.echo(f"wrote {output}: {len(rows)} jurisdiction-years, {adopted} adoptions", err=True)


@analyze.command("map")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the PNG files.",
)
@click.option("--topic", default=None, help="A regulation topic, by label or IRI.")
@click.option("--mechanism", default=None, help="A mechanism, by label or IRI: its linked topics.")
@data_options
@reads_system_files
def map_command(out_dir: Path, topic: str | None, mechanism: str | None, **options: Any) -> None:
    """Draw a policy's adoption across the country: a tile-grid map of the 31 provinces coloured by adoption
    year (adoption-map.png) and the cumulative adoption curve per level (adoption-curve.png).

    \b
    Example:
      kg analyze map --topic 优化营商环境条例 --out docs/figures
    """
    from ..analysis.diffusion import hierarchy_from_store
    from ..analysis.eventhistory import cumulative_by_level, places, province_adoptions
    from ..analysis.plots import FONT_HINT, cjk_font, plot_adoption_curve, plot_tile_map

    store = _store(options)
    table, topics, name = _policy(store, topic, mechanism)
    font = cjk_font()
    if font is None:
        click.echo(f"warning: {FONT_HINT}", err=True)
    rows = province_adoptions(table, topics, places(store, ("province",)))
    title = f"《{name}》" if topic else name
    written = [
        plot_tile_map(
            rows, out_dir / "adoption-map.png", title=f"{title} 各省采纳 adoption by province", font=font
        ),
        plot_adoption_curve(
            cumulative_by_level(table, topics, hierarchy_from_store(store).level),
            out_dir / "adoption-curve.png",
            title=f"{title} 累计采纳 cumulative adoption",
            font=font,
        ),
    ]
    for path in written:
        click.echo(f"wrote {path}", err=True)
