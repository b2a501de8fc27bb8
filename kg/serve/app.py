"""The HTTP server layer every kg server is built on: a Starlette app served by uvicorn.

A server (the SPARQL endpoint of ``kg serve``, a later browser tool) is ``create_app(routes,
limits)`` run by :class:`Server`. What they share, so no server has to get it right again:

* **limits on the connection** (uvicorn, :class:`Limits`): a listen backlog of 2048, at most
  ``max_connections`` open at once (more get a fast 503), keep-alive connections closed after
  ``keep_alive_s`` idle, and a client that has not sent its request headers within
  ``header_timeout_s`` of connecting (or of starting them) is cut off with 408;
* **limits on the request body** (:class:`Guard`): a bad ``Content-Length`` is a 400 and a body
  declared larger than ``max_body_bytes`` a 413, both before a byte of it is read; a body that
  grows past the cap while it streams in is a 413, and one that has not fully arrived within
  ``body_timeout_s`` of the request a 408 (each closes the connection);
* **errors as answers, never tracebacks**: a refusal is an :class:`HTTPException`, answered as
  JSON ``{"error": ..., "status": ...}`` or as plain text for a client that asks for text
  (:func:`error_response`); a bug in a route is a 500 and one line in the log;
* **one access-log line per request** on the ``kg.serve.access`` logger: client, method, path,
  status, bytes sent and milliseconds;
* **a token and origin guard** (:class:`TokenGuard`) for a server that acts for its user (one
  that writes files must not be reachable by any web page the user visits): a random token,
  the Host header checked against DNS rebinding and the Origin of browser writes checked.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.model.errors import KgError

ACCESS = logging.getLogger("kg.serve.access")
LOG = logging.getLogger("kg.serve")
CLOSE = {"Connection": "close"}


@dataclass(frozen=True)
class Limits:
    """What one client may cost a kg server (see the module docstring)."""

    max_body_bytes: int = 1_000_000
    body_timeout_s: float = 10
    header_timeout_s: float = 10
    keep_alive_s: float = 5
    backlog: int = 2048
    max_connections: int = 1000
    shutdown_s: float = 5
    max_header_bytes: int = 65_536  # a GET query travels in the request line


# --- errors ------------------------------------------------------------------------------------


def wants_text(accept: str) -> bool:
    """Whether a client that sent ``Accept: accept`` reads text rather than JSON: it names a
    text type and no JSON type (so curl's ``*/*`` and SPARQL clients asking JSON get JSON)."""
    accept = accept.lower()
    return "json" not in accept and "text/" in accept


def error_response(status: int, message: str, accept: str = "",
                   headers: dict[str, str] | None = None) -> Response:
    """An error as JSON ``{"error": message, "status": status}``, or as text for text clients."""
    if wants_text(accept):
        return PlainTextResponse(message.rstrip("\n") + "\n", status, headers)
    return JSONResponse({"error": message, "status": status}, status, headers)


def refuse(status: int, message: str, close: bool = False,
           headers: dict[str, str] | None = None) -> HTTPException:
    """The exception a route raises to answer ``status`` with ``message`` (and, with ``close``,
    end the connection: for a request whose body was not read)."""
    return HTTPException(status, message, {**(headers or {}), **(CLOSE if close else {})} or None)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail or HTTPStatus(exc.status_code).phrase
    return error_response(exc.status_code, message, request.headers.get("accept", ""),
                          dict(exc.headers or {}))


async def _client_gone(request: Request, exc: Exception) -> Response:
    return Response(status_code=499)  # nginx's word for "the client went away"; nobody reads it


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal error: the server failed on this request (see its log)",
                          request.headers.get("accept", ""))


# --- the guard: body limits, errors, access log ------------------------------------------------


class _Body:
    """``receive`` with the body limits: at most ``cap`` bytes, all in by ``deadline``."""

    def __init__(self, receive: Receive, cap: int, deadline: float, timeout_s: float) -> None:
        self.receive, self.cap, self.deadline, self.timeout_s = receive, cap, deadline, timeout_s
        self.size = 0
        self.done = False

    async def __call__(self) -> Message:
        if self.done:  # after the body only a disconnect can come: no deadline on that
            return await self.receive()
        try:
            async with asyncio.timeout(max(0.0, self.deadline - time.monotonic())):
                message = await self.receive()
        except TimeoutError:
            raise refuse(408, f"the request body did not arrive within {self.timeout_s:g} s",
                         close=True) from None
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.cap:
                raise refuse(413, f"the request body is larger than {self.cap} bytes", close=True)
            self.done = not message.get("more_body", False)
        else:
            self.done = True
        return message


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == name), None)


