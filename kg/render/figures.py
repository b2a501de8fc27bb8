"""The figures of ``kg report`` as inline SVG, drawn with matplotlib (Agg, no window, no fonts fetched).

Each function takes the plain data of :func:`kg.render.report.collect` and returns the text of one
``<svg>`` element, ready to paste into a page: text stays text (``svg.fonttype: none``; the
browser draws it with a local sans-serif font), matplotlib escapes it as XML, and ``$`` is
escaped so a label is never read as mathtext. Each figure salts its element ids with its own
name, so several figures share a page without clashing ids and the output is reproducible.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STANCE_STYLE = {  # colour, marker, label
    "agree": ("#2e7d32", "o", "agrees"),
    "disagree": ("#c62828", "X", "disagrees"),
    "hedged": ("#f9a825", "D", "hedges"),
    "declined to say": ("#757575", "s", "declines to say"),
    "declined": ("#757575", "s", "declines to say"),
}
COALITION_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
LABEL_WIDTH = 42  # characters of an actor or claim name drawn before it is cut
# markers past which the timeline counts statements by month (then year), not by day: the 40 most
# active actors of a 1M-triple debate made 15,761 markers and 4,106 counts (a 10.6 MB figure)
MAX_MARKERS = 800
MARKER_COUNT = 20  # statements past which a timeline marker grows no bigger


def text(value: object, width: int = LABEL_WIDTH) -> str:
    """A data label as matplotlib draws it literally: one line, cut at a word, ``$`` escaped."""
    flat = " ".join(str(value).split())
    if len(flat) > width:
        head = flat[: width - 1]
        flat = (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:-") + "…"
    return flat.replace("$", r"\$")


def wrap(value: object, width: int = 20, lines: int = 3) -> str:
    """A name on up to ``lines`` short lines (for the nodes of the network picture)."""
    words = " ".join(str(value).split()).split(" ")
    out: list[str] = []
    for word in words:
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return "\n".join(text(line, width + 1) for line in out)


def _day(iso: str) -> float:
    """A date as matplotlib's date number (days since its epoch), for the x axis."""
    from matplotlib.dates import datestr2num

    return float(datestr2num(iso))


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas: no window, no pyplot state
    return fig


def _svg(fig: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element (no XML prolog), with ids salted by ``name``."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"kg-report-{name}",
                                "font.family": "sans-serif"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    start = svg.find("<svg")
    svg = svg[start:]
    # scale with the page: keep the viewBox, drop the fixed size in points
    head, rest = svg.split(">", 1)
    head = head.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1)
    return f'{head} role="img" aria-label="{name}">' + rest


