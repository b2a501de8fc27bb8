"""How the build schedules its work on the embedded store: when it compacts, when the shape
checks start, and that the number checks read the quantities once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.analysis import numbers, tallies
from kg.build import build, compile_graph, pipeline
from kg.queries.catalogue import NamedQuery
from kg.stores import Store
from kg.stores.oxigraph import OxigraphBuild, OxigraphStore

from .conftest import SEED_DATA, sparql


def test_two_compactions_and_none_at_the_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load's files are compacted once the load is done, the derived facts after the last
    write; the switch then has nothing left to compact. The quantities are read once."""
    states: list[bool] = []
    compact = OxigraphStore.compact

    def recorded(self: OxigraphStore) -> None:
        states.append(self.compacted)
        compact(self)

    reads: list[int] = []
    load_quantities = numbers.load_quantities

    def counted(graph_store: Store) -> dict[URIRef, numbers.Quantity]:
        reads.append(1)
        return load_quantities(graph_store)

    monkeypatch.setattr(OxigraphStore, "compact", recorded)
    monkeypatch.setattr(numbers, "load_quantities", counted)
    report = build(SEED_DATA, str(tmp_path / "store"))
    assert states == [False, False, True]
    assert len(reads) == 1
    assert report.counts["claims"] == 37
    with OxigraphStore(tmp_path / "store") as built:
        rows = sparql(built, "SELECT (COUNT(*) AS ?n) WHERE { ?c a dkg:NumberCheck }").values()
    assert rows == [{"n": 6}]  # 5 consistent, 1 not comparable (tests/test_check.py)


def test_shape_checks_start_once_the_type_closure_is_in(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape checks need only the first derivation (1-types.ru); they start after it, beside
    the others (the second waits here until they have started), and still find nothing wrong
    in the seed."""
    done, seen, starting = _hold_derivation(monkeypatch, "2-kind",
                                            "the shape checks did not start after the type closure")
    check = pipeline.shape_check

    def recorded_check(graph_store: Store) -> None:
        starting()
        check(graph_store)

    monkeypatch.setattr(pipeline, "shape_check", recorded_check)
    compiled = compile_graph(SEED_DATA)
    with OxigraphBuild(tmp_path / "store") as new:
        new.load_graph(compiled.graph)
        pipeline.finish(new.store, shape_checks=True)
        assert seen == [["1-types"]]
        assert done == ["1-types", "2-kind", "3-argument-edges"]
        assert new.store.compacted
        new.abort()


def test_tallies_start_once_the_kinds_are_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tallies count links by kind (2-kind.ru) and read no support edge: they start after
    the kinds, beside the last derivation (which waits here until they have started), and the
    build's counts, taken beside the last compaction, are those of the store it switched to."""
    done, seen, starting = _hold_derivation(monkeypatch, "3-argument-edges",
                                            "the tallies did not start after the kinds")
    busy_claims = tallies.busy_claims

    def recorded_busy(graph_store: Store, busy: int = tallies.BUSY) -> list[URIRef]:
        starting()
        return busy_claims(graph_store, busy)

    monkeypatch.setattr(tallies, "busy_claims", recorded_busy)
    report = build(SEED_DATA, str(tmp_path / "store"))
    assert seen == [["1-types", "2-kind"]]
    assert done == ["1-types", "2-kind", "3-argument-edges"]
    with OxigraphStore(tmp_path / "store") as built:
        assert report.counts == pipeline.counts(built)
    assert report.counts["claims"] == 37


def _hold_derivation(monkeypatch: pytest.MonkeyPatch, derivation: str, late: str
                     ) -> tuple[list[str], list[list[str]], Callable[[], None]]:
    """Record each derivation update the build runs, and hold ``derivation`` until the step
    under test has started (failing with ``late`` if it never does). Returns the names done so
    far, what was done whenever the step started, and the call the step makes as it starts."""
    done: list[str] = []
    seen: list[list[str]] = []
    started = threading.Event()
    update = pipeline.runner.update

    def recorded_update(graph_store: Store, query: NamedQuery) -> None:
        if query.name == derivation:
            assert started.wait(30), late
        update(graph_store, query)
        done.append(query.name)

    def starting() -> None:
        seen.append(list(done))
        started.set()

    monkeypatch.setattr(pipeline.runner, "update", recorded_update)
    return done, seen, starting
