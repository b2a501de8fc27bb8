"""Discourse networks from statements, as Leifeld's Discourse Network Analyzer (DNA) defines them.

A statement is one actor agreeing or disagreeing with one claim (DNA: a person or organisation,
a concept and the boolean qualifier ``agreement``). From the statement table this module builds

* the **two-mode** actor x claim network with DNA's qualifier aggregations and normalisations;
* the **one-mode** actor x actor (or claim x claim) networks: congruence, conflict, subtract,
  with DNA's normalisations;
* **time slices**: statements between two dates, and moving windows (one network per window).

Everything is a ``scipy.sparse`` matrix: an actor x actor projection is a sparse product
(``P @ P.T``), which stays fast at 10,000 actors and 100,000 statements where a networkx
bipartite projection does not (see ``kg.bench.discourse``). networkx graphs are built from the
matrices afterwards, thresholded (:func:`to_graph`).

Notation used in the docstrings: ``A[i, k, q]`` is the number of statements actor ``i`` made on
claim ``k`` with qualifier level ``q`` (``q = 0`` disagree, ``q = 1`` agree, DNA's order for a
boolean qualifier); ``P = A[:, :, 1]`` (agree counts), ``D = A[:, :, 0]`` (disagree counts);
``n_i = sum_k,q A[i, k, q]`` is actor ``i``'s activity (its number of statements). Duplicate
statements count, as with DNA's ``duplicates = "include"``. Only agree and disagree statements
enter these networks (:func:`dna_table`): a hedged or declined statement is not a disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.analysis import louvain
from kg.model.collector import paused
from kg.model.errors import KgError
from kg.model.namespaces import DKG
from kg.queries import runner

if TYPE_CHECKING:
    from kg.stores.base import Store

ACTOR_KINDS = ("person", "organisation")
TWO_MODE_AGGREGATIONS = ("ignore", "subtract", "combine")
TWO_MODE_NORMALISATIONS = ("no", "activity", "prominence")
ONE_MODE_AGGREGATIONS = ("congruence", "conflict", "subtract", "ignore")
ONE_MODE_NORMALISATIONS = ("no", "average", "jaccard", "cosine")
NO_DATE = np.datetime64("NaT", "D")


def in_period(day: np.ndarray, start: date | None, end: date | None) -> np.ndarray | None:
    """Which of the ``day`` values lie in ``start <= day <= end`` (either bound may be open);
    undated ones are out as soon as a bound is given. None: no bound, everything is in."""
    if start is None and end is None:
        return None
    mask = ~np.isnat(day)
    if start is not None:
        mask &= day >= np.datetime64(start, "D")
    if end is not None:
        mask &= day <= np.datetime64(end, "D")
    return mask


@dataclass(frozen=True)
class StatementTable:
    """Statements as parallel arrays over fixed actor and claim index spaces.

    Filtering by date (:meth:`between`) keeps the index spaces, so networks of different time
    windows have the same rows and columns and can be compared cell by cell.
    """

    actor_ids: tuple[str, ...]
    actor_labels: tuple[str, ...]
    claim_ids: tuple[str, ...]
    claim_labels: tuple[str, ...]
    actor: np.ndarray  # int index into actor_ids, one per statement
    claim: np.ndarray  # int index into claim_ids
    agree: np.ndarray  # bool
    day: np.ndarray  # datetime64[D]; NaT when the statement has no date

    def __len__(self) -> int:
        return len(self.actor)

    def select(self, mask: np.ndarray) -> StatementTable:
        """The statements where ``mask`` is true (index spaces unchanged)."""
        return replace(self, actor=self.actor[mask], claim=self.claim[mask], agree=self.agree[mask],
                       day=self.day[mask])

    def between(self, start: date | None = None, end: date | None = None) -> StatementTable:
        """Statements dated ``start <= day <= end`` (either bound may be open); undated ones are
        dropped as soon as a bound is given, since they cannot be placed in time."""
        mask = in_period(self.day, start, end)
        return self if mask is None else self.select(mask)

    def stance_counts(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """``(P, D)``: agree and disagree statement counts, actors x claims (duplicates add up)."""
        shape = (len(self.actor_ids), len(self.claim_ids))

        def counts(mask: np.ndarray) -> sp.csr_matrix:
            ones = np.ones(int(mask.sum()))
            return sp.csr_matrix((ones, (self.actor[mask], self.claim[mask])), shape=shape)

        return counts(self.agree), counts(~self.agree)


def table_from_records(records: Iterable[Sequence]) -> StatementTable:
    """Build a table from ``(actor_id, actor_label, claim_id, claim_label, agrees, day)`` rows.

    Ids are indexed in sorted order, so results do not depend on the order of the rows.
    """
    rows = list(records)
    actors = dict(sorted({(r[0], r[1]) for r in rows}))
    claims = dict(sorted({(r[2], r[3]) for r in rows}))
    a_index = {a: i for i, a in enumerate(actors)}
    c_index = {c: i for i, c in enumerate(claims)}
    return StatementTable(
        actor_ids=tuple(actors), actor_labels=tuple(actors.values()),
        claim_ids=tuple(claims), claim_labels=tuple(claims.values()),
        actor=np.array([a_index[r[0]] for r in rows], dtype=np.int64),
        claim=np.array([c_index[r[2]] for r in rows], dtype=np.int64),
        agree=np.array([bool(r[4]) for r in rows], dtype=bool),
        day=_days(r[5] for r in rows),
    )


def _days(days: Iterable[date | None]) -> np.ndarray:
    """Statement dates as a ``datetime64[D]`` array (``NO_DATE`` for none); each distinct date is
    converted once, as a debate's statements share a few hundred dates."""
    converted: dict[date | None, np.datetime64] = {None: NO_DATE}
    return np.array([converted[d] if d in converted else converted.setdefault(d, np.datetime64(d, "D"))
                     for d in days], dtype="datetime64[D]")


