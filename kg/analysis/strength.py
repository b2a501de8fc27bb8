"""Which claims stand, by degree: gradual bipolar semantics over the support/attack graph.

Every claim and every evidence item of :func:`kg.analysis.arguments.load`'s graph is an argument
with a **strength** in [0, 1]: its *base score* raised by its supporters and lowered by its
attackers. The default semantics is **DF-QuAD** (Rago, Toni, Aurisicchio, Baroni 2016,
"Discontinuity-Free Decision Support with Quantitative Argumentation Debates", KR 2016):

* aggregation of the strengths v1..vn of an argument's attackers (or supporters):
  F() = 0, F(v1..vn) = 1 - (1 - v1)(1 - v2)...(1 - vn) (probabilistic sum);
* combination of the base score v0 with the attack aggregate va and the support aggregate vs:
  if va >= vs, s = v0 - v0 (va - vs), else s = v0 + (1 - v0)(vs - va).

The **quadratic energy** model (Potyka 2018, "Continuous Dynamical Systems for Weighted Bipolar
Argumentation", KR 2018) is the alternative (``semantics="quadratic-energy"``): energy
E = sum of supporters - sum of attackers, h(x) = max(x, 0)^2 / (1 + max(x, 0)^2),
s = v0 - v0 h(-E) + (1 - v0) h(E).

Evaluation: the graph is split into strongly connected components and they are evaluated in
topological order (premises first). An acyclic part is computed exactly, once per argument. A
cycle is iterated from the base scores (all its arguments updated together, its inputs from
outside held fixed) until no strength moves by more than :data:`TOLERANCE`, for at most
:data:`MAX_ITERATIONS` rounds; :attr:`Strengths.converged` says whether every cycle settled
and :attr:`Strengths.unconverged` names the arguments of those that did not (they keep the last
round's values).

**Base scores** are data in the ontology (``ontology/debate.ttl``, the score table section):
``dkg:baseScore`` on kinds of claims and evidence and on study designs, and the adjustments of a
``dkg:ScoreTable`` (sample size, number-check verdicts), read through
``queries/internal/strength-*.rq`` from the store (which holds the ontology it was built with),
or from the packaged ontology when the store has no score table. An argument's base score is the
score of its study design when the design has one, else that of the most specific scored class
of its kind, plus every adjustment whose condition holds (each at most once), kept in [0, 1].

**Contributions**: each premise p of a conclusion c gets two exact numbers.

* ``delta``, its share of c's move from the base score. Within the branch it takes, DF-QuAD's
  combination is linear in the difference of the aggregates: s(c) - v0 = k (vs - va), with
  k = 1 - v0 when support prevails and k = v0 otherwise. A supporter's delta is k times its
  Shapley value in the support aggregate vs, an attacker's is -k times its Shapley value in va
  (:func:`probabilistic_sum_shares`: what the premise adds to the probabilistic sum, averaged
  over every order in which the premises could be added). The deltas of c's premises add up to
  s(c) - v0, and redundant supporters share the credit rather than each getting none. (Under the
  energy model the aggregates are sums, the shares are the strengths themselves and k is the
  secant (s(c) - v0) / (vs - va).)
* ``removal``, leave-one-out: s(c) minus c's strength combined again with that one link left
  out and every other strength as computed. In an acyclic graph this is exactly how much c's
  strength changes when the link is removed from the graph (c's premises do not depend on c).
  Removals do not add up to anything: with several strong supporters each one's removal is
  small, because the others carry the claim.

A premise that both supports and attacks c makes two contributions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from kg.model.errors import KgError
from kg.queries import runner

if TYPE_CHECKING:
    from kg.stores.base import Store

MAX_ITERATIONS = 1000  # rounds of a cycle's fixed-point iteration before giving up
TOLERANCE = 1e-12  # a cycle has settled when no strength moves by more than this in a round
DECIMALS = 4  # strengths and contributions are reported rounded to this many decimals
EXACT_SHARES = 256  # up to this many premises on a side, shares by exact Gauss-Legendre quadrature


# --- the two semantics ---------------------------------------------------------------------


@dataclass(frozen=True)
class Semantics:
    """A gradual semantics: how premises' strengths aggregate and combine with a base score."""

    key: str
    name: str
    aggregate: Callable[[Sequence[float]], float]
    # each value's share of the aggregate (the shares add up to it), for contributions
    shares: Callable[[Sequence[float]], list[float]]
    # the aggregate of ``values`` without each one in turn (for the leave-one-out removal effect)
    aggregate_without: Callable[[Sequence[float]], list[float]]
    combine: Callable[[float, float, float], float]  # (base, attack aggregate, support aggregate)
    # k with combine(base, va, vs) - base = k (vs - va): how the aggregates move the strength
    slope: Callable[[float, float, float], float]

    def strength(self, base: float, attack: Sequence[float], support: Sequence[float]) -> float:
        return self.combine(base, self.aggregate(attack), self.aggregate(support))


