"""Builds on a SPARQL server: a fresh graph per build, one pointer switched, old builds dropped later.

A debate's graph name (``…/graph/taser-uk``) stands for its current build. ``kg build`` loads
into a graph of the build's own (the name + :data:`~kg.stores.remote.BUILD_PATH` + a UTC stamp),
derives and checks it there, and only then switches the name's pointer in the builds registry
(``queries/store/switch-build.ru``, one small update): readers see the old build or the new one,
never half. Until the switch no reader is sent to the new graph, so the server may load it
without a transaction (Oxigraph's bulk loader).

Why not load a staging graph and ``MOVE`` it over the name: Oxigraph's server moves, copies and
drops quad by quad, in one transaction. At 1M triples the ``MOVE`` alone took 143 s of a 175 s
build; the same build by pointer takes a fraction (README, "Running on a server").

Old builds go one build late: the switch keeps the build it replaces as *previous*, for readers
that opened the store before the switch, and retires the one before it. Dropping a graph is
slow on some servers (Oxigraph: 42 s for 1M triples), so by default a retired build is dropped
by a background process after ``kg build`` returns; ``KG_STORE_PRUNE=wait`` drops it before
returning, ``keep`` leaves it (drop it later with ``kg build`` or by hand). A build that fails
its checks is retired the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg.model.errors import KgError
from kg.stores.auth import Credentials
from kg.stores.base import StoreBuild, serialized
from kg.stores.remote import BUILD_PATH, BUILDS_REGISTRY, RemoteStore, statement

PRUNE_POLICIES = ("background", "wait", "keep")
_JOB = "KG_PRUNE_JOB"  # how the background process is told what to drop


def build_graph(graph: str) -> str:
    """A new build's own graph IRI: the debate's graph, :data:`BUILD_PATH`, a UTC stamp that
    sorts by time and a random tail so two builds started in the same second differ."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{graph}{BUILD_PATH}{stamp}-{uuid.uuid4().hex[:8]}"


class RemoteBuild(StoreBuild):
    """A build on a SPARQL server, into a graph of its own, switched in by pointer.

    With no named graph (a store made for the server's default graph) there is nothing to point
    at: the default graph is replaced in place and :attr:`atomic` is false, as the error then says.
    """

    store: RemoteStore

    def __init__(self, target: RemoteStore):
        self.target = target
        self.atomic = target.graph is not None
        self.store = target.at(build_graph(target.graph)) if target.graph else target
        self.policy = prune_policy()  # checked before anything is written
        self.loaded = 0

    def load(self, ntriples: bytes, files: Sequence[Path] = ()) -> None:
        parts = [ntriples]
        for path in files:
            data = path.read_bytes()
            if path.suffix != ".nt":
                try:
                    data = serialized(ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE),
                                                   format=ox.RdfFormat.N_TRIPLES))
                except SyntaxError as exc:
                    raise KgError(f"bad RDF: {' '.join(str(exc).split())[:300]}", path) from exc
            parts.append(data)
        if not self.atomic:
            self.store.drop()
        for n, data in enumerate(parts):
            self.loaded += self.store.load(data, replace=False, fresh=self.atomic,
                                           label=f"loading {n + 1}/{len(parts)}")
        # the load is checked before anything runs on it: every distinct triple sent arrived
        # (the lines sent are counted again without repeats only when the counts differ)
        held = self.store.count()
        if held != self.loaded:
            expected = len({line.strip() for part in parts for line in part.splitlines() if line.strip()})
            if held != expected:
                raise KgError(f"{self.store.description}: {expected} triples were sent but the graph "
                              f"holds {held}")

    def _switch(self) -> str:
        if not self.atomic:
            return self.target.description
        self._tell_registry("switch-build.ru")
        self.target.named_graph = self.store.named_graph  # this process reads the new build
        prune(self.target, self.policy)
        return f"{self.target.description} (build <{self.store.named_graph}>)"

    def abort(self) -> None:
        if self.atomic:
            # the build's own error says what went wrong; its graph is only litter, dropped as
            # retired builds are (a failure to say so must not hide that error)
            with contextlib.suppress(KgError):
                self._tell_registry("retire-build.ru")
                prune(self.target, self.policy)

    def _tell_registry(self, name: str) -> None:
        """Run the registry statement ``name`` (``queries/store/``) for this build."""
        self.target.update(statement(name, registry=BUILDS_REGISTRY, graph=_graph(self.target),
                                     build=self.store.named_graph or ""))

    def reader(self) -> RemoteStore:
        return self.target


def prune_policy() -> str:
    """How retired builds are dropped: ``KG_STORE_PRUNE`` (see the module doc)."""
    policy = os.environ.get("KG_STORE_PRUNE", "background").strip().lower()
    if policy not in PRUNE_POLICIES:
        raise KgError(f"KG_STORE_PRUNE is {policy!r}; use one of {', '.join(PRUNE_POLICIES)}")
    return policy


def prune(store: RemoteStore, policy: str) -> None:
    """Drop the retired builds of ``store``'s graph as ``policy`` (:func:`prune_policy`) says."""
    if policy == "wait":
        drop_retired(store)
    elif policy == "background" and retired(store):
        _in_background(store)


def roles(store: RemoteStore) -> list[tuple[str, str]]:
    """The builds of ``store``'s graph in the registry, as (role, build graph) pairs."""
    answer = store.query_unscoped(statement("build-registry.rq", registry=BUILDS_REGISTRY,
                                            graph=_graph(store)))
    return [(str(role), str(build)) for role, build in answer.rows]


def retired(store: RemoteStore) -> list[str]:
    """The retired builds of ``store``'s graph: never the current or the previous one, even if
    two builds racing each other retired one of them."""
    pairs = roles(store)
    kept = {build for role, build in pairs if role != "retired"}
    return sorted({build for role, build in pairs if role == "retired"} - kept)


def drop_retired(store: RemoteStore) -> list[str]:
    """Drop every retired build of ``store``'s graph and take it out of the registry; return
    the graphs dropped."""
    graph = _graph(store)
    gone = retired(store)
    for build in gone:
        store.update(statement("drop-graph.ru", graph=build))
        store.update(statement("forget-build.ru", registry=BUILDS_REGISTRY, graph=graph, build=build))
    return gone


def _graph(store: RemoteStore) -> str:
    if not store.graph:
        raise KgError(f"{store.description}: builds are kept per named graph; this store has none")
    return store.graph


def _in_background(store: RemoteStore) -> None:
    """Start a detached process that drops the retired builds (it outlives this command; the
    credentials go in its environment, never on its command line)."""
    job = {"query": store.query_url, "update": store.update_url, "gsp": store.gsp_url,
           "graph": store.graph, "timeout": store.timeout}
    env = dict(os.environ, **{_JOB: json.dumps(job)})
    if store.credentials is not None:
        env.update(KG_STORE_USER=store.credentials.user, KG_STORE_PASSWORD=store.credentials.password)
    subprocess.Popen([sys.executable, "-m", "kg.stores.builds"], env=env, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _background_job() -> None:
    """The background process: drop what :func:`_in_background` named, quietly."""
    job = json.loads(os.environ[_JOB])
    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    store = RemoteStore(job["query"], job["update"], job["gsp"], float(job["timeout"]), job["graph"],
                        Credentials(user, password) if user and password is not None else None)
    with contextlib.suppress(KgError), store:
        drop_retired(store)


if __name__ == "__main__":
    _background_job()
