"""The store: where the built graph lives, and the one place that chooses how to reach it.

Two kinds today, one interface:

* ``oxigraph`` (default): an embedded, on-disk Oxigraph store under ``.kg/store``. Each build
  writes a fresh store under ``.kg/builds/`` and then swaps the ``.kg/store`` link to it with
  an atomic rename, so a failed build leaves the previous store answering queries.
* ``memory``: a plain rdflib graph built from the data folder on every call; slower on big
  graphs, but needs nothing on disk (handy for a quick check, and the benchmark baseline).
* a URL (``http://`` or ``https://``): any SPARQL 1.1 server (``kg.stores.remote``), for graphs that
  outgrow one machine; queries, updates and bulk loads go over HTTP.

Every command talks to a :class:`Store`; what comes back is rdflib terms either way.
"""

from __future__ import annotations

import os
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.model.paths import DEFAULT_DATA, DEFAULT_STORE_DIR

Term = Identifier
KEEP_BUILDS = 2  # the current store and the one before it

EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    "trig": (ox.RdfFormat.TRIG, "trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "nquads"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "xml"),
}


@dataclass
class Result:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT."""

    kind: str  # "select", "ask" or "graph"
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def dicts(self) -> list[dict[str, Term | None]]:
        """The rows as ``{variable: term}`` mappings."""
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def values(self) -> list[dict[str, object]]:
        """The rows with each term as a Python value (numbers, dates, strings; IRIs as str)."""
        return [{k: python(v) for k, v in row.items()} for row in self.dicts()]


def python(term: Term | None) -> object:
    """A term as a plain Python value: literals converted, IRIs and blank nodes as strings."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


class Store(ABC):
    """A SPARQL-queryable graph."""

    description: str
    # Whether queries may run on several threads at once (Oxigraph and SPARQL servers: yes;
    # an rdflib graph being written to: no). The build runs its checks side by side when so.
    concurrent = False

    @abstractmethod
    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> Result:
        """Run a SPARQL query with variables bound to RDF terms (never pasted into the text)."""

    @abstractmethod
    def dump(self, fmt: str) -> bytes:
        """The whole graph serialised as ``fmt`` (one of :data:`EXPORT_FORMATS`)."""

    def insert(self, graph: Graph) -> None:
        """Add derived triples (the build's post-build steps use it on the store being built)."""
        raise KgError(f"{self.description} is read-only")

    def update(self, text: str) -> None:
        """Run a SPARQL update (the build's derivations, on the store being built)."""
        raise KgError(f"{self.description} is read-only")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- Oxigraph ------------------------------------------------------------------------------


