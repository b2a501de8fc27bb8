"""``kg serve``: the built store as a read-only, bounded SPARQL 1.1 endpoint, plus HTML views.

The engine is Oxigraph's own HTTP server (the ``oxigraph`` binary from PyPI), started with
``serve-read-only`` and its ``--timeout-s`` query time limit on a private loopback port. In
front of it a small proxy (standard library only) listens where the user asked (127.0.0.1 by
default) and:

* forwards SPARQL 1.1 Protocol queries (``/query`` or ``/sparql``, GET or POST) and Graph
  Store reads (``GET /store``) to the engine unchanged, so any client (SPARQLWrapper, rdflib's
  SPARQLStore, curl) works;
* refuses every update (``/update``, an ``update=`` form, ``application/sparql-update``, any
  write to ``/store``) with 403, on top of the engine being read-only;
* caps each answer at ``max_bytes`` (413 past it: add a LIMIT), so one query cannot flood the
  machine or the client;
* serves a small HTML index (no script, nothing fetched from a CDN) and the HTML views of
  ``kg viz`` (``/view/full``, ``/view/arguments``, ``/view/actors``, ``/view/claim?id=ID``),
  computed from the engine's answers over SPARQL (self-contained pages, offline).
"""

from __future__ import annotations

import html
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.model.errors import KgError
from kg.serve.engine import DEFAULT_TIMEOUT_S, free_port, oxigraph_binary, oxigraph_server, wait_until_up

__all__ = ["DEFAULT_TIMEOUT_S", "free_port", "make_proxy", "oxigraph_binary", "oxigraph_server", "serving",
           "wait_until_up"]

DEFAULT_PORT = 7878
DEFAULT_MAX_BYTES = 50_000_000
_CHUNK = 1 << 16