def probabilistic_sum(values: Sequence[float]) -> float:
    """DF-QuAD's F: 0 for no values, else 1 - prod(1 - v)."""
    product = 1.0
    for v in values:
        product *= 1.0 - v
    return 1.0 - product


def probabilistic_sum_without(values: Sequence[float]) -> list[float]:
    """F of ``values`` without the i-th, for each i, from prefix and suffix products (O(n))."""
    n = len(values)
    prefix = [1.0] * (n + 1)
    for i, v in enumerate(values):
        prefix[i + 1] = prefix[i] * (1.0 - v)
    suffix = 1.0
    out = [0.0] * n
    for i in range(n - 1, -1, -1):
        out[i] = 1.0 - prefix[i] * suffix
        suffix *= 1.0 - values[i]
    return out


@lru_cache(maxsize=64)
def _gauss_legendre(points: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1]: exact for polynomials of degree < 2 points."""
    x, w = np.polynomial.legendre.leggauss(points)
    return (x + 1.0) / 2.0, w / 2.0


def _products_of_others(factors: np.ndarray) -> np.ndarray:
    """For factors of shape (n, ...): the product over every row but the i-th, for each i
    (prefix and suffix products, no division, so a zero factor is no trouble)."""
    ones = np.ones((1, *factors.shape[1:]))
    before = np.cumprod(np.concatenate([ones, factors[:-1]]), axis=0)
    after = np.cumprod(np.concatenate([ones, factors[:0:-1]]), axis=0)[::-1]
    return before * after


def probabilistic_sum_shares(values: Sequence[float]) -> list[float]:
    """Each value's Shapley value in the probabilistic sum F (the shares add up to F(values)).

    For F(S) = 1 - prod_{j in S} (1 - v_j), adding i to S adds v_i prod_{j in S} (1 - v_j), and
    Owen's multilinear formula gives the Shapley value as an integral over the probability t that
    each other premise is already in: phi_i = v_i * int_0^1 prod_{j != i} (1 - t v_j) dt. The
    integrand is a polynomial of degree n - 1, so Gauss-Legendre quadrature with n // 2 + 1 nodes
    is exact (up to rounding) for up to :data:`EXACT_SHARES` values; beyond that (synthetic
    debates), adaptive quadrature to 1e-13.
    """
    n = len(values)
    if n <= 1:
        return [float(v) for v in values]
    v = np.asarray(values, dtype=float)
    if n <= EXACT_SHARES:
        nodes, weights = _gauss_legendre(n // 2 + 1)
        integral = _products_of_others(1.0 - np.outer(v, nodes)) @ weights
    else:
        from scipy.integrate import quad_vec

        integral, _ = quad_vec(lambda t: _products_of_others(1.0 - t * v), 0.0, 1.0,
                               epsabs=1e-13, epsrel=1e-12)
    return [float(x) for x in v * integral]


def df_quad_combine(base: float, attack: float, support: float) -> float:
    """DF-QuAD's combination of a base score with the attack and support aggregates."""
    if attack >= support:
        return base - base * (attack - support)
    return base + (1.0 - base) * (support - attack)


def df_quad_slope(base: float, attack: float, support: float) -> float:
    """The slope of DF-QuAD's combination on the branch it takes (v0, or 1 - v0 if support wins)."""
    return base if attack >= support else 1.0 - base