@dataclass(frozen=True)
class StatementRow:
    """One statement as ``queries/internal/analysis-statements.rq`` returns it, for one actor kind.

    ``agrees`` is DNA's qualifier: ``True`` agree, ``False`` disagree, ``None`` for any other
    stance (hedged, declined), which DNA's networks leave out. ``stance`` is the stance's
    annotation key and ``sign`` its ``dkg:stanceSign`` (0 when the store has none), both read
    from the ontology in the store, never from Python.
    """

    actor_id: str
    actor_label: str
    claim_id: str
    claim_label: str
    stance: str
    sign: float
    agrees: bool | None
    day: date | None


def statement_rows(graph_store: Store, actor: str = "person") -> list[StatementRow]:
    """Every statement in the store, whatever its stance, keyed by ``actor``.

    ``actor="person"`` takes the speaker (a person, or an organisation speaking in its own
    name); ``actor="organisation"`` takes the organisation the statement was made for
    (``dkg:speaksFor``), so a chair's statements count for the federation. The date is the
    statement's ``dct:date`` or, when the source is undated, its ``dkg:earliestDate``. The
    rows come with ids (``analysis-statements``), the names from one read of the actors' and
    claims' labels (``analysis-labels``; an id with several labels takes the last in sorted
    order, as :func:`table_from_records` would; one with none is its own label), read on a
    thread of their own beside the statements where the store allows it.
    """
    if actor not in ACTOR_KINDS:
        raise KgError(f"--actor must be one of {', '.join(ACTOR_KINDS)}, not {actor!r}")
    by = DKG.speaker if actor == "person" else DKG.speaksFor
    with ThreadPoolExecutor(1) as pool:  # the labels beside the statements where the store allows
        read = partial(runner.run, graph_store, "analysis-labels")
        named = pool.submit(read) if graph_store.concurrent else None
        statements = runner.run(graph_store, "analysis-statements", by=by)
        labelled = (named.result() if named is not None else read()).values()
    labels: dict[str, dict[str, str]] = {"actor": {}, "claim": {}}
    for r in labelled:
        labels[str(r["role"])][str(r["id"])] = str(r["label"])
    actors, claims = labels["actor"], labels["claim"]
    column = {name: i for i, name in enumerate(statements.vars)}
    who_at, what_at = column["actorId"], column["claimId"]
    stance_at, sign_at, agrees_at, date_at = (column[n] for n in ("stance", "sign", "agrees", "date"))
    # a statement takes one of a few stances: each stance's key, sign and qualifier read once
    stances: dict[tuple[object, object, object], tuple[str, float, bool | None]] = {}
    out = []
    with paused():  # an object a statement (see kg.model.collector)
        for row in statements.python_rows():
            who, what, day = str(row[who_at]), str(row[what_at]), row[date_at]
            seen = (row[stance_at], row[sign_at], row[agrees_at])
            if (stance := stances.get(seen)) is None:
                stance = stances[seen] = (str(seen[0]), number(seen[1]), runner.boolean(seen[2]))
            out.append(StatementRow(who, actors.get(who, who), what, claims.get(what, what), *stance,
                                    day if isinstance(day, date) else None))
    return out


