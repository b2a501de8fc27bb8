"""The graphs behind ``kg viz``: nodes and edges for each view, computed from the store.

Every view is built from named queries (``queries/internal/viz-*.rq``) and, for one claim, from
``kg trace``'s evidence tree; nothing here reads annotation files or knows the ontology's class
tree. Nodes carry their *group* (person, organisation, claim, statement, evidence, source: the
view's shape), their most specific *kind* as the graph labels it (the colour), a full label
(shortened for the canvas by the page), the facts a tooltip shows, and a weight: how much rests
on them, which sets their size.

The page itself (pyvis data, the HTML template, offline scripts) is :mod:`kg.render.view_html`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.analysis import arguments
from kg.model.errors import KgError
from kg.queries import runner
from kg.render.trace import DEFAULT_LIMIT
from kg.stores import Store

VIEWS = ("full", "arguments", "actors")
# ties the actors view draws at most, the strongest first: the 1,182 actors of a 1M-triple debate
# have 419,410 argument-aware ties, which made a 198 MB page no browser could open
ACTOR_TIES = 3000
ARGUMENT_RELATIONS = ("support", "attack")
INCOMING_WORDS = {"support": "supported by", "attack": "attacked by", "agree": "statements agreeing",
                  "disagree": "statements disagreeing", "said-by": "statements made",
                  "speaks-for": "statements made for it", "quoted-from": "quotes taken from it",
                  "produced-by": "evidence items produced"}

Info = list[tuple[str, str]]


@dataclass
class Node:
    """One node of a view: what it is, what it is called and what its tooltip says."""

    id: str
    label: str
    group: str
    kind: str
    info: Info = field(default_factory=list)
    weight: float = 0.0
    show_label: bool = True
    side: int | None = None  # the actor's coalition (actors view)


@dataclass
class Edge:
    """One edge of a view; ``relation`` is the token the page styles it by (support, agree...)."""

    source: str
    target: str
    relation: str
    label: str
    info: Info = field(default_factory=list)
    width: float = 1.0


@dataclass
class ViewGraph:
    """A view ready to draw: nodes by id, edges, a title and a line saying what it shows."""

    name: str
    title: str
    description: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    # every kind the graph's ontology names, per group: colours follow this order, so a kind
    # keeps its colour from one view to the next
    kinds: dict[str, list[str]] = field(default_factory=dict)
    # how the page places nodes: "force" (the browser settles them), "layered" (conclusions
    # above premises) or "clustered" (actors by side); see kg.render.layout
    layout: str = "force"
    sides: list[list[str]] = field(default_factory=list)  # actors view: labels of side 1, 2...

    def add(self, node: Node) -> Node:
        """Add ``node`` unless a node with its id is there; return the one kept."""
        return self.nodes.setdefault(node.id, node)

    def digraph(self) -> nx.MultiDiGraph:
        """The view as a networkx multigraph (edges keep their relation)."""
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(self.nodes)
        graph.add_edges_from((e.source, e.target, {"relation": e.relation}) for e in self.edges)
        return graph


# --- facts for tooltips ------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def quote_info(row: dict[str, object]) -> Info:
    """The quote lines of a tooltip: exact words, source and character offsets (code points)."""
    if row.get("quote") is None:
        return []
    info: Info = [("quote", f"“{row['quote']}”")]
    if row.get("source") is not None:
        info.append(("source", _text(row["source"])))
    if row.get("start") is not None:
        info.append(("offsets", f"{row['start']}–{row['end']}"))
    return info


def date_info(row: dict[str, object]) -> Info:
    """The date line: the date when known, else the range the sources allow."""
    if row.get("date") is not None:
        return [("date", _text(row["date"]))]
    earliest, latest = row.get("earliest"), row.get("latest")
    if earliest is None and latest is None:
        return []
    return [("date", f"between {_text(earliest) or '?'} and {_text(latest) or '?'}")]


def node_info(row: dict[str, object]) -> Info:
    """Everything a node's tooltip lists, in reading order, from a ``viz-nodes`` row."""
    info: Info = [("kind", _text(row["kind"])), ("id", _text(row["id"]))]
    if row.get("speaker") is not None:
        speaker = _text(row["speaker"])
        if row.get("speaksFor") not in (None, row["speaker"]):
            speaker += f" (for {row['speaksFor']})"
        info.append(("said by", speaker))
    if row.get("stance") is not None:
        info.append(("stance", f"{row['stance']}: {_text(row.get('about'))}"))
    if row.get("text") is not None:
        info.append(("claim", _text(row["text"])))
    if row.get("producedBy") is not None:
        info.append(("produced by", _text(row["producedBy"])))
    return info + quote_info(row) + date_info(row)


