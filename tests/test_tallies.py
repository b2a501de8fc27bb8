"""Tallies of busy claims (kg.analysis.tallies) and what a trace reads from them.

A trace of a claim with thousands of statements reads the build's tallies instead of counting;
these tests check the tallies against the seed debate by hand and that a store where every claim
is tallied traces exactly like one where none is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

from kg.analysis import tallies
from kg.analysis.trace import shares, trace
from kg.build import build
from kg.model.namespaces import DKG
from kg.queries import runner
from kg.stores.oxigraph import OxigraphStore

from .conftest import ID, SEED_DATA

USE_OF_FORCE = URIRef(ID + "claim/taser-carriers-more-likely-use-force")
ROOT = URIRef(ID + "claim/taser-for-every-frontline-officer")


def test_shares_split_a_limit_in_proportion_with_both_sides_shown() -> None:
    assert shares({"agree": 1733, "disagree": 2598}, 10) == {"agree": 4, "disagree": 6}
    assert shares({"support": 211, "attack": 196}, 10) == {"attack": 5, "support": 5}
    assert shares({"agree": 3}, 1) == {"agree": 1}
    assert shares({"agree": 12, "hedged": 1}, 10) == {"agree": 9, "hedged": 1}  # the hedge shows
    assert shares({"agree": 2, "disagree": 1}, 10) == {"agree": 2, "disagree": 1}  # under the limit
    assert shares({"a": 5, "b": 1, "c": 100}, 2) == {"c": 2}  # fewer slots than kinds: the biggest


def test_busy_claims_and_their_tallies_on_the_seed(store: OxigraphStore) -> None:
    busy = tallies.busy_claims(store, 2)
    assert [c.rsplit("/", 1)[-1] for c in busy] == [
        "taser-carriers-more-likely-use-force", "taser-for-every-frontline-officer",
        "taser-for-every-frontline-officer-who-wants-one", "taser-protects-public"]
    graph = tallies.tally(store, [USE_OF_FORCE, ROOT], top=1)
    agree = URIRef(f"{USE_OF_FORCE}#tally-Agree")
    disagree = URIRef(f"{USE_OF_FORCE}#tally-Disagree")
    assert set(graph.objects(USE_OF_FORCE, DKG.stanceTally)) == {agree, disagree}
    assert graph.value(agree, DKG.statementCount) == Literal(2, datatype=tallies.XSD.nonNegativeInteger)
    assert int(graph.value(agree, DKG.speakerCount)) == 1
    top = graph.value(agree, DKG.topSpeaker)
    assert graph.value(top, DKG.tallySpeaker) == URIRef(ID + "actor/cambridge-researchers")
    assert (top, RDF.type, DKG.SpeakerTally) in graph
    # the root: 3 statements by 3 speakers with one each; top=1 keeps the first by IRI
    root = URIRef(f"{ROOT}#tally-Agree")
    assert (int(graph.value(root, DKG.statementCount)), int(graph.value(root, DKG.speakerCount))) == (3, 3)
    assert [graph.value(t, DKG.tallySpeaker) for t in graph.objects(root, DKG.topSpeaker)] == [
        URIRef(ID + "actor/andy-symonds")]
    links = {str(graph.value(t, DKG.tallyLinkKind)).rsplit("#")[-1]: int(graph.value(t, DKG.linkCount))
             for t in graph.objects(USE_OF_FORCE, DKG.linkTally)}
    assert links == {"Support": 2, "Attack": 2}
    assert int(graph.value(URIRef(f"{ROOT}#tally-links-Support"), DKG.linkCount)) == 7


@pytest.fixture(scope="module")
def tallied_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed debate built with every claim that has a statement or link tallied."""
    target = tmp_path_factory.mktemp("tallied") / "store"
    saved = tallies.BUSY
    tallies.BUSY = 0
    try:
        build(SEED_DATA, str(target))
    finally:
        tallies.BUSY = saved
    return target


def test_a_tallied_store_traces_exactly_like_a_counted_one(store: OxigraphStore, tallied_store: Path) -> None:
    with OxigraphStore(tallied_store) as tallied:
        assert runner.count(runner.rows(tallied, "counts")[0]["claims"]) == 37
        assert len(tallies.busy_claims(tallied, 0)) > 20
        assert len(runner.rows(tallied, "trace-tallies", values={"node": [ROOT]})) == 3  # 3 top speakers
        claims = [URIRef(r["claim"]) for r in runner.rows(store, "claims")]
        for claim in claims:
            for limit in (0, 1, 2):
                assert trace(tallied, claim, 3, limit) == trace(store, claim, 3, limit), (claim, limit)
