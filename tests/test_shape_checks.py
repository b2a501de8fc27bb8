"""The core shapes checked in a store: which maximum-count checks are passed without a query."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kg.build import shape_checks
from kg.build.validate import shapes
from kg.model.namespaces import DKG
from kg.queries import runner
from kg.queries.shapes import checks, several_values
from kg.stores.base import Store
from kg.stores.memory import MemoryStore

ID = "https://w3id.org/debate-kg/id/t/"


def _store() -> MemoryStore:
    """Two statements: one with one speaker and one claim, one with two speakers."""
    g = Graph()
    one, two = URIRef(ID + "statement/one"), URIRef(ID + "statement/two")
    for statement in (one, two):
        g.add((statement, RDF.type, DKG.Statement))
    g.add((one, DKG.speaker, URIRef(ID + "actor/a")))
    g.add((one, DKG.claim, URIRef(ID + "claim/c")))
    g.add((two, DKG.speaker, URIRef(ID + "actor/a")))
    g.add((two, DKG.speaker, URIRef(ID + "actor/b")))
    g.add((two, DKG.stance, Literal("agree")))
    return MemoryStore(g)


def test_several_values_asks_once_for_every_max_count_property() -> None:
    every = checks(shapes())
    max_count = {c.single_valued for c in every if c.single_valued is not None}
    assert f"<{DKG.speaker}>" in max_count and f"<{DKG.claim}>" in max_count
    # the checks resting on a property are the "more than N value(s)" ones, nothing else
    assert {c.description.split(": ", 1)[1] for c in every if c.single_valued} == {"more than 1 value(s)"}
    query = several_values(every)
    assert query is not None and query.text.count("<") == len(max_count)
    assert several_values([c for c in every if c.single_valued is None]) is None


def test_single_valued_properties_skip_their_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store()
    every = checks(shapes())
    single = shape_checks._single_valued(store, every)
    assert f"<{DKG.speaker}>" not in single  # statement two has two speakers
    assert {f"<{DKG.claim}>", f"<{DKG.stance}>", f"<{DKG.speechMode}>"} <= single  # one value, or none
    ran: list[str] = []
    run = runner.run

    def recorded(graph_store: Store, query: object) -> object:
        ran.append(getattr(query, "name", str(query)))
        return run(graph_store, query)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "run", recorded)
    found = shape_checks.violations(store)
    assert [line for line in found if "more than" in line] == [
        "t/statement/two: Statement dkg:speaker: more than 1 value(s)"]
    skipped = [c for c in every if c.single_valued in single]
    assert len(ran) == len(every) - len(skipped) + 1  # one query for all the maximum counts
    assert {c.query.name for c in skipped}.isdisjoint(ran)
