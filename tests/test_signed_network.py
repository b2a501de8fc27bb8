"""The argument-aware (signed) actor network: ties through statements and support/attack links,
the frustration-minimising partition, polarisation, and what the seed debate gives.

Every expected tie below is computed by hand in the comments, with the definition of
``kg.analysis.signed``: for two actors' statements (signs s1, s2) on the same claim, s1*s2; on
claims c1, c2 with a link c1 -> c2 of polarity p (+1 support, -1 attack), p*s1*s2; summed over
statement pairs. Signs: agree 1, disagree -1, hedged 0.5, declined 0 (dkg:stanceSign).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from kg.analysis import discourse, signed
from kg.analysis.discourse import OneMode, StatementRow
from kg.analysis.signed import Link
from kg.build import build
from kg.queries import runner

SIGN = {"agree": 1.0, "disagree": -1.0, "hedged": 0.5, "declined": 0.0}  # as the ontology says
AGREES = {"agree": True, "disagree": False}


def row(actor: str, claim: str, stance: str) -> StatementRow:
    """A statement as the query returns it (labels = ids, undated)."""
    return StatementRow(actor, f"Actor {actor}", claim, f"Claim {claim}", stance, SIGN[stance],
                        AGREES.get(stance), None)


def attack(premise: str, conclusion: str) -> Link:
    return Link(premise, conclusion, "attack", -1.0)


def support(premise: str, conclusion: str) -> Link:
    return Link(premise, conclusion, "support", 1.0)


def tie(net: signed.SignedNetwork, a: str, b: str) -> tuple[float, float, float]:
    """(weight, congruence, conflict) between actors a and b."""
    i, j = net.net.ids.index(a), net.net.ids.index(b)
    return (float(net.net.weight[i, j]), float(net.net.congruence[i, j]), float(net.net.conflict[i, j]))


# --- ties ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("stance_a", "link", "expected"), [
    # A agrees with X, X attacks Y, B agrees with Y: p*s1*s2 = -1 * 1 * 1 = -1 (conflict)
    ("agree", attack("X", "Y"), (-1.0, 0.0, 1.0)),
    # X supports Y: +1 * 1 * 1 = +1 (congruence)
    ("agree", support("X", "Y"), (1.0, 1.0, 0.0)),
    # A disagrees with X that attacks Y: -1 * -1 * 1 = +1, the sign flips
    ("disagree", attack("X", "Y"), (1.0, 1.0, 0.0)),
    # the link may run either way: Y attacks X gives the same -1
    ("agree", attack("Y", "X"), (-1.0, 0.0, 1.0)),
    # A hedged on X: -1 * 0.5 * 1 = -0.5
    ("hedged", attack("X", "Y"), (-0.5, 0.0, 0.5)),
    # A declined on X: -1 * 0 * 1 = 0, no tie at all
    ("declined", attack("X", "Y"), (0.0, 0.0, 0.0)),
])
def test_a_link_ties_the_actors_on_its_two_claims(stance_a: str, link: Link, expected: tuple) -> None:
    table = signed.table_from_rows([row("A", "X", stance_a), row("B", "Y", "agree")])
    net = signed.network(table, [link])
    assert tie(net, "A", "B") == expected
    assert tie(net, "B", "A") == expected  # symmetric
    assert net.net.weight.diagonal().tolist() == [0.0, 0.0]
    assert (net.argued.nnz > 0) == (expected[0] != 0)


def test_statements_and_links_together_by_hand() -> None:
    """Statements:  A agrees x twice; B agrees y and disagrees z; C hedged on z; D declined x.
    Links:       x attacks y; y supports z.
    Signs per actor and claim (S): A.x = 2, B.y = 1, B.z = -1, C.z = 0.5, D.x = 0.

    direct (same claim):  x: A*D = 2*0 = 0;  z: B*C = -1*0.5 = -0.5
    x -> y (p = -1):      A-B = -1 * 2 * 1 = -2 (two statement pairs, -1 each);  D-B = 0
    y -> z (p = +1):      B-B is the diagonal (left out);  B-C = +1 * 1 * 0.5 = +0.5
    So A-B: weight -2 (congruence 0, conflict 2); B-C: congruence 0.5, conflict 0.5, weight 0;
    every other pair 0.
    """
    rows = [row("A", "x", "agree"), row("A", "x", "agree"), row("B", "y", "agree"),
            row("B", "z", "disagree"), row("C", "z", "hedged"), row("D", "x", "declined")]
    links = [attack("x", "y"), support("y", "z")]
    table = signed.table_from_rows(reversed(rows))  # row order must not matter
    net = signed.network(table, links)
    assert tie(net, "A", "B") == (-2.0, 0.0, 2.0)
    assert tie(net, "B", "C") == (0.0, 0.5, 0.5)
    for a, b in (("A", "C"), ("A", "D"), ("B", "D"), ("C", "D")):
        assert tie(net, a, b) == (0.0, 0.0, 0.0)
    # the link part alone: A-B -2 (x attacks y), B-C +0.5 (y supports z)
    argued = net.argued.toarray()
    assert (argued[0, 1], argued[1, 2], argued[0, 2]) == (-2.0, 0.5, 0.0)
    assert net.net.activity.tolist() == [2.0, 2.0, 1.0, 1.0]  # statements, whatever the stance

    behind = signed.via(table, links)
    assert behind is not None
    assert behind["A", "B"] == [{"premise": "x", "conclusion": "y", "polarity": "attack", "weight": -2.0}]
    # equal shares: the link sorts before the claim ('y' < 'z')
    assert behind["B", "C"] == [{"premise": "y", "conclusion": "z", "polarity": "support", "weight": 0.5},
                                {"claim": "z", "weight": -0.5}]
    assert ("A", "D") not in behind  # D's declined statement ties no one
    assert signed.via(table, links, budget=3) is None  # too many statement pairs: none listed

    structure = signed.structure(table, links, seed=0)
    assert sorted(structure.graph.edges) == [("A", "B")]  # B-C nets to 0: no edge
    assert structure.other_stances("hedged") == [
        {"actor": "C", "label": "Actor C", "claim": "z", "claim_label": "Claim z", "statements": 1}]
    assert [e["actor"] for e in structure.other_stances("declined")] == ["D"]
    assert structure.stance_counts() == {"agree": 3, "declined": 1, "disagree": 1, "hedged": 1}


def test_without_links_the_signed_network_is_dnas_subtract() -> None:
    """The hand table of tests/test_analyze.py (A: k1 a, k2 a; B: k1 a, k2 d; C: k1 d, k2 d
    and a): the direct part is DNA's congruence (1, 1, 1) and conflict (1, 2, 2) for (A-B, A-C,
    B-C), weight = their difference. A hedged and a declined statement are added: DNA's
    table leaves them out, so DNA's numbers do not move."""
    rows = [row("A", "k1", "agree"), row("A", "k2", "agree"), row("B", "k1", "agree"),
            row("B", "k2", "disagree"), row("C", "k1", "disagree"), row("C", "k2", "disagree"),
            row("C", "k2", "agree")]
    extra = [row("A", "k3", "hedged"), row("B", "k1", "declined")]
    dna = discourse.one_mode(discourse.dna_table(rows + extra), "actor", "subtract")
    assert len(discourse.dna_table(rows + extra)) == 7
    net = signed.network(signed.table_from_rows(rows), [])

    def pairs(m: sp.spmatrix) -> list[float]:
        a = m.toarray()
        return [a[0, 1], a[0, 2], a[1, 2]]

    assert pairs(dna.congruence) == pairs(net.net.congruence) == [1, 1, 1]
    assert pairs(dna.conflict) == pairs(net.net.conflict) == [1, 2, 2]
    assert pairs(net.net.weight) == [0, -1, -1]
    assert net.argued.nnz == 0
    # the hedged statement counts 0.5 in the signed network: on the same claim as an agreement
    # it gives 0.5 * 1 = +0.5
    hedged = signed.network(signed.table_from_rows([row("A", "k", "hedged"), row("B", "k", "agree")]), [])
    assert hedged.net.weight.toarray()[0, 1] == 0.5


