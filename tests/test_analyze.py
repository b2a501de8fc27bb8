"""`kg analyze`: DNA-style discourse networks, coalitions, grounded semantics and exports.

Two kinds of checks: hand-computed values on a small table with agree AND disagree statements
(the seed debate has only three disagreements), and the real structure of the seed debate.

Hand fixture (a = agree, d = disagree):      k1     k2
    A                                          a      a
    B                                          a      d
    C                                          d      d, a
Activities n: A 2, B 2, C 3.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analysis import arguments, discourse
from kg.analysis.discourse import table_from_records
from kg.cli import main

ROWS = [
    ("A", "Actor A", "k1", "Claim 1", True, date(2020, 1, 1)),
    ("A", "Actor A", "k2", "Claim 2", True, date(2020, 2, 1)),
    ("B", "Actor B", "k1", "Claim 1", True, date(2020, 3, 1)),
    ("B", "Actor B", "k2", "Claim 2", False, date(2021, 1, 1)),
    ("C", "Actor C", "k1", "Claim 1", False, None),
    ("C", "Actor C", "k2", "Claim 2", False, date(2021, 6, 1)),
    ("C", "Actor C", "k2", "Claim 2", True, date(2021, 6, 2)),
]
A, B, C = 0, 1, 2


@pytest.fixture(scope="module")
def table() -> discourse.StatementTable:
    return table_from_records(reversed(ROWS))  # row order must not matter


def pairs(matrix) -> tuple[float, float, float]:
    """(A-B, A-C, B-C) of a symmetric 3 x 3 matrix, rounded."""
    m = matrix.toarray()
    assert (m == m.T).all() and (m.diagonal() == 0).all()
    return round(m[A, B], 4), round(m[A, C], 4), round(m[B, C], 4)


def test_two_mode_aggregations_and_normalisations(table: discourse.StatementTable) -> None:
    def grid(agg: str, norm: str) -> list[list[float]]:
        return discourse.two_mode(table, agg, norm).toarray().round(4).tolist()

    assert grid("ignore", "no") == [[1, 1], [1, 1], [1, 2]]
    assert grid("subtract", "no") == [[1, 1], [1, -1], [-1, 0]]
    assert grid("combine", "no") == [[1, 1], [1, 2], [2, 3]]  # 1 agree, 2 disagree, 3 both
    assert grid("ignore", "activity") == [[0.5, 0.5], [0.5, 0.5], [0.3333, 0.6667]]
    assert grid("ignore", "prominence") == [[0.3333, 0.25], [0.3333, 0.25], [0.3333, 0.5]]
    assert grid("subtract", "activity") == [[0.5, 0.5], [0.5, -0.5], [-0.3333, 0.0]]
    assert grid("combine", "activity") == [[0.5, 0.5], [0.5, 1.0], [1.0, 1.5]]


def test_one_mode_congruence_conflict_subtract(table: discourse.StatementTable) -> None:
    net = discourse.one_mode(table, "actor", "subtract", "no")
    assert pairs(net.congruence) == (1, 1, 1)
    assert pairs(net.conflict) == (1, 2, 2)
    assert pairs(net.weight) == (0, -1, -1)
    assert list(net.activity) == [2, 2, 3]
    assert pairs(discourse.one_mode(table, "actor", "ignore").weight) == (2, 3, 3)


@pytest.mark.parametrize(("normalization", "congruence", "conflict"), [
    ("average", (0.5, 0.4, 0.4), (0.5, 0.8, 0.8)),  # / ((n_i + n_j) / 2)
    ("jaccard", (0.3333, 0.25, 0.25), (0.3333, 0.5, 0.5)),  # / (m10 + m01 + m11)
    ("cosine", (0.25, 0.1667, 0.1667), (0.25, 0.3333, 0.3333)),  # / (n_i * n_j), as DNA
])
def test_one_mode_normalisations(table: discourse.StatementTable, normalization: str,
                                 congruence: tuple, conflict: tuple) -> None:
    net = discourse.one_mode(table, "actor", "subtract", normalization)
    assert pairs(net.congruence) == congruence
    assert pairs(net.conflict) == conflict
    expected = [x - y for x, y in zip(congruence, conflict, strict=True)]
    assert pairs(net.weight) == pytest.approx(expected, abs=2e-4)


def test_claim_by_claim_network(table: discourse.StatementTable) -> None:
    net = discourse.one_mode(table, "claim", "congruence")
    assert net.ids == ("k1", "k2")
    assert net.congruence.toarray().tolist() == [[0, 2], [2, 0]]  # A agrees both; C disagrees both
    assert net.conflict.toarray().tolist() == [[0, 2], [2, 0]]  # B a/d; C d/a


def test_graph_threshold_polarisation_and_time(table: discourse.StatementTable) -> None:
    net = discourse.one_mode(table, "actor", "conflict")
    strongest = discourse.to_graph(net, max_edges=2)
    assert sorted(strongest.edges) == [("A", "C"), ("B", "C")]
    assert strongest.edges["A", "C"] == {"weight": 2.0, "congruence": 1.0, "conflict": 2.0}
    # between conflict 4 / (between conflict 4 + between congruence 2 + within conflict 1)
    assert discourse.polarisation(net, [["A", "B"], ["C"]]) == pytest.approx(4 / 7)
    assert discourse.polarisation(net, [["A", "B", "C"]]) == 0.0
    assert len(table.between(date(2020, 1, 1), date(2020, 12, 31))) == 3
    assert len(table.between(date(2021, 1, 1))) == 3  # C's undated statement is left out
    spans = [(s.isoformat(), len(t)) for s, _, t in discourse.windows(table, 365, 180)]
    assert spans == [("2020-01-01", 3), ("2020-06-29", 3), ("2020-12-26", 3)]
    assert discourse.parse_duration("6m", "--step") == 180


def test_cut_among_equal_ties_is_row_major_whatever_the_cell_order() -> None:
    """``max_edges`` keeps the strongest ties and, among equal weights at the cut, the first in
    row-major order; the graph's edges come in that order too. scipy keeps a product's cells in
    no particular order within a row, so the cells are stored backwards here: the kept ties and
    their order must not follow them. The default weight is the congruence (read off the weight
    itself); conflict is looked up."""
    import numpy as np
    import scipy.sparse as sp

    weights = np.array([[0, 1, 1, 1], [1, 0, 2, 1], [1, 2, 0, 1], [1, 1, 1, 0]], dtype=float)
    conflict = np.array([[0, 0, 4, 5], [0, 0, 6, 0], [4, 6, 0, 7], [5, 0, 7, 0]], dtype=float)

    def backwards(dense: np.ndarray) -> sp.csr_matrix:
        cells = [(i, j) for i in range(len(dense)) for j in reversed(range(len(dense))) if dense[i, j]]
        rows, cols = map(list, zip(*cells, strict=True))
        matrix = sp.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
        matrix.indices[:] = [j for _, j in cells]  # undo the sort csr_matrix does on building
        matrix.data[:] = [dense[i, j] for i, j in cells]
        matrix.has_sorted_indices = False
        return matrix

    congruence = backwards(weights)
    assert congruence.indices[:3].tolist() == [3, 2, 1]
    net = discourse.OneMode(("a", "b", "c", "d"), ("A", "B", "C", "D"), congruence, backwards(conflict),
                            congruence, np.array([3, 3, 3, 3]), "congruence", "no")
    graph = discourse.to_graph(net, max_edges=3)
    assert list(graph.edges) == [("a", "b"), ("a", "c"), ("b", "c")]  # b-c (2), then a-b, a-c of the 1s
    assert [graph.edges[e]["conflict"] for e in graph.edges] == [0.0, 4.0, 6.0]
    assert [graph.edges[e]["congruence"] for e in graph.edges] == [1.0, 1.0, 2.0]
    everything = discourse.to_graph(net)
    assert list(everything.edges) == [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]


def test_values_of_a_symmetric_network_at_given_ties() -> None:
    """The congruence and conflict of the kept ties are read at their pairs (above the
    diagonal): a pair the matrix has no value for gives 0, a cell the matrix holds twice adds
    up, a pair asked twice gets its value twice; the same answers as scipy's own indexing."""
    import numpy as np
    import scipy.sparse as sp

    dense = np.array([[0, 2, 0, 5], [2, 0, 3, 0], [0, 3, 0, 1.5], [5, 0, 1.5, 0]])
    rows, cols = np.array([0, 1, 0, 2, 0, 1]), np.array([1, 2, 2, 3, 3, 2])
    assert discourse._at(sp.csr_matrix(dense), rows, cols).tolist() == [2, 3, 0, 1.5, 5, 3]
    doubled = sp.coo_matrix(([1.0, 1.0, 4.0, 4.0], ([0, 0, 1, 1], [1, 1, 0, 0])), shape=(2, 2))
    assert discourse._at(doubled, np.array([0]), np.array([1])).tolist() == [2.0]
    assert np.asarray(sp.csr_matrix(dense)[rows, cols]).ravel().tolist() == [2, 3, 0, 1.5, 5, 3]
    none = np.array([], dtype=int)
    assert discourse._at(sp.csr_matrix(dense), none, none).tolist() == []