def dna_table(rows: Iterable[StatementRow]) -> StatementTable:
    """DNA's statement table: the agree and disagree statements only (hedged, declined and any
    other stance are not a disagreement and are left out, as DNA has no such qualifier)."""
    return table_from_records((r.actor_id, r.actor_label, r.claim_id, r.claim_label, r.agrees, r.day)
                              for r in rows if r.agrees is not None)


def load_statements(graph_store: Store, actor: str = "person") -> StatementTable:
    """DNA's statement table read from the store (agree and disagree statements; see
    :func:`statement_rows` for ``actor`` and the dates, :func:`dna_table` for the filter)."""
    return dna_table(statement_rows(graph_store, actor))


def number(value: object) -> float:
    """An RDF number (decimal, double, integer, or its text) as a float; unbound is 0."""
    if value is None:
        return 0.0
    try:
        return float(str(value))
    except ValueError as exc:
        raise KgError(f"expected a number from the store, not {value!r}") from exc


# --- two-mode ------------------------------------------------------------------------------


def two_mode(table: StatementTable, aggregation: str = "ignore", normalization: str = "no") -> sp.csr_matrix:
    """The actor x claim matrix ``M`` with DNA's qualifier aggregation and normalisation.

    Aggregations (``A``, ``P``, ``D`` as in the module docstring):

    * ``ignore``:   ``M[i,k] = P[i,k] + D[i,k]`` (statements, whatever the stance);
    * ``subtract``: ``M[i,k] = P[i,k] - D[i,k]`` (net agreement);
    * ``combine``:  ``M[i,k] = 1`` if ``i`` only agrees with ``k``, ``2`` if it only disagrees,
      ``3`` if it does both (DNA's lexical rank of the binary vector ``[D>0, P>0]``).

    Normalisations (each row or column divided by a denominator; zero rows stay zero):

    * ``activity``:   row ``i`` divided by the actor's activity: ``sum_k M[i,k]`` for ignore,
      ``n_i = sum_k (P+D)[i,k]`` for subtract, the number of non-zero cells for combine;
    * ``prominence``: column ``k`` divided by the same quantities taken over the column.

    DNA warns that normalising ``combine`` codes has no clear meaning; it is allowed as in DNA.
    """
    _check(aggregation, TWO_MODE_AGGREGATIONS, "two-mode aggregation")
    _check(normalization, TWO_MODE_NORMALISATIONS, "two-mode normalisation")
    P, D = table.stance_counts()
    if aggregation == "ignore":
        M = P + D
        activity = M
    elif aggregation == "subtract":
        M = P - D
        activity = P + D
    else:
        M = (P > 0).astype(float) + 2.0 * (D > 0).astype(float)
        activity = (M > 0).astype(float)
    M = sp.csr_matrix(M, dtype=float)
    if normalization == "no":
        return M
    axis = 1 if normalization == "activity" else 0
    denominator = np.asarray(activity.sum(axis=axis)).ravel()
    scale = np.divide(1.0, denominator, out=np.zeros_like(denominator, dtype=float), where=denominator != 0)
    scaling = sp.diags(scale)
    return sp.csr_matrix(scaling @ M if axis == 1 else M @ scaling)