class Guard:
    """The outermost middleware: refuses bad or oversized bodies before reading them, enforces
    the body limits while reading, answers what escapes the app without a traceback, and writes
    one access-log line per request."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.monotonic()
        sent = {"status": 0, "bytes": 0}

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        accept = (_header(scope, b"accept") or b"").decode("latin-1")
        try:
            early = self._early(scope)
            if early is not None:
                await error_response(*early, accept, CLOSE)(scope, receive, tracked)
            else:
                body = _Body(receive, self.limits.max_body_bytes, began + self.limits.body_timeout_s,
                             self.limits.body_timeout_s)
                await self.app(scope, body, tracked)
        except ClientDisconnect:
            sent["status"] = sent["status"] or 499
        except asyncio.CancelledError:  # uvicorn stopping: the grace for requests in flight is over
            if not sent["status"]:
                await error_response(503, "the server is stopping: try again later", accept,
                                     CLOSE)(scope, receive, tracked)
            # the task ends here either way; not raising spares the log uvicorn's error line
        except Exception as exc:  # a bug in a route: one line, and a 500 if nothing was sent yet
            LOG.error("error in %s %s: %s: %s", scope["method"], scope["path"], type(exc).__name__,
                      " ".join(str(exc).split())[:300])
            if not sent["status"]:
                await _internal_error(accept)(scope, receive, tracked)
        finally:
            client = scope.get("client") or ("-", 0)
            ACCESS.info("client=%s method=%s path=%s status=%d bytes=%d ms=%.1f", client[0],
                        scope["method"], scope["path"], sent["status"], sent["bytes"],
                        (time.monotonic() - began) * 1000)

    def _early(self, scope: Scope) -> tuple[int, str] | None:
        """A status and message for a request refused on its headers alone, else None."""
        length = _header(scope, b"content-length")
        if length is None:
            return None
        if not length.strip().isdigit():
            return 400, f"bad Content-Length: {length[:40].decode('latin-1')!r}"
        if int(length) > self.limits.max_body_bytes:
            return 413, f"the request body is larger than {self.limits.max_body_bytes} bytes"
        return None


def _internal_error(accept: str) -> Response:
    return error_response(500, "internal error: the server failed on this request (see its log)", accept)


def create_app(routes: Sequence[BaseRoute], limits: Limits | None = None,
               lifespan: Lifespan[Any] | None = None) -> ASGIApp:
    """A Starlette app of ``routes`` behind the :class:`Guard` (errors as JSON or text)."""
    app = Starlette(routes=list(routes), lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, ClientDisconnect: _client_gone,
                                        Exception: _server_error})
    return Guard(app, limits or Limits())


# --- a guard for servers that act for their user -----------------------------------------------


def new_token() -> str:
    """A random access token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class TokenGuard:
    """Middleware for a server that acts for its user (writes files, runs things): only the
    user's own browser, holding the token the server printed, gets through.

    * the Host header must be one of ``hosts`` (e.g. ``127.0.0.1:8765``, ``localhost:8765``):
      a web page whose name resolves to 127.0.0.1 (DNS rebinding) is refused, 403;
    * a request that carries an Origin header must come from ``http://`` one of ``hosts``:
      another site's page posting to the server is refused, 403;
    * the token, compared in constant time, comes as ``Authorization: Bearer T``, an
      ``X-Kg-Token: T`` header, or the ``kg_token`` cookie; the cookie is set (HttpOnly,
      SameSite=Strict) by a first visit to any page with ``?token=T``, which then redirects to
      the same page without the token in its address. No token or a wrong one: 401 (or
      ``refused``: a server may answer 403, as the browser coder does);
    * with ``writes_need_origin``, a write (any method but GET, HEAD, OPTIONS) must also say
      where it comes from, by an Origin or else a Referer of one of ``hosts``: 403 otherwise.
    """

    COOKIE = "kg_token"
    READS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, app: ASGIApp, token: str, hosts: Sequence[str], refused: int = 401,
                 writes_need_origin: bool = False) -> None:
        if len(token) < 16:
            raise KgError("an access token needs at least 16 characters (use new_token())")
        self.app, self.token, self.hosts = app, token, {h.lower() for h in hosts}
        self.refused, self.writes_need_origin = refused, writes_need_origin

    def _same_origin(self, request: Request) -> bool:
        """Whether a write names one of :attr:`hosts` as its Origin, or else its Referer."""
        allowed = {f"http://{h}" for h in self.hosts}
        origin = request.headers.get("origin")
        if origin is not None:
            return origin.lower() in allowed
        referer = urlsplit(request.headers.get("referer", ""))
        return f"{referer.scheme}://{referer.netloc}".lower() in allowed

    def _matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        accept = request.headers.get("accept", "")
        host = request.headers.get("host", "").lower()
        origin = request.headers.get("origin")
        if host not in self.hosts:
            await error_response(403, f"this server answers only as {', '.join(sorted(self.hosts))}",
                                 accept)(scope, receive, send)
            return
        if origin is not None and origin.lower() not in {f"http://{h}" for h in self.hosts}:
            await error_response(403, "requests from other sites are refused", accept)(scope, receive, send)
            return
        if self.writes_need_origin and scope["method"] not in self.READS and not self._same_origin(request):
            await error_response(403, "a write must come from this server's own page (Origin or Referer)",
                                 accept)(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self._matches(query.get("token")) and scope["method"] in ("GET", "HEAD"):
            rest = urlencode([(k, v) for k, v in parse_qsl(scope["query_string"].decode("latin-1"),
                                                           keep_blank_values=True) if k != "token"])
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(self.COOKIE, self.token, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        auth = request.headers.get("authorization", "")
        given = (auth[7:] if auth.lower().startswith("bearer ") else None) \
            or request.headers.get("x-kg-token") or _cookie(request.headers.get("cookie", ""), self.COOKIE)
        if not self._matches(given):
            await error_response(self.refused, "this server needs its access token (see the address it "
                                 "printed)", accept)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _cookie(header: str, name: str) -> str | None:
    try:
        morsel = SimpleCookie(header).get(name)
    except Exception:  # a malformed Cookie header is no token
        return None
    return morsel.value if morsel is not None else None


# --- the server --------------------------------------------------------------------------------


class _SlowHeaders(H11Protocol):
    """uvicorn's HTTP/1.1 protocol plus a deadline on request headers (uvicorn has none): a
    connection that sends nothing, or starts a request and does not finish its headers within
    ``header_timeout_s``, gets a 408 and is closed."""

    header_timeout_s: float = 10

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE:
            self._arm()  # part of a request line or headers, still waiting for the rest
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE \
                and not self.transport.is_closing():
            LOG.warning("closed a connection from %s: no complete request headers within %g s",
                        (self.client or ("-",))[0], self.header_timeout_s)
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\n"
                                 b"content-length: 32\r\nconnection: close\r\n\r\n"
                                 b"request headers did not arrive\r\n")
            self.transport.close()


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


class Server:
    """An app served by uvicorn on a socket bound now (so a port in use fails here, as a
    KgError, and port 0 gets a free port whose number :attr:`url` tells)."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0,
                 limits: Limits | None = None, sock: socket.socket | None = None) -> None:
        self.limits = limits or Limits()
        self.socket = sock or listen(host, port, self.limits.backlog)  # or one bound by the caller
        self.port = int(self.socket.getsockname()[1])
        self.host = host
        protocol = type("KgH11Protocol", (_SlowHeaders,), {"header_timeout_s": self.limits.header_timeout_s})
        self.config = uvicorn.Config(
            app, http=protocol, ws="none", loop="asyncio", lifespan="on", log_config=None,
            log_level="warning", access_log=False, server_header=False, proxy_headers=False,
            backlog=self.limits.backlog, limit_concurrency=self.limits.max_connections,
            timeout_keep_alive=self.limits.keep_alive_s,  # type: ignore[arg-type]  # a float works
            timeout_graceful_shutdown=self.limits.shutdown_s,  # type: ignore[arg-type]
            h11_max_incomplete_event_size=self.limits.max_header_bytes,
        )
        self.uvicorn = uvicorn.Server(self.config)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM (from the main thread) or :meth:`stop`; requests in
        flight get ``limits.shutdown_s`` to finish."""
        try:
            self.uvicorn.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def stop(self) -> None:
        """Ask :meth:`run` to stop (from any thread)."""
        self.uvicorn.should_exit = True

    @contextmanager
    def running(self, seconds: float = 20) -> Iterator[str]:
        """Serve in a background thread (tests, tools); yield the base URL; stop on exit."""
        thread = threading.Thread(target=self.run, name=f"kg-serve-{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + seconds
        while not self.uvicorn.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise KgError(f"the server at {self.url} did not start")
            time.sleep(0.02)
        try:
            yield self.url
        finally:
            self.stop()
            thread.join(self.limits.shutdown_s + 5)


def sigterm_as_interrupt() -> AbstractContextManager[None]:
    """While inside: SIGTERM raises KeyboardInterrupt like SIGINT, so ``finally`` blocks run
    (uvicorn stops gracefully on either, then raises it again for its caller)."""

    @contextmanager
    def installed() -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    return installed()


@contextmanager
def logging_to(stream: Any = None) -> Iterator[None]:
    """While inside: one line per event on ``stream`` (stderr): access lines, warnings, errors,
    no tracebacks. The loggers are as they were again on exit."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_OneLine("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    loggers = [logging.getLogger(name) for name in ("kg.serve", "uvicorn", "uvicorn.error", "uvicorn.asgi")]
    saved = [(logger.handlers[:], logger.propagate, logger.level) for logger in loggers]
    for logger in loggers:
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO if logger.name == "kg.serve" else logging.WARNING)
    try:
        yield
    finally:
        for logger, (handlers, propagate, level) in zip(loggers, saved, strict=True):
            logger.handlers[:], logger.propagate = handlers, propagate
            logger.setLevel(level)


class _OneLine(logging.Formatter):
    """A formatter that keeps each record to one line: an exception shows as its type and text."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info:
            exc = record.exc_info[1]
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None,
                                            "msg": f"{record.getMessage()} ({type(exc).__name__}: {exc})",
                                            "args": ()})
        return " ".join(super().format(record).split("\n"))
