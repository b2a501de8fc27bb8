"""``kg serve``: the built store as a read-only, bounded SPARQL 1.1 endpoint, plus HTML views.

The engine is Oxigraph's own HTTP server (:mod:`kg.serve.engine`: ``oxigraph serve-read-only``
with its ``--timeout-s`` time limit on a private loopback port). In front of it, an ASGI app
(:mod:`kg.serve.app`: Starlette under uvicorn, with its connection and body limits) listens where
the user asked (127.0.0.1 by default) and talks to the engine with httpx:

* SPARQL 1.1 Protocol queries (``/query`` or ``/sparql``; GET, or POST as a form or as
  ``application/sparql-query``) go to the engine with the client's ``Accept`` (JSON, XML, CSV,
  TSV, N-Triples, Turtle: the engine negotiates), and Graph Store reads (``GET /store``) too;
* every update (``/update``, an ``update=`` field, ``application/sparql-update``, any write to
  ``/store``) is refused with 403, on top of the engine being read-only;
* a query using ``SERVICE`` is refused with 400 before the engine sees it (:mod:`kg.queries.service`): the
  engine would fetch the URL, and Oxigraph has no switch to stop it;
* at most ``slots`` queries run on the engine at once; the others wait up to ``queue_s`` for a
  slot, then get 503 (try again);
* each answer is received whole before a byte of it is sent (in memory, spilling to a
  temporary file past 1 MB), so the status tells a complete answer from a failed one: past
  ``max_bytes`` it is a 413 (add a LIMIT); an answer the engine cut short because the query hit
  its time limit (it sends "200 OK", the start of the answer, then "The SPARQL operation has
  been cancelled") is a 503, and so is one that takes longer than the time limit plus
  ``grace_s`` on this side; an answer that otherwise broke off is a 502;
* a browser (``Accept: text/html`` first) gets the answer as an HTML table under the query form
  (:mod:`.pages`, no script); ``/`` is that form with the public named queries as examples, and
  ``/view/full``, ``/view/arguments``, ``/view/actors``, ``/view/claim?id=ID`` are the views of
  ``kg viz``, drawn from the engine's answers over SPARQL.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from kg.model.errors import KgError
from kg.queries.catalogue import catalogue, named
from kg.queries.service import service_refusal
from kg.serve import pages
from kg.serve.app import Limits, Server, create_app, listen, refuse
from kg.serve.engine import (
    CANCELLED,
    DEFAULT_TIMEOUT_S,
    free_port,
    oxigraph_binary,
    oxigraph_server,
    wait_until_up,
)

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_PORT", "DEFAULT_TIMEOUT_S", "Settings", "free_port", "make_app",
    "oxigraph_binary", "oxigraph_server", "serving", "wait_until_up",
]

DEFAULT_PORT = 7878
DEFAULT_MAX_BYTES = 50_000_000
HTML_MAX_BYTES = 5_000_000  # an answer drawn as a table: a page a browser can still show
MAX_VIEW_LIMIT = 100  # statements and links a claim in a served claim view (kg viz: any)
_IN_MEMORY = 1 << 20  # answers up to this size stay in memory while they are checked
_CHUNK = 1 << 16
_FORM = "application/x-www-form-urlencoded"
_DATASET = ("default-graph-uri", "named-graph-uri")
_HTML_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_HEADERS = {"X-Content-Type-Options": "nosniff"}
_PAGE_HEADERS = {**_HEADERS, "Content-Security-Policy": pages.POLICY, "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class Settings:
    """The endpoint in front of the engine at ``upstream``."""

    upstream: str
    store_name: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S  # the engine's time limit (its --timeout-s)
    max_bytes: int = DEFAULT_MAX_BYTES
    slots: int = 16  # queries on the engine at once
    queue_s: float = 10  # how long a query waits for a slot before a 503
    grace_s: float = 5  # this side's deadline: the engine's time limit plus this

    @property
    def deadline_s(self) -> float:
        return self.timeout_s + self.grace_s


@dataclass
class _Answer:
    """The engine's whole answer: status, type, and its bytes in a (spooled) file."""

    status: int
    content_type: str
    body: IO[bytes]
    size: int
    tail: bytes

    def read(self, limit: int = -1) -> bytes:
        self.body.seek(0)
        return self.body.read(limit)


def _read_only() -> Exception:
    return refuse(403, "this endpoint is read-only: updates are refused", close=True)


