"""Turn a :class:`kg.render.views.ViewGraph` into one self-contained HTML file that works offline.

The page is ours (:mod:`kg.render.view_page`): pyvis 0.3.2's template links bootstrap from a CDN
and writes tooltips with ``innerHTML``. From pyvis come the vis-network library it bundles and
its ForceAtlas2 settings; the node and edge objects are written here in the form pyvis writes
them. Everything is inlined, so the file opens from disk with no network, and all source text is
passed as data and rendered as text.

Readability rules: shape by group, colour by kind (read from the graph, so a new kind gets its
own colour) or, in the actors view, by side, a legend with counts, node size from the node's
weight. Placed views (:mod:`kg.render.layout`: arguments and claim views top-down, actors by
side) arrive with positions and labels wrapped into slots, and open no further out than 12 px
text. The full view settles once with ForceAtlas2 for a bounded number of node-iterations and
then stops; past :data:`HOVER_LABELS_FROM` nodes only the heaviest carry canvas labels (cut to
:data:`LABEL_CHARS` characters; the full label is in the tooltip)."""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pyvis
from pyvis.network import Network

from kg.model.errors import KgError
from kg.model.escape import json_text
from kg.model.files import write_atomic
from kg.render import layout
from kg.render.figures import COALITION_COLOURS
from kg.render.view_page import PAGE
from kg.render.views import Edge, Node, ViewGraph

LABEL_CHARS = 32
BIG_GRAPH_NODES = 400
# Placed views (layered, clustered): labels wrapped to lines of this many characters, at most
# three lines, drawn at LABEL_FONT px; the page opens no further out than READABLE_PX / LABEL_FONT,
# so a label is never smaller than READABLE_PX on screen at the default zoom.
LINE_CHARS = 20
LABEL_LINES = 3
LABEL_FONT = 14
READABLE_PX = 12
PLACED_SIZE = (8.0, 26.0)  # node radius range in placed views, so every node fits its slot
# Force-laid views: past HOVER_LABELS_FROM nodes only the SHOWN_LABELS heaviest carry a label on
# the canvas; the others show theirs while the mouse is on them. The browser's layout runs for at
# most FORCE_BUDGET node-iterations (about 3 s in headless Chromium on 2 cores), no fewer than
# MIN_ITERATIONS and no more than MAX_ITERATIONS.
HOVER_LABELS_FROM = 40
HOVER_LABELS_PLACED = 150
SHOWN_LABELS = 30
FORCE_BUDGET = 120_000
MIN_ITERATIONS, MAX_ITERATIONS = 40, 400
VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

GROUP_SHAPES = {
    "person": "dot", "organisation": "square", "claim": "diamond", "statement": "dot",
    "evidence": "star", "source": "triangle",
}
GROUP_PALETTES = {
    "person": ["#1e88e5", "#1565c0", "#42a5f5"],
    "organisation": ["#7b1fa2", "#3949ab", "#c2185b", "#00838f", "#6d4c41", "#512da8", "#0277bd",
                     "#ad1457", "#455a64", "#9c27b0", "#1a237e"],
    # in the ontology's order: claim, factual, policy, quantitative (then any new kinds)
    "claim": ["#ffcc80", "#fb8c00", "#fdd835", "#bf360c", "#f4511e", "#ffb300"],
    "statement": ["#90a4ae", "#b0bec5"],
    "evidence": ["#00897b", "#00acc1", "#26a69a", "#00695c", "#4dd0e1", "#0097a7", "#80cbc4"],
    "source": ["#8d6e63", "#6d4c41", "#a1887f"],
}
OTHER_PALETTE = ["#757575", "#9e9e9e", "#616161"]
GROUP_ORDER = list(GROUP_SHAPES)

