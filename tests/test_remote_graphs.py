"""Named graphs, store URLs and credentials of the remote store, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model.errors import KgError
from kg.queries.binding import scoped_update
from kg.queries.catalogue import updates
from kg.stores.auth import Credentials, credentials_for, public_url, split_userinfo
from kg.stores.remote import GRAPH_BASE, RemoteStore, for_debate, skolemise, split_graph, with_graph

G = "https://w3id.org/debate-kg/graph/taser-uk"


def test_updates_are_scoped_to_the_graph_with_with() -> None:
    text = ("PREFIX dkg: <https://w3id.org/debate-kg/ns#>\n"
            "INSERT { ?a dkg:x ?b } WHERE { ?a dkg:y ?b } ;\n"
            "DELETE { ?a dkg:x ?b } INSERT { ?a dkg:z ?b } WHERE { ?a dkg:x ?b }")
    assert scoped_update(text, G) == (
        "PREFIX dkg: <https://w3id.org/debate-kg/ns#>\n"
        f"WITH <{G}> INSERT {{ ?a dkg:x ?b }} WHERE {{ ?a dkg:y ?b }} ;\n"
        f"WITH <{G}> DELETE {{ ?a dkg:x ?b }} INSERT {{ ?a dkg:z ?b }} WHERE {{ ?a dkg:x ?b }}")
    assert scoped_update(text, None) == text
    # every derive step: one WITH per operation (1-types: 1, 2-kind: 2, 3-argument-edges: 2)
    assert [scoped_update(u.text, G).count(f"WITH <{G}>") for u in updates("derive")] == [1, 2, 2]


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }"])
def test_forms_that_cannot_be_scoped_are_refused(update: str) -> None:
    with pytest.raises(KgError, match="cannot scope"):
        scoped_update(update, G)


def test_store_urls_name_their_graph() -> None:
    url = "http://127.0.0.1:8890/sparql-auth"
    assert split_graph(url) == (url, None)
    assert split_graph(f"{url}#graph={G}") == (url, G)
    assert with_graph(f"{url}#graph=urn:old", G) == f"{url}#graph={G}"
    assert for_debate(url, "taser-uk") == f"{url}#graph={GRAPH_BASE}taser-uk"
    assert for_debate(f"{url}#graph=urn:mine", "taser-uk") == f"{url}#graph=urn:mine"
    with pytest.raises(KgError, match="#graph=IRI"):
        split_graph(f"{url}#other=1")
    with pytest.raises(KgError, match="not a usable graph IRI"):
        with_graph(url, "not an iri")


def test_virtuoso_endpoints_and_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_STORE_USER", raising=False)
    monkeypatch.delenv("KG_STORE_PASSWORD", raising=False)
    monkeypatch.delenv("KG_STORE_GSP", raising=False)
    monkeypatch.delenv("KG_STORE_UPDATE", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    store = RemoteStore.from_spec(f"http://kg:s3cret@127.0.0.1:8890/sparql-auth#graph={G}", discover=False)
    assert (store.query_url, store.update_url, store.gsp_url) == (
        "http://127.0.0.1:8890/sparql-auth", "http://127.0.0.1:8890/sparql-auth",
        "http://127.0.0.1:8890/sparql-graph-crud-auth")
    assert store.credentials == Credentials("kg", "s3cret")
    assert "s3cret" not in repr(store.credentials) and "s3cret" not in store.description
    assert store.description == f"sparql:http://127.0.0.1:8890/sparql-auth graph <{G}>"
    monkeypatch.setenv("KG_STORE_USER", "env-user")
    monkeypatch.setenv("KG_STORE_PASSWORD", "env-pass")
    assert credentials_for("http://127.0.0.1:8890/sparql-auth") == Credentials("env-user", "env-pass")
    assert public_url("https://u:p@[::1]:8890/sparql?x=1") == "https://[::1]:8890/sparql?x=1"
    assert split_userinfo("http://127.0.0.1/sparql") == ("http://127.0.0.1/sparql", None)


def test_blank_nodes_are_skolemised_once_per_load() -> None:
    first = skolemise(b'_:a <urn:p> "_:not-a-node" .\n_:a <urn:q> _:b .\n').decode()
    assert "_:" not in first.replace('"_:not-a-node"', "")
    nodes = {line.split()[0] for line in first.splitlines()}
    assert len(nodes) == 1 and next(iter(nodes)).startswith("<https://w3id.org/debate-kg/.well-known/genid/")
    second = skolemise(b'_:a <urn:p> "x" .\n').decode()
    assert second.split()[0] not in nodes  # another load's _:a is another node
    assert skolemise(b"<urn:s> <urn:p> <urn:o> .\n") == b"<urn:s> <urn:p> <urn:o> .\n"