# --- the proxy ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Forward reads to the engine, refuse writes, cap answers, serve the HTML pages."""

    upstream: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    store_name: str = ""
    server_version = "kg-serve"

    def log_message(self, fmt: str, *args: object) -> None:  # quiet by default
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/query", "/sparql"):
            form = urllib.parse.parse_qs(url.query)
            if "update" in form:
                return self._refuse()
            if "query" not in form:
                return self._page(_index(self.store_name))
            return self._forward("GET", f"/query?{url.query}", None, {})
        if url.path == "/store":
            return self._forward("GET", f"/store?{url.query}", None, {})
        if url.path in ("/", "/index.html"):
            return self._page(_index(self.store_name))
        if url.path.startswith("/view"):
            return self._view(url)
        self._text(404, "not found: try /query?query=... or /\n")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if url.path not in ("/query", "/sparql"):
            return self._refuse()
        if content_type == "application/sparql-update":
            return self._refuse()
        if content_type == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            if "update" in form:
                return self._refuse()
        elif content_type != "application/sparql-query":
            return self._text(415, "send application/sparql-query or a form with query=\n")
        return self._forward("POST", f"/query?{url.query}" if url.query else "/query", body,
                             {"Content-Type": self.headers.get("Content-Type", "")})

    do_PUT = do_DELETE = do_PATCH = lambda self: self._refuse()

    def _forward(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> None:
        accept = self.headers.get("Accept") or ""
        if "text/html" in accept and not any(k in accept for k in ("sparql", "json", "csv", "tsv", "xml",
                                                                    "turtle", "triples")):
            accept = "application/sparql-results+json, text/turtle;q=0.9"  # a browser: show JSON
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(self.upstream + path, data=body, method=method, headers=headers)
        try:
            answer = urllib.request.urlopen(request, timeout=self.timeout_s + 5)
        except urllib.error.HTTPError as exc:
            return self._reply(exc.code, exc.headers.get("Content-Type", "text/plain"), exc.read())
        except OSError as exc:
            return self._text(504, f"the query did not finish in time or the engine failed: {exc}\n")
        with answer:
            data = bytearray()
            while chunk := answer.read(_CHUNK):
                data += chunk
                if len(data) > self.max_bytes:
                    return self._text(413, f"the answer is larger than {self.max_bytes} bytes: add a LIMIT\n")
            content_type = answer.headers.get("Content-Type", "application/octet-stream")
            self._reply(answer.status, content_type, bytes(data))

    def _view(self, url: urllib.parse.SplitResult) -> None:
        """``/view/<name>`` (the views of ``kg viz``) or ``/view/claim?id=ID[&depth=N]``, drawn
        from the engine's answers over SPARQL, so the same time limit applies."""
        try:
            from kg.render import view_html as viz_html
            from kg.render import views as viz
        except ImportError:
            return self._text(404, "no HTML views: kg.render.views is not installed in this version\n")
        from kg.queries.runner import resolve_id
        from kg.stores import open_store

        name = url.path.removeprefix("/view").strip("/")
        store = open_store(f"{self.upstream}/query")  # the engine enforces the time limit
        try:
            if name == "claim":
                form = urllib.parse.parse_qs(url.query)
                depth = int((form.get("depth") or ["3"])[0])
                claim = resolve_id(store, (form.get("id") or [""])[0], "id")
                view = viz.claim_view(store, claim, max(1, min(depth, 20)))
            elif name in viz.VIEWS:
                view = viz.build_view(store, name)
            else:
                known = ", ".join(f"/view/{v}" for v in viz.VIEWS)
                return self._text(404, f"no view {name!r}: try {known} or /view/claim?id=ID\n")
        except (KgError, ValueError) as exc:
            return self._text(400, f"{exc}\n")
        self._page(viz_html.render(view))

    def _refuse(self) -> None:
        self._text(403, "this endpoint is read-only: updates are refused\n")

    def _page(self, text: str) -> None:
        self._reply(200, "text/html; charset=utf-8", text.encode("utf-8"))

    def _text(self, status: int, text: str) -> None:
        self._reply(status, "text/plain; charset=utf-8", text.encode("utf-8"))

    def _reply(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _views_html() -> str:
    try:
        from kg.render.views import VIEWS
    except ImportError:
        return "<p>No HTML views in this version (kg.render.views is not installed).</p>"
    links = "".join(f'<li><a href="/view/{name}">{name}</a></li>' for name in VIEWS)
    return (f"<h2>Views</h2><ul>{links}</ul><form action=\"/view/claim\" method=\"get\">"
            "One claim's evidence tree, by id: <input name=\"id\" size=\"40\"> "
            "<button type=\"submit\">Draw</button></form>")


def _index(store_name: str) -> str:
    from kg.queries.catalogue import named

    example = named("claims").text  # the public query of every claim, as an example to edit
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title></head>
<body>
<h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 Protocol endpoint over <code>{html.escape(store_name)}</code>:
<code>/query</code> (GET or POST). Updates are refused; queries have a time limit and answers a
size limit.</p>
<form action="/query" method="get">
<textarea name="query" rows="8" cols="100">{html.escape(example)}</textarea><br>
<button type="submit">Run</button>
</form>
{_views_html()}
</body></html>
"""


def make_proxy(upstream: str, host: str, port: int, store_name: str,
               timeout_s: float = DEFAULT_TIMEOUT_S,
               max_bytes: int = DEFAULT_MAX_BYTES) -> ThreadingHTTPServer:
    """The front server (not yet serving): forwards reads to ``upstream``, refuses writes."""
    handler = type("Handler", (_Handler,), {
        "upstream": upstream, "max_bytes": max_bytes, "timeout_s": timeout_s, "store_name": store_name,
    })
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    server.daemon_threads = True
    return server


@contextmanager
def serving(store_path: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
            timeout_s: int = DEFAULT_TIMEOUT_S,
            max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ThreadingHTTPServer]:
    """The engine on a private port and the proxy on ``host:port``; both stop on exit."""
    if not store_path.exists():
        raise KgError("no store here yet: run 'kg build' first", store_path)
    location = store_path.resolve()  # the build link may switch; keep serving this build
    with oxigraph_server(location, read_only=True, timeout_s=timeout_s) as upstream:
        server = make_proxy(upstream, host, port, str(store_path), timeout_s, max_bytes)
        try:
            yield server
        finally:
            server.server_close()
