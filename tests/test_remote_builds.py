"""Builds on a SPARQL server (kg/stores/builds.py), on a real Oxigraph server: each build in a
graph of its own, one pointer switched, the build before kept for its readers, older ones dropped
(in the foreground with KG_STORE_PRUNE=wait, or by a background process), a failed build never
seen and dropped, Oxigraph's bulk loader used only where no reader can see a half-loaded graph."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.build import build, counts
from kg.build import pipeline as build_pipeline
from kg.ingest.synth import synthesise
from kg.model.errors import KgError
from kg.serve.sparql import oxigraph_server
from kg.stores import builds, remote
from kg.stores.builds import RemoteBuild, roles
from kg.stores.remote import BUILD_PATH, GRAPH_BASE, RemoteStore

from .conftest import SEED_DATA
from .test_build import EXPECTED_COUNTS

G = GRAPH_BASE + "taser-uk"
SEED_TRIPLES = 4576


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty Oxigraph server of this test's own (builds drop old builds before returning)."""
    monkeypatch.setenv("KG_STORE_PRUNE", "wait")
    with oxigraph_server(tmp_path / "server", read_only=False) as base:
        yield base


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic debate, to tell one build from another by its counts."""
    data = tmp_path_factory.mktemp("small")
    synthesise(data, 3000, seed=5)
    return data


@pytest.fixture(scope="module")
def small_triples(small: Path, tmp_path_factory: pytest.TempPathFactory) -> int:
    """How many triples the small debate has once built (in an embedded store)."""
    return build(small, str(tmp_path_factory.mktemp("small-store") / "store")).counts["triples"]


def graph_count(base: str, graph: str) -> int:
    """How many triples a named graph holds, read directly (no pointer followed)."""
    return RemoteStore.from_spec(f"{base}#graph={graph}", discover=False).count()


def registry(base: str) -> dict[str, list[str]]:
    store = RemoteStore.from_spec(f"{base}#graph={G}", discover=False)
    found: dict[str, list[str]] = {}
    for role, graph in roles(store):
        found.setdefault(role, []).append(graph)
    return {role: sorted(graphs) for role, graphs in found.items()}


def test_a_build_goes_into_a_graph_of_its_own_and_the_name_points_at_it(server: str) -> None:
    report = build(SEED_DATA, server)
    current = registry(server)["current"]
    assert report.store == f"sparql:{server}/query graph <{G}> (build <{current[0]}>)"
    assert len(current) == 1 and current[0].startswith(G + BUILD_PATH)
    assert graph_count(server, current[0]) == SEED_TRIPLES
    assert graph_count(server, G) == 0  # the name holds no data of its own
    reader = RemoteStore.from_spec(server)  # no graph given: the one debate on the server
    assert (reader.graph, reader.named_graph) == (G, current[0])
    got = counts(reader)
    assert {k: got[k] for k in EXPECTED_COUNTS} == EXPECTED_COUNTS and got["triples"] == SEED_TRIPLES


def test_builds_are_kept_one_build_late_then_dropped(server: str, small: Path, small_triples: int) -> None:
    url = f"{server}#graph={G}"
    build(SEED_DATA, url)
    first = registry(server)["current"][0]
    early_reader = RemoteStore.from_spec(url)
    build(small, url)
    second = registry(server)["current"][0]
    assert registry(server) == {"current": [second], "previous": [first]}
    # a reader that opened the store before the switch still reads its own build, whole
    assert early_reader.named_graph == first and early_reader.count() == SEED_TRIPLES
    assert counts(RemoteStore.from_spec(url))["triples"] == small_triples != SEED_TRIPLES
    build(SEED_DATA, url)
    third = registry(server)["current"][0]
    assert registry(server) == {"current": [third], "previous": [second]}
    assert graph_count(server, first) == 0  # dropped: two builds old
    assert graph_count(server, second) == small_triples
    assert len({first, second, third}) == 3


def test_a_failed_build_is_never_seen_and_is_dropped(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{server}#graph={G}"
    build(SEED_DATA, url)
    good = registry(server)["current"][0]
    seen: list[tuple[str, int, int]] = []

    def broken(new: RemoteStore) -> None:
        with RemoteStore.from_spec(url) as reader:
            seen.append((reader.named_graph or "", new.count(), reader.count()))
        raise KgError("number checks broke")

    monkeypatch.setattr(build_pipeline, "POST_BUILD_STEPS", (broken,))
    with pytest.raises(KgError, match="number checks broke"):
        build(SEED_DATA, url)
    # mid-build, readers saw the good build whole; the new one had all but the 5 number checks
    assert seen == [(good, SEED_TRIPLES - 50, SEED_TRIPLES)]
    assert registry(server) == {"current": [good], "previous": [G]}  # the failed one: dropped, forgotten
    graphs = RemoteStore.from_spec(url, discover=False).query_unscoped(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(str(row[0]) for row in graphs.rows) == sorted([good, remote.BUILDS_REGISTRY])


def test_data_in_the_graph_itself_is_read_until_a_build_replaces_it(server: str, small: Path) -> None:
    url = f"{server}#graph={G}"
    by_hand = RemoteStore.from_spec(url, discover=False)
    by_hand.load(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n", replace=False)
    assert RemoteStore.from_spec(url).named_graph == G  # no pointer: the graph itself
    build(small, url)
    assert registry(server)["previous"] == [G] and graph_count(server, G) == 1
    build(small, url)
    assert graph_count(server, G) == 0  # replaced, as a build replaces the graph


def test_old_builds_are_dropped_in_the_background_by_default(server: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{server}#graph={G}"
    build(SEED_DATA, url)
    first = registry(server)["current"][0]
    build(SEED_DATA, url)
    monkeypatch.delenv("KG_STORE_PRUNE")
    build(SEED_DATA, url)  # retires the first build and returns; a process of its own drops it
    deadline = time.monotonic() + 60
    while registry(server).get("retired") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "retired" not in registry(server) and graph_count(server, first) == 0


def test_keep_leaves_retired_builds_and_a_bad_policy_is_refused(server: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{server}#graph={G}"
    monkeypatch.setenv("KG_STORE_PRUNE", "keep")
    for _ in range(3):
        build(SEED_DATA, url)
    retired = registry(server)["retired"]
    assert len(retired) == 2 and G in retired  # the graph name itself, and the first build
    assert all(graph_count(server, graph) == SEED_TRIPLES for graph in retired if graph != G)
    assert builds.drop_retired(RemoteStore.from_spec(url)) == retired
    assert "retired" not in registry(server)
    monkeypatch.setenv("KG_STORE_PRUNE", "later")
    with pytest.raises(KgError, match="KG_STORE_PRUNE is 'later'; use one of background, wait, keep"):
        build(SEED_DATA, url)


def test_bulk_loading_only_into_a_fresh_build_graph(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict[str, str]] = []
    real = RemoteStore._send

    def spy(self: RemoteStore, method: str, url: str, accept: str, **kw: object) -> tuple[str, bytes]:
        if url.endswith("/store") and method == "POST":
            sent.append(dict(kw["params"]))  # type: ignore[call-overload]
        return real(self, method, url, accept, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(RemoteStore, "_send", spy)
    monkeypatch.setattr(remote, "BULK_CHUNK", 1000)
    build(SEED_DATA, f"{server}#graph={G}")
    bulk = [p for p in sent if "no_transaction" in p]
    # the seed compiles to 3,964 triples (before derivations): 4 requests of at most 1,000
    assert len(bulk) == 4 and all(p["graph"].startswith(G + BUILD_PATH) for p in bulk)
    assert all("no_transaction" not in p for p in sent[len(bulk):])  # post-build inserts: transactions
    sent.clear()
    extra = Graph()
    extra.add((URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:c")))
    RemoteStore.from_spec(f"{server}#graph={G}").insert(extra)
    assert sent == [{"graph": registry(server)["current"][0]}]  # into what readers read: a transaction


def test_a_build_of_the_default_graph_is_in_place(server: str) -> None:
    target = RemoteStore(f"{server}/query", f"{server}/update", f"{server}/store")
    new = RemoteBuild(target)
    assert not new.atomic and new.store is target


def test_a_load_the_server_did_not_keep_whole_is_an_error(server: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = RemoteStore._send

    def lossy(self: RemoteStore, method: str, url: str, accept: str, **kw: object) -> tuple[str, bytes]:
        content = kw.get("content")
        if url.endswith("/store") and isinstance(content, bytes):
            kw["content"] = b"\n".join(content.splitlines()[1:]) + b"\n"  # the server drops a line
        return real(self, method, url, accept, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(RemoteStore, "_send", lossy)
    monkeypatch.setattr(remote, "BULK_CHUNK", 1000)
    with pytest.raises(KgError, match=r"3964 triples were sent but the graph holds 3960$"):
        build(SEED_DATA, f"{server}#graph={G}")
    assert "current" not in registry(server)  # never pointed at; dropped
    left = RemoteStore.from_spec(f"{server}#graph={G}", discover=False).query_unscoped(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(row[0]) for row in left.rows] == []