def test_grounded_semantics_on_a_small_framework() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="attack")
    graph.add_edge("b", "a", key="attack")
    assert arguments.grounded(graph) == {"a": "undecided", "b": "undecided"}
    graph.add_edge("c", "a", key="attack")
    assert arguments.grounded(graph) == {"a": "rejected", "b": "accepted", "c": "accepted"}


def test_seed_arguments_grounded_and_evidence(store) -> None:
    graph = arguments.load(store)
    assert graph.number_of_nodes() == 45  # 37 claims + 8 evidence items
    status = arguments.grounded(graph)
    # Symonds's two reasons (unattacked) reject 'carrying Taser increases use of force'; the
    # Cambridge evidence only supports it, and support does not enter grounded semantics.
    assert sorted(n for n, s in status.items() if s != "accepted") == ["taser-carriers-more-likely-use-force"]
    assert {status[n] for n in status} == {"accepted", "rejected"}
    claims = {c.id: c for c in arguments.standings(graph)}
    assert len(claims) == 37
    every = claims["taser-for-every-frontline-officer"]
    assert every.attacked_by == []
    assert every.evidence == ["anecdote-assault-after-taser-check", "norfolk-federation-survey"]
    assert claims["taser-for-every-frontline-officer-who-wants-one"].evidence == [
        "ipsos-mori-public-poll", "smith-thirty-years-service"]
    force = claims["taser-carriers-more-likely-use-force"]
    assert force.attacked_by == ["officers-must-justify-force", "taser-training-not-diluted"]
    assert (force.status, force.producers) == ("rejected", ["cambridge-researchers"])
    assert force.single_source
    unsupported = sorted(c.id for c in claims.values() if c.unsupported)
    assert len(unsupported) == 18 and "taser-training-not-diluted" in unsupported