def _sum_without(values: Sequence[float]) -> list[float]:
    total = math.fsum(values)
    return [total - v for v in values]


def _h(x: float) -> float:
    x = max(x, 0.0)
    return x * x / (1.0 + x * x)


def quadratic_energy_combine(base: float, attack: float, support: float) -> float:
    """Potyka's quadratic energy model: energy = support sum - attack sum."""
    energy = support - attack
    return base - base * _h(-energy) + (1.0 - base) * _h(energy)


def quadratic_energy_slope(base: float, attack: float, support: float) -> float:
    """The secant of the energy model (its derivative, 0, at zero energy)."""
    if support == attack:
        return 0.0
    return (quadratic_energy_combine(base, attack, support) - base) / (support - attack)


DF_QUAD = Semantics("df-quad", "DF-QuAD (Rago et al. 2016)", probabilistic_sum, probabilistic_sum_shares,
                    probabilistic_sum_without, df_quad_combine, df_quad_slope)
QUADRATIC_ENERGY = Semantics("quadratic-energy", "quadratic energy (Potyka 2018)",
                             lambda values: math.fsum(values), lambda values: [float(v) for v in values],
                             _sum_without, quadratic_energy_combine, quadratic_energy_slope)
SEMANTICS = {s.key: s for s in (DF_QUAD, QUADRATIC_ENERGY)}


# --- evaluation ----------------------------------------------------------------------------


@dataclass
class Evaluation:
    """Strengths of every argument of a graph, and whether every cycle settled."""

    strengths: dict[str, float]
    converged: bool = True
    iterations: int = 0  # the most rounds any cycle took (0: the graph is acyclic)
    unconverged: list[str] = field(default_factory=list)


def premises(graph: nx.MultiDiGraph, node: str) -> tuple[list[str], list[str]]:
    """(attackers, supporters) of ``node``, each sorted; one per premise and polarity."""
    attack = sorted({u for u, _, k in graph.in_edges(node, keys=True) if k == "attack"})
    support = sorted({u for u, _, k in graph.in_edges(node, keys=True) if k == "support"})
    return attack, support


def evaluate(graph: nx.MultiDiGraph, base: Mapping[str, float], semantics: Semantics = DF_QUAD,
             max_iterations: int = MAX_ITERATIONS, tolerance: float = TOLERANCE) -> Evaluation:
    """The strength of every node of ``graph`` (edges premise -> conclusion keyed "support" or
    "attack") from the base scores ``base``; see the module docstring for the order of work."""
    inputs = {n: premises(graph, n) for n in graph.nodes}
    strength: dict[str, float] = {}
    result = Evaluation(strength)

    def value(node: str, current: Mapping[str, float]) -> float:
        attack, support = inputs[node]
        return semantics.strength(base[node], [current[a] for a in attack], [current[s] for s in support])

    simple = nx.DiGraph(graph)
    condensed = nx.condensation(simple)
    for component in nx.topological_sort(condensed):
        members = sorted(condensed.nodes[component]["members"])
        if len(members) == 1 and not simple.has_edge(members[0], members[0]):
            strength[members[0]] = value(members[0], strength)
            continue
        for node in members:
            strength[node] = base[node]
        settled, rounds = False, 0
        while not settled and rounds < max_iterations:
            rounds += 1
            new = {node: value(node, strength) for node in members}
            settled = max(abs(new[n] - strength[n]) for n in members) <= tolerance
            strength.update(new)
        result.iterations = max(result.iterations, rounds)
        if not settled:
            result.converged = False
            result.unconverged.extend(members)
    result.unconverged.sort()
    return result


@dataclass(frozen=True)
class Contribution:
    """How much one premise moves a conclusion's strength (see the module docstring)."""

    source: str
    polarity: str
    delta: float  # its share of the conclusion's move from its base score
    removal: float  # how much the conclusion's strength falls if this one link is left out