def test_rdf_booleans_are_compared_by_value() -> None:
    assert [runner.boolean(v) for v in (True, "true", 1, "1", " TRUE ")] == [True] * 5
    assert [runner.boolean(v) for v in (False, "false", 0, "0")] == [False] * 4
    assert runner.boolean(None) is None
    assert discourse.number("0.5") == 0.5 and discourse.number(None) == 0.0


# --- frustration, partition, polarisation --------------------------------------------------


def signed_matrix(n: int, ties: dict[tuple[int, int], float]) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for (i, j), w in ties.items():
        rows += [i, j]
        cols += [j, i]
        vals += [w, w]
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


def one_mode(W: sp.csr_matrix) -> OneMode:
    ids = tuple("ABCDEFGH"[: W.shape[0]])
    positive, negative = W.maximum(0), (-W).maximum(0)
    return OneMode(ids, ids, sp.csr_matrix(positive), sp.csr_matrix(negative), W,
                   np.ones(W.shape[0]), "signed", "no")


# A balanced 4-node graph: A+B, C+D positive; A-C, B-D, A-D negative. Nodes A B C D = 0 1 2 3.
BALANCED = {(0, 1): 1.0, (2, 3): 1.0, (0, 2): -1.0, (1, 3): -1.0, (0, 3): -1.0}