# How each relation token (from the viz queries) is drawn: colour, dashes, and its legend words.
RELATION_STYLES: dict[str, tuple[str, bool, str]] = {
    "support": ("#2e7d32", False, "supports"),
    "attack": ("#c62828", False, "attacks"),
    "agree": ("#66bb6a", True, "agrees"),
    "disagree": ("#ef5350", True, "disagrees"),
    "said-by": ("#90a4ae", False, "said by"),
    "speaks-for": ("#b0bec5", True, "speaks for"),
    "quoted-from": ("#bcaaa4", False, "quoted from"),
    "produced-by": ("#4db6ac", False, "produced by"),
    "published-by": ("#a1887f", True, "published by"),
    "part-of": ("#9575cd", True, "part of"),
    "post": ("#64b5f6", False, "holds a post in"),
    "congruence": ("#43a047", False, "congruence (same side)"),
    "conflict": ("#d32f2f", True, "conflict (opposite sides)"),
}
UNDIRECTED_VIEWS = ("actors",)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def wrapped(text: str, width: int = LINE_CHARS, lines: int = LABEL_LINES) -> str:
    """``text`` broken at spaces into at most ``lines`` lines of about ``width`` characters (a
    word longer than a line is kept whole, on a line of its own), the last line ending in an
    ellipsis when cut. (The lines ``textwrap.wrap`` gives with long words and hyphens kept
    whole, filled here directly: textwrap was half of a 2,000-node page's building.)"""
    parts: list[str] = []
    line: list[str] = []
    length = 0
    for word in text.split():
        if line and length + 1 + len(word) > width:
            parts.append(" ".join(line))
            line, length = [], 0
        length += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        parts.append(" ".join(line))
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = short(parts[-1] + " …", width)
        if not parts[-1].endswith("…"):
            parts[-1] = parts[-1].rstrip(" ,;:-") + "…"
    return "\n".join(parts)


def node_size(weight: float) -> float:
    """Radius from weight: grows with the square root, so hubs stand out without swamping."""
    return round(min(60.0, 9.0 + 5.0 * math.sqrt(max(weight, 0.0))), 1)