# --- views -------------------------------------------------------------------------------


def _node_rows(store: Store, groups: tuple[str, ...] = (), nodes: set[str] | None = None,
               details: str = "viz-node-details") -> list[dict[str, object]]:
    """``viz-nodes`` rows, only of ``groups`` when given (bound with VALUES); for ``nodes``
    instead, the rows of ``details`` read for them alone, in the same order: the arguments view
    of a 1M-triple debate draws 2,000 of its 4,500 claims and evidence items, and reads neither
    the others nor facts only statements have (``viz-node-details``, for claims and evidence;
    ``viz-statement-details`` for the statements of a claim's tree). Quotes and producers are
    read for these rows' nodes alone."""
    if nodes is None:
        values = {"group": [Literal(g) for g in groups]} if groups else None
        rows = runner.run(store, "viz-nodes", values).values()
    else:
        rows = sorted(_chunked(store, details, nodes), key=lambda r: (r["group"], r["id"], r["kind"]))
    quotes = _quotes(store, {str(r["q"]) for r in rows if r["q"]})
    producers: dict[str, list[str]] = defaultdict(list)
    evidence = {str(r["node"]) for r in rows if r["group"] == "evidence"}
    for r in _chunked(store, "viz-producers", evidence):
        producers[str(r["node"])].append(str(r["producerName"]))
    out = []
    for row in rows:
        quote = quotes.get(str(row.pop("q")), _NO_QUOTE)
        out.append({**row, **quote, "node": str(row["node"]),
                    "producedBy": "; ".join(sorted(set(producers[str(row["node"])]))) or None})
    return out


_NO_QUOTE = {"quote": None, "start": None, "end": None, "source": None}


def _quotes(store: Store, iris: set[str]) -> dict[str, dict[str, object]]:
    """The words, offsets and source id of each quote in ``iris``, as :func:`quote_info` reads
    them (``viz-quotes``, a few hundred at a time)."""
    return {r["node"]: {"quote": r["exact"], "start": r["start"], "end": r["end"], "source": r["source"]}
            for r in _chunked(store, "viz-quotes", iris)}


# terms bound in one VALUES block. For viz-node-details, viz-link-details, viz-quotes and
# viz-producers, 250 to 2,000 a block cost Oxigraph the same at 1M triples (measured); the blocks
# keep a server's requests small.
CHUNK = 250


