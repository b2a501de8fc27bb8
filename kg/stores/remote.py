"""A store on any SPARQL 1.1 server, reached over HTTP: Oxigraph, Fuseki, GraphDB, Virtuoso, Neptune.

Queries and updates go through the SPARQL 1.1 Protocol; bulk loads through the Graph Store
Protocol (one ``PUT``/``POST`` of N-Triples) or, for servers without it, ``INSERT DATA`` in
chunks of :data:`INSERT_CHUNK` triples (Virtuoso refuses much larger ones). Only the standard
library speaks HTTP here, so nothing beyond the project's dependencies is needed.

The protocol has no way to bind variables, so parameters are bound the way SPARQL itself
offers: a ``VALUES`` block of RDF terms (serialised by rdflib, never user text) placed at the
start of the query's outer ``WHERE`` group, where an engine can start from it (a trailing
``VALUES`` is joined last by some engines, which is very slow on big graphs).

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.stores.base import EXPORT_FORMATS, Result, Store, Term, _to_rdflib

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

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> Result:
        sparql = with_prefixes(bind_values(text, bindings or {}))
        accept = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9"
        content_type, body = self._post(self.query_url, {"query": sparql}, accept)
        if content_type.startswith(_RESULTS_JSON) or content_type.endswith("json"):
            return parse_results_json(body)
        if content_type.startswith((_NTRIPLES, "text/plain", "text/turtle")):
            fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in content_type else ox.RdfFormat.TURTLE
            return Result("graph", graph=_graph(ox.parse(body, format=fmt)))
        raise KgError(f"{self.description}: unexpected answer of type {content_type!r}")

    def dump(self, fmt: str) -> bytes:
        """The default graph, fetched as N-Triples and re-serialised locally."""
        _type, body = self._post(
            self.query_url, {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}, _NTRIPLES
        )
        ox_format = EXPORT_FORMATS[fmt][0]
        if ox_format == ox.RdfFormat.N_TRIPLES:
            return body
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if ox_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
            return ox.serialize(quads, format=ox_format, **_prefix_kwargs(ox_format))
        return ox.serialize(triples, format=ox_format, **_prefix_kwargs(ox_format))

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
            self.update("CLEAR SILENT DEFAULT")
        for chunk in _chunks(ntriples, INSERT_CHUNK):
            self.update("INSERT DATA {\n" + chunk + "\n}")

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


def write_remote(store: RemoteStore, ntriples: bytes,
                 finish: Callable[[Store], None] | None = None, bulk_files: Sequence[Path] = ()) -> None:
    """Replace the server's default graph with ``ntriples`` (plus ``bulk_files``, N-Triples or
    Turtle), then run ``finish`` (the build's derivations and checks) on it.

    A server offers no atomic switch of a whole store, so unlike the embedded store a failure
    after the load leaves the new, unchecked graph on the server; the error says so.
    """
    store.load(ntriples, replace=True)
    for path in bulk_files:
        data = path.read_bytes()
        if path.suffix != ".nt":
            try:
                data = ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
            except SyntaxError as exc:
                raise KgError(f"bad RDF: {' '.join(str(exc).split())[:300]}", path) from exc
        store.load(data, replace=False)
    try:
        if finish is not None:
            finish(store)
    except KgError as exc:
        raise KgError(f"{exc} (the server now holds this unchecked build; fix and rebuild)") from exc


# --- binding parameters ------------------------------------------------------------------------

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_KEYWORD = re.compile(r"(?i)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b")


def _code_spans(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` outside comments, strings and IRIs, with its position."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if ch == "<":
            match = _IRIREF.match(text, i)
            if match:
                i = match.end()
                continue
        yield i, ch
        i += 1


def where_brace(text: str) -> int:
    """The position of the ``{`` that opens the outer WHERE group of a query."""
    positions = list(_code_spans(text))
    flat = "".join(ch for _, ch in positions)
    keyword = _KEYWORD.search(flat)
    if keyword is None:
        raise KgError("cannot bind parameters: no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    k = flat.find("{", keyword.end())
    if k < 0:
        raise KgError("cannot bind parameters: the query has no WHERE group")
    if keyword[1].upper() == "CONSTRUCT" and not flat[keyword.end():k].strip():
        depth = 0  # skip the template: CONSTRUCT { ... } WHERE { ... }
        for j in range(k, len(flat)):
            depth += {"{": 1, "}": -1}.get(flat[j], 0)
            if depth == 0:
                nxt = flat.find("{", j + 1)
                if nxt >= 0 and re.search(r"(?i)\bWHERE\b", flat[j + 1:nxt]):
                    k = nxt
                break
    return positions[k][0]


def bind_values(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with ``bindings`` as a VALUES block at the start of its outer WHERE group."""
    if not bindings:
        return text
    names, terms = [], []
    for name, term in bindings.items():
        if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
            raise KgError(f"cannot bind ?{name} to {term!r}: only IRIs and literals can be sent")
        if not re.fullmatch(r"\w+", name):
            raise KgError(f"not a variable name: {name!r}")
        try:
            terms.append(term.n3())
        except Exception as exc:  # rdflib refuses IRIs it cannot serialise safely
            raise KgError(f"cannot bind ?{name}: {exc}") from exc
        names.append(f"?{name}")
    bound = dict(zip(names, terms, strict=True))
    inserts = [(where_brace(text) + 1, names), *_subselect_braces(text, names)]
    for at, chosen in sorted(inserts, reverse=True):
        values = f" VALUES ({' '.join(chosen)}) {{ ({' '.join(bound[n] for n in chosen)}) }} "
        text = text[:at] + values + text[at:]
    return text


def _subselect_braces(text: str, names: list[str]) -> list[tuple[int, list[str]]]:
    """Where a VALUES block may also go inside sub-selects, so the engine restricts them early
    (as Oxigraph's own substitution does), with the bound variables each one may take.

    Only where that cannot change the answer: the sub-select projects the variable as itself
    (not ``expr AS ?v``) or with ``*``, and has no LIMIT or OFFSET.
    """
    positions = list(_code_spans(text))
    flat = "".join(ch for _, ch in positions)
    found = []
    selects = list(re.finditer(r"(?i)\bSELECT\b", flat))
    outer = _KEYWORD.search(flat)
    for match in selects:
        if outer is not None and match.start() == outer.start():
            continue  # the query itself
        brace = flat.find("{", match.end())
        if brace < 0:
            continue
        depth, end = 0, len(flat)
        for j in range(brace, len(flat)):
            depth += {"{": 1, "}": -1}.get(flat[j], 0)
            if depth == 0:
                end = j
                break
        closing = flat.find("}", end + 1)
        modifiers = flat[end + 1: closing if closing >= 0 else len(flat)]
        if re.search(r"(?i)\b(LIMIT|OFFSET)\b", modifiers):
            continue
        projection = flat[match.end():brace]
        star = projection.strip().upper().startswith(("*", "DISTINCT *", "REDUCED *"))
        chosen = [n for n in names
                  if (star and re.search(re.escape(n) + r"\b", flat[brace:end]))
                  or (re.search(re.escape(n) + r"\b", projection)
                      and not re.search(r"(?i)\bAS\s+" + re.escape(n) + r"\b", projection))]
        if chosen:
            found.append((positions[brace][0] + 1, chosen))
    return found


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


def _graph(triples: Iterator[ox.Triple]) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


def _prefix_kwargs(fmt: ox.RdfFormat) -> dict[str, object]:
    return {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}


def _chunks(ntriples: bytes, size: int) -> Iterator[str]:
    """N-Triples text in pieces of at most ``size`` lines (one triple a line)."""
    lines = [line for line in ntriples.decode("utf-8").splitlines() if line.strip()]
    for start in range(0, len(lines), size):
        yield "\n".join(lines[start:start + size])