def _whole(params: Mapping[str, str], name: str, default: int) -> int:
    """A whole-number parameter of a view's URL, or ``default`` when it is not given."""
    given = params.get(name) or ""
    if not given:
        return default
    if not re.fullmatch(r"\d{1,6}", given):
        raise KgError(f"{name} must be a whole number, not {given[:40]!r}")
    return int(given)


def _form(raw: bytes, where: str) -> list[tuple[str, str]]:
    """The fields of a form or query string; a bad one (not UTF-8, too many fields) is a 400."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise refuse(400, f"a bad {where}: {exc}") from None


def _first_type(accept: str) -> str:
    return accept.split(",")[0].split(";")[0].strip().lower()


def _wants_html(request: Request) -> bool:
    """A browser's request: it puts HTML first in Accept (SPARQL clients never do)."""
    return _first_type(request.headers.get("accept", "")) in ("text/html", "application/xhtml+xml")


def _complete(answer: _Answer) -> bool:
    """Whether an answer of the engine ends as a complete one of its type ends (the engine
    reports a failure in the middle of an answer by appending its message and stopping)."""
    kind, tail = answer.content_type.split(";")[0].strip().lower(), answer.tail.rstrip()
    if answer.size == 0:
        return True
    if kind.endswith("json"):
        return tail.endswith((b"}", b"]"))
    if kind.endswith("xml"):
        return tail.endswith(b">")
    if kind in ("text/csv", "text/tab-separated-values"):
        return answer.tail.endswith(b"\n") or answer.read(8) in (b"true", b"false")
    if kind in ("application/n-triples", "application/n-quads", "text/turtle", "application/trig"):
        return answer.tail.endswith(b"\n")
    return True