def timeline(statements: list[dict[str, Any]]) -> str:
    """Statements over time: one row per actor (first to speak on top), one marker per stance
    and date (per month, then year, past :data:`MAX_MARKERS` markers), sized by how many
    statements it stands for."""
    fig = _figure(9.5, 0.9 + 0.42 * max(3, len({s["actor"] for s in statements if s["date"]})))
    ax = fig.add_subplot()
    dated = [s for s in statements if s["date"]]
    first: dict[str, date] = {}
    for s in dated:
        day = date.fromisoformat(s["date"])
        first[s["actor"]] = min(first.get(s["actor"], day), day)
    actors = sorted(first, key=lambda a: (first[a], a))
    row = {a: i for i, a in enumerate(actors)}
    # by day, or, past MAX_MARKERS markers, each month's (then year's) statements at its first day
    # (ISO dates: the first 7 characters name the month, the first 4 the year)
    levels = [("date", 10, ""), ("month", 7, "-01"), ("year", 4, "-01-01")]

    def count(keep: int, start: str) -> Counter[tuple[str, str, str]]:
        return Counter((s["actor"], s["stance"], s["date"][:keep] + start) for s in dated)
    period, keep, start = levels.pop(0)
    groups = count(keep, start)
    while len(groups) > MAX_MARKERS and levels:
        period, keep, start = levels.pop(0)
        groups = count(keep, start)
    present = {s["stance"] for s in dated}
    stances = [st for st in STANCE_STYLE if st in present] + sorted(present - set(STANCE_STYLE))
    rank = {st: i for i, st in enumerate(stances)}
    beside: dict[tuple[str, str], list[str]] = {}  # (actor, date) -> its stances, in legend order
    for actor, stance, when in sorted(groups, key=lambda k: rank[k[1]]):
        beside.setdefault((actor, when), []).append(stance)

    def offset(actor: str, stance: str, day: str) -> float:
        """A row's stances on one date side by side vertically, a lone one on the row's line."""
        here = beside[(actor, day)]
        return (here.index(stance) - (len(here) - 1) / 2) * 0.3
    for stance in stances:
        colour, marker, label = STANCE_STYLE.get(stance, ("#555555", "^", stance))
        points = [(k, n) for k, n in groups.items() if k[1] == stance]
        if not points:
            continue
        xs = [_day(k[2]) for k, _ in points]
        ys = [row[k[0]] + offset(k[0], stance, k[2]) for k, _ in points]
        # sized by count up to MARKER_COUNT statements (the number beside it says how many), so
        # a month of 300 statements does not cover its neighbours
        sizes = [28 + 10 * min(n, MARKER_COUNT) for _, n in points]
        ax.scatter(xs, ys, s=sizes, c=colour, marker=marker, label=text(label), alpha=0.85,
                   edgecolors="white", linewidths=0.6, zorder=3)
        for x, y, size, (_, n) in zip(xs, ys, sizes, points, strict=True):
            if n > 1:  # the count just right of the marker (its radius in points, plus a gap)
                ax.annotate(str(n), (x, y), xytext=(size ** 0.5 / 2 + 3, 0), textcoords="offset points",
                            va="center",
                            fontsize=7, color="#333333")
    from matplotlib.dates import AutoDateFormatter, AutoDateLocator

    locator = AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(AutoDateFormatter(locator))
    ax.set_yticks(range(len(actors)), [text(a) for a in actors], fontsize=8)
    ax.set_ylim(len(actors) - 0.5, -0.5)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    for y in range(len(actors)):  # a faint line per actor, so a marker reads against its name
        ax.axhline(y, color="#eeeeee", linewidth=0.6, zorder=0)
    ax.tick_params(axis="x", labelsize=8)
    if dated:
        # the markers' dates too: a month's or year's marker stands at its first day
        days = sorted({date.fromisoformat(d) for d in {s["date"] for s in dated} | {k[2] for k in groups}})
        span = max((days[-1] - days[0]).days, 60)
        ax.set_xlim(_day((days[0] - timedelta(days=span * 0.15)).isoformat()),
                    _day((days[-1] + timedelta(days=span * 0.15)).isoformat()))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
                  markerscale=0.8, title="stance", title_fontsize=8)
    else:
        ax.text(0.5, 0.5, "no dated statements", ha="center", va="center", transform=ax.transAxes)
    undated = len(statements) - len(dated)
    ax.set_xlabel(f"{period} of the statement (or the earliest its source can be)"
                  + (f"; {undated} undated not shown" if undated else ""), fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig, "timeline")