def contributions(graph: nx.MultiDiGraph, node: str, base: Mapping[str, float],
                  strengths: Mapping[str, float], semantics: Semantics = DF_QUAD) -> list[Contribution]:
    """Every premise's contribution to ``node``, largest effect first."""
    attack, support = premises(graph, node)
    if not attack and not support:
        return []
    va = [strengths[a] for a in attack]
    vs = [strengths[s] for s in support]
    v0 = base[node]
    fa, fs = semantics.aggregate(va), semantics.aggregate(vs)
    whole = semantics.combine(v0, fa, fs)
    slope = semantics.slope(v0, fa, fs)
    out = [Contribution(a, "attack", -slope * share, whole - semantics.combine(v0, without, fs))
           for a, share, without in zip(attack, semantics.shares(va), semantics.aggregate_without(va),
                                        strict=True)]
    out += [Contribution(s, "support", slope * share, whole - semantics.combine(v0, fa, without))
            for s, share, without in zip(support, semantics.shares(vs), semantics.aggregate_without(vs),
                                         strict=True)]
    out.sort(key=lambda c: (-abs(c.delta), c.polarity, c.source))
    return out


# --- the score table -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredTerm:
    """A term of the ontology with a ``dkg:baseScore``."""

    iri: str
    label: str
    score: float


@dataclass(frozen=True)
class Adjustment:
    """A ``dkg:ScoreAdjustment``: ``delta`` added to a base score when its condition holds."""

    iri: str
    label: str
    delta: float
    verdict: str | None = None
    verdict_label: str | None = None
    sample_below: int | None = None
    sample_at_least: int | None = None

    def applies(self, sample_size: int | None, verdicts: Iterable[str]) -> bool:
        """Whether the condition holds (an adjustment with no condition never applies)."""
        if self.verdict is not None:
            return self.verdict in set(verdicts)
        if sample_size is not None and self.sample_below is not None:
            return sample_size < self.sample_below
        if sample_size is not None and self.sample_at_least is not None:
            return sample_size >= self.sample_at_least
        return False

    def as_dict(self) -> dict[str, Any]:
        when: dict[str, Any] = {}
        if self.verdict is not None:
            when["verdict"] = self.verdict_label or self.verdict
        if self.sample_below is not None:
            when["sample_size_below"] = self.sample_below
        if self.sample_at_least is not None:
            when["sample_size_at_least"] = self.sample_at_least
        return {"iri": self.iri, "label": self.label, "delta": self.delta, "when": when}


@dataclass(frozen=True)
class Basis:
    """One part of an argument's base score: a scored term, or an adjustment that applied."""

    iri: str
    label: str
    value: float

    def as_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "value": self.value}


