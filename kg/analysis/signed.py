"""The argument-aware actor network: actors tied through their statements AND the support and
attack links between the claims they state, as one signed network.

DNA's networks (:mod:`kg.analysis.discourse`) tie two actors only when they take a stance on
the same claim. Where the opposition lives in the argument structure (one side states "Taser
carriers use force more", the other "the roll-out would not raise use of force", and one claim
attacks the other) they see nothing. This network adds those ties.

**Ties.** Every statement has a sign ``s`` read from the ontology (``dkg:stanceSign`` of its
stance: agree 1, disagree -1, hedged 0.5, declined 0; :func:`discourse.statement_rows`). For two
actors ``a != b``, summed over pairs of their statements (each pair once):

* **direct** (the statements are on the same claim): ``s1 * s2``; agree/agree +1,
  agree/disagree -1, disagree/disagree +1, as DNA's congruence minus conflict;
* **through a link** (``a``'s statement is on claim ``c1``, ``b``'s on ``c2``, and ``c1`` bears
  on ``c2`` with polarity ``p``: +1 support, -1 attack): ``p * s1 * s2``, once per link, in
  whichever direction the link runs. ``a`` agreeing with X that attacks Y and ``b`` agreeing
  with Y gives -1 (conflict); ``a`` disagreeing with X gives +1; support gives congruence.

A link is a (premise, conclusion, polarity) relation, counted once however many times and by
whom it is asserted (``queries/internal/analysis-links.rq``). **Who asserts a link is given no
stance**: a link says the premise bears on the conclusion, not that its asserter holds the
premise, and many links are a publisher's juxtaposition of two camps (``dkg:implied``); counting
the asserter as agreeing with the premise would put every reporter in conflict with the side
it reports on. The asserter's own statements (if any) tie it like anyone else's. Evidence items
tie actors only through statements on them (a study's producer is not a speaker).

In matrices: ``S`` is actors x claims, ``S[i, k]`` the sum of actor ``i``'s signs on claim ``k``
(split ``S = S+ - S-`` into its positive and negative parts), ``L`` claims x claims,
``L[k, l] = p`` for a link ``k -> l`` (split ``L = L+ - L-``: supports, attacks). With
``T = S L S^T`` the signed tie matrix is ``W = S S^T + T + T^T``, diagonal zeroed. Congruence
(the sum of the positive products) and conflict (the negative ones) are kept apart, as DNA
keeps them, with ``X = [S+, S-]``: direct congruence ``X X^T``, direct conflict
``S+ S-^T + S- S+^T``, link congruence ``X [[L+, L-], [L-, L+]] X^T`` and link conflict
``X [[L-, L+], [L+, L-]] X^T``; ``W = congruence - conflict``. All sparse products: the cost
grows with the ties, not with actors x actors.

**Coalitions** (:func:`partition`) are the signed partition that minimises the frustration
of Doreian & Mrvar (1996), "A partitioning approach to structural balance", Social Networks
18(2): 149-168: the weight of the negative ties inside coalitions plus the weight of the
positive ties between them (their criterion with alpha = 0.5, times two). It starts from
Louvain communities of the positive ties (seeded), then moves single actors to the coalition
(or a new one) that lowers the frustration most, in a seeded random order, and merges two
coalitions when the ties between them are positive on balance, until neither lowers it.
Greedy, so a local minimum (no single actor's move and no merge lowers the frustration),
like Doreian & Mrvar's own relocation algorithm; deterministic for a seed.

**Polarisation** (:func:`kg.analysis.discourse.polarisation` on this network's congruence and
conflict): between-coalition conflict / (between-coalition conflict + between-coalition
congruence + within-coalition conflict), the same formula as DNA's statement network, so the
two can be compared. The frustration itself is reported too, and ``balance`` = 1 -
frustration / total absolute weight (1 when the partition is perfectly balanced; it is not a
polarisation: a debate where everybody agrees is perfectly balanced).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.analysis import discourse
from kg.analysis.discourse import NO_DATE, OneMode, StatementRow, in_period
from kg.queries import runner

if TYPE_CHECKING:
    from kg.stores.base import Store

METHOD_NAME = ("signed partition minimising frustration (negative ties within + positive ties "
               "between coalitions): Louvain on positive ties, then greedy single-actor moves and "
               "coalition merges, seeded")
REFERENCE = ("Doreian, P. & Mrvar, A. (1996). A partitioning approach to structural balance. "
             "Social Networks 18(2), 149-168.")
TIES = ("signed ties: s1*s2 for two actors' statements on the same claim, plus p*s1*s2 for "
        "statements on claims c1, c2 and each link c1 -> c2 (p = +1 support, -1 attack), summed "
        "over statement pairs; s = dkg:stanceSign of the statement's stance, from the ontology; "
        "link asserters get no stance")
POLARISATION = ("between-coalition conflict / (between conflict + between congruence + within "
                "conflict), as DNA's, on the argument-aware network")
EPSILON = 1e-9  # a move or merge must lower the frustration by more than this
MAX_ROUNDS = 200  # rounds of moves and merges (each strictly lowers the frustration)
MAX_VIA = 20  # claims and links listed behind one tie (the strongest)
VIA_BUDGET = 1_000_000  # statement pairs examined for the 'via' lists; above it, none are listed


@dataclass(frozen=True)
class SignedTable:
    """Every statement (whatever its stance) as parallel arrays, like
    :class:`kg.analysis.discourse.StatementTable`, with the stance's sign and key."""

    actor_ids: tuple[str, ...]
    actor_labels: tuple[str, ...]
    claim_ids: tuple[str, ...]
    claim_labels: tuple[str, ...]
    actor: np.ndarray  # int index into actor_ids, one per statement
    claim: np.ndarray  # int index into claim_ids
    sign: np.ndarray  # float: dkg:stanceSign of the statement's stance
    stance: np.ndarray  # str: the stance's annotation key (agree, disagree, hedged, declined)
    dna: np.ndarray  # bool: the statement is in DNA's table (agree or disagree)
    day: np.ndarray  # datetime64[D]; NaT when undated

    def __len__(self) -> int:
        return len(self.actor)

    def select(self, mask: np.ndarray) -> SignedTable:
        """The statements where ``mask`` is true (index spaces unchanged)."""
        return replace(self, actor=self.actor[mask], claim=self.claim[mask], sign=self.sign[mask],
                       stance=self.stance[mask], dna=self.dna[mask], day=self.day[mask])

    def between(self, start: date | None = None, end: date | None = None) -> SignedTable:
        """Statements dated ``start <= day <= end``, as :meth:`StatementTable.between`."""
        mask = in_period(self.day, start, end)
        return self if mask is None else self.select(mask)

    def sign_parts(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """``(S+, S-)``: actors x claims sums of the positive signs and of the absolute negative
        signs (``S = S+ - S-``; duplicates add up, a declined statement adds 0)."""
        shape = (len(self.actor_ids), len(self.claim_ids))

        def part(values: np.ndarray) -> sp.csr_matrix:
            keep = values > 0
            matrix = sp.csr_matrix((values[keep], (self.actor[keep], self.claim[keep])), shape=shape)
            matrix.sum_duplicates()
            return matrix

        return part(np.clip(self.sign, 0, None)), part(np.clip(-self.sign, 0, None))

    def activity(self) -> np.ndarray:
        """Statements per actor, whatever their stance."""
        return np.bincount(self.actor, minlength=len(self.actor_ids)).astype(float)


def table_from_rows(rows: Iterable[StatementRow]) -> SignedTable:
    """The signed table of statement rows (:func:`kg.analysis.discourse.statement_rows`); ids
    indexed in sorted order, so results do not depend on the order of the rows."""
    rows = list(rows)
    actors = dict(sorted({(r.actor_id, r.actor_label) for r in rows}))
    claims = dict(sorted({(r.claim_id, r.claim_label) for r in rows}))
    a_index = {a: i for i, a in enumerate(actors)}
    c_index = {c: i for i, c in enumerate(claims)}
    return SignedTable(
        actor_ids=tuple(actors), actor_labels=tuple(actors.values()),
        claim_ids=tuple(claims), claim_labels=tuple(claims.values()),
        actor=np.array([a_index[r.actor_id] for r in rows], dtype=np.int64),
        claim=np.array([c_index[r.claim_id] for r in rows], dtype=np.int64),
        sign=np.array([r.sign for r in rows], dtype=float),
        stance=np.array([r.stance for r in rows], dtype=object),
        dna=np.array([r.agrees is not None for r in rows], dtype=bool),
        day=np.array([NO_DATE if r.day is None else np.datetime64(r.day, "D") for r in rows],
                     dtype="datetime64[D]"),
    )


class Link(NamedTuple):
    """One support or attack relation between two claims (or evidence items): ``sign`` is +1
    for support, -1 for attack, as the query reads them."""

    premise: str
    conclusion: str
    polarity: str
    sign: float


def load_links(graph_store: Store) -> list[Link]:
    """Every distinct (premise, conclusion, polarity) link (``queries/internal/analysis-links.rq``)."""
    return [Link(str(r["premiseId"]), str(r["conclusionId"]), str(r["polarity"]), discourse.number(r["sign"]))
            for r in runner.run(graph_store, "analysis-links").values()]


def link_parts(claim_ids: Sequence[str], links: Iterable[Link]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``(L+, L-)``: claims x claims, ``L+[k, l]`` the support links ``k -> l`` and ``L-[k, l]``
    the attack links (each weighted by ``|sign|``). Links touching a claim nobody made a
    statement on (in this table) are left out: they tie no one."""
    index = {c: i for i, c in enumerate(claim_ids)}
    n = len(claim_ids)
    rows: dict[bool, list[tuple[int, int, float]]] = {True: [], False: []}
    for link in links:
        k, m = index.get(link.premise), index.get(link.conclusion)
        if k is None or m is None or link.sign == 0:
            continue
        rows[link.sign > 0].append((k, m, abs(link.sign)))

    def matrix(cells: list[tuple[int, int, float]]) -> sp.csr_matrix:
        if not cells:
            return sp.csr_matrix((n, n))
        k, m, w = zip(*cells, strict=True)
        return sp.csr_matrix((np.array(w, dtype=float), (np.array(k), np.array(m))), shape=(n, n))

    return matrix(rows[True]), matrix(rows[False])


@dataclass(frozen=True)
class SignedNetwork:
    """The signed actor network: ``net.weight`` = congruence - conflict (diagonal zero);
    ``argued`` is the part of the weight that comes through links (``T + T^T``)."""

    net: OneMode
    argued: sp.csr_matrix


def network(table: SignedTable, links: Iterable[Link]) -> SignedNetwork:
    """The argument-aware actor network of ``table`` and ``links`` (see the module docstring)."""
    Sp, Sn = table.sign_parts()
    Lp, Ln = link_parts(table.claim_ids, links)
    X = sp.hstack([Sp, Sn], format="csr")
    direct_congruence = X @ X.T
    cross = Sp @ Sn.T
    direct_conflict = cross + cross.T
    link_congruence = X @ sp.bmat([[Lp, Ln], [Ln, Lp]], format="csr") @ X.T
    link_conflict = X @ sp.bmat([[Ln, Lp], [Lp, Ln]], format="csr") @ X.T
    congruence = _off_diagonal(direct_congruence + link_congruence + link_congruence.T)
    conflict = _off_diagonal(direct_conflict + link_conflict + link_conflict.T)
    argued = _off_diagonal((link_congruence - link_conflict) + (link_congruence - link_conflict).T)
    weight = _off_diagonal(congruence - conflict)
    net = OneMode(table.actor_ids, table.actor_labels, congruence, conflict, weight, table.activity(),
                  "signed", "no")
    return SignedNetwork(net, argued)


def _off_diagonal(M: sp.spmatrix) -> sp.csr_matrix:
    """``M`` as CSR floats with the diagonal and explicit zeros removed."""
    M = sp.csr_matrix(M, dtype=float)
    M = sp.csr_matrix(M - sp.diags(M.diagonal()))
    M.data[np.abs(M.data) < EPSILON] = 0.0
    M.eliminate_zeros()
    return M


# --- frustration and the signed partition --------------------------------------------------


def frustration(weight: sp.spmatrix, labels: np.ndarray) -> tuple[float, float]:
    """``(frustration, total)`` of a partition of a symmetric signed matrix: the absolute
    weight of negative ties inside groups plus the weight of positive ties between groups,
    and the total absolute weight, over the pairs ``i < j`` where both have a label >= 0."""
    T = sp.triu(sp.csr_matrix(weight), k=1).tocoo()
    li, lj = labels[T.row], labels[T.col]
    placed = (li >= 0) & (lj >= 0)
    same = li == lj
    w = T.data
    bad = placed & (((w < 0) & same) | ((w > 0) & ~same))
    return float(np.abs(w[bad]).sum()), float(np.abs(w[placed]).sum())


def partition(weight: sp.spmatrix, active: np.ndarray, start: np.ndarray, seed: int = 0) -> np.ndarray:
    """Labels (``-1`` for inactive nodes) of a partition of the active nodes that lowers the
    frustration of ``weight`` greedily from ``start`` (labels of the active nodes; an active
    node labelled below 0 there starts in a group of its own).

    A node's cost in group ``g`` is its positive weight outside ``g`` plus its negative weight
    inside: ``pos(v) - w(v, g)`` with ``w(v, g)`` the signed sum of its ties into ``g``. So each
    move takes a node to the group (or a new, empty group: ``w = 0``) with the largest
    ``w(v, g)``, when that beats its own group by more than :data:`EPSILON`; nodes are visited
    in a seeded random order. When no node moves, the two groups with the largest positive
    signed sum between them are merged (it lowers the frustration by that sum). Repeats until
    neither happens. Equal gains go to the lowest group number.
    """
    W = sp.csr_matrix(weight, dtype=float)
    labels = np.where(active, start, -1).astype(np.int64)
    unplaced = np.flatnonzero(active & (labels < 0))
    labels[unplaced] = labels.max(initial=-1) + 1 + np.arange(len(unplaced))
    labels = _compact(labels)
    rng = np.random.default_rng(seed)
    nodes = np.flatnonzero(active)
    for _ in range(MAX_ROUNDS):
        moved = False
        for v in rng.permutation(nodes):
            cols = W.indices[W.indptr[v]:W.indptr[v + 1]]
            vals = W.data[W.indptr[v]:W.indptr[v + 1]]
            placed = labels[cols] >= 0
            if not placed.any():
                continue
            groups = int(labels.max()) + 1
            into = np.bincount(labels[cols[placed]], weights=vals[placed], minlength=groups)
            own = int(labels[v])
            stay = into[own]
            into[own] = -np.inf
            best = int(np.argmax(into))  # the lowest group number among equals
            if into[best] > EPSILON:  # a group it has positive ties with
                target, gain = best, into[best] - stay
            elif np.count_nonzero(labels == own) > 1:  # else a group of its own
                target, gain = groups, -stay
            else:
                continue
            if gain > EPSILON:
                labels[v] = target
                moved = True
        labels = _compact(labels)
        if not moved and not _merge(W, labels):
            break
        labels = _compact(labels)
    return labels


def _merge(W: sp.csr_matrix, labels: np.ndarray) -> bool:
    """Merge (in place) the two groups whose ties between them sum to the largest positive
    weight; False when no pair sums above :data:`EPSILON`."""
    placed = np.flatnonzero(labels >= 0)
    groups = int(labels.max()) + 1 if len(placed) else 0
    if groups < 2:
        return False
    Z = sp.csr_matrix((np.ones(len(placed)), (placed, labels[placed])), shape=(W.shape[0], groups))
    between = sp.triu(sp.csr_matrix(Z.T @ W @ Z), k=1).tocoo()
    if not between.nnz or between.data.max() <= EPSILON:
        return False
    order = np.lexsort((between.col, between.row, -between.data))
    a, b = int(between.row[order[0]]), int(between.col[order[0]])
    labels[labels == b] = a
    return True


def _compact(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0, 1, ... in order of first appearance by node (``-1`` kept)."""
    out = np.full_like(labels, -1)
    placed = labels >= 0
    if placed.any():
        values, first, inverse = np.unique(labels[placed], return_index=True, return_inverse=True)
        rank = np.empty(len(values), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(values))
        out[placed] = rank[inverse]
    return out


# --- what kg analyze reports ---------------------------------------------------------------


@dataclass
class SignedStructure:
    """The argument-aware network of one analysis, its coalitions and polarisation."""

    table: SignedTable
    network: SignedNetwork
    graph: nx.Graph  # thresholded like DNA's actor graph; signed 'weight', 'congruence', 'conflict'
    coalitions: list[list[str]]
    polarisation: float
    frustration: float
    total_weight: float
    via: dict[tuple[str, str], list[dict]] | None  # None when over VIA_BUDGET

    @property
    def has_argument_ties(self) -> bool:
        """Whether some support or attack link ties two different actors."""
        return self.network.argued.nnz > 0

    @property
    def balance(self) -> float:
        """1 - frustration / total absolute weight (1 with no ties)."""
        return 1.0 - self.frustration / self.total_weight if self.total_weight > 0 else 1.0

    def other_stances(self, stance: str) -> list[dict]:
        """The statements with stance key ``stance``: one entry per actor and claim, with the
        number of such statements (sorted by actor, then claim)."""
        t = self.table
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for a, c, key in zip(t.actor, t.claim, t.stance, strict=True):
            if key == stance:
                counts[int(a), int(c)] += 1
        return [{"actor": t.actor_ids[a], "label": t.actor_labels[a], "claim": t.claim_ids[c],
                 "claim_label": t.claim_labels[c], "statements": n}
                for (a, c), n in sorted(counts.items(), key=lambda kv: (t.actor_ids[kv[0][0]],
                                                                        t.claim_ids[kv[0][1]]))]

    def stance_counts(self) -> dict[str, int]:
        """Statements per stance key."""
        keys, counts = np.unique(self.table.stance.astype(str), return_counts=True)
        return {str(k): int(n) for k, n in zip(keys, counts, strict=True)}


def structure(table: SignedTable, links: Sequence[Link], seed: int = 0,
              max_edges: int | None = None) -> SignedStructure:
    """Network, coalitions (:func:`partition` from Louvain), polarisation, frustration, via."""
    signed = network(table, links)
    net = signed.net
    graph = discourse.to_graph(net, max_edges=max_edges)
    start_groups = discourse.coalitions(graph, seed)
    index = {a: i for i, a in enumerate(net.ids)}
    start = np.full(len(net.ids), -1, dtype=np.int64)
    for g, group in enumerate(start_groups):
        start[[index[a] for a in group]] = g
    active = net.activity > 0
    labels = partition(net.weight, active, start, seed)
    groups = _groups(net.ids, labels)
    frustrated, total = frustration(net.weight, labels)
    return SignedStructure(table, signed, graph, groups, discourse.polarisation(net, groups),
                           frustrated, total, via(table, links))


def _groups(ids: Sequence[str], labels: np.ndarray) -> list[list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for i, label in enumerate(labels.tolist()):
        if label >= 0:
            found[label].append(ids[i])
    return sorted((sorted(g) for g in found.values()), key=lambda g: (-len(g), g[0]))


def via(table: SignedTable, links: Iterable[Link], budget: int = VIA_BUDGET
        ) -> dict[tuple[str, str], list[dict]] | None:
    """For each tied pair ``(a, b)`` (``a < b``): the claims (direct ties) and links behind the
    tie, each with its signed share of the weight, strongest first (at most :data:`MAX_VIA`).

    Entries: ``{"claim": k, "weight": w}`` for statements on the same claim and
    ``{"premise": k, "conclusion": l, "polarity": p, "weight": w}`` for a link. ``None`` when
    listing them would examine more than ``budget`` statement pairs (big networks)."""
    on: list[dict[int, float]] = [{} for _ in table.claim_ids]  # claim -> actor -> sum of signs
    for a, k, w in zip(table.actor.tolist(), table.claim.tolist(), table.sign.tolist(), strict=True):
        if w != 0:
            on[k][a] = on[k].get(a, 0.0) + w
    index = {c: i for i, c in enumerate(table.claim_ids)}
    usable = [(index[x.premise], index[x.conclusion], x) for x in links
              if x.premise in index and x.conclusion in index and x.sign != 0]
    pairs = sum(len(a) ** 2 for a in on) + sum(len(on[k]) * len(on[m]) for k, m, _ in usable)
    if pairs > budget:
        return None
    ids = table.actor_ids
    found: dict[tuple[str, str], dict[tuple[str, ...], float]] = defaultdict(lambda: defaultdict(float))
    for k, actors in enumerate(on):
        claim = (table.claim_ids[k],)
        for i, si in actors.items():
            for j, sj in actors.items():
                if i < j:
                    found[ids[i], ids[j]][claim] += si * sj
    for k, m, link in usable:
        relation = (link.premise, link.conclusion, link.polarity)
        for i, si in on[k].items():
            for j, sj in on[m].items():
                if i != j:
                    found[ids[min(i, j)], ids[max(i, j)]][relation] += link.sign * si * sj
    out: dict[tuple[str, str], list[dict]] = {}
    for pair, shares in found.items():
        ranked = sorted(((k, w) for k, w in shares.items() if abs(w) > EPSILON),
                        key=lambda kw: (-abs(kw[1]), kw[0]))[:MAX_VIA]
        if ranked:
            out[pair] = [({"claim": k[0]} if len(k) == 1 else
                          {"premise": k[0], "conclusion": k[1], "polarity": k[2]}) | {"weight": w}
                         for k, w in ranked]
    return out