def test_seed_coalitions_person_and_organisation(kg) -> None:
    person = json.loads(kg("analyze", "-f", "json").output)
    assert person["statements"] == 53  # 54, less Thames Valley Police's declined statement
    assert person["coalitions"][0]["members"] == ["andy-symonds", "norfolk-police-federation", "simon-bailey"]
    assert person["coalitions"][0]["shared_claims"][0] == {
        "claim": "taser-for-every-frontline-officer", "agreeing_members": 3}
    assert person["coalitions"][2]["members"] == ["graham-smith", "tvpf"]
    # Symonds (2 + 1 disagreements) against Cambridge (2 + 1 agreements) on use of force and
    # assaults: between-coalition conflict 2*2 + 1*1 = 5; between-coalition congruence 6 (Symonds,
    # Smith and the Norfolk spokesman, 2 for each pair); no conflict within: 5 / (5 + 6 + 0)
    assert person["dna_polarisation"] == pytest.approx(5 / 11)
    assert person["isolated"] == [
        "cambridge-researchers", "pfew", "thames-valley-police", "tv-article-publisher"]
    symonds = next(a for a in person["actors"] if a["id"] == "andy-symonds")
    assert (symonds["statements"], symonds["strength"]) == (15, 6.0)
    every = next(c for c in person["claims"] if c["id"] == "taser-for-every-frontline-officer")
    assert every["agree"] == ["andy-symonds", "norfolk-police-federation", "simon-bailey"]
    assert every["status"] == "accepted"
    org = json.loads(kg("analyze", "--actor", "organisation", "-f", "json").output)
    assert ["eastern-daily-press", "norfolk-constabulary", "norfolk-police-federation",
            "thames-valley-police", "tvpf"] in [c["members"] for c in org["coalitions"]]


