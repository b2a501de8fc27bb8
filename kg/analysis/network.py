"""``kg analyze``'s analysis: discourse networks, coalitions, centrality and argument standing,
gathered into one :class:`Analysis`, and its JSON form (``kg.render.analysis`` prints the report).

The numbers come from :mod:`kg.analysis.discourse` (DNA-style networks), :mod:`kg.analysis.signed`
(the argument-aware actor network: statements and support/attack links, signed) and
:mod:`kg.analysis.arguments` (support/attack graph, grounded semantics); this module only
combines and presents them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypedDict

import networkx as nx
import numpy as np

from kg.analysis import arguments, discourse, signed
from kg.analysis.discourse import OneMode, StatementTable
from kg.analysis.signed import SignedStructure
from kg.analysis.strength import Strengths
from kg.analysis.strength import compute as compute_strengths

if TYPE_CHECKING:
    import scipy.sparse as sp

    from kg.stores.base import Store

BETWEENNESS_BUDGET = 2_000_000  # pivots x (nodes + edges); above it, betweenness is sampled
MAX_EDGES = 100_000  # edges kept in the actor graph (strongest first) before networkx sees it


@dataclass(frozen=True)
class Options:
    """What to analyse and how (the ``kg analyze`` options)."""

    actor: str = "person"
    aggregation: str = "congruence"
    normalization: str = "no"
    two_mode_aggregation: str = "combine"
    two_mode_normalization: str = "no"
    start: date | None = None
    end: date | None = None
    window_days: int | None = None
    step_days: int | None = None
    seed: int = 0
    max_edges: int = MAX_EDGES
    semantics: str = "df-quad"  # which claims stand, by degree (kg.analysis.strength.SEMANTICS)


class Centrality(TypedDict):
    """One actor's centralities (:func:`centralities`); eigenvector is None where it was not
    computed (outside the largest component, on a component under three actors, or on failure)."""

    degree: float
    strength: float
    betweenness: float
    eigenvector: float | None


@dataclass
class Structure:
    """Coalitions, polarisation and centrality of one actor network."""

    graph: nx.Graph
    coalitions: list[list[str]]
    polarisation: float
    centrality: dict[str, Centrality]
    isolated: list[str]
    bridging: list[str]


@dataclass
class Analysis:
    """Everything ``kg analyze`` computed, kept as matrices and graphs for the exports."""

    options: Options
    table: StatementTable
    two_mode: sp.csr_matrix  # actor x claim
    actors: OneMode
    claims: OneMode
    structure: Structure
    argument_graph: nx.MultiDiGraph
    standings: list[arguments.ClaimStanding]
    windows: list[dict] = field(default_factory=list)
    argument_network: SignedStructure | None = None  # statements + support/attack links, signed
    strength: Strengths | None = None  # gradual strengths of claims and evidence (DF-QuAD)

    def label(self, node: str) -> str:
        """A human name for an actor or claim id."""
        if node in self._labels:
            return self._labels[node]
        data = self.argument_graph.nodes.get(node)
        if data:
            return data["label"]
        return self.argument_graph.graph.get("producer_labels", {}).get(node, node)

    @property
    def _labels(self) -> dict[str, str]:
        if not hasattr(self, "_label_cache"):
            t = self.table
            self._label_cache = {**dict(zip(t.claim_ids, t.claim_labels, strict=True)),
                                 **dict(zip(t.actor_ids, t.actor_labels, strict=True))}
            if self.argument_network is not None:  # also actors with hedged or declined statements only
                u = self.argument_network.table
                self._label_cache = {**dict(zip(u.claim_ids, u.claim_labels, strict=True)),
                                     **dict(zip(u.actor_ids, u.actor_labels, strict=True)),
                                     **self._label_cache}
        return self._label_cache

    def stances(self) -> dict[str, dict[str, list[str]]]:
        """For each claim id: the actors agreeing and disagreeing (sorted ids)."""
        t = self.table
        out: dict[str, dict[str, set[str]]] = {}
        for a, c, agree in zip(t.actor, t.claim, t.agree, strict=True):
            entry = out.setdefault(t.claim_ids[c], {"agree": set(), "disagree": set()})
            entry["agree" if agree else "disagree"].add(t.actor_ids[a])
        return {c: {k: sorted(v) for k, v in e.items()} for c, e in sorted(out.items())}

    def coalition_claims(self, members: list[str]) -> list[tuple[str, int]]:
        """Claims agreed with by at least two members of a coalition, with how many agree."""
        counts: dict[str, int] = {}
        for claim, stance in self.stances().items():
            n = len(set(stance["agree"]) & set(members))
            if n >= 2:
                counts[claim] = n
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    @property
    def polarisation_is_argument_aware(self) -> bool:
        """Whether support or attack links tie some actors (then :attr:`polarisation` is the
        argument-aware network's)."""
        return self.argument_network is not None and self.argument_network.has_argument_ties

    @property
    def polarisation(self) -> float:
        """The headline polarisation: the argument-aware network's when support or attack links
        tie some actors, else DNA's statement network's (``structure.polarisation``)."""
        n = self.argument_network
        return n.polarisation if n is not None and n.has_argument_ties else self.structure.polarisation

    def argument_dict(self) -> dict:
        """The argument-aware network's part of :meth:`to_dict` (empty without one)."""
        n = self.argument_network
        if n is None:
            return {}
        group_of = {a: i + 1 for i, g in enumerate(n.coalitions) for a in g}

        def edge(u: str, v: str, d: dict) -> dict:
            behind = n.via.get((min(u, v), max(u, v))) if n.via is not None else None
            return {"source": u, "target": v, **d, **({"via": behind} if behind else {})}

        return {
            "argument_edges": [edge(u, v, d) for u, v, d in sorted(n.graph.edges(data=True))],
            "argument_coalitions": [
                {"id": i + 1, "members": g, "labels": [self.label(a) for a in g]}
                for i, g in enumerate(n.coalitions)
            ],
            "argument_actors": [
                {"id": a, "label": self.label(a), "statements": d["statements"], "coalition": group_of.get(a)}
                for a, d in sorted(n.graph.nodes(data=True))
            ],
            "argument_polarisation": n.polarisation,
            "argument_frustration": {"frustration": n.frustration, "total_weight": n.total_weight,
                                     "balance": n.balance},
            "argument_method": {"name": signed.METHOD_NAME, "reference": signed.REFERENCE,
                                "ties": signed.TIES, "polarisation": signed.POLARISATION,
                                "seed": self.options.seed,
                                "via": (f"claims and links behind each tie, at most {signed.MAX_VIA}, "
                                        "strongest first") if n.via is not None else
                                       f"omitted: more than {signed.VIA_BUDGET:,} statement pairs"},
            "stance_counts": n.stance_counts(),
            "hedged": n.other_stances("hedged"),
            "declined": n.other_stances("declined"),
        }

    def to_dict(self) -> dict:
        """The analysis as plain JSON-ready data."""
        o, s = self.options, self.structure
        stances = self.stances()
        group_of = {a: i + 1 for i, g in enumerate(s.coalitions) for a in g}
        standing = {c.id: c for c in self.standings}
        return {
            "settings": {
                "actor": o.actor, "aggregation": o.aggregation, "normalization": o.normalization,
                "two_mode_aggregation": o.two_mode_aggregation,
                "two_mode_normalization": o.two_mode_normalization,
                "from": o.start.isoformat() if o.start else None,
                "to": o.end.isoformat() if o.end else None,
                "window_days": o.window_days, "step_days": o.step_days, "seed": o.seed,
                "dates": "dct:date of the statement, else dkg:earliestDate of its source",
                "polarisation": "argument-aware (argument_polarisation) when support/attack links tie "
                                "actors, else DNA's statement-based value (dna_polarisation)",
                "polarisation_from": "argument" if self.polarisation_is_argument_aware else "dna",
                "dna_statements": "agree and disagree only; hedged and declined are listed apart",
            },
            "statements": len(self.table),
            "actors": [
                {"id": n, "label": self.label(n), "statements": d["statements"],
                 "coalition": group_of.get(n), **s.centrality.get(n, {})}
                for n, d in sorted(s.graph.nodes(data=True))
            ],
            "edges": [
                {"source": u, "target": v, **d} for u, v, d in sorted(s.graph.edges(data=True))
            ],
            "coalitions": [
                {"id": i + 1, "members": g, "labels": [self.label(a) for a in g],
                 "shared_claims": [{"claim": c, "agreeing_members": n}
                                   for c, n in self.coalition_claims(g)]}
                for i, g in enumerate(s.coalitions)
            ],
            "polarisation": self.polarisation,
            "dna_polarisation": s.polarisation,
            "isolated": s.isolated,
            "bridging": s.bridging,
            "claims": [
                {**standing[c].as_dict(), **(self.strength.fields(c) if self.strength else {}),
                 "agree": stances.get(c, {}).get("agree", []),
                 "disagree": stances.get(c, {}).get("disagree", [])}
                for c in sorted(standing)
            ],
            "arguments": {
                status: sorted(n for n, st in arguments.grounded(self.argument_graph).items() if st == status)
                for status in (arguments.ACCEPTED, arguments.REJECTED, arguments.UNDECIDED)
            },
            "windows": self.windows,
            **self.argument_dict(),
            "strength": self.strength.as_dict() if self.strength else None,
        }


def analyse(graph_store: Store, options: Options) -> Analysis:
    """Run the whole analysis on a store."""
    rows = discourse.statement_rows(graph_store, options.actor)  # one query for both networks
    table = discourse.dna_table(rows).between(options.start, options.end)
    actors = discourse.one_mode(table, "actor", options.aggregation, options.normalization)
    claims = discourse.one_mode(table, "claim", options.aggregation, options.normalization)
    two = discourse.two_mode(table, options.two_mode_aggregation, options.two_mode_normalization)
    structure = structure_of(actors, options)
    argument_graph = arguments.load(graph_store)
    analysis = Analysis(options, table, two, actors, claims, structure, argument_graph,
                        arguments.standings(argument_graph))
    if options.window_days:
        analysis.windows = window_series(table, options)
    analysis.argument_network = signed.structure(
        signed.table_from_rows(rows).between(options.start, options.end), signed.load_links(graph_store),
        options.seed, options.max_edges)
    analysis.strength = compute_strengths(graph_store, argument_graph, options.semantics)
    return analysis


def structure_of(net: OneMode, options: Options) -> Structure:
    """Coalitions, polarisation, centrality, isolated and bridging actors of ``net``."""
    graph = discourse.to_graph(net, max_edges=options.max_edges)
    groups = discourse.coalitions(graph, options.seed)
    positive = nx.Graph()
    positive.add_nodes_from(graph.nodes)
    positive.add_edges_from((u, v, {"weight": d["weight"], "distance": 1.0 / d["weight"]})
                            for u, v, d in graph.edges(data=True) if d["weight"] > 0)
    centrality = centralities(positive, options.seed)
    group_of = {a: i for i, g in enumerate(groups) for a in g}
    isolated = sorted(n for n in graph.nodes if graph.degree(n) == 0)
    bridging = [n for n in positive.nodes if any(group_of[m] != group_of[n] for m in positive.neighbors(n))]
    bridging.sort(key=lambda n: (-(centrality[n]["betweenness"] or 0.0), n))
    return Structure(graph, groups, discourse.polarisation(net, groups), centrality, isolated, bridging)


def centralities(graph: nx.Graph, seed: int = 0) -> dict[str, Centrality]:
    """Degree (share of other nodes tied to), strength (sum of tie weights), betweenness
    (shortest paths with distance 1/weight; exact while nodes x (nodes + edges) stays within
    :data:`BETWEENNESS_BUDGET`, else sampled from as many pivots as the budget allows, at least
    10, seeded) and eigenvector centrality (weighted, computed on
    the largest connected component when it has at least three nodes; ``None`` elsewhere,
    where it is not defined)."""
    n = graph.number_of_nodes()
    degree = nx.degree_centrality(graph) if n > 1 else dict.fromkeys(graph.nodes, 0.0)
    strength = dict(graph.degree(weight="weight"))
    size = n + graph.number_of_edges()
    k = None if n * size <= BETWEENNESS_BUDGET else min(n, max(10, BETWEENNESS_BUDGET // size))
    betweenness = nx.betweenness_centrality(graph, k=k, weight="distance", seed=seed) if n > 2 else {}
    eigen: dict[str, float] = {}
    if graph.number_of_edges():
        largest = max(nx.connected_components(graph), key=lambda c: (len(c), sorted(c)))
        if len(largest) >= 3:
            try:
                eigen = nx.eigenvector_centrality_numpy(graph.subgraph(largest), weight="weight")
            except (nx.NetworkXException, ArithmeticError, ValueError):
                eigen = {}
    return {
        node: {"degree": round(degree.get(node, 0.0), 6), "strength": float(strength.get(node, 0.0)),
               "betweenness": round(betweenness.get(node, 0.0), 6),
               "eigenvector": round(abs(eigen[node]), 6) if node in eigen else None}
        for node in graph.nodes
    }


def window_series(table: StatementTable, options: Options) -> list[dict]:
    """One summary (and edge list) per moving window: statements, actors, coalitions, polarisation.

    Only for options with a window (:func:`analyse` checks ``options.window_days``)."""
    window = options.window_days
    assert window is not None, "window_series needs options.window_days"
    out = []
    step = options.step_days or window
    for start, end, part in discourse.windows(table, window, step):
        net = discourse.one_mode(part, "actor", options.aggregation, options.normalization)
        graph = discourse.to_graph(net, max_edges=options.max_edges)
        groups = discourse.coalitions(graph, options.seed)
        out.append({
            "start": start.isoformat(), "end": end.isoformat(), "statements": len(part),
            "actors": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "coalitions": [g for g in groups if len(g) > 1],
            "polarisation": discourse.polarisation(net, groups),
            "edge_list": [{"source": u, "target": v, **d} for u, v, d in sorted(graph.edges(data=True))],
        })
    return out


# --- rendering -----------------------------------------------------------------------------


def to_json(analysis: Analysis) -> str:
    """The analysis as indented JSON."""
    return json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