class Endpoint:
    """The routes of the SPARQL endpoint over one engine."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: httpx.AsyncClient | None = None
        self.slots: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        s = self.settings
        self.slots = asyncio.Semaphore(s.slots)
        async with httpx.AsyncClient(
            base_url=s.upstream, trust_env=False,  # never through a proxy from the environment
            timeout=httpx.Timeout(s.deadline_s + 5, connect=5),
            limits=httpx.Limits(max_connections=s.slots, max_keepalive_connections=s.slots),
        ) as client:
            self.client = client
            yield

    def routes(self) -> list[Route]:
        return [
            Route("/", self.index, methods=["GET", "HEAD"]),
            Route("/index.html", self.index, methods=["GET", "HEAD"]),
            Route("/query", self.query, methods=["GET", "HEAD", "POST"]),
            Route("/sparql", self.query, methods=["GET", "HEAD", "POST"]),
            Route("/table", self.table, methods=["GET", "HEAD", "POST"]),
            Route("/store", self.store, methods=["GET", "HEAD"]),
            Route("/view/{name}", self.view, methods=["GET", "HEAD"]),
            # anything else: a write is refused (read-only), a read is not found
            Route("/{path:path}", self.other, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        ]

    # --- talking to the engine ---

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        assert self.slots is not None
        try:
            async with asyncio.timeout(self.settings.queue_s):
                await self.slots.acquire()
        except TimeoutError:
            raise refuse(503, f"the server is busy ({self.settings.slots} queries running and more "
                              f"waiting for {self.settings.queue_s:g} s): try again shortly",
                         headers={"Retry-After": "2"}) from None
        try:
            yield
        finally:
            self.slots.release()

    def _too_slow(self) -> Exception:
        s = self.settings
        return refuse(503, f"the query hit the time limit of {s.timeout_s:g} s: narrow it (fewer "
                           "joins, a LIMIT) or ask the server's owner for a longer --timeout")

    async def _exchange(self, method: str, path: str, cap: int, **request: Any) -> _Answer:
        """Send one request to the engine and take its whole answer (at most ``cap`` bytes)."""
        assert self.client is not None
        s = self.settings
        async with self._slot():
            body: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 (returned)
            try:
                async with asyncio.timeout(s.deadline_s), \
                        self.client.stream(method, path, **request) as reply:
                    size, tail = 0, b""
                    async for chunk in reply.aiter_raw():
                        size += len(chunk)
                        if size > cap:
                            raise refuse(413, f"the answer is larger than {cap} bytes: add a LIMIT")
                        body.write(chunk)
                        tail = (tail + chunk)[-256:]
                    content_type = reply.headers.get("content-type", "application/octet-stream")
                    return _Answer(reply.status_code, content_type, body, size, tail)
            except (TimeoutError, httpx.TimeoutException):
                body.close()
                raise self._too_slow() from None
            except httpx.HTTPError as exc:
                body.close()
                raise refuse(502, f"the SPARQL engine did not answer ({type(exc).__name__})") from None
            except BaseException:
                body.close()
                raise

    def _checked(self, answer: _Answer) -> _Answer:
        """The answer if it is a whole, successful one; else the error it stands for."""
        if answer.status != 200:
            message = answer.read(2000).decode("utf-8", "replace").strip()
            answer.body.close()
            status = answer.status if 400 <= answer.status < 600 else 502
            raise refuse(status, message or f"the SPARQL engine answered {answer.status}")
        if answer.tail.endswith(CANCELLED):
            answer.body.close()
            raise self._too_slow()
        if not _complete(answer):
            answer.body.close()
            last = answer.tail[-120:].decode("utf-8", "replace")
            raise refuse(502, f"the SPARQL engine's answer broke off: ...{last}")
        return answer

    async def _ask(self, text: str, dataset: list[tuple[str, str]], accept: str, cap: int) -> _Answer:
        """Run a query on the engine, after refusing SERVICE."""
        refusal = await anyio.to_thread.run_sync(service_refusal, text)
        if refusal:
            raise refuse(400, refusal)
        form = urlencode([("query", text), *dataset]).encode("utf-8")
        headers = {"Content-Type": _FORM, "Accept": accept or "application/sparql-results+json",
                   "Accept-Encoding": "identity"}
        return self._checked(await self._exchange("POST", "/query", cap, content=form, headers=headers))

    # --- reading a request ---

    async def _read_query(self, request: Request) -> tuple[str | None, list[tuple[str, str]]]:
        """The query text (None if none was given) and the dataset fields of a protocol request."""
        fields = _form(request.scope["query_string"], "query string")
        text = None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                raise _read_only()
            if content_type not in (_FORM, "application/sparql-query"):
                raise refuse(415, "send a query as application/sparql-query, or as a form "
                                  "(application/x-www-form-urlencoded) with query=", close=True)
            body = await request.body()
            if content_type == _FORM:
                fields += _form(body, "form")
            else:
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise refuse(400, "the query is not UTF-8 text") from None
        if any(name == "update" for name, _ in fields):
            raise _read_only()
        queries = [value for name, value in fields if name == "query"] + ([text] if text is not None else [])
        if len(queries) > 1:
            raise refuse(400, "give exactly one query")
        if queries and not queries[0].strip():
            raise refuse(400, "the query is empty")
        return (queries[0] if queries else None), [(n, v) for n, v in fields if n in _DATASET]

    # --- routes ---

    async def query(self, request: Request) -> Response:
        """``/query`` and ``/sparql``: the SPARQL 1.1 Protocol (a browser gets the HTML table)."""
        text, dataset = await self._read_query(request)
        if text is None:
            if request.method == "POST":
                raise refuse(400, "no query: send query=... (or application/sparql-query)")
            return self._page()
        if _wants_html(request):
            return await self._table_page(text, dataset)
        answer = await self._ask(text, dataset, request.headers.get("accept", ""), self.settings.max_bytes)
        return self._send(answer)

    async def table(self, request: Request) -> Response:
        """``/table?query=...``: the answer as an HTML table, whatever the Accept header."""
        text, dataset = await self._read_query(request)
        if text is None:
            return self._page()
        return await self._table_page(text, dataset)

    async def store(self, request: Request) -> Response:
        """``GET /store``: Graph Store Protocol reads, passed to the engine."""
        fields = _form(request.scope["query_string"], "query string")
        headers = {"Accept": request.headers.get("accept", "") or "application/n-triples",
                   "Accept-Encoding": "identity"}
        answer = await self._exchange("GET", "/store", self.settings.max_bytes, params=fields,
                                      headers=headers)
        return self._send(self._checked(answer))

    async def index(self, request: Request) -> Response:
        """The query form; ``?example=NAME`` puts that public query in it."""
        chosen = request.query_params.get("example") or "claims"
        examples = {q.name: q for q in catalogue(("public",))}
        if chosen not in examples:
            raise refuse(404, f"no public query named {chosen!r}")
        return self._page(examples[chosen].text, chosen)

    async def view(self, request: Request) -> Response:
        """``/view/<name>`` (the views of ``kg viz``) or ``/view/claim?id=ID[&depth=N][&limit=N]``."""
        from kg.queries.runner import resolve_id
        from kg.render import view_html, views
        from kg.stores import open_store

        name = request.path_params["name"]
        if name != "claim" and name not in views.VIEWS:
            known = ", ".join(f"/view/{v}" for v in views.VIEWS)
            raise refuse(404, f"no view {name!r}: try {known} or /view/claim?id=ID")
        params = request.query_params

        def draw() -> str:  # in a thread: the store client blocks; the engine has the time limit
            store = open_store(f"{self.settings.upstream}/query")
            if name == "claim":
                depth, limit = _whole(params, "depth", 3), _whole(params, "limit", views.DEFAULT_LIMIT)
                claim = resolve_id(store, params.get("id") or "", "id")
                return view_html.render(views.claim_view(store, claim, max(1, min(depth, 20)),
                                                         max(1, min(limit, MAX_VIEW_LIMIT))))
            return view_html.render(views.build_view(store, name))

        async with self._slot():
            try:
                async with asyncio.timeout(self.settings.deadline_s):
                    page = await anyio.to_thread.run_sync(draw, abandon_on_cancel=True)
            except TimeoutError:
                raise self._too_slow() from None
            except (KgError, ValueError) as exc:
                raise refuse(400, str(exc)) from None
        return HTMLResponse(page, headers=_HEADERS)

    async def other(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise _read_only()
        raise refuse(404, "not found: try /query?query=... or /")

    # --- answers ---

    def _page(self, query: str | None = None, chosen: str = "claims", answer: str = "",
              status: int = 200) -> Response:
        from kg.render.views import VIEWS

        text = query if query is not None else named("claims").text
        examples = catalogue(("public",))
        words = text.split()  # a browser sends the text area's lines ending in CRLF
        chosen = chosen or next((q.name for q in examples if q.text.split() == words), "")
        body = pages.page(self.settings.store_name, examples, text, chosen, answer, VIEWS)
        return HTMLResponse(body, status, headers=_PAGE_HEADERS)

    async def _table_page(self, text: str, dataset: list[tuple[str, str]]) -> Response:
        """The query form with ``text`` and its answer as a table (or the error, with its status)."""
        from starlette.exceptions import HTTPException

        try:
            cap = min(HTML_MAX_BYTES, self.settings.max_bytes)
            answer = await self._ask(text, dataset, _HTML_ACCEPT, cap)
        except HTTPException as exc:
            return self._page(text, "", pages.error_block(exc.status_code, str(exc.detail)), exc.status_code)
        with answer.body:
            try:
                table = pages.results_table(answer.content_type, answer.read())
            except (ValueError, SyntaxError) as exc:
                return self._page(text, "", pages.error_block(502, f"unreadable answer: {exc}"), 502)
        return self._page(text, "", table)

    @staticmethod
    def _send(answer: _Answer) -> Response:
        headers = {**_HEADERS, "Content-Type": answer.content_type}
        if answer.size <= _IN_MEMORY:
            with answer.body:
                return Response(answer.read(), 200, headers)

        def chunks() -> Iterator[bytes]:
            with answer.body:
                answer.body.seek(0)
                while chunk := answer.body.read(_CHUNK):
                    yield chunk

        return StreamingResponse(chunks(), 200, {**headers, "Content-Length": str(answer.size)})


def make_app(settings: Settings, limits: Limits | None = None) -> ASGIApp:
    """The endpoint's ASGI app over the engine at ``settings.upstream``."""
    endpoint = Endpoint(settings)
    return create_app(endpoint.routes(), limits, endpoint.lifespan)


@contextmanager
def serving(store_path: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
            timeout_s: int = DEFAULT_TIMEOUT_S, max_bytes: int = DEFAULT_MAX_BYTES,
            limits: Limits | None = None, **settings: Any) -> Iterator[Server]:
    """The engine on a private port and the endpoint bound to ``host:port`` (not yet serving:
    call ``run()``, or ``running()`` for a background thread); both stop on exit.
    ``settings`` are further fields of :class:`Settings` (slots, queue_s, grace_s)."""
    if not store_path.exists():
        raise KgError("no store here yet: run 'kg build' first", store_path)
    location = store_path.resolve()  # the build link may switch; keep serving this build
    limits = limits or Limits()
    sock = listen(host, port, limits.backlog)  # a port in use fails before the engine starts
    try:
        with oxigraph_server(location, read_only=True, timeout_s=timeout_s) as upstream:
            app = make_app(Settings(upstream, str(store_path), timeout_s, max_bytes, **settings), limits)
            yield Server(app, host, port, limits, sock)
    finally:
        sock.close()