def _chunks(items: set[str]) -> list[list[str]]:
    ordered = sorted(items)
    return [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _chunked(store: Store, query: str, nodes: set[str], variable: str = "node",
             term: Callable[[str], Identifier] = URIRef) -> list[dict[str, Any]]:
    """Rows of a query binding ``?variable`` to ``nodes`` (IRIs, or other ``term``s),
    :data:`CHUNK` at a time (the blocks' rows in order, the blocks read side by side where the
    store allows it)."""

    reads = [partial(runner.rows, store, query, values={variable: [term(n) for n in chunk]})
             for chunk in _chunks(nodes)]
    return [row for rows in runner.side_by_side(store, reads) for row in rows]


def _node(row: dict[str, object]) -> Node:
    kind = _text(row["kind"])
    group = _text(row["group"])
    if group == "statement" and row.get("stance") is not None:
        kind = f"{kind}: {row['stance']}"  # colour statements by stance
    return Node(
        id=_text(row["node"]), label=_text(row["label"]), group=group, kind=kind,
        info=node_info(row), show_label=group != "statement",
    )


def _link_edges(store: Store, links: dict[str, tuple[str, str]] | None = None) -> list[Edge]:
    """The support/attack edges of the views: every link, or only ``links`` (link -> its premise
    and conclusion, from ``viz-link-ends``; their details and quotes read for them alone)."""
    edges = []
    if links is None:
        rows = runner.run(store, "viz-links").values()
    else:
        rows = sorted(_chunked(store, "viz-link-details", set(links), "link"),
                      key=lambda r: (r["polarity"], r["link"]))
        for row in rows:
            row["premise"], row["conclusion"] = links[str(row["link"])]
    for row in rows:
        info: Info = [("link", _text(row["kind"]))]
        if row.get("assertedBy") is not None:
            info.append(("asserted by", _text(row["assertedBy"])))
        if row.get("basis") is not None:
            info.append(("basis", _text(row["basis"])))
        edges.append(Edge(_text(row["premise"]), _text(row["conclusion"]), _text(row["polarity"]),
                          _text(row["kind"]), info + quote_info(row), width=2.0))
    return edges


def _argument_weights(edges: list[tuple[str, str]], nodes: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """For each node: the support/attack links touching it, and the nodes resting on it (its
    descendants along premise → conclusion arrows), over ``edges`` between ``nodes``."""
    kept = [(a, b) for a, b in edges if a in nodes and b in nodes]
    degree: Counter[str] = Counter()
    following: dict[str, set[str]] = {}  # node -> what it points at, nodes in order of first use
    for a, b in kept:
        degree[a] += 1
        degree[b] += 1
        following.setdefault(a, set()).add(b)
        following.setdefault(b, set())
    return dict(degree), {n: len(arguments.reachable(following, n)) for n in following}


def _weigh(view: ViewGraph, whole: tuple[dict[str, int], dict[str, int]] | None = None) -> None:
    """Weight = edges touching the node + every node resting on it through support/attack
    chains (its descendants along premise → conclusion arrows); ``whole`` gives both from the
    whole debate when the view holds only part of it. A node's tooltip also counts what points
    at it in the view, e.g. 'supported by 3, statements agreeing 5'."""
    if whole is None:
        degree = dict(view.digraph().degree())  # every edge of the view, not only arguments
        _, resting_on = _argument_weights([(e.source, e.target) for e in view.edges
                                           if e.relation in ARGUMENT_RELATIONS], set(view.nodes))
    else:
        degree, resting_on = whole
    incoming: dict[str, Counter[str]] = defaultdict(Counter)
    for edge in view.edges:
        if edge.relation in INCOMING_WORDS:
            incoming[edge.target][edge.relation] += 1
    for node_id, node in view.nodes.items():
        resting = resting_on.get(node_id, 0)
        node.weight = degree.get(node_id, 0) + resting
        counts = incoming[node_id]
        if counts:
            node.info.append(("in this view", ", ".join(
                f"{words} {counts[r]}" for r, words in INCOMING_WORDS.items() if counts[r])))
        if resting:
            node.info.append(("rests on it", f"{resting} node(s) through support/attack chains"))


def full_view(store: Store) -> ViewGraph:
    """Everything: actors, claims, statements, evidence and sources, and how they connect."""
    view = ViewGraph("full", "The whole debate",
                     "Actors, claims, statements, evidence and sources; arrows run from a statement to "
                     "its claim, speaker and source, and from a premise to what it supports or attacks.")
    for row in _node_rows(store):
        view.add(_node(row))
    for row in runner.run(store, "viz-relations").values():
        view.edges.append(Edge(_text(row["from"]), _text(row["to"]), _text(row["relation"]),
                               _text(row["label"]), [("relation", _text(row["label"]))]))
    view.edges.extend(_link_edges(store))
    _check_ends(view)
    _weigh(view)
    return view


def arguments_view(store: Store, max_nodes: int | None = None) -> ViewGraph:
    """Claims and evidence, linked by support (green) and attack (red) arrows; with
    ``max_nodes``, only the heaviest that many (by how much rests on them in the whole debate),
    chosen from the link ends before any detail is read, so a big debate's view costs what the
    nodes drawn cost."""
    view = ViewGraph("arguments", "Arguments: what supports and what attacks each claim",
                     "Claims and evidence; green arrows support, red arrows attack, each pointing at "
                     "what is supported or attacked, conclusions above their premises. Size: how much "
                     "rests on a node.", layout="layered")
    keep = links = whole = None
    if max_nodes is not None:
        every = {str(r["node"]) for r in runner.run(store, "viz-node-ids").values()}
        ends = runner.run(store, "viz-link-ends").values()
        whole = _argument_weights([(str(r["premise"]), str(r["conclusion"])) for r in ends], every)
        keep = set(sorted(every, key=lambda n: (-(whole[0].get(n, 0) + whole[1].get(n, 0)), n))[:max_nodes])
        links = {str(r["link"]): (str(r["premise"]), str(r["conclusion"])) for r in ends
                 if r["premise"] in keep and r["conclusion"] in keep}
    for row in _node_rows(store, ("claim", "evidence"), keep):
        view.add(_node(row))
    if links is None or links:
        view.edges.extend(_link_edges(store, links))
    _check_ends(view)
    _weigh(view, whole)
    if keep is not None and len(every) > len(view.nodes):
        view.description += f" The {len(view.nodes):,} heaviest of {len(every):,} nodes (--max-nodes)."
    return view


def actors_view(store: Store, seed: int = 0) -> ViewGraph:
    """Actors who made statements, coloured by their side (the argument-aware coalitions of
    ``kg analyze``, :func:`kg.analysis.signed.structure`) and tied as that analysis ties them:
    congruence (they take the same side, directly or through support/attack links) and conflict
    (opposite sides); an edge's width grows with the weight of the tie."""
    from kg.analysis import discourse, signed

    view = ViewGraph("actors", "Actors: who sides with whom",
                     "Actors who made statements, coloured by side (the coalitions of 'kg analyze'); "
                     "green lines: congruence (the same stance on a claim, or on claims that support "
                     "each other), red dashed lines: conflict. Size: statements made.", layout="clustered")
    rows = discourse.statement_rows(store, "person")
    table = signed.table_from_rows(rows)
    structure = signed.structure(table, signed.load_links(store), seed)
    claim_label = dict(zip(table.claim_ids, table.claim_labels, strict=True))
    side = {actor: i + 1 for i, group in enumerate(structure.coalitions) for actor in group}
    by_id = {_text(row["id"]): row for row in _node_rows(store, ("person", "organisation"))}
    iri: dict[str, str] = {}
    for actor, data in structure.graph.nodes(data=True):
        if actor not in by_id:
            continue
        node = view.add(_node(by_id[actor]))
        iri[actor] = node.id
        node.weight = data["statements"]
        node.side = side.get(actor)
        node.info.append(("statements", str(data["statements"])))
        if node.side is not None:
            node.info.append(("side", str(node.side)))
    view.sides = [[view.nodes[iri[a]].label for a in group if a in iri] for group in structure.coalitions]
    top = max((abs(d["weight"]) for _, _, d in structure.graph.edges(data=True)), default=1.0) or 1.0
    ties = [(a, b, data) for a, b, data in structure.graph.edges(data=True) if a in iri and b in iri]
    if len(ties) > ACTOR_TIES:  # the strongest, drawn in the same order as the rest would be
        strongest = sorted(ties, key=lambda t: (-abs(t[2]["weight"]), min(t[0], t[1]), max(t[0], t[1])))
        view.description += (f" The {ACTOR_TIES:,} strongest of {len(ties):,} ties are drawn (a browser "
                             "cannot draw them all); kg analyze --export-dir writes every tie.")
        ties = strongest[:ACTOR_TIES]
    for a, b, data in sorted(ties, key=lambda t: (t[0], t[1])):
        weight = float(data["weight"])
        relation = "congruence" if weight > 0 else "conflict"
        behind = (structure.via or {}).get((min(a, b), max(a, b)), [])
        info: Info = [("actors", f"{view.nodes[iri[a]].label} and {view.nodes[iri[b]].label}"),
                      ("tie", f"{weight:+g} (congruence {data['congruence']:g}, "
                              f"conflict {data['conflict']:g})")]
        info += [("because", _because(entry, claim_label)) for entry in behind]
        view.edges.append(Edge(iri[min(a, b)], iri[max(a, b)], relation, f"{relation} {weight:+g}", info,
                               width=round(1.0 + 4.0 * abs(weight) / top, 2)))
    return view


def _because(entry: dict, claim_label: dict[str, str]) -> str:
    """One claim or link behind an actor tie, in words (from :func:`kg.analysis.signed.via`)."""
    def name(claim: str) -> str:
        return f"“{claim_label.get(claim, claim)}”"

    if "claim" in entry:
        return f"both on {name(entry['claim'])} ({entry['weight']:+g})"
    verb = "supports" if entry["polarity"] == "support" else "attacks"
    return f"{name(entry['premise'])} {verb} {name(entry['conclusion'])} ({entry['weight']:+g})"


def claim_view(store: Store, claim: URIRef, depth: int = 3, limit: int = DEFAULT_LIMIT) -> ViewGraph:
    """One claim's evidence tree exactly as ``kg trace`` finds it (:func:`kg.analysis.trace.trace`): the
    claim, the statements on each claim in the tree, and the premises that support or attack it,
    their premises in turn, ``depth`` levels deep. A claim met twice is drawn once.

    ``limit`` is ``kg trace``'s: at most that many statements and that many links a claim,
    shared among stances and kinds in proportion (0: all); a claim with more says how many in
    its details. Only the tree's nodes are read: the most discussed claim of a 1M-triple debate
    took 21 s and drew 9,741 nodes when the view read every node of the graph and the whole
    tree, its 4,331 statements included."""
    from kg.analysis.trace import trace

    root = trace(store, claim, depth, limit)["claim"]
    members, statement_ids, notes = _tree_members(root)
    statements = {str(r["id"]): str(r["node"])
                  for r in _chunked(store, "viz-statement-iris", statement_ids, "id", Literal)}
    rows: dict[str, dict[str, object]] = {}
    for row in [*_node_rows(store, nodes=members), *_node_rows(store, nodes=set(statements.values()),
                                                                details="viz-statement-details")]:
        rows.setdefault(_text(row["node"]), row)
    if rows.get(str(claim), {}).get("group") != "claim":
        raise KgError(f"--claim: {claim} is not a claim")
    shown = (f" At most {limit} statements and {limit} links a claim, as 'kg trace' shows them "
             "(--limit; 0 for all): a claim with more says how many in its details.") if limit else ""
    view = ViewGraph("claim", f"Evidence for: {rows[str(claim)]['label']}",
                     f"The claim, the statements on it, and what supports (green) or attacks (red) it, "
                     f"{depth} level(s) deep, as 'kg trace' finds it. Size: how much rests on a node.{shown}",
                     layout="layered")
    view.add(_node(rows[str(claim)]))
    for edge in tree_edges(root, statements):
        for end in (edge.source, edge.target):
            if end not in view.nodes and end in rows:
                view.add(_node(rows[end]))
        view.edges.append(edge)
    for iri, note in notes.items():
        if iri in view.nodes:
            view.nodes[iri].info.extend(note)
    _check_ends(view)
    _weigh(view)
    return with_kinds(view, store)


def _expanded_claims(root: dict) -> Iterator[dict]:
    """The claims of a ``kg trace`` tree that it expands (not the ones marked seen, nor evidence),
    walking down its links."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.get("type", "claim") != "claim" or node.get("seen"):
            continue
        yield node
        pending.extend(link["premise"] for link in node.get("links", []))


def _tree_members(root: dict) -> tuple[set[str], set[str], dict[str, Info]]:
    """The IRIs of the claims and evidence of a ``kg trace`` tree, the ids of its statements,
    and for each claim whose statements or links the limit cut, lines saying how many it has."""
    members: set[str] = {root["iri"]}
    statements: set[str] = set()
    notes: dict[str, Info] = {}
    for node in _expanded_claims(root):
        members.update(link["premise"]["iri"] for link in node.get("links", []) if link["premise"].get("iri"))
        statements.update(str(st["id"]) for st in node.get("statements", []))
        counts = node.get("statement_counts") or {}
        note: Info = []
        if sum(counts.values()) > len(node.get("statements", [])):
            by_stance = ", ".join(f"{n:,} {stance}" for stance, n in sorted(counts.items()))
            note.append(("statements", f"{sum(counts.values()):,} ({by_stance}); "
                                       f"{len(node['statements']):,} shown"))
        if node.get("links_total"):
            note.append(("links", f"{node['links_total']:,}; {len(node.get('links', [])):,} shown"))
        if note:
            notes[node["iri"]] = note
    return members, statements, notes


def tree_edges(claim: dict, statements: dict[str, str]) -> list[Edge]:
    """The edges of a ``kg trace`` tree: statement → claim for every statement on a claim in it,
    premise → conclusion for every link. ``statements`` maps statement ids (as the trace's
    rows hold them) to IRIs."""
    edges: list[Edge] = []
    for node in _expanded_claims(claim):
        for st in node.get("statements", []):
            said = statements.get(str(st["id"]))
            if said is not None:
                stance = _text(st["stance"])
                edges.append(Edge(said, node["iri"], stance, stance, [("stance", stance)]))
        for link in node.get("links", []):
            info: Info = [("link", _text(link["polarity"]))]
            if link.get("asserted_by"):
                info.append(("asserted by", _text(link["asserted_by"].get("label"))))
            if link.get("basis"):
                info.append(("basis", _text(link["basis"])))
            quote = link.get("quote") or {}
            info += quote_info({"quote": quote.get("exact"), "source": quote.get("source"),
                                "start": quote.get("start"), "end": quote.get("end")})
            edges.append(Edge(link["premise"]["iri"], node["iri"], _text(link["polarity"]),
                              _text(link["polarity"]), info, width=2.0))
    return edges


def _check_ends(view: ViewGraph) -> None:
    """Drop edges whose ends are not in the view (e.g. a link whose premise is a quantity)."""
    view.edges = [e for e in view.edges if e.source in view.nodes and e.target in view.nodes]


def build_view(store: Store, name: str, max_nodes: int | None = None) -> ViewGraph:
    """The named view (one of :data:`VIEWS`); ``max_nodes`` cuts the arguments view to its
    heaviest nodes (:func:`arguments_view`)."""
    builders = {"full": full_view, "arguments": arguments_view, "actors": actors_view}
    if name not in builders:
        raise KgError(f"unknown view {name!r} (known: {', '.join(VIEWS)})")
    if name == "arguments":
        return with_kinds(arguments_view(store, max_nodes), store)
    return with_kinds(builders[name](store), store)


def with_kinds(view: ViewGraph, store: Store) -> ViewGraph:
    """``view`` with the ontology's kinds per group (``queries/internal/viz-kinds.rq``), for its colours."""
    for row in runner.run(store, "viz-kinds").dicts():
        view.kinds.setdefault(str(row["group"]), []).append(str(row["kind"]))
    return view
