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
        manager.addfont(wanted)
        return font_manager.FontProperties(fname=wanted).get_name()
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
    matplotlib = _matplotlib()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False, "font.size": 9}):
        yield


def _save(figure: Any, path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    except OSError as error:
        raise OutputError(
            f"{path}: cannot write the figure ({error.strerror}); choose a writable folder"
        ) from error
    return path


def plot_region_features(data: Incidence, path: Path, *, title: str, font: str | None = None) -> Path:
    """Regions on the left, their features on the right, a line for each region having a feature."""
    _matplotlib()
    from matplotlib.figure import Figure

    regions = sorted(data.members, key=lambda r: (data.label(r), r))
    features = sorted(
        data.features(), key=lambda f: (-sum(f in fs for fs in data.members.values()), data.label(f), f)
    )
    rows = max(len(regions), len(features), 1)
    with _style(font):
        figure = Figure(figsize=(8, max(3.0, 0.28 * rows + 1)))
        ax = figure.add_subplot()
        place = {r: (0.0, 1 - (i + 0.5) / len(regions)) for i, r in enumerate(regions)}
        place.update({f: (1.0, 1 - (i + 0.5) / max(len(features), 1)) for i, f in enumerate(features)})
        palette = [f"C{i % 10}" for i in range(len(regions))]
        for colour, region in zip(palette, regions, strict=True):
            for feature in data.members[region]:
                (x0, y0), (x1, y1) = place[region], place[feature]
                ax.plot([x0, x1], [y0, y1], color=colour, alpha=0.45, linewidth=1)
        for colour, region in zip(palette, regions, strict=True):
            ax.scatter(*place[region], s=90, color=colour, zorder=3)
            ax.text(
                place[region][0] - 0.03,
                place[region][1],
                data.label(region),
                ha="right",
                va="center",
                fontsize=11,
            )
        for feature in features:
            ax.scatter(*place[feature], s=25, color="#555555", zorder=3)
            ax.text(1.03, place[feature][1], data.label(feature), ha="left", va="center")
        ax.set_xlim(-0.6, 1.9)
        ax.set_ylim(0, 1)
        ax.set_axis_off()
        ax.set_title(title)
        return _save(figure, path)


def plot_leaders(
    ties: Sequence[LeadTie],
    table: AdoptionTable,
    path: Path,
    *,
    title: str,
    top: int = 40,
    font: str | None = None,
) -> Path:
    """The ``top`` heaviest leader → follower ties on a circle; width by weight, colour by tie kind."""
    _matplotlib()
    import math

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    chosen = sorted(ties, key=lambda t: (-t.weight, t.leader, t.follower))[:top]
    nodes = sorted({n for t in chosen for n in (t.leader, t.follower)}, key=lambda n: (table.label(n), n))
    place = {
        n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
        for i, n in enumerate(nodes)
    }
    heaviest = max((t.weight for t in chosen), default=1)
    with _style(font):
        figure = Figure(figsize=(8, 8))
        ax = figure.add_subplot()
        for tie in chosen:
            ax.annotate(
                "",
                xy=place[tie.follower],
                xytext=place[tie.leader],
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": COLOURS[tie.tie],
                    "alpha": 0.6,
                    "shrinkA": 8,
                    "shrinkB": 8,
                    "linewidth": 0.6 + 2.4 * tie.weight / heaviest,
                    "connectionstyle": "arc3,rad=0.12",
                },
            )
        for node, (x, y) in place.items():
            ax.scatter(x, y, s=60, color="#333333", zorder=3)
            ax.text(1.1 * x, 1.1 * y, table.label(node), ha="left" if x >= 0 else "right", va="center")
        ax.legend(handles=[Line2D([], [], color=c, label=k) for k, c in COLOURS.items()], loc="lower right")
        ax.set_xlim(-1.6, 1.6)
        ax.set_ylim(-1.3, 1.3)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(title)
        return _save(figure, path)


def plot_timeline(rows: Sequence[TimelineRow], path: Path, *, title: str, font: str | None = None) -> Path:
    """The cumulative adoption curve of one topic, each adoption named beside its step."""
    _matplotlib()
    from matplotlib.figure import Figure

    with _style(font):
        figure = Figure(figsize=(9, 5))
        ax = figure.add_subplot()
        if rows:
            dates = [r.date for r in rows]
            counts = [r.cumulative for r in rows]
            ax.step(dates, counts, where="post", color="#2471a3")
            ax.scatter(dates, counts, color="#2471a3", zorder=3, s=18)
            for row in rows:
                ax.annotate(
                    f"{row.label} {row.date.isoformat()}",
                    (row.date, row.cumulative),
                    xytext=(5, 4),
                    textcoords="offset points",
                    fontsize=8,
                )
            ax.set_ylim(0, max(counts) + 1)
        ax.set_xlabel("adoption date")
        ax.set_ylabel("cumulative adopters")
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
            title=f"先行者 → 跟随者 Leaders → followers (≥ {min_topics} topics, top {top} ties)",
        )
    )
    chosen = find_topic(table, topic)
    result.paths.append(
        plot_timeline(
            timeline(table, chosen),
            out_dir / "adoption-timeline.png",
            font=result.font,
            title=f"《{table.label(chosen)}》 adoption timeline",
        )
    )
    return result
