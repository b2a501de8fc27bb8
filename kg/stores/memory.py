"""The in-memory kind: a plain rdflib graph, built from the data folder on every command.

Slower on big graphs (rdflib's own SPARQL engine), but needs nothing on disk: handy for a quick
check, and the benchmark's baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

from rdflib import Graph
from rdflib.query import ResultRow
from rdflib.term import Node

from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.stores.base import Result, Store, StoreBuild
from kg.stores.formats import EXPORT_FORMATS


class MemoryStore(Store):
    """An rdflib graph in memory (rdflib's own SPARQL engine)."""

    engine_name = "rdflib"  # runs the queries' rdflib variants where they have one

    def __init__(self, graph: Graph, description: str = "memory"):
        self.graph = graph
        self.description = description
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, replace=True)

    def query(self, text: str) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.graph.query(text, initNs=PREFIXES)
        except ParseException as exc:
            raise KgError(f"bad SPARQL: {exc}") from exc
        except Exception as exc:  # rdflib raises bare exceptions for unsupported queries
            raise KgError(f"query failed: {type(exc).__name__}: {exc}") from exc
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        # rdflib types a result's items as triples, booleans or rows whatever the query's form
        if answer.type == "SELECT":
            names = [str(v) for v in answer.vars or []]
            solutions = cast(Iterable[ResultRow], answer)
            return Result("select", names, [tuple(row) for row in solutions])
        graph = Graph()
        for triple in cast(Iterable[tuple[Node, Node, Node]], answer):
            graph.add(triple)
        return Result("graph", graph=graph)

    def insert(self, graph: Graph) -> None:
        self.graph += graph

    def update(self, text: str) -> None:
        self.graph.update(text, initNs=PREFIXES)

    def dump(self, fmt: str) -> bytes:
        rdflib_format = EXPORT_FORMATS[fmt][1]
        return self.graph.serialize(format=rdflib_format, encoding="utf-8")


class MemoryBuild(StoreBuild):
    """A graph filled in this process; committing it changes nothing anywhere else."""

    store: MemoryStore

    def __init__(self, description: str = "memory"):
        self.store = MemoryStore(Graph(), description)

    def load(self, ntriples: bytes, files: Sequence[Path] = ()) -> None:
        self.store.graph.parse(data=ntriples, format="nt")
        self._files(files)

    def load_graph(self, graph: Graph, files: Sequence[Path] = ()) -> None:
        self.store = MemoryStore(graph, self.store.description)  # adopt it: no copy
        self._files(files)

    def _files(self, files: Sequence[Path]) -> None:
        for path in files:
            self.store.graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")

    def _switch(self) -> str:
        return self.store.description