@lru_cache(maxsize=256)  # a page has few colours and many nodes
def _darker(colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def kind_colours(view: ViewGraph) -> dict[tuple[str, str], str]:
    """A colour for each (group, kind) present: the group's palette, in the order of all the
    kinds the ontology names for the group (``view.kinds``), so a kind has the same colour in
    every view; kinds not named there follow. A statement kind that names a stance takes that
    stance's colour."""
    colours: dict[tuple[str, str], str] = {}
    present = sorted({(n.group, n.kind) for n in view.nodes.values()})
    for group in {g for g, _ in present}:
        palette = GROUP_PALETTES.get(group, OTHER_PALETTE)
        known = view.kinds.get(group, [])
        extra = sorted(k for g, k in present if g == group and k not in known)
        order = {kind: i for i, kind in enumerate([*known, *extra])}
        for _, kind in (k for k in present if k[0] == group):
            stance = kind.rsplit(": ", 1)[-1] if group == "statement" else ""
            colours[(group, kind)] = RELATION_STYLES[stance][0] if stance in RELATION_STYLES \
                else palette[order[kind] % len(palette)]
    return colours


def _vis_node(node: Node, colour: str, kind: str, placed: bool) -> dict[str, object]:
    size = node_size(node.weight) * (0.6 if node.group == "statement" else 1.0)
    if placed:
        size = min(max(size, PLACED_SIZE[0]), PLACED_SIZE[1])
    label = (wrapped(node.label) if placed else short(node.label)) if node.show_label else ""
    return {
        "label": label,
        "full": node.label,
        "group_name": node.group,
        "kind": kind,
        "info": node.info,
        "shape": GROUP_SHAPES.get(node.group, "dot"),
        "size": size,
        "color": {"background": colour, "border": _darker(colour),
                  "highlight": {"background": colour, "border": "#000000"},
                  "hover": {"background": colour, "border": "#000000"}},
    }


def _vis_edge(index: int, edge: Edge, directed: bool) -> dict[str, object]:
    colour, dashes, _ = RELATION_STYLES.get(edge.relation, ("#9e9e9e", False, edge.relation))
    strong = edge.relation in ("support", "attack") or not directed  # arguments, actor ties
    return {
        "id": f"e{index}", "from": edge.source, "to": edge.target, "relation": edge.relation,
        "label_text": edge.label, "label": "", "info": edge.info,
        "color": {"color": colour, "highlight": _darker(colour, 0.8), "hover": _darker(colour, 0.8),
                  "opacity": 1.0 if strong else 0.75},
        "dashes": [8, 6] if dashes and (directed or edge.relation == "conflict") else False,
        "width": edge.width * (1.5 if not directed else 1.0),
        "arrows": {"to": {"enabled": directed, "scaleFactor": 0.7 if strong else 0.45}},
    }


def iterations(nodes: int) -> int:
    """How many layout iterations the browser runs for a force-laid view of ``nodes`` nodes."""
    return max(MIN_ITERATIONS, min(MAX_ITERATIONS, FORCE_BUDGET // max(1, nodes)))


def options(view: ViewGraph) -> dict[str, object]:
    """vis-network options. Placed views (layered, clustered) arrive with positions and no
    physics; force-laid views settle with pyvis's ForceAtlas2 settings for :func:`iterations`
    steps, straight edges, then the page switches physics off."""
    big = len(view.nodes) >= BIG_GRAPH_NODES
    placed = view.layout != "force"
    net = Network(directed=view.name not in UNDIRECTED_VIEWS)
    net.force_atlas_2based(gravity=-70, central_gravity=0.012, spring_length=110, spring_strength=0.06,
                           damping=0.5, overlap=0.6)
    opts = json.loads(net.options.to_json())
    physics = opts["physics"]
    physics["enabled"] = not placed
    physics["minVelocity"] = 1.0
    physics["stabilization"] = {"enabled": not placed, "iterations": iterations(len(view.nodes)),
                                "updateInterval": 50, "fit": True}
    opts["edges"] = {"smooth": False, "selectionWidth": 2, "hoverWidth": 0.5}
    opts["nodes"] = {"borderWidth": 1.5,
                     "font": {"size": LABEL_FONT if placed else 13, "face": "DejaVu Sans, Arial, sans-serif",
                              "color": "#263238", "strokeWidth": 3, "strokeColor": "#ffffff",
                              "background": "rgba(255,255,255,0.8)"}}
    opts["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                           "navigationButtons": False, "keyboard": {"enabled": True, "bindToWindow": False},
                           "multiselect": True}
    opts["layout"] = {"randomSeed": 7, "improvedLayout": False}
    return opts


def _positions(view: ViewGraph) -> tuple[dict[str, layout.Position], list[dict[str, object]],
                                         layout.Position | None]:
    """Node positions of a placed view, the headings drawn on its canvas, and where the page
    opens when the view is too big to read whole (``None``: at the top left)."""
    def weight(node_id: str) -> float:
        return view.nodes[node_id].weight

    if view.layout == "layered":
        placed = layout.layered(view.nodes, ((e.source, e.target) for e in view.edges),
                                lambda n: view.nodes[n].show_label, weight)
        headings: list[dict[str, object]] = []
        if placed.heading is not None and len(placed.loners) < len(view.nodes):
            headings.append({"x": placed.heading[0], "y": placed.heading[1],
                             "text": f"Linked to nothing else ({len(placed.loners)})"})
        return placed.positions, headings, placed.focus
    if view.layout == "clustered":
        groups = layout.groups_by(view.nodes, {n.id: n.side for n in view.nodes.values() if n.side})
        pos = layout.clustered(groups, weight)
        # a big view opens on the largest side's most active actor (its ring's top, its disc's middle)
        first = min(groups[0], key=lambda n: (-weight(n), n)) if groups and groups[0] else None
        headings = []
        for group in groups:
            side = view.nodes[group[0]].side
            xs = [pos[n][0] for n in group]
            top = min(pos[n][1] for n in group)
            headings.append({"x": (min(xs) + max(xs)) / 2, "y": top - layout.CELL_HEIGHT * 0.45,
                             "text": f"Side {side}" if side else "No side"})
        return pos, headings, None if first is None else pos[first]
    return {}, [], None


def _side_colour(side: int | None) -> str:
    return COALITION_COLOURS[((side or 1) - 1) % len(COALITION_COLOURS)] if side else OTHER_PALETTE[0]


def _labels_on_hover(view: ViewGraph, vis_nodes: list[dict[str, object]]) -> None:
    """Past :data:`HOVER_LABELS_FROM` nodes (a force layout) or :data:`HOVER_LABELS_PLACED`
    (actors by side, whose big sides are discs, not rings), keep canvas labels for the
    heaviest only; the others show theirs under the mouse."""
    limit = {"force": HOVER_LABELS_FROM, "clustered": HOVER_LABELS_PLACED}.get(view.layout)
    if limit is None or len(vis_nodes) < limit:
        return
    heaviest = sorted(view.nodes.values(), key=lambda n: (-n.weight, n.id))[:SHOWN_LABELS]
    keep = {n.id for n in heaviest}
    for vis in vis_nodes:
        if vis["id"] not in keep and vis["label"]:
            vis["hover_label"], vis["label"] = vis["label"], ""


def _names(names: list[str], shown: int = 6) -> str:
    """``names`` as a short list: the first ``shown``, then how many more."""
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def page_data(view: ViewGraph) -> dict[str, object]:
    """Everything the page needs, as JSON-able data: nodes (with positions in placed views),
    edges, legend, headings, the default zoom's floor, options."""
    directed = view.name not in UNDIRECTED_VIEWS
    by_side = view.layout == "clustered"
    colours = kind_colours(view)
    pos, headings, focus = _positions(view)
    ordered = sorted(view.nodes.values(), key=lambda n: (GROUP_ORDER.index(n.group)
                                                        if n.group in GROUP_ORDER else 99, n.kind, n.id))
    # vis-network's node and edge objects, in the form pyvis writes them (id, label, shape,
    # colour ...), built directly: pyvis's add_node and add_edge look each id up in a list of
    # all ids so far, which is quadratic (a 2,000-node page: a fifth of its time).
    vis_nodes: list[dict[str, object]] = []
    for node in ordered:
        kind = (f"Side {node.side}" if node.side else "No side") if by_side else node.kind
        colour = _side_colour(node.side) if by_side else colours[(node.group, node.kind)]
        vis = {"id": node.id, **_vis_node(node, colour, kind, bool(pos))}
        if node.id in pos:
            vis["x"], vis["y"] = (round(c, 1) for c in pos[node.id])
        vis_nodes.append(vis)
    vis_edges = [_vis_edge(i, e, directed) for i, e in enumerate(view.edges)]
    _labels_on_hover(view, vis_nodes)
    if by_side:
        counts = Counter(n.side for n in view.nodes.values())
        legend_nodes = [{"group": "side", "kind": f"Side {s}" if s else "No side", "shape": "dot",
                         "color": _side_colour(s), "count": counts[s],
                         "title": _names(view.sides[s - 1] if s and s <= len(view.sides) else [])}
                        for s in sorted(counts, key=lambda s: (s is None, s or 0))]
    else:
        kinds = Counter((n.group, n.kind) for n in view.nodes.values())
        legend_nodes = [{"group": g, "kind": k, "shape": GROUP_SHAPES.get(g, "dot"), "color": colours[(g, k)],
                         "count": kinds[(g, k)]}
                        for g, k in sorted(kinds, key=lambda gk: (GROUP_ORDER.index(gk[0])
                                                                  if gk[0] in GROUP_ORDER else 99, gk[1]))]
    relations = Counter(e.relation for e in view.edges)
    legend_edges = [{"relation": r, "label": RELATION_STYLES.get(r, ("", False, r))[2],
                     "color": RELATION_STYLES.get(r, ("#9e9e9e", False, r))[0],
                     "dashes": RELATION_STYLES.get(r, ("", False, r))[1], "count": relations[r]}
                    for r in sorted(relations, key=lambda r: (list(RELATION_STYLES).index(r)
                                                              if r in RELATION_STYLES else 99, r))]
    groups = Counter(n.group for n in view.nodes.values())
    # a big full view opens with its statements and sources hidden (ticked on under "Show")
    hidden = ["statement", "source"] if view.name == "full" and len(view.nodes) > BIG_GRAPH_NODES else []
    return {
        "name": view.name, "title": view.title, "description": view.description, "layout": view.layout,
        "nodes": vis_nodes, "edges": vis_edges, "headings": headings,
        "min_scale": math.ceil(READABLE_PX / LABEL_FONT * 1e4) / 1e4 if pos else None,
        "slot": layout.SLOT_WIDTH,
        "focus": None if focus is None else [round(c, 1) for c in focus],
        "focus_middle": view.layout == "clustered",  # the focus mid-screen, not at the top
        "hidden_groups": hidden,
        "legend": {"nodes": legend_nodes, "edges": legend_edges,
                   "groups": [{"group": g, "count": groups[g]}
                              for g in sorted(groups, key=lambda g: GROUP_ORDER.index(g)
                                              if g in GROUP_ORDER else 99)]},
        "options": options(view),
    }


def script_json(data: object) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` survives as itself."""
    return json_text(data, indent=None)


def render(view: ViewGraph) -> str:
    """The whole page as one string (vis-network and its stylesheet inlined)."""
    import html

    try:
        vis_js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
        vis_css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"pyvis's bundled vis-network is missing: {exc.strerror}", VIS_DIR) from exc
    return PAGE.format(title=html.escape(view.title), vis_css=vis_css,
                       vis_js=vis_js.replace("</script", "<\\/script"), data=script_json(page_data(view)))


def write(view: ViewGraph, path: Path) -> Path:
    """Write the page to ``path`` atomically (temp file, then rename); returns ``path``."""
    page = render(view)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KgError(f"cannot make the folder: {exc.strerror or exc}", path.parent) from exc
    write_atomic(path, page.encode("utf-8"))
    return path