@dataclass
class ScoreTable:
    """The base scores and adjustments read from the ontology (:func:`load_table`)."""

    iri: str
    label: str
    comment: str | None
    version: str | None
    source: str  # "store", or the packaged ontology's path when the store had no table
    terms: dict[str, ScoredTerm]  # scored terms by IRI
    applies_to: dict[str, str]  # any term (kind or design) -> the scored term whose score it takes
    adjustments: list[Adjustment]

    def scored(self, term: str | None) -> ScoredTerm | None:
        """The scored term that gives ``term`` its score (``None``: no score at or above it)."""
        found = self.applies_to.get(term) if term else None
        return self.terms[found] if found else None

    def base(self, kind: str | None, design: str | None = None, sample_size: int | None = None,
             verdicts: Iterable[str] = ()) -> tuple[float, list[Basis]]:
        """An argument's base score and what it is made of (see the module docstring)."""
        start = self.scored(design) or self.scored(kind)
        if start is None:
            raise KgError(f"no base score for kind {kind or '(none)'}: the score table {self.label!r} "
                          "gives none to it or to a class above it (add dkg:baseScore in the ontology)")
        basis = [Basis(start.iri, start.label, start.score)]
        verdicts = list(verdicts)
        basis += [Basis(a.iri, a.label, a.delta)
                  for a in self.adjustments if a.applies(sample_size, verdicts)]
        return min(1.0, max(0.0, math.fsum(b.value for b in basis))), basis

    def as_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "label": self.label, "version": self.version, "comment": self.comment,
            "source": self.source,
            "scores": [{"iri": t.iri, "label": t.label, "score": t.score}
                       for t in sorted(self.terms.values(), key=lambda t: (-t.score, t.iri))],
            "adjustments": [a.as_dict() for a in self.adjustments],
        }


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def read_table(graph_store: Store, source: str = "store") -> ScoreTable | None:
    """The score table of ``graph_store`` (``None`` if it has none; an error if it has several)."""
    rows = runner.rows(graph_store, "strength-score-table")
    tables = sorted({str(r["table"]) for r in rows})
    if not tables:
        return None
    if len(tables) > 1:
        raise KgError(f"several score tables ({', '.join(tables)}): keep one dkg:ScoreTable in the ontology")
    first = rows[0]
    adjustments: dict[str, Adjustment] = {}
    for r in rows:
        if r["adjustment"] is None or str(r["adjustment"]) in adjustments:
            continue
        adjustments[str(r["adjustment"])] = Adjustment(
            iri=str(r["adjustment"]), label=str(r["label"] or r["adjustment"]), delta=float(r["delta"]),
            verdict=str(r["verdict"]) if r["verdict"] is not None else None,
            verdict_label=str(r["verdictLabel"]) if r["verdictLabel"] is not None else None,
            sample_below=_int(r["sampleBelow"]), sample_at_least=_int(r["sampleAtLeast"]))
    terms: dict[str, ScoredTerm] = {}
    above: dict[str, set[str]] = {}  # term -> the scored terms at or above it
    for r in runner.rows(graph_store, "strength-base-scores"):
        scored = str(r["scored"])
        terms.setdefault(scored, ScoredTerm(scored, str(r["label"] or scored), float(r["score"])))
        above.setdefault(str(r["term"]), set()).add(scored)
    # along a chain of subclasses, the most specific scored term has the most scored terms above it
    applies_to = {term: max(sorted(found), key=lambda s: len(above.get(s, ())))
                  for term, found in above.items()}
    return ScoreTable(
        iri=tables[0], label=str(first["tableLabel"]),
        comment=str(first["tableComment"]) if first["tableComment"] is not None else None,
        version=str(first["version"]) if first["version"] is not None else None,
        source=source, terms=terms, applies_to=applies_to,
        adjustments=sorted(adjustments.values(), key=lambda a: a.iri))


def load_table(graph_store: Store) -> ScoreTable:
    """The score table the store was built with, else the packaged ontology's."""
    table = read_table(graph_store)
    if table is not None:
        return table
    from kg.ingest.vocabulary import ontology
    from kg.model.paths import ONTOLOGY
    from kg.stores import of_graph

    table = read_table(of_graph(ontology(), "ontology"), f"{ONTOLOGY.name} (the store has no score table)")
    if table is None:
        raise KgError("no dkg:ScoreTable in the store or in the ontology: argument strength needs one")
    return table


@dataclass
class Inputs:
    """What one argument's base score is computed from (``queries/internal/strength-inputs.rq``)."""

    kind: str | None = None
    design: str | None = None
    sample_size: int | None = None
    verdicts: dict[str, int] = field(default_factory=dict)


def read_inputs(graph_store: Store) -> dict[str, Inputs]:
    """Kind, design, sample size and number-check verdicts of every claim and evidence item."""
    out: dict[str, Inputs] = {}
    for r in runner.rows(graph_store, "strength-inputs"):
        entry = out.setdefault(str(r["id"]), Inputs())
        if r["kind"] is not None:
            entry.kind = str(r["kind"])
        if r["design"] is not None:
            entry.design = str(r["design"])
        if r["sampleSize"] is not None:
            entry.sample_size = _int(r["sampleSize"])
        if r["verdict"] is not None:
            entry.verdicts[str(r["verdict"])] = runner.count(r["checks"])
    return out


# --- the whole answer ----------------------------------------------------------------------


