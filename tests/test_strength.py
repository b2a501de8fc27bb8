"""Which claims stand, by degree: DF-QuAD strengths, base scores from the ontology, contributions.

Three kinds of checks: small hand-made graphs whose strengths are computed by hand in the
comments (exact values); the score table read from the ontology, and what changing it does; and
properties of the seed debate that hold however it is annotated (bounds, ordering, which premises
are named), since the seed is about to be re-annotated.

DF-QuAD (Rago et al. 2016), with base score v0, attack aggregate va and support aggregate vs:
    F() = 0,  F(v1..vn) = 1 - (1 - v1)...(1 - vn)
    va >= vs:  s = v0 - v0 (va - vs)        va < vs:  s = v0 + (1 - v0)(vs - va)
"""

from __future__ import annotations

import itertools
import json
import math
import random
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kg.analysis import arguments, strength
from kg.analysis.strength import DF_QUAD, QUADRATIC_ENERGY
from kg.ingest.vocabulary import ontology, vocabulary
from kg.model.errors import KgError
from kg.model.namespaces import DKG
from kg.stores import of_graph

TIGHT = 1e-9


def framework(edges: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    """A support/attack graph from (premise, conclusion, "support" | "attack") triples."""
    graph = nx.MultiDiGraph()
    for premise, conclusion, polarity in edges:
        graph.add_edge(premise, conclusion, key=polarity, polarity=polarity)
    return graph


def run(edges: list[tuple[str, str, str]], base: dict[str, float], **kw) -> strength.Evaluation:
    return strength.evaluate(framework(edges), base, **kw)


def by_source(graph: nx.MultiDiGraph, node: str, base: dict[str, float],
              result: strength.Evaluation, semantics: strength.Semantics = DF_QUAD) -> dict:
    return {(c.source, c.polarity): c for c in strength.contributions(graph, node, base, result.strengths,
                                                                      semantics)}


# --- hand-made graphs ----------------------------------------------------------------------


def test_one_supporter() -> None:
    # claim c (base 0.5) supported by evidence e (0.8, a leaf: its strength is its base score):
    # va = 0 < vs = 0.8, so s(c) = 0.5 + (1 - 0.5) * 0.8 = 0.9
    edges = [("e", "c", "support")]
    base = {"e": 0.8, "c": 0.5}
    result = run(edges, base)
    assert result.strengths == pytest.approx({"e": 0.8, "c": 0.9}, abs=TIGHT)
    assert result.converged and result.iterations == 0  # acyclic: no iteration at all
    # one premise: its share is the whole move (0.4), and leaving it out drops c back to 0.5
    (only,) = strength.contributions(framework(edges), "c", base, result.strengths)
    assert (only.source, only.polarity) == ("e", "support")
    assert (only.delta, only.removal) == pytest.approx((0.4, 0.4), abs=TIGHT)


def test_attacked_and_supported() -> None:
    # c (0.5): supporter s 0.8, attacker a 0.6. va = 0.6 < vs = 0.8:
    # s(c) = 0.5 + 0.5 * (0.8 - 0.6) = 0.6
    edges = [("s", "c", "support"), ("a", "c", "attack")]
    base = {"s": 0.8, "a": 0.6, "c": 0.5}
    result = run(edges, base)
    assert result.strengths["c"] == pytest.approx(0.6, abs=TIGHT)
    got = by_source(framework(edges), "c", base, result)
    # slope k = 1 - v0 = 0.5 (support prevails): support +0.5 * 0.8 = +0.4, attack -0.5 * 0.6 = -0.3,
    # adding up to s(c) - v0 = 0.1
    assert got["s", "support"].delta == pytest.approx(0.4, abs=TIGHT)
    assert got["a", "attack"].delta == pytest.approx(-0.3, abs=TIGHT)
    # leave-one-out: without s, 0.5 - 0.5 * 0.6 = 0.2 (removal 0.4); without a, 0.9 (removal -0.3)
    assert got["s", "support"].removal == pytest.approx(0.4, abs=TIGHT)
    assert got["a", "attack"].removal == pytest.approx(-0.3, abs=TIGHT)


def test_attack_prevails() -> None:
    # c (0.4): supporter 0.3, attacker 0.8. va = 0.8 >= vs = 0.3: s(c) = 0.4 - 0.4 * 0.5 = 0.2
    edges = [("s", "c", "support"), ("a", "c", "attack")]
    base = {"s": 0.3, "a": 0.8, "c": 0.4}
    result = run(edges, base)
    assert result.strengths["c"] == pytest.approx(0.2, abs=TIGHT)
    got = by_source(framework(edges), "c", base, result)
    # slope k = v0 = 0.4: attack -0.4 * 0.8 = -0.32, support +0.4 * 0.3 = +0.12; sum -0.2
    assert got["a", "attack"].delta == pytest.approx(-0.32, abs=TIGHT)
    assert got["s", "support"].delta == pytest.approx(0.12, abs=TIGHT)


def test_two_supporters_aggregate() -> None:
    # supporters 0.6 and 0.5: F = 1 - 0.4 * 0.5 = 0.8; c (0.5) = 0.5 + 0.5 * 0.8 = 0.9
    edges = [("p", "c", "support"), ("q", "c", "support")]
    base = {"p": 0.6, "q": 0.5, "c": 0.5}
    assert strength.probabilistic_sum([0.6, 0.5]) == pytest.approx(0.8, abs=TIGHT)
    result = run(edges, base)
    assert result.strengths["c"] == pytest.approx(0.9, abs=TIGHT)
    got = by_source(framework(edges), "c", base, result)
    # Shapley shares of F: p = (0.6 + (0.8 - 0.5)) / 2 = 0.45, q = (0.5 + (0.8 - 0.6)) / 2 = 0.35;
    # times the slope 0.5: 0.225 and 0.175, adding up to 0.9 - 0.5 = 0.4
    assert got["p", "support"].delta == pytest.approx(0.225, abs=TIGHT)
    assert got["q", "support"].delta == pytest.approx(0.175, abs=TIGHT)
    # leave-one-out: without p, F = 0.5 and c = 0.75 (removal 0.15); without q, F = 0.6, c = 0.8 (0.1)
    assert got["p", "support"].removal == pytest.approx(0.15, abs=TIGHT)
    assert got["q", "support"].removal == pytest.approx(0.1, abs=TIGHT)


def test_chain_is_evaluated_premises_first() -> None:
    # e (0.8) supports c1 (0.5): c1 = 0.5 + 0.5 * 0.8 = 0.9
    # c1 attacks c2 (0.5):        c2 = 0.5 - 0.5 * 0.9 = 0.05
    # c2 supports c3 (0.5):       c3 = 0.5 + 0.5 * 0.05 = 0.525
    edges = [("c2", "c3", "support"), ("c1", "c2", "attack"), ("e", "c1", "support")]  # any order
    base = {"e": 0.8, "c1": 0.5, "c2": 0.5, "c3": 0.5}
    result = run(edges, base)
    assert result.strengths == pytest.approx({"e": 0.8, "c1": 0.9, "c2": 0.05, "c3": 0.525}, abs=TIGHT)
    assert result.converged and result.iterations == 0


def test_cycles_converge_to_the_fixed_point() -> None:
    # a and b (0.5 each) attack each other: s = 0.5 - 0.5 s, so s = 1/3 for both
    result = run([("a", "b", "attack"), ("b", "a", "attack")], {"a": 0.5, "b": 0.5})
    assert result.converged and result.iterations > 1
    assert result.strengths == pytest.approx({"a": 1 / 3, "b": 1 / 3}, abs=TIGHT)
    # a (0.8) and b (0.4): a = 0.8 - 0.8 b, b = 0.4 - 0.4 a, so a = 0.48 + 0.32 a:
    # a = 0.48 / 0.68 = 12/17, b = 0.4 * (1 - 12/17) = 2/17
    result = run([("a", "b", "attack"), ("b", "a", "attack")], {"a": 0.8, "b": 0.4})
    assert result.strengths == pytest.approx({"a": 12 / 17, "b": 2 / 17}, abs=TIGHT)
    # an argument attacking itself (0.5): s = 0.5 - 0.5 s = 1/3; downstream of the cycle,
    # c (0.5) supported by it: 0.5 + 0.5 / 3 = 2/3
    result = run([("x", "x", "attack"), ("x", "c", "support")], {"x": 0.5, "c": 0.5})
    assert result.strengths == pytest.approx({"x": 1 / 3, "c": 2 / 3}, abs=TIGHT)


def test_a_cycle_that_does_not_settle_is_reported() -> None:
    # a and b (1.0 each) attack each other: every (s, 1 - s) is a fixed point, and iterating from
    # the base scores flips between (1, 1) and (0, 0) forever
    result = run([("a", "b", "attack"), ("b", "a", "attack"), ("a", "c", "support")],
                 {"a": 1.0, "b": 1.0, "c": 0.5}, max_iterations=51)
    assert not result.converged
    assert result.unconverged == ["a", "b"] and result.iterations == 51
    assert result.strengths["a"] == result.strengths["b"] == 0.0  # the 51st round
    assert all(0.0 <= v <= 1.0 for v in result.strengths.values())


def test_quadratic_energy() -> None:
    # c (0.5) supported by 0.8: energy E = 0.8, h(E) = 0.64 / 1.64;
    # s = 0.5 + 0.5 * 0.64 / 1.64 = 0.5 + 0.16 / 0.82
    edges = [("e", "c", "support")]
    base = {"e": 0.8, "c": 0.5}
    result = run(edges, base, semantics=QUADRATIC_ENERGY)
    assert result.strengths["c"] == pytest.approx(0.5 + 0.16 / 0.82, abs=TIGHT)
    # attacker 0.3 and supporter 0.3: E = 0, s = v0
    result = run([("a", "c", "attack"), ("s", "c", "support")], {"a": 0.3, "s": 0.3, "c": 0.5},
                 semantics=QUADRATIC_ENERGY)
    assert result.strengths["c"] == pytest.approx(0.5, abs=TIGHT)


def shapley_by_enumeration(values: list[float]) -> list[float]:
    """Shapley values of the probabilistic sum, by every order the players can join in."""
    n = len(values)
    total = [0.0] * n
    for order in itertools.permutations(range(n)):
        before = 1.0
        for i in order:
            total[i] += values[i] * before  # what i adds: v_i * prod over those already in
            before *= 1.0 - values[i]
    return [t / math.factorial(n) for t in total]


def test_shares_are_shapley_values_and_add_up() -> None:
    rng = random.Random(7)
    for n in (2, 3, 5, 7):
        values = [rng.random() for _ in range(n)]
        assert strength.probabilistic_sum_shares(values) == pytest.approx(
            shapley_by_enumeration(values), abs=1e-12)
    values = [1.0, 0.3, 0.0]  # a certain premise and a null one
    assert strength.probabilistic_sum_shares(values) == pytest.approx(
        shapley_by_enumeration(values), abs=1e-12)
    many = [rng.random() for _ in range(strength.EXACT_SHARES + 50)]  # the adaptive-quadrature path
    shares = strength.probabilistic_sum_shares(many)
    assert math.fsum(shares) == pytest.approx(strength.probabilistic_sum(many), abs=1e-9)
    twins = strength.probabilistic_sum_shares([0.4] * 300)
    assert max(twins) - min(twins) < 1e-12  # symmetric players get the same share


def test_deltas_add_up_to_the_move_from_the_base() -> None:
    rng = random.Random(3)
    edges = [(f"p{i}", "c", rng.choice(["support", "attack"])) for i in range(9)]
    edges += [("p0", "p1", "attack"), ("p2", "p3", "support")]
    graph = framework(edges)
    base = {n: rng.random() for n in graph.nodes}
    for semantics in (DF_QUAD, QUADRATIC_ENERGY):
        result = strength.evaluate(graph, base, semantics)
        for node in graph.nodes:
            parts = strength.contributions(graph, node, base, result.strengths, semantics)
            assert math.fsum(c.delta for c in parts) == pytest.approx(
                result.strengths[node] - base[node], abs=TIGHT)


# --- the score table in the ontology -------------------------------------------------------


@pytest.fixture(scope="module")
def table() -> strength.ScoreTable:
    found = strength.read_table(of_graph(ontology(), "ontology"))
    assert found is not None
    return found


def test_table_is_read_from_the_ontology(table: strength.ScoreTable) -> None:
    assert table.iri == str(DKG.EvidenceScoreTable)
    scores = {t.iri: t.score for t in table.terms.values()}
    assert scores[str(DKG.RandomisedControlledTrial)] == 0.9
    assert scores[str(DKG.ControlledTrial)] == 0.8
    assert scores[str(DKG.OfficialStatistic)] == 0.75
    assert scores[str(DKG.Survey)] == 0.65
    assert scores[str(DKG.Claim)] == 0.5
    assert {a.iri: a.delta for a in table.adjustments}[str(DKG.InconsistentFiguresAdjustment)] == -0.2
    # every claim and evidence kind an annotation can name gets a score in [0, 1]
    vocab = vocabulary()
    for category in (DKG.Claim, DKG.Evidence):
        for term in vocab.terms[category].values():
            scored = table.scored(str(term))
            assert scored is not None and 0.0 <= scored.score <= 1.0, term


def test_base_scores_from_kind_design_sample_and_checks(table: strength.ScoreTable) -> None:
    def base(kind, design=None, sample=None, verdicts=()) -> float:
        return table.base(str(kind), str(design) if design else None, sample, [str(v) for v in verdicts])[0]

    assert base(DKG.PolicyClaim) == 0.5  # claims start neutral
    assert base(DKG.Study) == 0.6  # no design given
    assert base(DKG.Study, DKG.RandomisedControlledTrial) == 0.9  # the design takes precedence
    assert base(DKG.Pledge) == 0.3  # the most specific class: Pledge, not Testimony (0.4)
    assert base(DKG.Survey, sample=2004) == pytest.approx(0.70)  # 0.65 + 0.05 (1,000 or more)
    assert base(DKG.Survey, sample=414) == 0.65
    assert base(DKG.Survey, sample=40) == pytest.approx(0.55)  # 0.65 - 0.1 (under 100)
    assert base(DKG.OfficialStatistic, verdicts=[DKG.Inconsistent]) == pytest.approx(0.55)  # 0.75 - 0.2
    # each adjustment at most once, and both verdicts: 0.75 - 0.2 + 0.05
    assert base(DKG.OfficialStatistic, verdicts=[DKG.Inconsistent, DKG.Consistent, DKG.Consistent]) \
        == pytest.approx(0.6)
    assert base(DKG.OfficialStatistic, verdicts=[DKG.NotComparable]) == 0.75
    _, basis = table.base(str(DKG.Survey), None, 2004, [])
    assert [(b.iri, b.value) for b in basis] == [
        (str(DKG.Survey), 0.65), (str(DKG.LargeSampleAdjustment), 0.05)]


def modified(replace: dict, add: list | None = None) -> strength.ScoreTable:
    """The packaged ontology with some base scores replaced, as a score table."""
    graph = Graph()
    for triple in ontology():
        graph.add(triple)
    for term, value in replace.items():
        graph.set((term, DKG.baseScore, Literal(Decimal(str(value)))))
    for triple in add or []:
        graph.add(triple)
    found = strength.read_table(of_graph(graph, "modified ontology"))
    assert found is not None
    return found


def test_changing_the_ontology_changes_the_score(table: strength.ScoreTable) -> None:
    changed = modified({DKG.Survey: 0.2, DKG.RandomisedControlledTrial: 0.98})
    assert changed.base(str(DKG.Survey))[0] == pytest.approx(0.2)
    # 0.98 + 0.05 (large sample) + 0.05 (consistent) is kept within [0, 1]
    assert changed.base(str(DKG.Study), str(DKG.RandomisedControlledTrial), 5000,
                        [str(DKG.Consistent)])[0] == 1.0
    # a claim (0.5) supported by a survey: 0.5 + 0.5 * 0.65 = 0.825, then 0.5 + 0.5 * 0.2 = 0.6
    graph = framework([("poll", "claim", "support")])
    inputs = {"poll": strength.Inputs(kind=str(DKG.Survey)),
              "claim": strength.Inputs(kind=str(DKG.FactualClaim))}
    before = strength.strengths(graph, table, inputs)
    after = strength.strengths(graph, changed, inputs)
    assert before.arguments["claim"].strength == pytest.approx(0.825, abs=TIGHT)
    assert after.arguments["claim"].strength == pytest.approx(0.6, abs=TIGHT)


def test_a_store_without_a_table_uses_the_packaged_one() -> None:
    table = strength.load_table(of_graph(Graph(), "empty"))
    assert table.iri == str(DKG.EvidenceScoreTable) and "the store has no score table" in table.source
    with pytest.raises(KgError, match="several score tables"):
        modified({}, [(DKG.AnotherTable, RDF.type, DKG.ScoreTable),
                      (DKG.AnotherTable, RDFS.label, Literal("another table"))])


# --- the seed debate (properties that survive re-annotation) --------------------------------

MAIN = "taser-for-every-frontline-officer"
USE_OF_FORCE = "taser-carriers-more-likely-use-force"


@pytest.fixture(scope="module")
def seed(store) -> tuple[strength.Strengths, dict[str, arguments.ClaimStanding], nx.MultiDiGraph]:
    graph = arguments.load(store)
    return strength.compute(store, graph), {c.id: c for c in arguments.standings(graph)}, graph


def test_seed_main_claim_has_a_strength_and_names_its_contributions(seed) -> None:
    found, standings, _ = seed
    assert 0.0 < found.arguments[MAIN].strength < 1.0
    # the use-of-force claim is both supported (the Cambridge figures) and attacked (Symonds's reasons)
    main = found.arguments[USE_OF_FORCE]
    assert 0.0 < main.strength < 1.0
    assert main.base == 0.5  # a claim starts neutral
    claim = standings[USE_OF_FORCE]
    named = {(c.source, c.polarity) for c in main.contributions}
    assert named == {(p, "support") for p in claim.supported_by} | {(p, "attack") for p in claim.attacked_by}
    assert claim.supported_by and claim.attacked_by  # so both kinds are named
    assert all(c.delta > 0 for c in main.contributions if c.polarity == "support")
    assert all(c.delta < 0 for c in main.contributions if c.polarity == "attack")
    moved = main.strength - main.base
    assert math.fsum(c.delta for c in main.contributions) == pytest.approx(moved, abs=1e-9)
    # largest effect first
    assert [abs(c.delta) for c in main.contributions] == sorted((abs(c.delta) for c in main.contributions),
                                                                reverse=True)


def test_seed_strength_properties(seed) -> None:
    found, standings, graph = seed
    assert found.converged
    assert found.semantics is DF_QUAD and found.table.source == "store"
    assert set(found.arguments) == set(graph.nodes)
    for node, a in found.arguments.items():
        assert 0.0 <= a.strength <= 1.0 and 0.0 <= a.base <= 1.0, node
        attack, support = strength.premises(graph, node)
        if not attack and not support:
            assert a.strength == a.base and not a.contributions, node  # leaves keep their base score
        elif not attack:
            assert a.strength > a.base, node  # only supported: raised
        elif not support:
            assert a.strength < a.base, node  # only attacked: lowered
    # claims with no evidence beneath them and nothing attacking or supporting them: exactly 0.5
    alone = [c for c in standings.values() if c.unsupported and not c.supported_by and not c.attacked_by]
    assert alone
    assert all(found.arguments[c.id].strength == 0.5 for c in alone)
    # every evidence item's base score is a scored term of the table plus its adjustments
    for item in found.evidence():
        assert item.base == pytest.approx(min(1.0, max(0.0, math.fsum(b.value for b in item.basis))))
        assert item.basis[0].iri in {t.iri for t in found.table.terms.values()}


def test_seed_analyze_json_carries_strength(kg) -> None:
    report = json.loads(kg("analyze", "-f", "json").output)
    top = report["strength"]
    assert top["semantics"] == "DF-QuAD (Rago et al. 2016)"
    assert top["converged"] is True
    table = top["base_scores"]
    assert table["iri"] == str(DKG.EvidenceScoreTable) and table["label"]
    assert {"label": "controlled trial", "score": 0.8} in [
        {"label": s["label"], "score": s["score"]} for s in table["scores"]]
    assert any(a["when"] == {"verdict": "inconsistent"} and a["delta"] == -0.2 for a in table["adjustments"])
    assert top["evidence"] and all(0 <= e["strength"] <= 1 for e in top["evidence"])
    claims = {c["id"]: c for c in report["claims"]}
    for c in claims.values():
        assert {"id", "label", "status", "strength", "base_score", "contributions"} <= set(c)
        assert 0.0 <= c["strength"] <= 1.0 and round(c["strength"], 4) == c["strength"]
        for part in c["contributions"]:
            assert {"from", "label", "polarity", "delta"} <= set(part)
            assert part["polarity"] in ("support", "attack")
    assert claims[MAIN]["status"] == "accepted" and 0.0 < claims[MAIN]["strength"] < 1.0
    main = claims[USE_OF_FORCE]
    assert main["status"] == "rejected"  # the attack-only view is kept as it was: Symonds's reasons win
    assert 0.0 < main["strength"] < 1.0
    attacker = next(p for p in main["contributions"] if p["polarity"] == "attack")
    assert attacker["from"] in main["attacked_by"] and attacker["delta"] < 0 and attacker["label"]
    energy = json.loads(kg("analyze", "--semantics", "quadratic-energy", "-f", "json").output)
    assert energy["strength"]["semantics"] == "quadratic energy (Potyka 2018)"


def test_seed_report_leads_with_strengths(kg, tmp_path: Path) -> None:
    out = kg("analyze", "--top", "50").output
    assert out.index("Which claims stand") < out.index("Discourse network") < out.index("Attack-only view")
    assert "DF-QuAD (Rago et al. 2016)" in out
    assert "Claims by strength" in out and "Taser for every frontline officer" in out
    assert "base scores (evidence base scores, v1)" in out
    assert kg("analyze", "--export-dir", str(tmp_path), "-f", "json").exit_code == 0
    exported = nx.read_graphml(tmp_path / "arguments.graphml")
    assert 0.0 < exported.nodes[MAIN]["strength"] < 1.0 and exported.nodes[MAIN]["base_score"] == 0.5
