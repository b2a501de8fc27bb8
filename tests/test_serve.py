"""``kg serve``: a real SPARQL endpoint (Oxigraph behind a read-only, bounded proxy)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.serve.sparql import free_port, serving


def _start(seed_store: Path, **limits: int) -> Iterator[str]:
    port = free_port()
    with serving(seed_store, "127.0.0.1", port, **limits) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.shutdown()
            thread.join(5)


@pytest.fixture(scope="module")
def endpoint(seed_store: Path) -> Iterator[str]:
    """Base URL of 'kg serve' over the seed store."""
    yield from _start(seed_store)


def test_sparqlwrapper_query(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/query")
    client.setQuery(
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?name WHERE { ?p dct:identifier 'graham-smith' ; foaf:name ?name }"
    )
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert [b["name"]["value"] for b in answer["results"]["bindings"]] == ["Graham Smith"]


def test_sparqlwrapper_post_count(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setMethod(POST)
    client.setQuery("SELECT (COUNT(DISTINCT ?s) AS ?n) "
                    "WHERE { ?s a <https://w3id.org/debate-kg/ns#Statement> }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "49"


def test_update_is_refused(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/query", updateEndpoint=f"{endpoint}/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as caught:
        client.query()
    assert "403" in str(caught.value) or getattr(caught.value, "code", None) == 403
    for url, data, ctype in [
        (f"{endpoint}/query", b"update=DROP+ALL", "application/x-www-form-urlencoded"),
        (f"{endpoint}/query", b"DROP ALL", "application/sparql-update"),
        (f"{endpoint}/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
    ]:
        request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": ctype})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    count = urllib.parse.urlencode({"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    with urllib.request.urlopen(f"{endpoint}/query?{count}", timeout=10) as answer:
        assert b"false" in answer.read()


def test_answers_are_capped(seed_store: Path) -> None:
    for base in _start(seed_store, max_bytes=5000):
        query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        with pytest.raises(urllib.error.HTTPError) as capped:
            urllib.request.urlopen(f"{base}/query?{query}", timeout=10)
        assert capped.value.code == 413
        small = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        request = urllib.request.Request(f"{base}/query?{small}", headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.read().decode().count("\n") == 4  # header + 3 rows


def test_index_page_is_static_html(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/", timeout=10) as answer:
        page = answer.read().decode()
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<form action=\"/query\"" in page and "<script" not in page and "http://cdn" not in page


def test_serve_refuses_memory_and_remote_stores(kg) -> None:
    for spec in ("memory", "http://127.0.0.1:1/query"):
        result = kg("serve", store=spec)
        assert result.exit_code == 2
        assert "serves a store built on disk" in result.output
    assert "read-only SPARQL 1.1 endpoint" in kg("serve", "--help").output


def test_html_views(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/view/arguments", timeout=60) as answer:
        page = answer.read().decode()
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Only trained officers carry Taser" in page
    claim = urllib.parse.urlencode({"id": "roll-out-no-increase-in-force"})
    with urllib.request.urlopen(f"{endpoint}/view/claim?{claim}", timeout=60) as answer:
        tree = answer.read().decode()
    assert "Taser training is not diluted" in tree
    for path, code, says in [("/view/claim?id=no-such-claim", 400, "unknown id 'no-such-claim'"),
                             ("/view/nothing", 404, "no view 'nothing'")]:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"{endpoint}{path}", timeout=60)
        assert failed.value.code == code and says in failed.value.read().decode()
    with urllib.request.urlopen(f"{endpoint}/", timeout=10) as answer:
        assert '<a href="/view/arguments">' in answer.read().decode()
