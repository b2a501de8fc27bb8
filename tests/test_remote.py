"""The same store assertions on the embedded Oxigraph store and on a real SPARQL server.

A session fixture starts ``oxigraph serve`` (read-write) on loopback with a free port and a
temporary location, builds the seed debate into it over HTTP (Graph Store Protocol, then the
derivations and checks on the server), and every test below runs on both kinds of store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.build import build, counts
from kg.model.errors import KgError
from kg.queries import catalogue as queries
from kg.queries.binding import bind, where_brace
from kg.queries.catalogue import parse
from kg.queries.runner import bind_params, resolve_id, run
from kg.serve.sparql import oxigraph_server
from kg.stores import Store, open_store
from kg.stores.oxigraph import OxigraphStore
from kg.stores.remote import RemoteStore

from .conftest import ID, SEED_DATA, sparql
from .test_build import EXPECTED_COUNTS


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Oxigraph server (read-write) holding the seed debate, built over HTTP."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    with oxigraph_server(location, read_only=False) as base:
        build(SEED_DATA, base)
        yield base


@pytest.fixture(params=["embedded", "sparql"])
def any_store(request: pytest.FixtureRequest, seed_store: Path) -> Iterator[Store]:
    """The seed debate on each kind of store."""
    if request.param == "embedded":
        graph_store: Store = OxigraphStore(seed_store)
    else:
        graph_store = open_store(request.getfixturevalue("sparql_server"))
    with graph_store:
        yield graph_store


def test_counts(any_store: Store) -> None:
    got = counts(any_store)
    assert {k: got[k] for k in EXPECTED_COUNTS} == EXPECTED_COUNTS


def test_same_triples_on_both(sparql_server: str, seed_store: Path) -> None:
    remote = open_store(sparql_server).dump("nt").splitlines()
    local = OxigraphStore(seed_store).dump("nt").splitlines()
    assert len(remote) == len(local) > 3500
    assert sorted(remote) == sorted(local)


def test_quotes_verify(any_store: Store) -> None:
    assert run(any_store, "quote-mismatches").rows == []
    quote = URIRef(ID + "quote/tv-federation-taser-call-1737-1757")
    row = sparql(
        any_store,
        "SELECT ?q ?found ?exact WHERE { ?q oa:hasSource ?doc ; oa:hasSelector ?p, ?t . "
        "?p oa:start ?s ; oa:end ?e . ?t oa:exact ?exact . ?doc schema:text ?text . "
        "BIND(SUBSTR(?text, ?s + 1, ?e - ?s) AS ?found) }",
        {"q": quote},
    ).values()
    assert row == [{"q": str(quote), "found": "being used 146 times", "exact": "being used 146 times"}]


def test_parameterised_query(any_store: Store) -> None:
    named = queries.named("evidence-for-claim")
    bindings = bind_params(named, {"claim": "taser-carriers-more-likely-use-force"}, any_store)
    rows = run(any_store, named, **bindings).values()
    assert [(r["polarity"], r["premise"], r["start"]) for r in rows] == [
        ("contests", "Officers must justify their force", 2861),
        ("contests", "Taser training is not diluted", 2694),
        ("supports", "Taser carriers almost 50% more likely to use force", 4549),
        ("supports", "Unarmed officers with a Taser carrier use force 19% more", 5019),
    ]
    assert rows[0]["producedBy"] is None  # a claim has no producer
    # the evidence beneath the 50% figure comes with its producer
    bindings = bind_params(named, {"claim": "taser-carriers-use-force-almost-50pc-more"}, any_store)
    trial = run(any_store, named, **bindings).values()
    assert [(r["polarity"], r["premise"], r["start"], r["producedBy"]) for r in trial] == [
        ("supports", "University of Cambridge Taser study with City of London Police", 4904,
         "University of Cambridge researchers")]


def test_unknown_id_is_an_error(any_store: Store) -> None:
    with pytest.raises(KgError, match="unknown id 'no-such-claim'"):
        resolve_id(any_store, "no-such-claim", "--param claim")


def test_cli_against_the_server(sparql_server: str, kg) -> None:
    args = ("query", "actor-statements", "--param", "actor=andy-symonds", "-f", "csv")
    result = kg(*args, store=sparql_server)
    assert result.exit_code == 0, result.output
    local = kg(*args)
    assert result.output == local.output and result.output.count("\n") > 3
    bad = kg("query", "SELECT ?x WHERE { ?x ?y }", store=sparql_server)
    assert bad.exit_code == 2


def test_unreachable_server_is_one_line_error(kg) -> None:
    from kg.serve.sparql import free_port

    result = kg("query", "counts", store=f"http://127.0.0.1:{free_port()}/query")
    assert result.exit_code == 2
    assert "cannot reach the SPARQL server" in result.output


def test_insert_data_chunks_when_no_graph_store(tmp_path: Path) -> None:
    """Without the Graph Store Protocol, loads go as INSERT DATA of at most 1,000 triples."""
    lines = [f"<urn:s{i}> <urn:p> \"v{i}\" ." for i in range(2500)]
    with oxigraph_server(tmp_path / "db", read_only=False) as base:
        store = RemoteStore(f"{base}/query", f"{base}/update", gsp_url=None)
        store.load(("\n".join(lines) + "\n").encode(), replace=True)
        store.load(b"<urn:s0> <urn:p> \"extra\" .\n", replace=False)
        assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").values() == [{"n": 2501}]
        store.load(b"<urn:a> <urn:p> \"only\" .\n", replace=True)
        assert store.query("SELECT ?o WHERE { ?s ?p ?o }").values() == [{"o": "only"}]


@pytest.mark.parametrize(("text", "marker"), [
    ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE {"),
    ("PREFIX a: <http://x/#> SELECT ?x { ?x a:p '}{' }", "SELECT ?x {"),
    ("# a { comment\nSELECT ?x WHERE { ?x ?p \"\"\"{\"\"\" }", "SELECT ?x WHERE {"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "} WHERE {"),
    ("SELECT ?x (IF(?a < 3, 1, 2) AS ?b) WHERE { ?x ?p ?a }", "?b) WHERE {"),
])
def test_values_go_at_the_start_of_the_where_group(text: str, marker: str) -> None:
    assert where_brace(text) == text.index(marker) + len(marker) - 1


def test_bound_terms_are_serialised_not_pasted() -> None:
    text = bind("SELECT ?x ?v WHERE { ?x ?p ?v }", {"v": [Literal('a" } ; DROP ALL #')]})
    assert text == 'SELECT ?x ?v WHERE { VALUES (?v) { ("a\\" } ; DROP ALL #") }  ?x ?p ?v }'
    with pytest.raises(KgError):
        bind("SELECT ?x WHERE { ?x ?p ?o }", {"x": [URIRef("http://x/a> b")]})


C = URIRef("http://x/c")
_V = "VALUES (?claim) { (<http://x/c>) }"


@pytest.mark.parametrize(("query", "expected"), [
    # a sub-select projecting the variable is restricted too (the engine starts from it)...
    ("SELECT ?claim ?n WHERE { { SELECT ?claim (COUNT(*) AS ?n) WHERE { ?s ?p ?claim } GROUP BY ?claim } }",
     f"SELECT ?claim ?n WHERE {{ {_V}  {{ SELECT ?claim (COUNT(*) AS ?n) WHERE {{ {_V}  ?s ?p ?claim }} "
     "GROUP BY ?claim } }"),
    ("SELECT ?claim WHERE { { SELECT * WHERE { ?s ?p ?claim } } }",
     f"SELECT ?claim WHERE {{ {_V}  {{ SELECT * WHERE {{ {_V}  ?s ?p ?claim }} }} }}"),
    # ...but not where that could change the answer: a LIMIT, or a variable made by AS
    ("SELECT ?claim WHERE { { SELECT ?claim WHERE { ?s ?p ?claim } LIMIT 3 } }",
     f"SELECT ?claim WHERE {{ {_V}  {{ SELECT ?claim WHERE {{ ?s ?p ?claim }} LIMIT 3 }} }}"),
    ("SELECT ?claim WHERE { { SELECT (?x AS ?claim) WHERE { ?s ?p ?x } } }",
     f"SELECT ?claim WHERE {{ {_V}  {{ SELECT (?x AS ?claim) WHERE {{ ?s ?p ?x }} }} }}"),
    # ... but not a sub-select written inside a string (an escaped quote does not end it) or a
    # comment, nor into a long string, whose quotes may stand alone inside it
    ('SELECT ?claim WHERE { ?claim ?p "a \\" { SELECT ?claim WHERE {" ; '
     "?q '''it's { SELECT * WHERE {''' # { SELECT ?claim WHERE {\n}",
     f'SELECT ?claim WHERE {{ {_V}  ?claim ?p "a \\" {{ SELECT ?claim WHERE {{" ; '
     "?q '''it's { SELECT * WHERE {''' # { SELECT ?claim WHERE {\n}"),
])
def test_values_reach_into_sub_selects_where_safe(query: str, expected: str) -> None:
    assert bind(query, {"claim": [C]}) == expected


def test_sub_select_binding_gives_the_same_rows(any_store: Store) -> None:
    query = ("SELECT ?claim ?n WHERE { { SELECT ?claim (COUNT(?s) AS ?n) WHERE { ?s dkg:claim ?claim } "
             "GROUP BY ?claim } }")
    claim = URIRef(ID + "claim/taser-for-every-frontline-officer")
    rows = run(any_store, parse(query, "inline", "<test>"), claim=claim).values()
    assert rows == [{"claim": str(claim), "n": 3}]  # the Norfolk Federation, Symonds, Bailey


@pytest.mark.parametrize("args", [
    ("trace", "taser-carriers-more-likely-use-force"),
    ("check",),
    ("analyze",),
    ("query", "claims-by-stance", "-f", "csv"),
])
def test_commands_answer_the_same_on_the_server(args: tuple[str, ...], sparql_server: str, kg) -> None:
    local, remote = kg(*args), kg(*args, store=sparql_server)
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.output == local.output and len(local.output) > 200
