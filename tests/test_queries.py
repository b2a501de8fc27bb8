"""Every named query is documented (title, parameters, example) and is valid SPARQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery, prepareUpdate

from kg.model.namespaces import PREFIXES
from kg.model.paths import QUERIES
from kg.queries.catalogue import catalogue, parse

FILES = sorted(QUERIES.rglob("*.rq")) + sorted(QUERIES.rglob("*.ru"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_query_file_is_documented_and_parses(path) -> None:
    text = path.read_text(encoding="utf-8")
    header = parse(text, path.stem, str(path))
    assert header.title, f"{path.name} has no title line"
    assert re.search(r"^# Parameters:", text, re.M), f"{path.name} does not say its parameters"
    assert re.search(r"^# Example", text, re.M), f"{path.name} has no example"
    if path.suffix == ".ru":
        prepareUpdate(text, initNs=PREFIXES)
        return
    prepareQuery(text, initNs=PREFIXES)
    select = re.search(r"SELECT(.*?)WHERE", text, re.S)
    for param in header.params:  # Oxigraph binds only variables the query selects
        assert select and f"?{param.name}" in select.group(1), f"{path.name}: ?{param.name} not selected"


def test_catalogue_lists_the_shipped_queries() -> None:
    names = {q.name for q in catalogue()}
    assert {"claims-by-stance", "actor-statements", "evidence-for-claim", "quote-mismatches"} <= names
    assert len(names) == len([f for f in FILES if "." not in f.stem])  # engine variants aside


VARIANTS = sorted(f for f in FILES if "." in f.stem)


def test_the_engine_variants_are_the_expected_ones() -> None:
    assert [f.name for f in VARIANTS] == [
        "quote-mismatches.rdflib.rq", "analysis-statements.rdflib.rq", "bench-statement-join.rdflib.rq",
        "tally-stances.rdflib.rq", "trace-all-sources.rdflib.rq", "trace-all-stances.rdflib.rq",
        "viz-link-ends.rdflib.rq"]


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.name)
def test_an_engine_variant_gives_the_same_answers(path, store) -> None:
    """Both shapes of a query, run on the seed (one quote's offset moved, so the quote check
    has an answer) give the same rows on Oxigraph, and rdflib gives them too with its variant
    (the same values: the engines differ only in how they type some computed literals)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.queries.catalogue import for_engine, named
    from kg.stores import of_graph
    from kg.stores.oxigraph import OxigraphStore

    query = named(path.name.split(".")[0])
    variant = for_engine(query, "rdflib")
    assert variant.source == str(path) and for_engine(query, None) is query
    assert for_engine(query, "virtuoso").source == str(path)  # Virtuoso runs the flat forms too
    data, moved = re.subn(rb'(oa#start> )"(\d+)"', lambda m: m[1] + b'"%d"' % (int(m[2]) + 1),
                          store.dump("nt"), count=1)
    assert moved == 1
    engine = ox.Store()
    engine.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    oxigraph = OxigraphStore(Path("in-memory"), opened=engine)
    memory = of_graph(Graph().parse(data=data, format="nt"), "rdflib")
    rows = [sorted(map(repr, oxigraph.query(text).rows)) for text in (query.text, variant.text)]
    assert rows[0] and rows[0] == rows[1]  # the same terms on Oxigraph

    def values(kind: object, text: str) -> list[tuple[str, ...]]:
        return sorted(tuple(map(str, row)) for row in kind.query(text).rows)  # type: ignore[attr-defined]

    assert values(memory, variant.text) == values(oxigraph, query.text)  # and on rdflib, its own shape
