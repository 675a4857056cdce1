"""PNG figures: the region–mechanism network, the leader → follower graph, an adoption timeline.

Needs the ``plot`` extra (matplotlib). Figures are drawn on ``matplotlib.figure.Figure`` objects, never
through pyplot, so nothing global changes. Chinese labels need a CJK font: the first of ``CJK_FAMILIES``
found on the machine is used, or the font file named by the environment variable ``KG_CJK_FONT``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from .diffusion import AdoptionTable, LeadTie, TimelineRow
from .graphs import Incidence

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
"""CJK fonts the figures can use, best first (Debian: ``apt-get install fonts-wqy-microhei``)."""
_CJK_FILES = (
    "wqy-microhei",
    "notosanscjk",
    "notosanssc",
    "sourcehansans",
    "wqy-zenhei",
    "notoserifcjk",
    "uming",
)
FONT_HINT = (
    "no CJK font found, so Chinese labels would show as boxes: install one (Debian: apt-get install "
    "fonts-wqy-microhei) or point KG_CJK_FONT to a .ttf/.ttc/.otf file"
)
COLOURS = {"vertical": "#c0392b", "horizontal": "#2471a3"}
HIGHLIGHT = {"boxstyle": "round,pad=0.15", "fc": "#fff3b0", "ec": "none"}


class PlotUnavailable(InputError):
    """Figures were asked for but matplotlib is not installed."""


@dataclass
class Figures:
    """The figures written, the font used for Chinese, and what the user should know."""

    paths: list[Path] = field(default_factory=list)
    font: str | None = None
    warnings: list[str] = field(default_factory=list)


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise PlotUnavailable("figures need matplotlib: pip install 'fazhi-kg[plot]'") from error
    return matplotlib


def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, registering system font files it has not seen."""
    _matplotlib()
    from matplotlib import font_manager

    manager = font_manager.fontManager
    wanted = os.environ.get("KG_CJK_FONT")
    if wanted:
        if not Path(wanted).is_file():
            raise InputError(
                f"KG_CJK_FONT={wanted}: no such font file; unset it or name a .ttf/.ttc/.otf file"
            )
        try:
            manager.addfont(wanted)
            return str(font_manager.FontProperties(fname=wanted).get_name())
        except (RuntimeError, OSError, ValueError) as error:
            raise InputError(
                f"KG_CJK_FONT={wanted}: not a font file matplotlib can read ({error}); unset it or name a "
                ".ttf/.ttc/.otf file"
            ) from None
    known = {entry.name for entry in manager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in sorted(font_manager.findSystemFonts()):
        if any(mark in Path(path).name.lower().replace("_", "") for mark in _CJK_FILES):
            manager.addfont(path)
    known = {entry.name for entry in manager.ttflist}
    return next((family for family in CJK_FAMILIES if family in known), None)


@contextmanager
def _style(font: str | None) -> Iterator[None]:
    """The figures' style, with matplotlib's findfont fallback notes kept off the terminal.

    A CJK font with one weight makes matplotlib log "findfont: Failed to find font weight bold …" for every
    bold title; it then draws the regular weight, which is what we want, so the note only confuses users.
    """
    import logging

    matplotlib = _matplotlib()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    logger = logging.getLogger("matplotlib.font_manager")

    def fallback_note(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("findfont:")

    logger.addFilter(fallback_note)
    try:
        with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False, "font.size": 9}):
            yield
    finally:
        logger.removeFilter(fallback_note)


def _save(figure: Any, path: Path, *, dpi: int = 110) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    except OSError as error:
        raise OutputError(
            f"{path}: cannot write the figure ({error.strerror}); choose a writable folder"
        ) from error
    return path


@dataclass(frozen=True)
class FeatureGroup:
    """Features used by exactly the same regions (``regions`` in layout order)."""

    regions: tuple[str, ...]
    features: tuple[str, ...]

    @property
    def shared(self) -> bool:
        return len(self.regions) > 1


@dataclass(frozen=True)
class BipartiteLayout:
    """Regions top to bottom, and their features grouped by the set of regions using them."""

    regions: tuple[str, ...]
    groups: tuple[FeatureGroup, ...]


def _crossings(edges: Sequence[tuple[int, int]]) -> int:
    return sum((a[0] - b[0]) * (a[1] - b[1]) < 0 for i, a in enumerate(edges) for b in edges[i + 1 :])