# --- one-mode ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OneMode:
    """A one-mode network: its normalised congruence and conflict parts and the chosen weight."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    congruence: sp.csr_matrix
    conflict: sp.csr_matrix
    weight: sp.csr_matrix  # the aggregation asked for
    activity: np.ndarray  # statements per node (n_i)
    aggregation: str
    normalization: str


def one_mode(table: StatementTable, mode: str = "actor", aggregation: str = "congruence",
             normalization: str = "no") -> OneMode:
    """Actor x actor (``mode="actor"``) or claim x claim (``mode="claim"``) network, as DNA.

    For two actors ``i != j`` (the diagonal is zero):

    * congruence: ``C[i,j] = sum_k sum_q A[i,k,q] A[j,k,q] = (P P^T + D D^T)[i,j]``, i.e. for
      each claim, the products of their statement counts with the same stance;
    * conflict:   ``K[i,j] = sum_k (P[i,k] D[j,k] + D[i,k] P[j,k]) = (P D^T + D P^T)[i,j]``;
    * subtract:   ``C[i,j] - K[i,j]`` (each normalised first, as DNA does);
    * ignore:     ``sum_k (P+D)[i,k] (P+D)[j,k]`` (co-occurrence, stance ignored).

    Normalisations divide each cell by a denominator built from the activities
    ``n_i = sum_k,q A[i,k,q]``:

    * ``average``: ``(n_i + n_j) / 2``;
    * ``jaccard``: ``m10 + m01 + m11`` with ``m11 = sum_k,q A[i,k,q] A[j,k,q]`` over the cells
      both use, ``m10 = sum A[i,k,q]`` over the cells ``j`` does not use and ``m01`` the other
      way round; with one statement per cell this is ``|I & J| / |I | J|``;
    * ``cosine``:  ``sqrt(n_i^2) * sqrt(n_j^2) = n_i * n_j``. This is DNA's implementation
      (``Exporter.computeOneModeMatrix``), kept for compatibility: it is the product of the
      activities, not the Euclidean norms of the rows.

    Claim x claim networks are the same with the roles swapped (``P^T``, ``D^T``).
    """
    if mode not in ("actor", "claim"):
        raise KgError(f"mode must be 'actor' or 'claim', not {mode!r}")
    _check(aggregation, ONE_MODE_AGGREGATIONS, "one-mode aggregation")
    _check(normalization, ONE_MODE_NORMALISATIONS, "one-mode normalisation")
    P, D = table.stance_counts()
    ids, labels = table.actor_ids, table.actor_labels
    if mode == "claim":
        P, D = P.T.tocsr(), D.T.tocsr()
        ids, labels = table.claim_ids, table.claim_labels
    X = sp.hstack([D, P], format="csr")  # rows x (claims * qualifier levels)
    activity = np.asarray(X.sum(axis=1)).ravel()
    congruence = X @ X.T
    conflict = X @ sp.hstack([P, D], format="csr").T  # D P^T + P D^T in one product, no sum
    cooccurrence = None
    if aggregation == "ignore":
        N = P + D
        cooccurrence = N @ N.T
    xb = None
    if normalization == "jaccard":
        xb = sp.csr_matrix(X @ (X > 0).astype(float).T)
    norm = _normaliser(normalization, activity, congruence, xb)
    congruence, conflict = norm(congruence), norm(conflict)
    if aggregation == "congruence":
        weight = congruence
    elif aggregation == "conflict":
        weight = conflict
    elif aggregation == "subtract":
        weight = sp.csr_matrix(congruence - conflict)
    else:
        weight = norm(cooccurrence)
    return OneMode(ids, labels, congruence, conflict, weight, activity, aggregation, normalization)


def _normaliser(normalization: str, activity: np.ndarray, raw_congruence: sp.csr_matrix,
                xb: sp.csr_matrix | None):
    """A function that zeroes the diagonal of a square matrix and divides its cells by DNA's
    denominator for ``normalization`` (see :func:`one_mode`). Works on the CSR arrays of the
    product it is given, in place (a copy only for jaccard, which reads the raw congruence again):
    no per-cell indexing and no sort of the cells, so it stays linear in the number of ties."""
    overlap = raw_congruence if normalization == "jaccard" else None

    def apply(W: sp.spmatrix) -> sp.csr_matrix:
        W = sp.csr_matrix(W, dtype=float, copy=overlap is not None)
        if normalization != "no":  # jaccard reads other products at these cells, in this order
            W.sum_duplicates()
            W.sort_indices()
        rows = np.repeat(np.arange(W.shape[0], dtype=W.indices.dtype), np.diff(W.indptr))
        cols = W.indices
        W.data[rows == cols] = 0.0
        if normalization == "no":
            W.eliminate_zeros()
            return W
        if normalization == "average":
            denominator = (activity[rows] + activity[cols]) / 2.0
        elif normalization == "cosine":
            denominator = activity[rows] * activity[cols]
        else:  # jaccard: m10 + m01 + m11, read off products with the same sparsity pattern
            assert xb is not None, "one_mode computes xb for the jaccard normalisation"
            m11 = _aligned(overlap, W)
            i_on_j = _aligned(xb, W)  # sum of A[i] over the cells j uses
            j_on_i = _aligned(sp.csr_matrix(xb.T), W)
            denominator = (activity[rows] - i_on_j) + (activity[cols] - j_on_i) + m11
        np.divide(W.data, denominator, out=W.data, where=denominator != 0)
        W.data[denominator == 0] = 0.0
        W.eliminate_zeros()
        return W

    return apply


def _aligned(source: sp.spmatrix, pattern: sp.csr_matrix) -> np.ndarray:
    """The values of ``source`` at the stored cells of ``pattern`` (CSR order), zero elsewhere."""
    source = sp.csr_matrix(source, dtype=float)
    source.sum_duplicates()
    source.sort_indices()
    if np.array_equal(source.indptr, pattern.indptr) and np.array_equal(source.indices, pattern.indices):
        return source.data
    rows = np.repeat(np.arange(pattern.shape[0]), np.diff(pattern.indptr))
    return np.asarray(source[rows, pattern.indices], dtype=float).ravel()


# --- graphs, coalitions, polarisation ------------------------------------------------------


def _at(matrix: sp.spmatrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The values of a symmetric ``matrix`` at the pairs ``(rows[i], cols[i])``, each above the
    diagonal (0 where it has none).

    One pass over the matrix's upper triangle, each cell looked up among the pairs by binary
    search: scipy's own indexing scans a row per pair unless it is given more pairs than a tenth
    of the cells, and sorting the rows first copies every cell (at 5M triples, 100,000 ties of a
    9-million-cell network: about 0.2 s against 0.55 s a matrix).
    """
    if not len(rows):
        return np.zeros(0)
    upper = sp.triu(sp.csr_matrix(matrix), k=1).tocoo()
    width = np.int64(matrix.shape[1])
    pairs, back = np.unique(rows.astype(np.int64) * width + cols.astype(np.int64), return_inverse=True)
    cells = upper.row.astype(np.int64) * width + upper.col.astype(np.int64)
    at = np.minimum(np.searchsorted(pairs, cells), len(pairs) - 1)
    hit = pairs[at] == cells  # a cell given twice adds up, as scipy's indexing would have it
    return np.bincount(at[hit], weights=upper.data[hit], minlength=len(pairs)).astype(float)[back]


