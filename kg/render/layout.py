"""Where each node of a view sits: computed here, in Python, so a page draws at once.

Two layouts, both deterministic and linear in the size of the view (a 2,000-node view takes
milliseconds, where a force layout in the browser took seconds to settle):

* :func:`layered` draws an argument graph top-down: every conclusion above its premises, each
  weakly connected argument beside the next (largest first), nodes on a level ordered to keep
  arrows short (barycentre sweeps) and each placed as near the mean of its neighbours as the
  slots allow, and the nodes linked to nothing grouped in a block to the right under a
  heading. Cycles (A supports B supports A) share a level.
* :func:`clustered` draws actors by coalition: each side a ring of its members (most active at
  the top), the largest side first and the others beside it, so congruence ties stay inside a
  ring and conflict ties run across.

Sizes are in the page's canvas pixels. A labelled node takes :data:`SLOT_WIDTH` × :data:`ROW_HEIGHT`,
wide and tall enough for its shape and a label wrapped by the page into at most three lines of
about 150 px (:data:`kg.render.view_html.LINE_CHARS` characters), so labels never overlap; an
unlabelled node (a statement) takes a narrow slot.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, pairwise
from typing import NamedTuple

import networkx as nx

Position = tuple[float, float]

SLOT_WIDTH = 185  # px between the centres of two labelled nodes on a level
SMALL_SLOT = 34  # px for a node drawn without a label
ROW_HEIGHT = 150  # px between levels: shape (≤ 52 px) + three lines of label + a gap
COMPONENT_GAP = 120  # px between two arguments side by side
CELL_HEIGHT = 125  # px between two rows of actors in a side's block
BLOCK_GAP = 110  # px between two sides' blocks
RING_MAX = 40  # a side of more actors is drawn as a disc, not a ring
SWEEPS = 4  # ordering passes over the levels (barycentre sweeps)
STRAIGHTEN = 2  # passes moving each level's nodes towards their neighbours


class Layered(NamedTuple):
    """What :func:`layered` gives: each node's position, the nodes linked to nothing (in a block
    to the right), where that block's heading goes (``None`` when every node is linked), and
    the main conclusion's position: the top node of the largest argument with the most
    premises, where a page too big to read whole opens (``None`` when nothing is linked)."""

    positions: dict[str, Position]
    loners: list[str]
    heading: Position | None
    focus: Position | None


def _levels(graph: nx.DiGraph) -> dict[str, int]:
    """Level of each node: 0 for a node pointing at nothing (a conclusion), else one more than
    the deepest level it points at. Nodes of one cycle share a level. (The cycles are merged,
    and the levels counted from the conclusions up, over plain lists: networkx's condensation
    builds a graph of its own and took most of a 2,000-node layout's time.)"""
    component: dict[str, int] = {}
    for i, members in enumerate(nx.strongly_connected_components(graph)):
        component.update((node, i) for node in members)
    count = max(component.values(), default=-1) + 1
    above: list[set[int]] = [set() for _ in range(count)]  # components pointing at each one
    below: list[set[int]] = [set() for _ in range(count)]  # components each one points at
    for a, b in graph.edges:
        if component[a] != component[b]:
            below[component[a]].add(component[b])
            above[component[b]].add(component[a])
    level = [0] * count
    waiting = [len(b) for b in below]
    ready = [c for c in range(count) if not waiting[c]]
    while ready:
        done = ready.pop()
        level[done] = 1 + max((level[b] for b in below[done]), default=-1)
        for c in above[done]:
            waiting[c] -= 1
            if not waiting[c]:
                ready.append(c)
    return {node: level[c] for node, c in component.items()}


def _order(nodes: Iterable[str], near: dict[str, set[str]], level: dict[str, int],
           rank: Callable[[str], tuple]) -> list[list[str]]:
    """Nodes of each level, ordered so edges cross little: first by ``rank`` (heaviest first),
    then by the mean position of their neighbours (``near``: linked either way) on adjacent
    levels, sweeping down and up."""
    depth = max(level.values(), default=0)
    rows: list[list[str]] = [[] for _ in range(depth + 1)]
    for node in sorted(nodes, key=rank):
        rows[level[node]].append(node)
    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        span = range(1, depth + 1) if down else range(depth - 1, -1, -1)
        for i in span:
            ref = rows[i - 1] if down else rows[i + 1]
            where = {n: k for k, n in enumerate(ref)}
            current = {n: k for k, n in enumerate(rows[i])}

            def centre(node: str, where: dict[str, int] = where, current: dict[str, int] = current
                       ) -> tuple[float, int]:
                found = [where[m] for m in near[node] if m in where]
                return (sum(found) / len(found) if found
                        else current[node] * len(where) / max(1, len(current))), current[node]

            rows[i].sort(key=centre)
    return rows


def _place_rows(rows: Sequence[Sequence[str]], near: dict[str, set[str]], width: Callable[[str], float]
                ) -> tuple[dict[str, Position], float]:
    """Positions of each level's nodes, kept in their order and at least a slot apart, each as
    near the mean position of its neighbours as that allows; returns them (the block's left edge
    at 0) and the block's width.

    The levels start packed on a common axis; then :data:`STRAIGHTEN` passes, down and up in
    turn, move each level's nodes towards their neighbours (:func:`_nearest_in_order`). Packed
    alone, a level of three conclusions sat in the middle of a level of hundreds of premises,
    and its links ran tens of thousands of pixels sideways along the rows."""
    size = {n: width(n) for row in rows for n in row}
    widths = [sum(size[n] for n in row) for row in rows]
    block = max(widths, default=0.0)
    x: dict[str, float] = {}
    for i, row in enumerate(rows):
        left = (block - widths[i]) / 2
        for node in row:
            x[node] = left + size[node] / 2
            left += size[node]
    gaps = [[(size[a] + size[b]) / 2 for a, b in pairwise(row)] for row in rows]
    levels = list(zip(rows, gaps, strict=True))
    for sweep in range(STRAIGHTEN):
        for row, between in (levels if sweep % 2 == 0 else levels[::-1]):
            wanted = [sum([x[m] for m in near[n]]) / len(near[n]) if near.get(n) else x[n] for n in row]
            x.update(zip(row, _nearest_in_order(wanted, between), strict=True))
    left = min((x[n] - size[n] / 2 for n in x), default=0.0)
    right = max((x[n] + size[n] / 2 for n in x), default=0.0)
    pos = {n: (x[n] - left, float(i * ROW_HEIGHT)) for i, row in enumerate(rows) for n in row}
    return pos, right - left


def _nearest_in_order(wanted: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """The positions closest to ``wanted`` (least squares) that keep their order with at least
    ``gaps[k]`` between position ``k`` and ``k + 1``.

    Shifting each position left by the gaps before it turns this into fitting a non-decreasing
    sequence, which pooling adjacent violators solves exactly in linear time: runs of nodes that
    would cross are merged and sit at their mean."""
    offset = list(accumulate(gaps, initial=0.0))
    runs: list[list[float]] = []  # [sum of shifted targets, count] per run
    for target, shift in zip(wanted, offset, strict=True):
        runs.append([target - shift, 1.0])
        while len(runs) > 1 and runs[-2][0] * runs[-1][1] > runs[-1][0] * runs[-2][1]:
            total, count = runs.pop()
            runs[-1][0] += total
            runs[-1][1] += count
    fitted = [total / count for total, count in runs for _ in range(int(count))]
    return [y + shift for y, shift in zip(fitted, offset, strict=True)]


def layered(nodes: Iterable[str], edges: Iterable[tuple[str, str]], labelled: Callable[[str], bool],
            weight: Callable[[str], float]) -> Layered:
    """Top-down positions for an argument graph whose ``edges`` run premise → conclusion (see
    :class:`Layered` for what comes back)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    loners = sorted((n for n in graph if graph.degree(n) == 0), key=lambda n: (-weight(n), n))
    linked = graph  # what is left once the loners go (not a subgraph view: networkx walks views slowly)
    linked.remove_nodes_from(loners)

    def rank(node: str) -> tuple:
        return (-weight(node), node)

    def width(node: str) -> float:
        return SLOT_WIDTH if labelled(node) else SMALL_SLOT

    components = sorted(nx.weakly_connected_components(linked), key=lambda c: (-len(c), min(c)))
    levels = _levels(linked)  # once for all: a node's level depends only on what it reaches
    near = {n: set(linked.pred[n]) | set(linked.succ[n]) for n in linked}
    blocks = []
    for component in components:
        placed, block = _place_rows(_order(component, near, {n: levels[n] for n in component}, rank),
                                    near, width)
        height = max(y for _, y in placed.values()) + ROW_HEIGHT
        blocks.append((placed, block, height))
    pos = _shelves(blocks)
    # a node's weight is what rests on it, so the heaviest are premises low down; a reader
    # starts from the conclusion the largest argument's premises lead to
    top = [n for n in components[0] if levels[n] == 0] if components else []
    main = min(top, key=lambda n: (-linked.in_degree(n), rank(n)), default=None)
    heading: Position | None = None
    if loners:
        columns = max(2, math.ceil(math.sqrt(len(loners) / 2)))
        left = max((x for x, _ in pos.values()), default=-SLOT_WIDTH) + SLOT_WIDTH / 2 + 2 * COMPONENT_GAP
        heading = (left + columns * SLOT_WIDTH / 2, -ROW_HEIGHT * 0.5)
        for k, node in enumerate(loners):
            row, column = divmod(k, columns)
            pos[node] = (left + (column + 0.5) * SLOT_WIDTH, row * ROW_HEIGHT)
    return Layered(pos, loners, heading, None if main is None else pos[main])


def _shelves(blocks: Sequence[tuple[dict[str, Position], float, float]]) -> dict[str, Position]:
    """Blocks (positions from 0, width, height) packed left to right in rows about
    ``sqrt(1.6 × area)`` wide (a screen's proportions), largest first, as they come."""
    area = sum(w * h for _, w, h in blocks)
    row_width = max(max((w for _, w, _ in blocks), default=0.0), math.sqrt(1.6 * area))
    pos: dict[str, Position] = {}
    x = y = row_height = 0.0
    for placed, block_width, height in blocks:
        if x > 0 and x + block_width > row_width:
            x, y, row_height = 0.0, y + row_height + COMPONENT_GAP / 2, 0.0
        pos.update({n: (x + px, y + py) for n, (px, py) in placed.items()})
        x += block_width + COMPONENT_GAP
        row_height = max(row_height, height)
    return pos


def _ring(members: Sequence[str]) -> dict[str, Position]:
    """Members on a circle, :data:`SLOT_WIDTH` apart along it (a tie is a chord, so it never
    runs through a third member); past :data:`RING_MAX` members, a sunflower disc instead."""
    n = len(members)
    if n == 1:
        return {members[0]: (0.0, 0.0)}
    if n <= RING_MAX:
        radius = max(SLOT_WIDTH / 2, SLOT_WIDTH / (2 * math.sin(math.pi / n)))
        return {node: (radius * math.sin(2 * math.pi * k / n), -radius * math.cos(2 * math.pi * k / n))
                for k, node in enumerate(members)}
    golden = math.pi * (3 - math.sqrt(5))
    step = SLOT_WIDTH * 0.9  # neighbours about a slot apart
    return {node: (step * math.sqrt(k) * math.cos(k * golden), step * math.sqrt(k) * math.sin(k * golden))
            for k, node in enumerate(members)}


def clustered(groups: Sequence[Sequence[str]], weight: Callable[[str], float]) -> dict[str, Position]:
    """Positions for actors by coalition: each group a ring (:func:`_ring`, heaviest member at the
    top), the largest group first and the others stacked in columns to its right, each column
    as tall as the largest group, so conflict ties run across and the picture keeps a screen's
    proportions."""
    blocks = []
    for group in groups:
        ring = _ring(sorted(group, key=lambda n: (-weight(n), n)))
        xs, ys = [p[0] for p in ring.values()], [p[1] for p in ring.values()]
        width = max(xs) - min(xs) + SLOT_WIDTH
        height = max(ys) - min(ys) + CELL_HEIGHT
        blocks.append((ring, min(xs) - SLOT_WIDTH / 2, min(ys), width, height))
    area = sum(b[3] * b[4] for b in blocks)
    column_height = max(max((b[4] for b in blocks), default=0.0), math.sqrt(area))
    pos: dict[str, Position] = {}
    x = y = column_width = 0.0
    for ring, left, top, width, height in blocks:
        if y > 0 and y + height > column_height:
            x, y, column_width = x + column_width + BLOCK_GAP, 0.0, 0.0
        for node, (dx, dy) in ring.items():
            pos[node] = (x + dx - left, y + dy - top)
        y += height + BLOCK_GAP / 2
        column_width = max(column_width, width)
    return pos


def groups_by(members: Iterable[str], group_of: dict[str, int]) -> list[list[str]]:
    """``members`` grouped by ``group_of`` (members without a group form one last group)."""
    found: dict[int, list[str]] = defaultdict(list)
    for node in members:
        found[group_of.get(node, -1)].append(node)
    return [sorted(found[g]) for g in sorted(found, key=lambda g: (g < 0, g))]