def test_frustration_of_a_balanced_graph_by_hand() -> None:
    W = signed_matrix(4, BALANCED)
    # {A,B} {C,D}: no negative tie inside, no positive between: 0 of total |weight| 5
    assert signed.frustration(W, np.array([0, 0, 1, 1])) == (0.0, 5.0)
    # one group: the three negative ties are inside
    assert signed.frustration(W, np.array([0, 0, 0, 0])) == (3.0, 5.0)
    # {A,C} {B,D}: negatives A-C and B-D inside (2), positives A-B and C-D between (2)
    assert signed.frustration(W, np.array([0, 1, 0, 1])) == (4.0, 5.0)
    # an unplaced node (-1) and its ties do not count: without D, A-B +1 and A-C -1 remain;
    # {A,B} {C}: 0 of 2
    assert signed.frustration(W, np.array([0, 0, 1, -1])) == (0.0, 2.0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_partition_finds_the_two_camps_from_one_group(seed: int) -> None:
    W = signed_matrix(4, BALANCED)
    labels = signed.partition(W, np.ones(4, dtype=bool), np.zeros(4, dtype=np.int64), seed)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert signed.frustration(W, labels) == (0.0, 5.0)
    # and from every actor on its own (no start given: -1), by merges and moves
    alone = signed.partition(W, np.ones(4, dtype=bool), np.full(4, -1), seed)
    assert alone[0] == alone[1] != alone[2] == alone[3]
    # polarisation (DNA's formula on congruence and conflict): between conflict 3 /
    # (between conflict 3 + between congruence 0 + within conflict 0) = 1
    assert discourse.polarisation(one_mode(W), [["A", "B"], ["C", "D"]]) == 1.0


def test_an_unbalanced_triangle_keeps_one_unit_of_frustration() -> None:
    # A+B, B+C, A-C: every partition frustrates at least one tie (total 3)
    W = signed_matrix(3, {(0, 1): 1.0, (1, 2): 1.0, (0, 2): -1.0})
    labels = signed.partition(W, np.ones(3, dtype=bool), np.array([0, 1, 2]), 0)
    assert signed.frustration(W, labels) == (1.0, 3.0)
    net = one_mode(W)
    # all together: no conflict between coalitions -> 0
    assert discourse.polarisation(net, [["A", "B", "C"]]) == 0.0
    # {A,B} {C}: between conflict A-C 1 / (1 + between congruence B-C 1 + within conflict 0)
    assert discourse.polarisation(net, [["A", "B"], ["C"]]) == 0.5


def test_structure_on_a_balanced_debate_by_hand() -> None:
    """Two camps: A and B agree with x, C and D with y, and x attacks y.
    Ties: A-B +1 (same claim), C-D +1, and A-C, A-D, B-C, B-D -1 each (-1 * 1 * 1).
    Frustration 0 with coalitions {A,B} {C,D}; polarisation 4 / (4 + 0 + 0) = 1."""
    rows = [row("A", "x", "agree"), row("B", "x", "agree"), row("C", "y", "agree"), row("D", "y", "agree")]
    result = signed.structure(signed.table_from_rows(rows), [attack("x", "y")], seed=0)
    assert result.coalitions == [["A", "B"], ["C", "D"]]
    assert (result.frustration, result.total_weight, result.balance) == (0.0, 6.0, 1.0)
    assert result.polarisation == 1.0 and result.has_argument_ties
    # the same statements without the link: two unconnected pairs, no conflict anywhere
    alone = signed.structure(signed.table_from_rows(rows), [], seed=0)
    assert alone.polarisation == 0.0 and not alone.has_argument_ties


def random_debate(seed: int) -> tuple[signed.SignedTable, list[Link]]:
    rng = np.random.default_rng(seed)
    stances = list(SIGN)
    rows = [row(f"a{rng.integers(30):02d}", f"c{rng.integers(20):02d}", stances[rng.integers(4)])
            for _ in range(120)]
    links = [Link(f"c{p:02d}", f"c{q:02d}", *(("attack", -1.0) if rng.random() < 0.5 else ("support", 1.0)))
             for p, q in rng.integers(20, size=(25, 2)) if p != q]
    return signed.table_from_rows(rows), links


def test_partition_is_deterministic_for_a_seed_and_a_local_minimum() -> None:
    table, links = random_debate(11)
    first = signed.structure(table, links, seed=7)
    again = signed.structure(table, links, seed=7)
    assert first.coalitions == again.coalitions
    assert (first.polarisation, first.frustration) == (again.polarisation, again.frustration)
    # no single actor can move to another coalition (or a new one) and lower the frustration
    ids = first.network.net.ids
    W = first.network.net.weight
    labels = np.full(len(ids), -1)
    for g, group in enumerate(first.coalitions):
        for a in group:
            labels[ids.index(a)] = g
    best, _ = signed.frustration(W, labels)
    assert best == first.frustration
    for v in np.flatnonzero(labels >= 0):
        for g in range(len(first.coalitions) + 1):
            moved = labels.copy()
            moved[v] = g
            assert signed.frustration(W, moved)[0] >= best - 1e-9


# --- the seed debate -----------------------------------------------------------------------


def test_seed_links_put_cambridge_against_the_federations(store) -> None:
    """The opposition is in the statements and in the links on them. The Cambridge researchers
    agree twice with 'Carrying Taser increases use of force' (T), once with 'Carrying Taser makes
    officers more likely to be assaulted' (As), and once each with the 50% (F50) and 19% (F19)
    figures, which support T, and the twice-the-assaults figure (Tw), which supports As. Andy
    Symonds disagrees twice with T and once with As, and agrees once each with 'Taser training is
    not diluted' (Td) and 'Officers must justify their force' (J), which attack T. So
    Cambridge-Symonds = 2*2*(1*-1) [T] + 1*1*(1*-1) [As] + 1*2*(1*1*-1) [F50->T] + the same
    [F19->T] + 1*2*(-1*1*1) [Td->T] + the same [J->T] + 1*1*(1*1*-1) [Tw->As]
    = -4 - 1 - 2 - 2 - 2 - 2 - 1 = -14. Nothing links Cambridge's claims to either call any more,
    so that is the only conflict; the federations are in Symonds's coalition, not Cambridge's."""
    rows = discourse.statement_rows(store, "person")
    result = signed.structure(signed.table_from_rows(rows), signed.load_links(store), seed=0)
    edges = {(u, v): d for u, v, d in result.graph.edges(data=True)}
    conflicts = {tuple(sorted(e)): d["weight"] for e, d in edges.items() if d["weight"] < 0}
    assert conflicts == {("andy-symonds", "cambridge-researchers"): -14.0}
    assert result.via is not None
    force = "taser-carriers-more-likely-use-force"
    assert result.via["andy-symonds", "cambridge-researchers"] == [
        {"claim": force, "weight": -4.0},
        {"premise": "accompanying-officers-use-force-19pc-more", "conclusion": force, "polarity": "support",
         "weight": -2.0},
        {"premise": "officers-must-justify-force", "conclusion": force, "polarity": "attack", "weight": -2.0},
        {"premise": "taser-carriers-use-force-almost-50pc-more", "conclusion": force, "polarity": "support",
         "weight": -2.0},
        {"premise": "taser-training-not-diluted", "conclusion": force, "polarity": "attack", "weight": -2.0},
        {"claim": "taser-carriers-more-likely-assaulted", "weight": -1.0},
        {"premise": "taser-carriers-twice-the-assaults", "conclusion": "taser-carriers-more-likely-assaulted",
         "polarity": "support", "weight": -1.0}]
    group_of = {a: i for i, g in enumerate(result.coalitions) for a in g}
    cambridge, symonds = group_of["cambridge-researchers"], group_of["andy-symonds"]
    assert cambridge != symonds == group_of["norfolk-police-federation"] == group_of["tvpf"]
    # every negative tie runs between coalitions and no positive one does
    assert (result.frustration, result.polarisation) == (0.0, 1.0)


def test_seed_json_has_both_networks(kg) -> None:
    report = json.loads(kg("analyze", "-f", "json").output)
    assert report["polarisation"] == report["argument_polarisation"] == 1.0
    # DNA's network sees Symonds's three disagreements: 5 / (5 + 6 + 0), as in test_analyze
    assert report["dna_polarisation"] == pytest.approx(5 / 11)
    assert report["settings"]["polarisation_from"] == "argument"
    assert "Doreian" in report["argument_method"]["reference"]
    assert report["hedged"] == []
    assert report["declined"] == [{
        "actor": "thames-valley-police", "label": "Thames Valley Police",
        "claim": "taser-for-every-frontline-officer-who-wants-one",
        "claim_label": "Taser for every frontline officer who wants one", "statements": 1}]
    assert report["stance_counts"] == {"agree": 50, "declined": 1, "disagree": 3}
    edge = next(e for e in report["argument_edges"]
                if (e["source"], e["target"]) == ("andy-symonds", "cambridge-researchers"))
    assert (edge["weight"], edge["congruence"], edge["conflict"]) == (-14.0, 0.0, 14.0)
    assert edge["via"][0] == {"claim": "taser-carriers-more-likely-use-force", "weight": -4.0}
    assert {"premise": "taser-training-not-diluted", "conclusion": "taser-carriers-more-likely-use-force",
            "polarity": "attack", "weight": -2.0} in edge["via"]
    assert {"source", "target", "weight", "congruence", "conflict"} <= set(report["edges"][0])
    members = [c["members"] for c in report["argument_coalitions"]]
    assert ["cambridge-researchers"] in members
    org = json.loads(kg("analyze", "--actor", "organisation", "-f", "json").output)
    ties = {(e["source"], e["target"]): e["weight"] for e in org["argument_edges"]}
    assert ties["cambridge-researchers", "norfolk-police-federation"] == -14.0  # Symonds speaks for it
    assert org["argument_polarisation"] == 1.0


def test_report_leads_with_the_argument_aware_network(kg) -> None:
    out = kg("analyze", "--top", "3").output
    assert out.index("Argument-aware actor network") < out.index("Discourse network (DNA")
    assert "polarisation 1.000 (DNA's statement network: 0.455)" in out
    assert "Doreian, P. & Mrvar, A. (1996)" in out
    assert "hedged statements (0, not in DNA's network): none" in out


def test_signed_exports(kg, tmp_path: Path) -> None:
    out = tmp_path / "net"
    assert kg("analyze", "--export-dir", str(out), "-f", "json").exit_code == 0
    graph = nx.read_graphml(out / "actors-signed.graphml")
    assert graph.edges["andy-symonds", "cambridge-researchers"]["weight"] == -14.0
    assert graph.nodes["cambridge-researchers"]["coalition"] != graph.nodes["andy-symonds"]["coalition"]
    lines = (out / "actors-signed-edges.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,target,weight,congruence,conflict,via"
    force = "taser-carriers-more-likely-use-force"
    assert (f"andy-symonds,cambridge-researchers,-14.0,0.0,14.0,{force}"
            f"|accompanying-officers-use-force-19pc-more>{force}:support"
            f"|officers-must-justify-force>{force}:attack"
            f"|taser-carriers-use-force-almost-50pc-more>{force}:support"
            f"|taser-training-not-diluted>{force}:attack"
            "|taser-carriers-more-likely-assaulted"
            "|taser-carriers-twice-the-assaults>taser-carriers-more-likely-assaulted:support") in lines


def test_hedged_and_declined_are_not_disagreements(data_copy: Path, tmp_path: Path, kg) -> None:
    """The seed (which has Thames Valley Police declining on its federation's call) with three
    stances recoded: Symonds' 'The training isn't diluted' hedged, the Norfolk spokesman
    declining on 'Taser protects the public', and the Eastern Daily Press disagreeing that the
    threat of Taser often suffices.

    DNA: 51 statements (53 less the hedged and the declined ones, left out, not made
    disagreements); the EDP-spokesman tie on 'threat often suffices' becomes conflict 1.
    Signed: Cambridge-Symonds was -14 (test_seed_links_put_cambridge_against_the_federations),
    with -2 from 'training not diluted' (Td) attacking 'carrying Taser increases use of force'
    (T): now 0.5*2*(-1*1) = -1, so -13. Smith-spokesman was 4, all through 'protects the public'
    (Pp): the same claim 2*1, and Pp supporting Smith's call 1*2; now 2*0 + 0*2 = 0: no tie.
    Symonds-spokesman was 4: Pp 1*1, Pp -> Norfolk's call 1*1, 'Taser helps control violent
    situations' 1*1 and its link to the call 1*1; now 2."""
    text = data_copy / "004_d57e7b97e3561e93.yaml"
    yaml = text.read_text(encoding="utf-8")
    for speaker, claim, stance in (("andy-symonds", "taser-training-not-diluted", "hedged"),
                                   ("norfolk-constabulary-spokesman", "taser-protects-public", "declined"),
                                   ("eastern-daily-press", "taser-threat-usually-enough", "disagree")):
        old = f"  - speaker: {speaker}\n    claim: {claim}\n    stance: agree\n"
        assert yaml.count(old) == 1
        yaml = yaml.replace(old, old.replace("stance: agree", f"stance: {stance}"))
    text.write_text(yaml, encoding="utf-8")
    target = tmp_path / "store"
    build(data_copy.parent, str(target))
    report = json.loads(kg("analyze", "--aggregation", "subtract", "-f", "json", store=target).output)
    assert report["statements"] == 51
    assert report["stance_counts"] == {"agree": 47, "declined": 2, "disagree": 4, "hedged": 1}
    assert report["hedged"] == [{
        "actor": "andy-symonds", "label": "Andy Symonds", "claim": "taser-training-not-diluted",
        "claim_label": "Taser training is not diluted", "statements": 1}]
    assert [(e["actor"], e["claim"]) for e in report["declined"]] == [
        ("norfolk-constabulary-spokesman", "taser-protects-public"),
        ("thames-valley-police", "taser-for-every-frontline-officer-who-wants-one")]
    claims = {c["id"]: c for c in report["claims"]}
    assert claims["taser-training-not-diluted"]["disagree"] == []  # hedged is not disagree
    assert claims["taser-protects-public"]["disagree"] == []
    assert claims["taser-for-every-frontline-officer-who-wants-one"]["disagree"] == []
    assert claims["taser-threat-usually-enough"]["disagree"] == ["eastern-daily-press"]
    dna = {(e["source"], e["target"]): e for e in report["edges"]}
    assert dna["eastern-daily-press", "norfolk-constabulary-spokesman"] == {
        "source": "eastern-daily-press", "target": "norfolk-constabulary-spokesman",
        "weight": -1.0, "congruence": 0.0, "conflict": 1.0}
    ties = {(e["source"], e["target"]): e["weight"] for e in report["argument_edges"]}
    assert ties["andy-symonds", "cambridge-researchers"] == -13.0
    assert ("graham-smith", "norfolk-constabulary-spokesman") not in ties
    assert ties["andy-symonds", "norfolk-constabulary-spokesman"] == 2.0
    assert ties["eastern-daily-press", "norfolk-constabulary-spokesman"] == -1.0