def to_graph(net: OneMode, matrix: sp.spmatrix | None = None, threshold: float = 0.0,
             max_edges: int | None = None) -> nx.Graph:
    """An undirected networkx graph of the active nodes, with an edge where the absolute weight
    is above ``threshold``; ``congruence`` and ``conflict`` are kept on each edge as attributes.

    ``max_edges`` keeps only that many of the strongest ties (big networks: threshold before
    building the graph, not after); among equal weights at the cut, the first in row-major
    order. Edges are added in row-major order, whatever order scipy keeps the cells in, so the
    graph (and the coalitions found on it) depend on the network alone.
    """
    source = matrix if matrix is not None else net.weight
    W = sp.triu(sp.csr_matrix(source), k=1).tocoo()
    keep = np.flatnonzero(np.abs(W.data) > threshold)
    position = W.row[keep].astype(np.int64) * W.shape[1] + W.col[keep]
    if max_edges is not None and len(keep) > max_edges:
        keep, position = _strongest(np.abs(W.data[keep]), keep, position, max_edges)
    order = np.argsort(position)
    keep = keep[order]
    rows, cols, weights = W.row[keep], W.col[keep], W.data[keep]
    # the default network's weight is its congruence: its values are at hand, not looked up
    congruence = weights if source is net.congruence else _at(net.congruence, rows, cols)
    conflict = weights if source is net.conflict else _at(net.conflict, rows, cols)
    graph = nx.Graph()
    for n in np.flatnonzero(net.activity > 0):
        graph.add_node(net.ids[n], label=net.labels[n], statements=int(net.activity[n]))
    graph.add_edges_from(
        (net.ids[r], net.ids[c], {"weight": float(w), "congruence": float(cg), "conflict": float(cf)})
        for r, c, w, cg, cf in zip(rows, cols, weights, congruence, conflict, strict=True)
    )
    return graph


