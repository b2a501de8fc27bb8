"""A store on any SPARQL 1.1 server, reached over HTTP: Oxigraph, Virtuoso, Fuseki, GraphDB, Neptune.

The store reads and writes one debate's graph (``--graph IRI``, or ``#graph=IRI`` at the end of
the store URL); queries name it with the protocol's ``default-graph-uri``, so the server's own
system graphs never enter an answer. Without a graph, readers use the one debate on the server
(``queries/store/debate-graphs.rq``), or the server's default graph if it holds none, and a build
writes to a graph per debate (:data:`GRAPH_BASE` + the debate's id).

A debate's graph name may stand for a build: ``kg build`` writes each build into a graph of its
own and then points the name at it in the builds registry (:data:`BUILDS_REGISTRY`,
:mod:`kg.stores.builds`). A reader follows that pointer once, when it opens the store
(``queries/store/current-build.rq``), and reads that build from then on; a name with no pointer
is read as the graph it names.

Loads go through the Graph Store Protocol (``POST`` of N-Triples, in chunks, with a progress bar;
into a build's fresh graph, Oxigraph's bulk loader, ``no_transaction``) or, for servers without
it, ``INSERT DATA`` in chunks of :data:`INSERT_CHUNK` triples; blank nodes are skolemised first
(:data:`GENID` IRIs, turned back into blank nodes in every answer and export), so no chunking can
split one.

Answers are checked, never trusted: a SELECT the server cut short (Virtuoso's
``X-SPARQL-MaxRows``, a partial "anytime" answer's ``X-SQL-State``, or as many rows as
``KG_STORE_MAX_ROWS``) is an error naming the setting; an export is counted against the graph's
triple count and fetched in pages when the first answer falls short. Booleans come back as
``true``/``false`` whatever the server writes (Virtuoso answers 1/0).

Endpoints: the store spec is the query URL. An Oxigraph server given by its base URL or its
``/query`` URL gets ``/update`` and ``/store`` beside it; Virtuoso's ``/sparql-auth`` (or
``/sparql``) gets the same URL for updates and ``/sparql-graph-crud-auth`` (``/sparql-graph-crud``)
for the Graph Store Protocol; for other servers, set ``KG_STORE_UPDATE`` (update URL; default: the
query URL) and ``KG_STORE_GSP`` (Graph Store URL, or ``none`` to load with INSERT DATA).
Credentials: :mod:`kg.stores.auth`. What this kind sends is in ``queries/store/``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import cast

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.model.collector import paused
from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.model.paths import QUERIES
from kg.stores.auth import Credentials, credentials_for, public_url, split_userinfo
from kg.stores.base import OxTerm, Result, Store, Term, graph_of, serialized
from kg.stores.formats import EXPORT_FORMATS

INSERT_CHUNK = 1000
GSP_CHUNK = 100_000  # triples a Graph Store request (a progress step; one request per chunk)
BULK_CHUNK = 50_000  # triples a bulk-loading request (Oxigraph's no_transaction; see load)
DEFAULT_TIMEOUT = float(os.environ.get("KG_REMOTE_TIMEOUT", "600"))
GRAPH_BASE = "https://w3id.org/debate-kg/graph/"
GENID = "https://w3id.org/debate-kg/.well-known/genid/"
BUILDS_REGISTRY = "https://w3id.org/debate-kg/builds"  # the graph of build pointers (kg.stores.builds)
BUILD_PATH = "/builds/"  # a build's graph is the debate's graph + this + the build's name
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class RemoteStore(Store):
    """One graph held by a SPARQL 1.1 server: a named graph, or (``graph=None``) the default graph."""

    concurrent = True  # each query is its own HTTP request
    query_width = 3  # the shape checks' 120 queries on an Oxigraph server at 1M triples: 2.3-3.0 s one
    # at a time, 1.4-1.5 s two, three or four at once (its two cores busy)

    bulk_loads = False  # the Graph Store takes Oxigraph's ``no_transaction`` (its bulk loader)

    def __init__(self, query_url: str, update_url: str | None = None, gsp_url: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, graph: str | None = None,
                 credentials: Credentials | None = None):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.credentials = credentials
        self.graph: str | None = None
        self._auth: httpx.Auth | None = None
        self._login = threading.Lock()  # one login, however many requests meet the first 401
        self._client = httpx.Client(timeout=timeout)
        self.use_graph(graph)

    @classmethod
    def from_spec(cls, spec: str, discover: bool = True) -> RemoteStore:
        """The store a spec names: endpoints by the conventions in the module doc, the graph from
        ``#graph=IRI`` or (with ``discover``) the one debate graph on the server."""
        url, graph = split_graph(spec)
        url, userinfo = split_userinfo(url.rstrip("/"))
        parsed = urllib.parse.urlsplit(url)
        if not parsed.netloc:
            raise KgError(f"not a SPARQL endpoint URL: {public_url(spec)!r}")
        update = os.environ.get("KG_STORE_UPDATE")
        gsp = os.environ.get("KG_STORE_GSP")
        root = urllib.parse.urlunsplit(parsed._replace(path="", query=""))
        oxigraph = parsed.path in ("", "/query")
        if oxigraph:  # an Oxigraph server
            query, update, gsp = f"{root}/query", update or f"{root}/update", gsp or f"{root}/store"
        elif parsed.path in ("/sparql", "/sparql-auth"):  # Virtuoso's endpoints
            crud = "/sparql-graph-crud-auth" if parsed.path.endswith("-auth") else "/sparql-graph-crud"
            query, gsp = url, gsp or f"{root}{crud}"
        else:
            query = url
        store = cls(query, update, None if (gsp or "none").lower() == "none" else gsp,
                    graph=graph, credentials=credentials_for(url, userinfo))
        store.bulk_loads = oxigraph and not os.environ.get("KG_STORE_GSP")
        if parsed.path in ("/sparql", "/sparql-auth"):
            store.engine_name = "virtuoso"  # its query variants: kg.queries.catalogue.VARIANT_OF
        if discover:
            if graph is None:
                store.use_graph(store.debate_graph())
            store.follow()
        return store

    def use_graph(self, graph: str | None) -> None:
        """Read and write ``graph`` from now on (``None``: the server's default graph)."""
        self.graph = self.named_graph = checked_iri(graph) if graph else None
        self.description = f"sparql:{public_url(self.query_url)}" + (f" graph <{graph}>" if graph else "")

    def follow(self) -> None:
        """Read the build the registry names for the graph from now on, if it names one."""
        if self.graph:
            answer = self._query(statement("current-build.rq", registry=BUILDS_REGISTRY,
                                            graph=self.graph), dataset=False)
            self.named_graph = checked_iri(str(answer.rows[0][0])) if answer.rows else self.graph

    def at(self, graph: str) -> RemoteStore:
        """The same server and credentials, another graph (a build's own graph)."""
        other = RemoteStore(self.query_url, self.update_url, self.gsp_url, self.timeout, graph,
                            self.credentials)
        other._client.close()
        other._client, other._auth = self._client, self._auth  # one connection pool, one login
        other._login = self._login
        other.bulk_loads, other.engine_name = self.bulk_loads, self.engine_name
        return other

    def debate_graph(self) -> str | None:
        """The one debate graph on the server (``None`` if there is none: use the default graph)."""
        answer = self._query(statement("debate-graphs.rq", registry=BUILDS_REGISTRY), dataset=False)
        graphs = [str(row[0]) for row in answer.rows if BUILD_PATH not in str(row[0])]
        if len(graphs) > 1:
            listed = ", ".join(graphs)
            raise KgError(f"{self.description} holds several debates ({listed}): choose one with --graph IRI")
        return graphs[0] if graphs else None

    # --- reading ---------------------------------------------------------------------------

    def query(self, text: str) -> Result:
        return self._query(text)

    def query_unscoped(self, text: str) -> Result:
        """A query over the server's whole dataset (it names its graphs itself): the builds
        registry, the debates on the server."""
        return self._query(text, dataset=False)

    def _query(self, text: str, dataset: bool = True) -> Result:
        form = {"query": with_prefixes(text)}
        if dataset and self.named_graph:
            form["default-graph-uri"] = self.named_graph
        accept = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9"
        content_type, body = self._send("POST", self.query_url, accept, form=form)
        if content_type.startswith(_RESULTS_JSON) or content_type.endswith("json"):
            with paused():
                result = parse_results_json(body, boolean_vars(text))
            limit = os.environ.get("KG_STORE_MAX_ROWS")
            if limit and result.kind == "select" and len(result.rows) >= int(limit):
                raise KgError(f"{self.description} answered {len(result.rows)} rows, its limit "
                              "(KG_STORE_MAX_ROWS): the answer may be cut; raise the server's limit")
            return result
        if content_type.startswith((_NTRIPLES, "text/plain", "text/turtle")):
            return Result("graph", graph=graph_of(_from_skolem(_parse_nt(body, content_type))))
        raise KgError(f"{self.description}: unexpected answer of type {content_type!r}")

    def count(self) -> int:
        """How many triples the graph holds."""
        return int(cast(Literal, self.query(statement("count-triples.rq")).rows[0][0]).toPython())

    def dump(self, fmt: str) -> bytes:
        """The graph, checked complete against its triple count, serialised locally as ``fmt``."""
        triples = self.triples()
        ox_format = EXPORT_FORMATS[fmt][0]
        if ox_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
            return serialized(ox.serialize(quads, format=ox_format, prefixes=_prefixes(ox_format)))
        return serialized(ox.serialize(triples, format=ox_format, prefixes=_prefixes(ox_format)))

    def triples(self) -> list[ox.Triple]:
        """Every triple of the graph. The whole graph in one answer (Graph Store ``GET`` where the
        server has it) is counted against the server's own count; if it falls short (a server
        limit such as Virtuoso's ResultSetMaxRows cuts it silently), the graph is fetched in
        pages of ``KG_STORE_PAGE_ROWS`` (default: as many as the cut answer held, the server's
        limit) and counted again; still short is an error.

        Pages use LIMIT/OFFSET without ORDER BY: Virtuoso refuses to sort past its row limit
        (SR353). Pages that overlapped or skipped would make the set fall short of the count, so
        such an export fails loudly instead of being wrong.
        """
        expected = self.count()
        got = set(self._whole_graph())
        if len(got) != expected:
            # pages as large as the answer the server cut (its limit), unless set
            page = int(os.environ.get("KG_STORE_PAGE_ROWS") or max(1000, len(got) // 1000 * 1000))
            got = set()
            base = statement("dump-default-graph.rq")
            offset = 0
            while True:
                _type, body = self._send("POST", self.query_url, _NTRIPLES,
                                         form=self._dataset(f"{base}\nLIMIT {page} OFFSET {offset}"))
                part = _parse_nt(body, _type)
                got.update(part)
                offset += page
                if not part or offset >= expected + page:
                    break
        if len(got) != expected:
            raise KgError(f"{self.description}: the export has {len(got)} triples but the graph holds "
                          f"{expected}; the server cut its answers (raise its result limit, e.g. "
                          "Virtuoso's [SPARQL] ResultSetMaxRows)")
        return _from_skolem(sorted(got, key=str))

    def _whole_graph(self) -> list[ox.Triple]:
        if self.gsp_url and self.named_graph:
            content_type, body = self._send("GET", self.gsp_url, _NTRIPLES,
                                            params={"graph": self.named_graph})
        else:
            content_type, body = self._send("POST", self.query_url, _NTRIPLES,
                                            form=self._dataset(statement("dump-default-graph.rq")))
        return _parse_nt(body, content_type)

    def _dataset(self, query: str) -> dict[str, str]:
        form = {"query": with_prefixes(query)}
        if self.named_graph:
            form["default-graph-uri"] = self.named_graph
        return form

    # --- writing ---------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """Run a SPARQL update on the server (scoped to the graph by the caller: ``WITH``)."""
        self._send("POST", self.update_url, "*/*", form={"update": with_prefixes(text)})

    def insert(self, graph: Graph) -> None:
        self.load(graph.serialize(format="nt", encoding="utf-8"), replace=False)

    def drop(self) -> None:
        """Empty the graph (drop it, or clear the default graph)."""
        if self.named_graph:
            self.update(statement("drop-graph.ru", graph=self.named_graph))
        else:
            self.update(statement("clear-default-graph.ru"))

    def load(self, ntriples: bytes, replace: bool, label: str = "loading", fresh: bool = False) -> int:
        """Add (or, with ``replace``, put in place of the graph) N-Triples in bulk; blank nodes
        are skolemised first. Returns the number of triples sent.

        ``fresh``: the graph is a build's own, which no reader is sent to before its checks pass,
        so the server may load it without a transaction where it can: Oxigraph's bulk loader,
        sent :data:`BULK_CHUNK` triples at a time, two requests at once. At 1M triples that took
        5 s here, against 7.5 s for one request at a time and 25 s through transactions."""
        if replace:
            self.drop()
        lines = [line for line in skolemise(ntriples).splitlines() if line.strip()]
        bulk = fresh and self.bulk_loads and self.named_graph is not None and self.gsp_url is not None
        step = BULK_CHUNK if bulk else GSP_CHUNK if self.gsp_url else INSERT_CHUNK
        where = {"graph": self.named_graph} if self.named_graph else {"default": ""}
        if bulk:
            where["no_transaction"] = ""

        def send(start: int) -> int:
            chunk = b"\n".join(lines[start:start + step]) + b"\n"
            if self.gsp_url:
                self._send("POST", self.gsp_url, "*/*", params=where, content=chunk,
                           headers={"Content-Type": _NTRIPLES})
            else:
                self._insert_data(chunk.decode("utf-8"))
            return min(step, len(lines) - start)

        with _progress(label, len(lines)) as advance, ThreadPoolExecutor(2 if bulk else 1) as pool:
            for sent in pool.map(send, range(0, len(lines), step)):
                advance(sent)
        return len(lines)

    def _insert_data(self, chunk: str) -> None:
        template = (statement("insert-data-graph.ru", graph=self.named_graph) if self.named_graph
                    else statement("insert-data.ru"))
        head, marker, tail = template.partition("# DATA")
        if not marker:
            raise KgError("queries/store/insert-data*.ru has lost its '# DATA' line")
        self.update(head + chunk + tail)

    # --- HTTP ------------------------------------------------------------------------------

    def _send(self, method: str, url: str, accept: str, *, form: dict[str, str] | None = None,
              params: dict[str, str] | None = None, content: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[str, bytes]:
        """One request; a 401 is answered once with the credentials, by the server's scheme.

        Requests sent at once (a bulk load's two) may both meet the first 401: each that was sent
        without a login tries again with the one the first of them set up."""
        sent = {"Accept": accept, **(headers or {})}

        def ask(auth: httpx.Auth | None) -> httpx.Response:
            # streamed: a cut answer is refused on its headers, before its body is read
            request = self._client.build_request(method, url, data=form, params=params,
                                                 content=content, headers=sent)
            answer = self._client.send(request, auth=auth, stream=True)
            try:
                if answer.status_code < 400:
                    _refuse_partial(answer, self.description)
                answer.read()
            finally:
                answer.close()
            return answer

        try:
            auth = self._auth
            answer = ask(auth)
            if answer.status_code == 401 and self.credentials is not None and auth is None:
                with self._login:
                    if self._auth is None:
                        self._auth = self.credentials.answer(answer.headers.get("WWW-Authenticate", ""))
                answer = ask(self._auth)
        except httpx.HTTPError as exc:
            raise KgError(f"cannot reach the SPARQL server at {public_url(url)}: {exc}") from exc
        if answer.status_code == 401:
            how = ("the credentials were refused" if self.credentials
                   else "set KG_STORE_USER and KG_STORE_PASSWORD, or a netrc entry")
            raise KgError(f"{self.description}: the server asks for a login (401): {how}")
        if answer.status_code >= 400:
            detail = " ".join(answer.text.split())[:300]
            raise KgError(f"{self.description}: the server said {answer.status_code} "
                          f"{answer.reason_phrase}: {detail}")
        return answer.headers.get("Content-Type", ""), answer.content

    def close(self) -> None:
        self._client.close()


# --- the protocol's own statements -------------------------------------------------------------


def statement(name: str, **graphs: str) -> str:
    """One of the statements in ``queries/store/``, with each ``<urn:x-kg:NAME>`` placeholder
    replaced by the checked IRI given as ``NAME``."""
    text = (QUERIES / "store" / name).read_text(encoding="utf-8")
    for key, iri in graphs.items():
        text = text.replace(f"<urn:x-kg:{key}>", f"<{checked_iri(iri)}>")
    return text


def checked_iri(iri: str) -> str:
    """An absolute IRI that can be written between ``<`` and ``>`` as it is, or an error."""
    if not _SAFE_IRI.match(iri):
        raise KgError(f"not a usable graph IRI: {iri!r} (an absolute IRI without spaces or <>\"{{}}|^`\\)")
    return iri


def split_graph(spec: str) -> tuple[str, str | None]:
    """A store URL and the graph its ``#graph=IRI`` fragment names (``None`` without one)."""
    url, _hash, fragment = spec.partition("#")
    if not fragment:
        return url, None
    values = urllib.parse.parse_qs(fragment).get("graph")
    if not values:
        raise KgError(f"a store URL's fragment names a graph as #graph=IRI, not #{fragment}")
    return url, checked_iri(values[0])


def with_graph(spec: str, graph: str) -> str:
    """The store URL ``spec`` naming ``graph`` (replacing any graph it named)."""
    url, _old = split_graph(spec)
    return f"{url}#graph={urllib.parse.quote(checked_iri(graph), safe=':/?=&;,+@~.-_')}"


def for_debate(spec: str, debate: str) -> str:
    """The store URL a build of ``debate`` writes: its own graph unless the URL names one."""
    if split_graph(spec)[1] is not None:
        return spec
    return with_graph(spec, GRAPH_BASE + urllib.parse.quote(debate, safe="+-_."))


def with_prefixes(text: str) -> str:
    """``text`` with the project's usual prefixes declared, where it does not declare them itself."""
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in declared]
    return "\n".join([*missing, text]) if missing else text


def _refuse_partial(answer: httpx.Response, where: str) -> None:
    """Refuse an answer the server says it cut (Virtuoso's row limit, or an 'anytime' answer)."""
    cap = answer.headers.get("X-SPARQL-MaxRows")
    if cap:
        raise KgError(f"{where} cut the answer at {cap} rows (Virtuoso's [SPARQL] ResultSetMaxRows): "
                      "raise that limit on the server; a cut answer would be silently wrong")
    state = answer.headers.get("X-SQL-State")
    if state:
        message = answer.headers.get("X-SQL-Message", "")
        raise KgError(f"{where} sent a partial answer ({state}: {message}); raise the server's query "
                      "time limit (Virtuoso's [SPARQL] MaxQueryExecutionTime)")


# --- blank nodes -------------------------------------------------------------------------------

_loads = iter(range(1, 1 << 62))


def skolemise(ntriples: bytes) -> bytes:
    """N-Triples with every blank node replaced by a :data:`GENID` IRI unique to this load, so
    chunks can be sent apart and the node stays one node."""
    if b"_:" not in ntriples:
        return ntriples
    load = f"{os.getpid()}-{next(_loads)}-"

    def iri(term: OxTerm) -> ox.NamedNode | ox.Literal:
        if isinstance(term, ox.BlankNode):
            return ox.NamedNode(f"{GENID}{load}{term.value}")
        return cast(ox.NamedNode | ox.Literal, term)

    try:
        triples = [ox.Triple(cast(ox.NamedNode, iri(t.subject)), t.predicate, iri(t.object))
                   for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise KgError(f"bad N-Triples: {' '.join(str(exc).split())[:300]}") from exc
    return serialized(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _from_skolem(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """Triples with :data:`GENID` IRIs turned back into the blank nodes they stand for."""

    def node(term: OxTerm) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
            return ox.BlankNode(_bnode_id(term.value))
        return cast(ox.NamedNode | ox.BlankNode | ox.Literal, term)

    return [ox.Triple(cast(ox.NamedNode | ox.BlankNode, node(t.subject)), t.predicate, node(t.object))
            if GENID in str(t) else t for t in triples]


def _bnode_id(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", iri[len(GENID):])


def _parse_nt(body: bytes, content_type: str) -> list[ox.Triple]:
    fmt = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
    try:
        return list(ox.parse(body, format=fmt))
    except SyntaxError as exc:
        raise KgError(f"the server's RDF answer does not parse: {' '.join(str(exc).split())[:300]}") from exc


# --- results -----------------------------------------------------------------------------------


def parse_results_json(body: bytes, booleans: frozenset[str] = frozenset()) -> Result:
    """A SPARQL 1.1 Query Results JSON document as a :class:`Result` of rdflib terms; the
    variables in ``booleans`` (see :func:`boolean_vars`) are read as booleans when a server
    sends them as the integers 1 and 0."""
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise KgError(f"the server's answer is not SPARQL JSON: {exc}") from exc
    if "boolean" in doc:
        return Result("ask", boolean=bool(doc["boolean"]))
    names = list(doc.get("head", {}).get("vars", []))
    rows = [tuple(_term(b.get(name), name in booleans) for name in names)
            for b in doc.get("results", {}).get("bindings", [])]
    return Result("select", names, rows)


_BOOLEAN_START = re.compile(
    r"(?is)\s*(NOT\s+EXISTS\b|EXISTS\b|true\b|false\b|BOUND\s*\(|is(IRI|URI|Blank|Literal|Numeric)\s*\(|"
    r"sameTerm\s*\(|REGEX\s*\(|CONTAINS\s*\(|STRSTARTS\s*\(|STRENDS\s*\(|LANGMATCHES\s*\()")


def boolean_vars(text: str) -> frozenset[str]:
    """The variables a query binds to a boolean expression (``BIND(EXISTS { ... } AS ?v)``,
    ``(true AS ?v)``, ``BOUND``, ``isIRI``, ``REGEX`` ...). Virtuoso has no boolean values: it
    answers these as the integers 1 and 0, which would then compare unequal to ``True`` and print
    differently; knowing the variables lets :func:`_term` give every store's answer the same value."""
    found = set()
    for match in re.finditer(r"(?i)\bAS\s+\?(\w+)\s*\)", text):
        depth, i = 0, match.start() - 1
        while i >= 0:
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth < 0:
                break
            i -= 1
        if i >= 0 and _BOOLEAN_START.match(text, i + 1):
            found.add(match[1])
    return frozenset(found)


def _term(cell: dict[str, str] | None, boolean: bool = False) -> Term | None:
    """One JSON result cell as an rdflib term, with what servers write differently made equal:
    booleans as ``true``/``false`` (Virtuoso writes 1/0, typed xsd:boolean, or xsd:integer where
    the query computed it: ``boolean``), skolem IRIs as blank nodes."""
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return BNode(_bnode_id(value)) if value.startswith(GENID) else URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype == str(XSD.boolean) or (boolean and datatype == str(XSD.integer)
                                         and value.strip() in ("0", "1")):
        value = {"1": "true", "0": "false"}.get(value.strip(), value.strip())
        datatype = str(XSD.boolean)
    # a simple literal is an xsd:string (RDF 1.1), as the embedded store gives it
    return Literal(value, datatype=URIRef(datatype or XSD.string))


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


class _progress:
    """A rich progress bar on standard error while a load runs (nothing when it is not a terminal)."""

    def __init__(self, label: str, total: int):
        self.label, self.total = label, total

    def __enter__(self) -> Callable[[int], None]:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        console = Console(stderr=True)
        self.bar = Progress("[dim]{task.description}", BarColumn(), MofNCompleteColumn(), "triples",
                            TimeRemainingColumn(), console=console, transient=True,
                            disable=not sys.stderr.isatty() or self.total < GSP_CHUNK // 10)
        self.bar.__enter__()
        task = self.bar.add_task(self.label, total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

