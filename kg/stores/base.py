"""What every store kind offers: one reading interface and one write lifecycle.

Reading: :class:`Store` runs SPARQL text (already bound by :mod:`kg.queries`) and answers with a
:class:`Result` of rdflib terms, whatever the engine. Writing: :class:`StoreBuild`, one build
of a store: begin (``StoreKind.begin``), ``load`` the data, let the build derive and check in
``build.store``, then ``commit`` (the atomic switch, where the kind has one) or ``abort``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, cast, overload

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.model.collector import paused
from kg.model.errors import KgError

Term = Identifier
# A pyoxigraph term, as its query solutions, triples and quads hold them.
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

class _Once(dict[OxTerm | None, Any]):
    """A conversion of pyoxigraph terms done once per distinct term (a dict lookup after that):
    ids, labels, kinds and dates repeat from row to row, and pyoxigraph terms hash cheaply
    (the statement table at 1M triples: 35,740 rows, 357,400 cells, 0.9 s -> 0.5 s)."""

    def __init__(self, convert: Callable[[Any], Any]):
        super().__init__()
        self.convert = convert

    def __missing__(self, term: OxTerm | None) -> Any:
        found = self[term] = self.convert(term)
        return found


class Result:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT.

    An engine may hand its own terms (``raw``, pyoxigraph's) instead of rdflib rows: they become
    rdflib terms only if ``rows`` is read, and :meth:`python_rows` turns them into Python values
    directly. Making an rdflib ``Literal`` parses its lexical form, and was half the time of a
    trace's queries at 1M triples."""

    def __init__(self, kind: str, vars: list[str] | None = None,
                 rows: list[tuple[Term | None, ...]] | None = None, boolean: bool | None = None,
                 graph: Graph | None = None, raw: list[tuple[OxTerm | None, ...]] | None = None):
        self.kind = kind  # "select", "ask" or "graph"
        self.vars = vars or []
        self._rows = rows
        self._raw = raw
        self.boolean = boolean
        self.graph = graph

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        """The rows as rdflib terms (``None`` where a variable is unbound)."""
        if self._rows is None:
            convert = _Once(from_oxigraph).__getitem__
            with paused():
                self._rows = [tuple(map(convert, row)) for row in self._raw or []]
        return self._rows

    def dicts(self) -> list[dict[str, Term | None]]:
        """The rows as ``{variable: term}`` mappings."""
        with paused():  # counted: the rows' own conversion inside holds it too
            return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def python_rows(self) -> list[tuple[object, ...]]:
        """The rows with each term as a Python value (see :func:`python`)."""
        with paused():
            if self._rows is None and self._raw is not None:
                convert = _Once(ox_python).__getitem__
                return [tuple(map(convert, row)) for row in self._raw]
            return [tuple(map(python, row)) for row in self.rows]

    def values(self) -> list[dict[str, object]]:
        """The rows with each term as a Python value (numbers, dates, strings; IRIs as str)."""
        with paused():
            return [dict(zip(self.vars, row, strict=True)) for row in self.python_rows()]


def python(term: Term | None) -> object:
    """A term as a plain Python value: literals converted, IRIs and blank nodes as strings."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_DIGITS = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def ox_python(term: OxTerm | None) -> object:
    """A pyoxigraph term as the Python value :func:`python` gives for its rdflib term, without
    making the rdflib term: strings, integers, decimals and dates directly; anything else (and
    any lexical form these patterns do not take) through rdflib, so the two always agree."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        text = term.value
        if datatype in (_STRING, _LANG_STRING):
            return text
        if datatype in _INTEGERS and _DIGITS.fullmatch(text):
            return int(text)
        if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(text):
            return Decimal(text)
        if datatype == _XSD + "date" and _DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    return python(from_oxigraph(term))


@overload
def from_oxigraph(term: None) -> None: ...
@overload
def from_oxigraph(term: OxTerm) -> Term: ...
def from_oxigraph(term: OxTerm | None) -> Term | None:
    """A pyoxigraph term as the rdflib term every result carries."""
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