def _strongest(strength: np.ndarray, keep: np.ndarray, position: np.ndarray, count: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` entries of ``keep`` (and their row-major ``position``) with the largest
    ``strength``; among equal strengths at the cut, the lowest positions. Linear: one partition
    for the cut, one among the ties at it (a debate's weights are small counts, so hundreds of
    thousands can share the cut)."""
    cut = np.partition(strength, len(strength) - count)[len(strength) - count]
    above, level = np.flatnonzero(strength > cut), np.flatnonzero(strength == cut)
    needed = count - len(above)
    if needed < len(level):
        level = level[np.argpartition(position[level], needed - 1)[:needed]]
    chosen = np.concatenate([above, level])
    return keep[chosen], position[chosen]


def coalitions(graph: nx.Graph, seed: int = 0) -> list[list[str]]:
    """Coalitions: Louvain communities of the positive-weight edges (deterministic for a seed).

    Sorted largest first, members sorted; an actor without positive ties is a coalition of one.
    """
    # networkx's Louvain on the graph of the positive edges, without building that graph
    found = louvain.communities(graph, weight="weight", seed=seed, positive_only=True)
    return sorted((sorted(map(str, c)) for c in found), key=lambda c: (-len(c), c[0]))


def polarisation(net: OneMode, groups: Sequence[Sequence[str]]) -> float:
    """How much the coalitions oppose each other, in [0, 1].

    ``between conflict / (between conflict + between congruence + within conflict)``, summed
    over pairs of actors with the (normalised) congruence and conflict weights: 1 when actors
    of different coalitions only ever disagree and nobody disagrees inside a coalition, 0 when
    there is no disagreement across coalitions (e.g. when every statement agrees). DNA itself
    does not define one polarisation score; this one is documented here and in the README.
    """
    member = {a: g for g, group in enumerate(groups) for a in group}
    index = np.array([member.get(a, -1) for a in net.ids])

    def split(M: sp.spmatrix) -> tuple[float, float]:
        T = sp.triu(sp.csr_matrix(M), k=1).tocoo()
        gi, gj = index[T.row], index[T.col]
        placed = (gi >= 0) & (gj >= 0)
        same = placed & (gi == gj)
        return float(T.data[same].sum()), float(T.data[placed & ~same].sum())

    _, between_congruence = split(net.congruence)
    within_conflict, between_conflict = split(net.conflict)
    total = between_conflict + between_congruence + within_conflict
    return between_conflict / total if total > 0 else 0.0


# --- time ----------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_duration(text: str, option: str) -> int:
    """Days in a duration such as ``365d``, ``4w``, ``6m`` (30 days) or ``1y`` (365 days)."""
    match = _DURATION.match(text or "")
    if not match or int(match[1]) == 0:
        raise KgError(f"{option}: expected a positive duration such as 365d, 4w, 6m or 1y, not {text!r}")
    return int(match[1]) * _UNIT_DAYS[match[2]]


def windows(table: StatementTable, size_days: int, step_days: int) -> list[tuple[date, date, StatementTable]]:
    """Moving windows over the dated statements: ``[start, start + size)`` for ``start`` =
    first date, first date + step, ... while ``start`` is not after the last date.

    Each window's table keeps the full index spaces (see :class:`StatementTable`).
    """
    dated = table.select(~np.isnat(table.day))
    if len(dated) == 0:
        return []
    first, last = dated.day.min().astype(date), dated.day.max().astype(date)
    out = []
    start = first
    while start <= last:
        end = start + timedelta(days=size_days - 1)
        out.append((start, end, dated.between(start, end)))
        start += timedelta(days=step_days)
    return out


def _check(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise KgError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