def _groups_for(data: Incidence, regions: Sequence[str]) -> tuple[FeatureGroup, ...]:
    """Feature groups in barycentre order, so lines from regions in order fan out without crossing."""
    rank = {r: i for i, r in enumerate(regions)}
    users: dict[str, list[str]] = {}
    for region in regions:
        for feature in data.members[region]:
            users.setdefault(feature, []).append(region)
    by_set: dict[tuple[str, ...], list[str]] = {}
    for feature, using in users.items():
        by_set.setdefault(tuple(using), []).append(feature)
    keys = sorted(by_set, key=lambda k: (sum(rank[r] for r in k) / len(k), [rank[r] for r in k]))
    return tuple(FeatureGroup(k, tuple(sorted(by_set[k], key=lambda f: (data.label(f), f)))) for k in keys)


def _edges(groups: Sequence[FeatureGroup], regions: Sequence[str]) -> list[tuple[int, int]]:
    rank = {r: i for i, r in enumerate(regions)}
    position = 0
    edges: list[tuple[int, int]] = []
    for group in groups:
        for _ in group.features:
            edges.extend((rank[r], position) for r in group.regions)
            position += 1
    return edges


def _order_crossings(data: Incidence, order: Sequence[str]) -> int:
    return _crossings(_edges(_groups_for(data, order), order))


def region_layout(data: Incidence, *, exhaustive: int = 5) -> BipartiteLayout:
    """The region order with the fewest crossing lines, ties broken by label (every order is tried for at
    most ``exhaustive`` regions, beyond that label order is kept: the tries grow factorially); features
    grouped by who uses them, each group in label order."""
    from itertools import permutations

    regions = sorted(data.members, key=lambda r: (data.label(r), r))
    if len(regions) <= exhaustive:
        regions = list(
            min(permutations(regions), key=lambda order: _order_crossings(data, tuple(order)))
        )
    return BipartiteLayout(tuple(regions), _groups_for(data, regions))


def _group_caption(data: Incidence, group: FeatureGroup) -> str:
    names = " + ".join(data.label(r) for r in group.regions)
    return f"{names} 共有" if group.shared else f"{names} 独有"


def plot_region_features(data: Incidence, path: Path, *, title: str, font: str | None = None) -> Path:
    """Regions on the left, their features on the right grouped by the regions using them, a line for each
    region having a feature; features shared by several regions are drawn bold."""
    _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    layout = region_layout(data)
    palette = {r: f"C{i % 10}" for i, r in enumerate(layout.regions)}
    gap = 0.8
    rows = sum(len(g.features) for g in layout.groups) + gap * max(len(layout.groups) - 1, 0)
    y: dict[str, float] = {}
    cursor = 0.0
    for group in layout.groups:
        for feature in group.features:
            y[feature] = -cursor
            cursor += 1
        cursor += gap
    for region in layout.regions:
        mine = [y[f] for f in data.members[region]]
        y[region] = sum(mine) / len(mine) if mine else 0.0
    with _style(font):
        figure = Figure(figsize=(6.4, 0.19 * max(rows, 6) + 1.1))
        ax = figure.add_subplot()
        for group in layout.groups:
            for feature in group.features:
                for region in group.regions:
                    ax.plot(
                        [0, 1],
                        [y[region], y[feature]],
                        color=palette[region],
                        alpha=0.9 if group.shared else 0.4,
                        linewidth=2.4 if group.shared else 0.8,
                        solid_capstyle="butt",
                    )
        for region in layout.regions:
            ax.scatter(0, y[region], s=110, color=palette[region], zorder=3)
            ax.text(-0.04, y[region], data.label(region), ha="right", va="center", fontsize=11)
        for group in layout.groups:
            colour = "#222222" if group.shared else palette[group.regions[0]]
            for feature in group.features:
                ax.scatter(1, y[feature], s=45 if group.shared else 18, color=colour, zorder=3)
                ax.text(
                    1.04,
                    y[feature],
                    data.label(feature),
                    ha="left",
                    va="center",
                    fontweight="bold" if group.shared else "normal",
                    bbox=HIGHLIGHT if group.shared else None,
                )
            top, bottom = y[group.features[0]], y[group.features[-1]]
            ax.plot([1.78, 1.78], [top + 0.3, bottom - 0.3], color="#999999", linewidth=1)
            ax.text(
                1.81,
                (top + bottom) / 2,
                _group_caption(data, group),
                ha="left",
                va="center",
                fontsize=8,
                color="#555555",
                fontweight="bold" if group.shared else "normal",
            )
        ax.legend(
            handles=[
                Line2D([], [], color="#555555", linewidth=0.8, alpha=0.6, label="一地独有 one region only"),
                Line2D([], [], color="#555555", linewidth=2.4, label="多地共有 shared by regions"),
            ],
            loc="upper left",
            frameon=False,
            fontsize=8,
        )
        ax.set_xlim(-0.45, 2.35)
        ax.set_ylim(-rows + 0.2, 0.8)
        ax.set_axis_off()
        ax.set_title(title)
        return _save(figure, path, dpi=110)


