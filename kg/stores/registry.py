"""The store kinds, and the one function that turns ``--store`` text into a store.

``--store`` (or ``$KG_STORE``) names a store: ``memory`` (an rdflib graph built from the data
folder now), a SPARQL 1.1 endpoint URL (``http://`` or ``https://``, optionally ending in
``#graph=IRI``: the named graph to use, which ``--graph`` sets), or else a path to an embedded
Oxigraph store; nothing given means ``.kg/store``. Every command and the benchmark go
through :func:`locate` / :func:`open_store`; nothing outside ``kg.stores`` knows a kind's
internals.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.model.errors import KgError
from kg.model.paths import DEFAULT_STORE_DIR
from kg.stores.base import Store, StoreBuild


@dataclass(frozen=True)
class StoreKind:
    """One kind of store: which ``--store`` texts name it, how to open it and how to build it."""

    name: str
    summary: str
    matches: Callable[[str], bool]
    open: Callable[[str], Store]
    begin: Callable[[str, bool, Callable[[str], None] | None], StoreBuild]
    # The target a build of one debate writes (a SPARQL server: the debate's own named graph,
    # unless the spec names one); None: the same target whatever the debate.
    for_debate: Callable[[str, str], str] | None = None


def _open_memory(target: str) -> Store:
    raise KgError("the memory store holds nothing until it is built: give the command a data folder")


def _begin_memory(target: str, wait: bool, say: Callable[[str], None] | None) -> StoreBuild:
    from kg.stores.memory import MemoryBuild

    return MemoryBuild(target)


def _open_sparql(target: str) -> Store:
    from kg.stores.remote import RemoteStore

    return RemoteStore.from_spec(target)


def _begin_sparql(target: str, wait: bool, say: Callable[[str], None] | None) -> StoreBuild:
    from kg.stores.builds import RemoteBuild
    from kg.stores.remote import RemoteStore

    return RemoteBuild(RemoteStore.from_spec(target, discover=False))


def _sparql_for_debate(target: str, debate: str) -> str:
    from kg.stores.remote import for_debate

    return for_debate(target, debate)


def _open_oxigraph(target: str) -> Store:
    from kg.stores.oxigraph import OxigraphStore

    return OxigraphStore(Path(target))


def _begin_oxigraph(target: str, wait: bool, say: Callable[[str], None] | None) -> StoreBuild:
    from kg.stores.oxigraph import OxigraphBuild

    return OxigraphBuild(Path(target), wait, say)


def of_graph(graph: Graph, description: str = "memory") -> Store:
    """An rdflib graph held by this process, as a store (e.g. the ontology, to read keywords)."""
    from kg.stores.memory import MemoryStore

    return MemoryStore(graph, description)


def with_graph(spec: str | None, graph: str) -> str:
    """The store spec for ``--store`` plus ``--graph``: the server's URL naming that graph.

    Only a SPARQL server has named graphs to choose from; for any other store it is an error."""
    text = spec or os.environ.get("KG_STORE") or str(DEFAULT_STORE_DIR)
    if not is_remote(text):
        raise KgError(f"--graph names a graph on a SPARQL server, but the store is {text!r} "
                      "(give --store http://HOST:PORT/... too)")
    from kg.stores.remote import with_graph as url_with_graph

    return url_with_graph(text, graph)


def is_remote(spec: str) -> bool:
    """Whether a store spec names a SPARQL server (a URL) rather than a local store."""
    return spec.startswith(("http://", "https://"))


# First match wins; the embedded store takes any other text as a path.
KINDS: tuple[StoreKind, ...] = (
    StoreKind("memory", "an rdflib graph built from the data folder for this command",
              lambda spec: spec == "memory", _open_memory, _begin_memory),
    StoreKind("sparql", "a SPARQL 1.1 server, named by its endpoint URL",
              is_remote, _open_sparql, _begin_sparql, _sparql_for_debate),
    StoreKind("oxigraph", "an embedded Oxigraph store in a folder (default .kg/store)",
              lambda spec: True, _open_oxigraph, _begin_oxigraph),
)


@dataclass(frozen=True)
class Location:
    """A store named by ``--store``: its kind and the kind's own target (path, URL or 'memory')."""

    kind: StoreKind
    target: str

    def open(self) -> Store:
        """The store, for reading."""
        return self.kind.open(self.target)

    def begin_build(self, wait: bool = True, say: Callable[[str], None] | None = None,
                    debate: str | None = None) -> StoreBuild:
        """A new build of this store (see :class:`~kg.stores.base.StoreBuild`); where only one
        build may run at a time, wait for the running one (or, without ``wait``, refuse).
        ``debate`` (the debates' ids) chooses the graph where a kind keeps one per debate."""
        target = self.target
        if debate and self.kind.for_debate is not None:
            target = self.kind.for_debate(target, debate)
        return self.kind.begin(target, wait, say)


def locate(spec: str | None = None) -> Location:
    """The store ``spec`` names; ``None`` means ``$KG_STORE`` or the project-local ``.kg/store``."""
    text = spec or os.environ.get("KG_STORE") or str(DEFAULT_STORE_DIR)
    kind = next(k for k in KINDS if k.matches(text))
    return Location(kind, text)


def open_store(spec: str | None = None, fill: Callable[[StoreBuild], None] | None = None) -> Store:
    """Open the store a command reads. A kind that holds nothing yet (``memory``) is built first
    with ``fill`` (the build layer's: compile the data folder, load, derive, check)."""
    location = locate(spec)
    if location.kind.name != "memory":
        return location.open()
    if fill is None:
        return location.open()  # says what is missing
    with location.begin_build() as build:
        fill(build)
        build.commit()
    return build.store