@dataclass
class ArgumentStrength:
    """One argument's strength, its base score and what moved it."""

    id: str
    label: str
    kind: str
    evidence: bool
    base: float
    basis: list[Basis]
    strength: float
    contributions: list[Contribution]

    def contribution_dicts(self, label: Callable[[str], str], kind: Callable[[str], str]) -> list[dict]:
        return [{"from": c.source, "label": label(c.source), "kind": kind(c.source), "polarity": c.polarity,
                 "delta": round(c.delta, DECIMALS), "removal": round(c.removal, DECIMALS)}
                for c in self.contributions]


@dataclass
class Strengths:
    """Every argument's strength under one semantics and score table."""

    semantics: Semantics
    table: ScoreTable
    arguments: dict[str, ArgumentStrength]
    converged: bool = True
    iterations: int = 0
    unconverged: list[str] = field(default_factory=list)

    def label(self, node: str) -> str:
        found = self.arguments.get(node)
        return found.label if found else node

    def kind(self, node: str) -> str:
        found = self.arguments.get(node)
        return found.kind if found else ""

    def fields(self, node: str) -> dict[str, Any]:
        """The strength fields of one argument, as ``kg analyze -f json`` puts them on a claim."""
        a = self.arguments[node]
        return {"strength": round(a.strength, DECIMALS), "base_score": round(a.base, DECIMALS),
                "base_basis": [b.as_dict() for b in a.basis],
                "contributions": a.contribution_dicts(self.label, self.kind)}

    def claims(self) -> list[ArgumentStrength]:
        """The claims (not evidence), strongest first."""
        return sorted((a for a in self.arguments.values() if not a.evidence),
                      key=lambda a: (-a.strength, a.id))

    def evidence(self) -> list[ArgumentStrength]:
        """The evidence items, strongest first."""
        return sorted((a for a in self.arguments.values() if a.evidence), key=lambda a: (-a.strength, a.id))

    def as_dict(self) -> dict[str, Any]:
        """The top-level ``strength`` object of ``kg analyze -f json``."""
        return {
            "semantics": self.semantics.name,
            "contribution": {
                "delta": "the premise's share of the claim's move from its base score: the slope of "
                         "the combination times the premise's Shapley value in its side's aggregate "
                         "(negative for attackers); a claim's deltas add up to strength - base_score",
                "removal": "leave-one-out: the claim's strength minus its strength combined again "
                           "without that one link, all other strengths as computed",
            },
            "status": "each claim's 'status' is the attack-only view: Dung's grounded semantics over "
                      "attack links, support ignored",
            "converged": self.converged, "iterations": self.iterations, "unconverged": self.unconverged,
            "base_scores": self.table.as_dict(),
            "evidence": [{"id": a.id, "label": a.label, "kind": a.kind, **self.fields(a.id)}
                         for a in self.evidence()],
        }


def strengths(graph: nx.MultiDiGraph, table: ScoreTable, inputs: Mapping[str, Inputs],
              semantics: Semantics = DF_QUAD) -> Strengths:
    """Base scores from ``table`` and ``inputs``, strengths under ``semantics``, contributions."""
    base: dict[str, float] = {}
    basis: dict[str, list[Basis]] = {}
    for node in graph.nodes:
        got = inputs.get(node, Inputs())
        base[node], basis[node] = table.base(got.kind, got.design, got.sample_size, got.verdicts)
    result = evaluate(graph, base, semantics)
    out = {}
    for node, data in graph.nodes(data=True):
        out[node] = ArgumentStrength(
            id=node, label=data.get("label", node), kind=data.get("kind", ""),
            evidence=bool(data.get("evidence")), base=base[node], basis=basis[node],
            strength=result.strengths[node],
            contributions=contributions(graph, node, base, result.strengths, semantics))
    return Strengths(semantics, table, out, result.converged, result.iterations, result.unconverged)


def compute(graph_store: Store, graph: nx.MultiDiGraph, semantics: str = DF_QUAD.key) -> Strengths:
    """Every argument's strength in ``graph`` (:func:`kg.analysis.arguments.load` of the store)."""
    if semantics not in SEMANTICS:
        raise KgError(f"unknown semantics {semantics!r} (one of: {', '.join(SEMANTICS)})")
    return strengths(graph, load_table(graph_store), read_inputs(graph_store), SEMANTICS[semantics])