def test_report_names_the_coalition_and_what_contests_it(seed_store: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "--top", "4"],
                                env={"KG_STORE": str(seed_store), "COLUMNS": "320"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. Andy Symonds, Norfolk Police Federation, Simon Bailey (3 actors)" in out
    assert "Officers must justify their force (accepted), Taser training is not diluted (accepted)" in out
    assert "rejected (1): Carrying Taser increases use of force" in out


def test_windows_on_the_seed(kg) -> None:
    report = json.loads(kg("analyze", "--window", "1y", "--step", "6m", "-f", "json").output)
    assert [(w["start"], w["statements"]) for w in report["windows"]] == [
        ("2016-03-01", 20), ("2016-08-28", 0), ("2017-02-24", 0), ("2017-08-23", 33), ("2018-02-19", 33)]


def test_exports_parse_back(kg, tmp_path: Path) -> None:
    out = tmp_path / "net"
    assert kg("analyze", "--export-dir", str(out), "-f", "json").exit_code == 0
    actors = nx.read_graphml(out / "actors.graphml")
    assert (actors.number_of_nodes(), actors.number_of_edges()) == (12, 9)
    assert actors.nodes["tvpf"]["coalition"] == 3
    assert nx.read_gexf(out / "actors.gexf").number_of_edges() == 9
    args = nx.read_graphml(out / "arguments.graphml")
    assert (args.number_of_nodes(), args.number_of_edges()) == (45, 32)
    assert args.nodes["taser-for-every-frontline-officer"]["status"] == "accepted"
    assert args.nodes["taser-carriers-more-likely-use-force"]["status"] == "rejected"
    assert nx.read_gexf(out / "arguments.gexf").number_of_nodes() == 45
    two = nx.read_graphml(out / "actor-claim.graphml")
    assert two.edges["tvpf", "taser-for-every-frontline-officer-who-wants-one"]["weight"] == 1.0
    with (out / "actors-matrix.csv").open(encoding="utf-8") as f:
        matrix = list(csv.reader(f))
    header = matrix[0]
    row = next(r for r in matrix if r[0] == "andy-symonds")
    # duplicates count, as in DNA: Symonds 1 and Smith 2 statements on the one claim they
    # share (Taser protects the public): 1 * 2
    assert header[0] == "" and len(matrix) == 13 and row[header.index("graham-smith")] == "2"
    with (out / "actor-claim-edges.csv").open(encoding="utf-8") as f:
        edges = list(csv.reader(f))
    assert ["tvpf", "taser-for-every-frontline-officer-who-wants-one", "1.0", "1", "0"] in edges


@pytest.mark.parametrize(("args", "message"), [
    (("--window", "0d"), "--window: expected a positive duration"),
    (("--from", "2019-13-01"), "--from: expected a date"),
    (("--step", "30d"), "--step needs --window"),
    (("--from", "2020-01-01", "--to", "2019-01-01"), "--from is after --to"),
])
def test_bad_options_are_one_line_errors(kg, args: tuple[str, ...], message: str) -> None:
    result = kg("analyze", *args)
    assert result.exit_code == 2 and message in result.output


def test_the_seed_analysis_sees_the_disagreement(kg) -> None:
    """What the issue asked of `kg analyze -f json` on the seed debate, in one place."""
    report = json.loads(kg("analyze", "-f", "json").output)
    assert report["polarisation"] == 1.0 and report["settings"]["polarisation_from"] == "argument"
    assert report["dna_polarisation"] == pytest.approx(5 / 11)
    ties = {frozenset((e["source"], e["target"])): e for e in report["argument_edges"]}
    tie = ties[frozenset(("cambridge-researchers", "andy-symonds"))]
    assert (tie["weight"], tie["conflict"] > 0) == (-14.0, True)
    main = next(c for c in report["claims"] if c["id"] == "taser-for-every-frontline-officer")
    assert 0.0 < main["strength"] < 1.0 and main["status"] == "accepted"


def test_statement_rows_read_the_labels_beside_the_statements(store, monkeypatch: pytest.MonkeyPatch,
                                                              query_threads) -> None:
    """Where the store takes queries on several threads (Oxigraph), the labels are read on a
    thread of their own beside the statements; elsewhere in turn: the same rows either way
    (the seed: 54 statements, every stance read once to its key, sign and qualifier)."""
    where = query_threads(discourse.runner, "run")
    beside = discourse.statement_rows(store)
    assert where["analysis-labels"] != "MainThread" and where["analysis-statements"] == "MainThread"
    monkeypatch.setattr(type(store), "concurrent", False)
    assert discourse.statement_rows(store) == beside and where["analysis-labels"] == "MainThread"
    assert len(beside) == 54
    assert {(r.stance, r.sign, r.agrees) for r in beside} >= {("agree", 1.0, True), ("disagree", -1.0, False)}


def test_statement_rows_take_names_from_one_read_of_the_labels(store) -> None:
    """The statement table comes with ids; each actor and claim is named from analysis-labels
    (the seed: Symonds's statements, the federation he speaks for), and an actor or claim
    without a label in the store is named by its id."""
    from rdflib import RDF, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDFS

    from kg.model.namespaces import DKG
    from kg.stores.memory import MemoryStore

    person = [r for r in discourse.statement_rows(store, "person") if r.actor_id == "andy-symonds"]
    org = [r for r in discourse.statement_rows(store, "organisation") if r.actor_id == "tvpf"]
    assert len(person) == 15 and {r.actor_label for r in person} == {"Andy Symonds"}
    assert org and {r.actor_label for r in org} == {"Thames Valley Police Federation"}
    claims = {(r.claim_id, r.claim_label) for r in person}
    assert ("taser-training-not-diluted", "Taser training is not diluted") in claims
    g = Graph()
    s, a, c = (URIRef(f"urn:t:{x}") for x in ("s", "a", "c"))
    g.add((s, RDF.type, DKG.Statement))
    for p, o in ((DKG.speaker, a), (DKG.speaksFor, a), (DKG.claim, c), (DKG.stance, DKG.Agree)):
        g.add((s, p, o))
    g.add((a, RDF.type, DKG.Actor))
    g.add((a, DCTERMS.identifier, Literal("a1")))
    g.add((a, RDFS.label, Literal("Actor One")))
    g.add((c, RDF.type, DKG.Claim))
    g.add((c, DCTERMS.identifier, Literal("c1")))  # no label
    (row,) = discourse.statement_rows(MemoryStore(g))
    assert (row.actor_id, row.actor_label, row.claim_id, row.claim_label, row.agrees) == (
        "a1", "Actor One", "c1", "c1", True)
    g.add((c, RDFS.label, Literal("Claim One")))
    g.remove((c, DCTERMS.identifier, None))
    g.add((c, DCTERMS.identifier, Literal("a1")))  # an actor's id: each keeps its own label
    (row,) = discourse.statement_rows(MemoryStore(g))
    assert (row.actor_label, row.claim_id, row.claim_label) == ("Actor One", "a1", "Claim One")
