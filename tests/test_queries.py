"""Every named query is documented (title, parameters, example) and is valid SPARQL."""

from __future__ import annotations

import re

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
    assert len(names) == len(FILES)
