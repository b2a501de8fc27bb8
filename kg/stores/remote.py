"""A store on any SPARQL 1.1 server, reached over HTTP: Oxigraph, Fuseki, GraphDB, Virtuoso, Neptune.

Queries and updates go through the SPARQL 1.1 Protocol; bulk loads through the Graph Store
Protocol (one ``PUT``/``POST`` of N-Triples) or, for servers without it, ``INSERT DATA`` in
chunks of :data:`INSERT_CHUNK` triples (Virtuoso refuses much larger ones). Only the standard
library speaks HTTP here, so nothing beyond the project's dependencies is needed.

Parameters arrive already bound (:mod:`kg.queries.binding`: VALUES blocks of RDF terms); the
project's prefixes are declared in the text, since the server does not know them. What this kind
sends to load and dump is in ``queries/store/``.

Endpoints: the store spec is the query URL. An Oxigraph server given by its base URL or its
``/query`` URL gets ``/update`` and ``/store`` beside it; for other servers, set
``KG_STORE_UPDATE`` (update URL; default: the query URL, as Virtuoso and GraphDB-style single
endpoints want) and ``KG_STORE_GSP`` (Graph Store URL, or ``none`` to load with INSERT DATA).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.model.paths import QUERIES
from kg.stores.base import Result, Store, StoreBuild, Term, graph_of, serialized
from kg.stores.formats import EXPORT_FORMATS

INSERT_CHUNK = 1000
DEFAULT_TIMEOUT = float(os.environ.get("KG_REMOTE_TIMEOUT", "600"))
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class RemoteStore(Store):
    """A graph held by a SPARQL 1.1 server; the default graph is the debate graph."""

    concurrent = True  # each query is its own HTTP request

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.description = f"sparql:{query_url}"

    @classmethod
    def from_spec(cls, spec: str) -> RemoteStore:
        """The endpoints for a store spec (a URL), following the conventions in the module doc."""
        base = spec.rstrip("/")
        parsed = urllib.parse.urlsplit(base)
        if not parsed.netloc:
            raise KgError(f"not a SPARQL endpoint URL: {spec!r}")
        update = os.environ.get("KG_STORE_UPDATE")
        gsp = os.environ.get("KG_STORE_GSP")
        if parsed.path in ("", "/query"):  # an Oxigraph (or Fuseki-style) server
            root = base[: -len("/query")] if parsed.path == "/query" else base
            query, update, gsp = f"{root}/query", update or f"{root}/update", gsp or f"{root}/store"
        else:
            query = base
        return cls(query, update, None if (gsp or "none").lower() == "none" else gsp)

    # --- reading ---------------------------------------------------------------------------

    def query(self, text: str) -> Result:
        sparql = with_prefixes(text)
        accept = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9"
        content_type, body = self._post(self.query_url, {"query": sparql}, accept)
        if content_type.startswith(_RESULTS_JSON) or content_type.endswith("json"):
            return parse_results_json(body)
        if content_type.startswith((_NTRIPLES, "text/plain", "text/turtle")):
            fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in content_type else ox.RdfFormat.TURTLE
            return Result("graph", graph=graph_of(ox.parse(body, format=fmt)))
        raise KgError(f"{self.description}: unexpected answer of type {content_type!r}")

    def dump(self, fmt: str) -> bytes:
        """The default graph, fetched as N-Triples and re-serialised locally."""
        _type, body = self._post(self.query_url, {"query": _statement("dump-default-graph.rq")}, _NTRIPLES)
        ox_format = EXPORT_FORMATS[fmt][0]
        if ox_format == ox.RdfFormat.N_TRIPLES:
            return body
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if ox_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
            return serialized(ox.serialize(quads, format=ox_format, prefixes=_prefixes(ox_format)))
        return serialized(ox.serialize(triples, format=ox_format, prefixes=_prefixes(ox_format)))

    # --- writing ---------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """Run a SPARQL update on the server."""
        self._post(self.update_url, {"update": with_prefixes(text)}, "*/*")

    def insert(self, graph: Graph) -> None:
        self.load(graph.serialize(format="nt", encoding="utf-8"), replace=False)

    def load(self, ntriples: bytes, replace: bool) -> None:
        """Add (or, with ``replace``, put in place of the default graph) N-Triples in bulk."""
        if self.gsp_url:
            method = "PUT" if replace else "POST"
            url = f"{self.gsp_url}?default"
            self._send(urllib.request.Request(
                url, data=ntriples, method=method, headers={"Content-Type": _NTRIPLES}
            ))
            return
        if replace:
            self.update(_statement("clear-default-graph.ru"))
        head, marker, tail = _statement("insert-data.ru").partition("# DATA")
        if not marker:
            raise KgError("queries/store/insert-data.ru has lost its '# DATA' line")
        for chunk in _chunks(ntriples, INSERT_CHUNK):
            self.update(head + chunk + tail)

    # --- HTTP ------------------------------------------------------------------------------

    def _post(self, url: str, form: dict[str, str], accept: str) -> tuple[str, bytes]:
        data = urllib.parse.urlencode(form).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
        })
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[str, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
            raise KgError(f"{self.description}: the server said {exc.code} {exc.reason}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise KgError(f"cannot reach the SPARQL server at {request.full_url}: {reason}") from exc


class RemoteBuild(StoreBuild):
    """A build on a SPARQL server: the server's default graph is replaced by the new data.

    A server offers no atomic switch of a whole store, so unlike the embedded store a failure
    after the load leaves the new, unchecked graph on the server; :meth:`abort` cannot take it
    back, and the build's error says so (:attr:`atomic` is false).
    """

    store: RemoteStore
    atomic = False

    def __init__(self, store: RemoteStore):
        self.store = store

    def load(self, ntriples: bytes, files: Sequence[Path] = ()) -> None:
        self.store.load(ntriples, replace=True)
        for path in files:
            data = path.read_bytes()
            if path.suffix != ".nt":
                try:
                    data = serialized(ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE),
                                                   format=ox.RdfFormat.N_TRIPLES))
                except SyntaxError as exc:
                    raise KgError(f"bad RDF: {' '.join(str(exc).split())[:300]}", path) from exc
            self.store.load(data, replace=False)

    def _switch(self) -> str:
        return self.store.description


# --- the protocol's own statements -------------------------------------------------------------


def _statement(name: str) -> str:
    """One of the statements in ``queries/store/`` (what this kind sends to load and dump)."""
    return (QUERIES / "store" / name).read_text(encoding="utf-8")


def with_prefixes(text: str) -> str:
    """``text`` with the project's usual prefixes declared, where it does not declare them itself."""
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in declared]
    return "\n".join([*missing, text]) if missing else text


# --- results -----------------------------------------------------------------------------------


def parse_results_json(body: bytes) -> Result:
    """A SPARQL 1.1 Query Results JSON document as a :class:`Result` of rdflib terms."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise KgError(f"the server's answer is not SPARQL JSON: {exc}") from exc
    if "boolean" in doc:
        return Result("ask", boolean=bool(doc["boolean"]))
    names = list(doc.get("head", {}).get("vars", []))
    rows = [tuple(_term(b.get(name)) for name in names) for b in doc.get("results", {}).get("bindings", [])]
    return Result("select", names, rows)


def _term(cell: dict[str, str] | None) -> Term | None:
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    return Literal(value, datatype=URIRef(datatype) if datatype else None)


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def _chunks(ntriples: bytes, size: int) -> Iterator[str]:
    """N-Triples text in pieces of at most ``size`` lines (one triple a line)."""
    lines = [line for line in ntriples.decode("utf-8").splitlines() if line.strip()]
    for start in range(0, len(lines), size):
        yield "\n".join(lines[start:start + size])