def _to_rdflib(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise KgError(f"unsupported term in result: {term!r}")


def _to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise KgError(f"cannot bind {term!r}")


class OxigraphStore(Store):
    """The built store on disk, opened read-only."""

    concurrent = True  # pyoxigraph releases the GIL while a query runs

    def __init__(self, path: Path, opened: ox.Store | None = None):
        self.path = path
        self.description = f"oxigraph:{path}"
        if opened is not None:
            self._store = opened
            return
        if not path.exists():
            raise KgError("no store here yet: run 'kg build' first", path)
        try:
            self._store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise KgError(f"cannot open the store: {exc}", path) from exc

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> Result:
        subs = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(text, substitutions=subs or None, prefixes=PREFIXES)
            if isinstance(answer, ox.QueryBoolean):
                return Result("ask", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                rows = [tuple(_to_rdflib(sol[name]) for name in names) for sol in answer]
                return Result("select", names, rows)
            graph = Graph()
            for triple in answer:
                graph.add(tuple(_to_rdflib(t) for t in (triple.subject, triple.predicate, triple.object)))
            return Result("graph", graph=graph)
        except SyntaxError as exc:
            raise KgError(f"bad SPARQL: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            if "SELECT projection" in str(exc):
                raise KgError(
                    f"query failed: {exc} (a bound parameter must also be selected, e.g. SELECT ?claim ...)"
                ) from exc
            raise KgError(f"query failed: {exc}") from exc

    def update(self, text: str) -> None:
        try:
            self._store.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise KgError(f"bad SPARQL update: {exc}") from exc
        except OSError as exc:
            raise KgError(f"cannot write to {self.description}: {exc}") from exc

    def insert(self, graph: Graph) -> None:
        try:
            self._store.extend(
                ox.Quad(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o), ox.DefaultGraph())
                for s, p, o in graph
            )
        except OSError as exc:
            raise KgError(f"cannot write to {self.description}: {exc}") from exc

    def dump(self, fmt: str) -> bytes:
        ox_format = EXPORT_FORMATS[fmt][0]
        prefixes = PREFIXES if ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        kwargs = {"prefixes": prefixes} if prefixes else {}
        if ox_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            return self._store.dump(format=ox_format, **kwargs)
        return self._store.dump(format=ox_format, from_graph=ox.DefaultGraph(), **kwargs)

    def close(self) -> None:
        self._store = None


def write_oxigraph(
    target: Path,
    ntriples: bytes,
    finish: Callable[[Store], None] | None = None,
    bulk_files: Sequence[Path] = (),
) -> Path:
    """Load N-Triples (and ``bulk_files``, N-Triples or Turtle files read by Oxigraph's own
    loader) into a fresh store, run ``finish`` on it (the build's derivations, post-build
    steps and checks, which write to it), then switch ``target`` (a link) to it atomically.

    The previous store stays where it was until the switch, so an interrupted or failed
    load, update or check never leaves ``target`` half-written.
    """
    root = target.parent
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_symlink():
        raise KgError("expected a link made by 'kg build'; move it away first", target)
    # named after the link, so stores side by side (.kg/store, .kg/synth) never prune each other
    fresh = builds / f"{target.name}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        store = ox.Store(str(fresh))
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        for path in bulk_files:
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            try:
                store.bulk_load(path=str(path), format=fmt)
            except SyntaxError as exc:
                raise KgError(f"bad RDF: {' '.join(str(exc).split())[:300]}", path) from exc
        if finish is not None:
            finish(OxigraphStore(fresh, opened=store))
        # Compact what the bulk load wrote: joins then read fewer, larger files (kg trace --all
        # at 1M triples: 1.18 s before, 0.81 s after; this costs about 0.8 s of the build).
        store.optimize()
        store.flush()
        del store
    except (OSError, SyntaxError, ValueError) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise KgError(f"could not write the store: {exc}", fresh) from exc
    except KgError:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    link = root / f".{target.name}.tmp-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(fresh.relative_to(root))
    os.replace(link, target)
    _prune(builds, f"{target.name}-", keep={fresh.resolve()})
    return fresh


def _prune(builds: Path, prefix: str, keep: set[Path]) -> None:
    """Remove old builds of one store (names starting with ``prefix``), keeping the newest
    :data:`KEEP_BUILDS` (and any in ``keep``)."""
    olds = sorted((p for p in builds.iterdir() if p.name.startswith(prefix)),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in olds[KEEP_BUILDS:]:
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


# --- rdflib in memory ----------------------------------------------------------------------


class MemoryStore(Store):
    """An rdflib graph in memory (rdflib's own SPARQL engine)."""

    def __init__(self, graph: Graph, description: str = "memory"):
        self.graph = graph
        self.description = description
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, replace=True)

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.graph.query(text, initBindings=dict(bindings or {}), initNs=PREFIXES)
        except ParseException as exc:
            raise KgError(f"bad SPARQL: {exc}") from exc
        except Exception as exc:  # rdflib raises bare exceptions for unsupported queries
            raise KgError(f"query failed: {type(exc).__name__}: {exc}") from exc
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            names = [str(v) for v in answer.vars]
            return Result("select", names, [tuple(row) for row in answer])
        graph = Graph()
        for triple in answer:
            graph.add(triple)
        return Result("graph", graph=graph)

    def insert(self, graph: Graph) -> None:
        self.graph += graph

    def update(self, text: str) -> None:
        self.graph.update(text, initNs=PREFIXES)

    def dump(self, fmt: str) -> bytes:
        rdflib_format = EXPORT_FORMATS[fmt][1]
        return self.graph.serialize(format=rdflib_format, encoding="utf-8")


# --- the choice ----------------------------------------------------------------------------

STORE_KINDS: Sequence[str] = ("oxigraph", "memory", "sparql")


def is_remote(spec: str) -> bool:
    """Whether a store spec names a SPARQL server (a URL) rather than a local store."""
    return spec.startswith(("http://", "https://"))


def open_store(spec: str | None = None, data_dir: Path | None = None) -> Store:
    """Open the store a command should read.

    ``spec`` is ``memory`` (build ``data_dir`` into rdflib now), a SPARQL endpoint URL
    (``kg.stores.remote``), or a path to an Oxigraph store; ``None`` means ``$KG_STORE`` or the
    project-local ``.kg/store``.
    """
    spec = spec or os.environ.get("KG_STORE") or str(DEFAULT_STORE_DIR)
    if spec == "memory":
        from kg.build import memory_store  # the build owns turning annotations into RDF

        return memory_store(Path(data_dir or DEFAULT_DATA))
    if is_remote(spec):
        from kg.stores.remote import RemoteStore

        return RemoteStore.from_spec(spec)
    return OxigraphStore(Path(spec))


def store_target(spec: str | None = None) -> Path | str | None:
    """Where ``kg build`` writes: the Oxigraph path, a SPARQL endpoint URL (a ``str``), or
    ``None`` for an in-memory store."""
    spec = spec or os.environ.get("KG_STORE") or str(DEFAULT_STORE_DIR)
    if spec == "memory":
        return None
    return spec if is_remote(spec) else Path(spec)