@overload
def to_oxigraph(term: URIRef) -> ox.NamedNode: ...
@overload
def to_oxigraph(term: URIRef | BNode) -> ox.NamedNode | ox.BlankNode: ...
@overload
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as pyoxigraph's."""
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
    raise KgError(f"cannot convert {term!r}")


def graph_of(triples: Iterable[ox.Triple] | Iterable[ox.Quad]) -> Graph:
    """pyoxigraph triples (a CONSTRUCT answer or a parse) as an rdflib graph."""
    graph = Graph()
    for t in triples:
        graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
    return graph


def serialized(data: bytes | None) -> bytes:
    """What pyoxigraph's ``dump``/``serialize`` return when given no output: the bytes.

    Their stubs say ``bytes | None`` whatever the arguments (``None`` is for when an output is
    given), so this names the narrowing once.
    """
    return cast(bytes, data)


class Store(ABC):
    """A SPARQL-queryable graph."""

    description: str
    # The named graph this store reads and writes (a SPARQL server's ``--graph``); ``None``: the
    # default graph. The query layer scopes updates to it (``WITH``).
    named_graph: str | None = None
    # Whether queries may run on several threads at once (Oxigraph and SPARQL servers: yes;
    # an rdflib graph being written to: no). The build runs its checks side by side when so.
    concurrent = False
    # How many independent read-only queries are worth sending at once, as the build's shape
    # checks are: 1 where this process evaluates them (its cores are busy with the build's other
    # threads), more where a server does and this process only waits for its answers.
    query_width = 1
    # The engine whose query variants this store runs (kg.queries.catalogue.for_engine), when
    # it needs its own shapes; None: the named queries as they are.
    engine_name: str | None = None

    @abstractmethod
    def query(self, text: str) -> Result:
        """Run SPARQL text whose parameters :mod:`kg.queries` has already bound."""

    @abstractmethod
    def dump(self, fmt: str) -> bytes:
        """The whole graph serialised as ``fmt`` (one of :data:`EXPORT_FORMATS`)."""

    def insert(self, graph: Graph) -> None:
        """Add derived triples (the build's post-build steps use it on the store being built)."""
        raise KgError(f"{self.description} is read-only")

    def update(self, text: str) -> None:
        """Run a SPARQL update (the build's derivations, on the store being built)."""
        raise KgError(f"{self.description} is read-only")

    def compact(self) -> None:  # noqa: B027 - optional hook
        """Make reads fast again after writes, where the engine has such a step (Oxigraph's
        compaction); the build calls it after its last write, beside its read-only checks."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreBuild(ABC):
    """One build of a store: load, derive and check in :attr:`store`, then commit or abort.

    Used as a context manager, a build that did not commit is aborted on the way out, so an
    error anywhere leaves what readers see as it was (where the kind can promise that).
    """

    store: Store
    atomic = True  # False: the kind cannot hide a half-done build from readers
    committed = False

    @abstractmethod
    def load(self, ntriples: bytes, files: Sequence[Path] = ()) -> None:
        """Load N-Triples, and RDF files (N-Triples or Turtle) read by the engine's own loader."""

    def load_graph(self, graph: Graph, files: Sequence[Path] = ()) -> None:
        """Load an rdflib graph (the compiled annotations) and RDF files."""
        self.load(graph.serialize(format="nt", encoding="utf-8"), files)

    def commit(self) -> str:
        """Make the new build what readers see; return a description of where it now lives."""
        where = self._switch()
        self.committed = True
        return where

    @abstractmethod
    def _switch(self) -> str:
        """The kind's own commit: the atomic switch where it has one."""

    def abort(self) -> None:  # noqa: B027 - optional hook
        """Drop what this build wrote, if the kind can (never after :meth:`commit`)."""

    def reader(self) -> Store:
        """The committed store, opened as readers open it."""
        return self.store

    def __enter__(self) -> StoreBuild:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None and not self.committed:
            self.abort()