def _bezier(
    start: tuple[float, float], end: tuple[float, float], bend: float, t: float
) -> tuple[float, float]:
    """A point of the quadratic curve from ``start`` to ``end`` bowed ``bend`` of its length to the right."""
    (x0, y0), (x1, y1) = start, end
    cx, cy = (x0 + x1) / 2 + bend * (y1 - y0), (y0 + y1) / 2 - bend * (x1 - x0)
    u = 1 - t
    return (u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1)


def _weight_key(lowest: int, highest: int) -> list[int]:
    """Up to three weights spanning the drawn ones, for the legend."""
    return sorted({lowest, (lowest + highest) // 2, highest})


def plot_leaders(
    ties: Sequence[LeadTie],
    table: AdoptionTable,
    path: Path,
    *,
    title: str,
    top: int = 40,
    font: str | None = None,
) -> Path:
    """The ``top`` heaviest leader → follower ties on a circle; width by weight, colour by tie kind.

    Arrowheads sit mid-curve so they do not pile up on the busiest followers; the subtitle says how many
    of the ties are drawn.
    """
    _matplotlib()
    import math

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    chosen = sorted(ties, key=lambda t: (-t.weight, t.leader, t.follower))[:top]
    nodes = sorted({n for t in chosen for n in (t.leader, t.follower)}, key=lambda n: (table.label(n), n))
    place = {
        n: (
            math.cos(math.pi / 2 - 2 * math.pi * i / len(nodes)),
            math.sin(math.pi / 2 - 2 * math.pi * i / len(nodes)),
        )
        for i, n in enumerate(nodes)
    }
    lowest = min((t.weight for t in chosen), default=1)
    highest = max((t.weight for t in chosen), default=1)

    def width(weight: int) -> float:
        return 0.5 + 5.0 * (weight - lowest) / max(highest - lowest, 1)

    with _style(font):
        figure = Figure(figsize=(8, 8))
        ax = figure.add_subplot()
        for tie in sorted(chosen, key=lambda t: (t.weight, t.leader, t.follower)):
            start, end = place[tie.leader], place[tie.follower]
            trim = min(0.3, 0.07 / math.dist(start, end))
            curve = [_bezier(start, end, 0.12, trim + (1 - 2 * trim) * k / 32) for k in range(33)]
            colour = COLOURS[tie.tie]
            ax.plot(
                *zip(*curve, strict=True),
                color=colour,
                alpha=0.55,
                linewidth=width(tie.weight),
                solid_capstyle="round",
            )
            ax.annotate(
                "",
                xy=_bezier(start, end, 0.12, 0.6),
                xytext=_bezier(start, end, 0.12, 0.5),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": colour,
                    "linewidth": 0,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "mutation_scale": 9 + 2.2 * width(tie.weight),
                },
            )
        for node, (x, y) in place.items():
            ax.scatter(x, y, s=70, color="#333333", zorder=3)
            ax.text(
                1.1 * x,
                1.1 * y,
                table.label(node),
                ha="left" if x > 0.05 else "right" if x < -0.05 else "center",
                va="center",
                fontsize=10,
            )
        kinds = [
            Line2D([], [], color=COLOURS["vertical"], linewidth=2.5, label="纵向 vertical"),
            Line2D([], [], color=COLOURS["horizontal"], linewidth=2.5, label="横向 horizontal"),
        ]
        weights = [
            Line2D([], [], color="#777777", linewidth=width(w), label=f"{w} 个议题 topics")
            for w in _weight_key(lowest, highest)
        ]
        kind_legend = ax.legend(
            handles=kinds, loc="lower left", title="关系 tie", fontsize=8, title_fontsize=8
        )
        ax.add_artist(kind_legend)
        ax.legend(
            handles=weights,
            loc="lower right",
            title="先行议题数 topics led first",
            fontsize=8,
            title_fontsize=8,
        )
        ax.set_xlim(-1.45, 1.45)
        ax.set_ylim(-1.45, 1.25)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(title, pad=20)
        ax.text(
            0.5,
            1.0,
            f"最强 {len(chosen)} 条，共 {len(ties)} 条 · the strongest {len(chosen)} of {len(ties)} ties",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            color="#555555",
        )
        return _save(figure, path)


def timeline_labels(rows: Sequence[TimelineRow]) -> list[tuple[TimelineRow, str]]:
    """One label per step: adopters of the same day share their step, so they share one label."""
    steps: dict[object, list[TimelineRow]] = {}
    for row in rows:
        steps.setdefault(row.date, []).append(row)
    return [
        (same[-1], f"{'、'.join(r.label for r in same)} {same[-1].date.isoformat()}")
        for same in steps.values()
    ]


def plot_timeline(rows: Sequence[TimelineRow], path: Path, *, title: str, font: str | None = None) -> Path:
    """The cumulative adoption curve of one topic, each step named above and left of its corner.

    The curve only ever rises to the right, so the space above-left of a corner is always free of it.
    """
    _matplotlib()
    import datetime as dt

    from matplotlib.figure import Figure

    with _style(font):
        figure = Figure(figsize=(9, 5))
        ax = figure.add_subplot()
        if rows:
            dates = [r.date for r in rows]
            counts = [r.cumulative for r in rows]
            ax.step(dates, counts, where="post", color="#2471a3")  # type: ignore[arg-type]  # matplotlib converts dates
            ax.scatter(dates, counts, color="#2471a3", zorder=3, s=18)  # type: ignore[arg-type]
            for row, text in timeline_labels(rows):
                ax.annotate(
                    text,
                    (row.date, row.cumulative),
                    xytext=(-4, 3),
                    textcoords="offset points",
                    ha="right",
                    va="bottom",
                    fontsize=8,
                )
            span = max((dates[-1] - dates[0]).days, 30)
            left: Any = dates[0] - dt.timedelta(days=max(span // 4, 60))  # a date: matplotlib converts it
            right: Any = dates[-1] + dt.timedelta(days=span // 40 + 10)
            ax.set_xlim(left, right)
            ax.set_ylim(0, max(counts) + 1)
        ax.set_xlabel("采纳日期 adoption date")
        ax.set_ylabel("累计采纳地区数 cumulative adopters")
        ax.grid(alpha=0.3)
        ax.set_title(title)
        return _save(figure, path)


def make_figures(source: Any, out_dir: Path, *, topic: str, min_topics: int = 2, top: int = 40) -> Figures:
    """The three figures of the dataset, written to ``out_dir``."""
    from .diffusion import find_topic, hierarchy_from_store, leader_ties, read_adoptions, timeline
    from .graphs import incidence

    result = Figures(font=cjk_font())
    if result.font is None:
        result.warnings.append(FONT_HINT)
    mechanisms = incidence(source, ("mechanism",))
    result.paths.append(
        plot_region_features(
            mechanisms,
            out_dir / "region-mechanism.png",
            title="地区与机制 Regions and mechanisms",
            font=result.font,
        )
    )
    table = read_adoptions(source)
    ties = leader_ties(table, hierarchy_from_store(source), min_topics=min_topics)
    result.paths.append(
        plot_leaders(
            ties,
            table,
            out_dir / "leaders.png",
            top=top,
            font=result.font,
            title=f"先行者 → 跟随者 Leaders → followers (≥ {min_topics} topics)",
        )
    )
    chosen = find_topic(table, topic)
    result.paths.append(
        plot_timeline(
            timeline(table, chosen),
            out_dir / "adoption-timeline.png",
            font=result.font,
            title=f"《{table.label(chosen)}》 采纳时间线 adoption timeline",
        )
    )
    return result


TILE_GRID: dict[str, tuple[int, int]] = {
    "23": (7, 0),
    "65": (1, 1),
    "15": (4, 1),
    "11": (5, 1),
    "22": (7, 1),
    "62": (2, 2),
    "64": (3, 2),
    "14": (4, 2),
    "13": (5, 2),
    "12": (6, 2),
    "21": (7, 2),
    "63": (1, 3),
    "61": (3, 3),
    "41": (4, 3),
    "37": (5, 3),
    "54": (0, 4),
    "51": (2, 4),
    "50": (3, 4),
    "42": (4, 4),
    "34": (5, 4),
    "32": (6, 4),
    "31": (7, 4),
    "52": (3, 5),
    "43": (4, 5),
    "36": (5, 5),
    "33": (6, 5),
    "53": (2, 6),
    "45": (3, 6),
    "44": (4, 6),
    "35": (5, 6),
    "46": (4, 7),
}
"""Tile-grid positions (column, row from the top) of the 31 provinces by their 2-digit codes: one square each,
placed roughly where the province lies. A tile grid needs no boundary data."""


def _short(name: str) -> str:
    from .sparql import short_name

    return short_name(name)


def plot_tile_map(rows: Sequence[Any], path: Path, *, title: str, font: str | None = None) -> Path:
    """The 31 provinces as tiles coloured by the year the province adopted; where only its cities or counties
    did, the tile is hatched and names that year in brackets; grey where nothing in the province did."""
    _matplotlib()
    from matplotlib import colormaps, colors
    from matplotlib.cm import ScalarMappable
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    years = [r.own for r in rows if r.own is not None] + [r.anywhere for r in rows if r.anywhere is not None]
    low, high = (min(years), max(years)) if years else (2000, 2001)
    norm = colors.Normalize(vmin=low, vmax=max(high, low + 1))
    cmap = colormaps["viridis_r"]
    with _style(font):
        figure = Figure(figsize=(8.5, 8))
        ax = figure.add_subplot()
        for row in rows:
            position = TILE_GRID.get(row.code[:2])
            if position is None:
                continue
            x, y = position[0], -position[1]
            year = row.own if row.own is not None else row.anywhere
            face = "#d9d9d9" if year is None else cmap(norm(year))
            hatch = "///" if row.own is None and row.anywhere is not None else None
            ax.add_patch(
                Rectangle((x, y), 0.94, 0.94, facecolor=face, edgecolor="white", hatch=hatch, lw=1.5)
            )
            dark = year is not None and norm(year) > 0.45
            text = "—" if year is None else (str(row.own) if row.own is not None else f"({row.anywhere})")
            colour = "white" if dark else "black"
            ax.text(x + 0.47, y + 0.58, _short(row.name), ha="center", va="center", fontsize=10, color=colour)
            ax.text(x + 0.47, y + 0.28, text, ha="center", va="center", fontsize=8, color=colour)
        ax.set_xlim(-0.2, 8.2)
        ax.set_ylim(-7.2, 1.1)
        ax.set_aspect("equal")
        ax.axis("off")
        scale = figure.colorbar(
            ScalarMappable(norm=norm, cmap=cmap),
            ax=ax,
            orientation="horizontal",
            fraction=0.04,
            pad=0.02,
        )
        scale.set_label("采纳年份 year of adoption（括号、斜线：仅市县采纳 brackets, hatched: cities only）")
        ax.set_title(title)
        return _save(figure, path)


LEVEL_NAMES = {
    "country": "全国 national",
    "province": "省级 provinces",
    "prefecture": "设区的市、自治州 cities",
    "county": "县级 counties",
}


def plot_adoption_curve(
    counts: dict[str, list[tuple[int, int]]], path: Path, *, title: str, font: str | None = None
) -> Path:
    """Cumulative adopters per year, one line per level (national, provinces, cities, counties)."""
    _matplotlib()
    from matplotlib.figure import Figure

    with _style(font):
        figure = Figure(figsize=(8, 4.5))
        ax = figure.add_subplot()
        for level in ("country", "province", "prefecture", "county"):
            series = counts.get(level)
            if not series:
                continue
            ax.step(
                [y for y, _ in series], [n for _, n in series], where="post", label=LEVEL_NAMES[level], lw=2
            )
        ax.set_xlabel("年份 year")
        ax.set_ylabel("累计采纳地区数 cumulative adopters")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left")
        ax.set_title(title)
        return _save(figure, path)