def network(actors: list[dict[str, Any]], edges: list[dict[str, Any]], seed: int = 0) -> str:
    """The argument-aware actor network: actors placed by a seeded spring layout, coloured by
    coalition, congruence ties green, conflict ties red and dashed, width by weight."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(a["id"] for a in actors)
    for e in edges:
        graph.add_edge(e["source"], e["target"], weight=float(e["weight"]), strength=abs(float(e["weight"])))
    fig = _figure(9.5, 7.0)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if not actors:
        ax.text(0.5, 0.5, "no actors", ha="center", va="center", transform=ax.transAxes)
        return _svg(fig, "network")
    pos = _layout(graph, seed)
    top = max((abs(float(e["weight"])) for e in edges), default=1.0) or 1.0
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        weight = float(e["weight"])
        width = 0.8 + 3.2 * abs(weight) / top
        if weight < 0:
            ax.plot([x1, x2], [y1, y2], color="#d32f2f", linestyle=(0, (4, 3)), linewidth=width, zorder=1)
        else:
            ax.plot([x1, x2], [y1, y2], color="#66bb6a", linewidth=width, alpha=0.8, zorder=1)
    most = max((a["statements"] for a in actors), default=1) or 1
    for a in actors:
        x, y = pos[a["id"]]
        colour = COALITION_COLOURS[((a.get("coalition") or 1) - 1) % len(COALITION_COLOURS)]
        ax.scatter([x], [y], s=140 + 500 * a["statements"] / most, c=colour, edgecolors="white",
                   linewidths=1.2, zorder=2)
        ax.annotate(wrap(a["label"]), (x, y), xytext=(0, -13 - 9 * (a["statements"] / most)),
                    textcoords="offset points", ha="center", va="top", fontsize=7.5, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.2, max(xs) + 0.2)
    ax.set_ylim(min(ys) - 0.25, max(ys) + 0.12)
    from matplotlib.lines import Line2D

    coalitions = sorted({a.get("coalition") or 1 for a in actors})
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8,
                      color=COALITION_COLOURS[(c - 1) % len(COALITION_COLOURS)], label=f"side {c}")
               for c in coalitions]
    handles += [Line2D([], [], color="#66bb6a", linewidth=2, label="congruence (same side)"),
                Line2D([], [], color="#d32f2f", linewidth=2, linestyle=(0, (4, 3)), label="conflict")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8, frameon=False,
              ncol=min(6, len(handles)))
    return _svg(fig, "network")


def _layout(graph: Any, seed: int) -> dict[str, tuple[float, float]]:
    """Node positions: the largest connected group by a seeded spring layout (ties pulling by
    their strength, damped so strong ties do not crush the picture) filling the upper part; actors
    outside it in a row beneath, so a loner never squeezes the rest into a corner."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    largest = max(nx.connected_components(graph), key=lambda c: (len(c), sorted(c)))
    core = graph.subgraph(largest).copy()
    for _, _, d in core.edges(data=True):
        d["pull"] = 1.0 + d["strength"] ** 0.5
    n = core.number_of_nodes()
    raw = nx.spring_layout(core, seed=seed, weight="pull", k=1.8 / max(1, n) ** 0.5, iterations=300)
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    pos = {v: (2.0 * (p[0] - min(xs)) / span_x - 1.0, 1.6 * (p[1] - min(ys)) / span_y - 0.6)
           for v, p in raw.items()}
    rest = sorted(set(graph.nodes) - set(largest))
    for i, v in enumerate(rest):
        x = 0.0 if len(rest) == 1 else -1.0 + 2.0 * i / (len(rest) - 1)
        pos[v] = (x, -1.05)
    return pos


def strengths(claims: list[dict[str, Any]]) -> str:
    """Claim strengths in [0, 1] as horizontal bars, strongest on top, the base score marked."""
    ordered = sorted(claims, key=lambda c: (-(c.get("strength") or 0.0), c["label"]))
    fig = _figure(9.5, 0.9 + 0.34 * max(3, len(ordered)))
    ax = fig.add_subplot()
    ys = list(range(len(ordered)))
    values = [c.get("strength") or 0.0 for c in ordered]
    ax.barh(ys, values, color="#5c6bc0", height=0.6, zorder=2, label="strength")
    bases = [(y, c["base_score"]) for y, c in zip(ys, ordered, strict=True)
             if c.get("base_score") is not None]
    if bases:
        ax.scatter([b for _, b in bases], [y for y, _ in bases], marker="|", s=260, c="#212121",
                   linewidths=2, zorder=3, label="base score")
    for y, v in zip(ys, values, strict=True):
        ax.annotate(f"{v:.2f}", (v, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks(ys, [text(c["label"], 60) for c in ordered], fontsize=8)
    ax.set_ylim(len(ordered) - 0.5, -0.5)
    ax.set_xlim(0, 1.08)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("strength (DF-QuAD: base score raised by supporters, lowered by attackers)", fontsize=8)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=0)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig, "strengths")
