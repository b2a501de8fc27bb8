"""``kg serve``: a real SPARQL endpoint (Oxigraph behind a read-only, bounded ASGI proxy).

Everything runs on 127.0.0.1 with bounded waits, and every server, engine and listener a test
starts is stopped by it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from kg.queries.catalogue import catalogue, named
from kg.serve.app import Limits, Server, TokenGuard, create_app, new_token
from kg.serve.engine import free_port, oxigraph_server
from kg.serve.sparql import Settings, make_app, serving

ROOT = Path(__file__).resolve().parent.parent
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^15 rows: never ends
TIGHT = Limits(body_timeout_s=1, header_timeout_s=1, max_body_bytes=100_000)


def _start(seed_store: Path, limits: Limits | None = None, **settings: int) -> Iterator[str]:
    with serving(seed_store, "127.0.0.1", 0, limits=limits, **settings) as server, server.running() as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(seed_store: Path) -> Iterator[str]:
    """Base URL of 'kg serve' over the seed store."""
    yield from _start(seed_store)


@pytest.fixture(scope="module")
def tight(seed_store: Path) -> Iterator[str]:
    """The same with small limits: 1 s query time limit, 5000-byte answers, 1 s for a request's
    headers and for its body, 100 kB bodies."""
    yield from _start(seed_store, TIGHT, timeout_s=1, max_bytes=5000)


def _get(url: str, accept: str = "", timeout: float = 30) -> tuple[int, str, str]:
    """Status, content type and text of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def _post(url: str, fields: dict[str, str], accept: str = "") -> tuple[int, str, str]:
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def _q(base: str, query: str) -> str:
    return f"{base}/query?{urllib.parse.urlencode({'query': query})}"


def _raw(base: str, data: bytes, wait: float = 10) -> bytes:
    """Send raw bytes to the server and read until it closes (or ``wait`` passes)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return received


# --- the SPARQL 1.1 Protocol, as before -------------------------------------------------------


def test_sparqlwrapper_query(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/query")
    client.setQuery(
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?name WHERE { ?p dct:identifier 'graham-smith' ; foaf:name ?name }"
    )
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert [b["name"]["value"] for b in answer["results"]["bindings"]] == ["Graham Smith"]


def test_sparqlwrapper_post_count(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setMethod(POST)
    client.setQuery("SELECT (COUNT(DISTINCT ?s) AS ?n) "
                    "WHERE { ?s a <https://w3id.org/debate-kg/ns#Statement> }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "54"


def test_content_negotiation_and_graph_store_reads(endpoint: str) -> None:
    select = _q(endpoint, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    for accept, kind, check in [
        ("text/csv", "text/csv", lambda t: t.startswith("s\r\n")),
        ("text/tab-separated-values", "text/tab-separated-values", lambda t: t.startswith("?s\n")),
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda t: "</sparql>" in t),
        ("application/sparql-results+json", "application/sparql-results+json",
         lambda t: len(json.loads(t)["results"]["bindings"]) == 2),
    ]:
        status, content_type, text = _get(select, accept)
        assert (status, content_type.split(";")[0]) == (200, kind) and check(text), accept
    construct = _q(endpoint, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    status, content_type, text = _get(construct, "application/n-triples")
    assert status == 200 and content_type == "application/n-triples" and text.count(" .\n") == 3
    status, content_type, text = _get(f"{endpoint}/store?default", "text/turtle")
    assert status == 200 and content_type.startswith("text/turtle") and "Graham Smith" in text


def test_update_is_refused(endpoint: str) -> None:
    client = SPARQLWrapper(f"{endpoint}/query", updateEndpoint=f"{endpoint}/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as caught:
        client.query()
    assert "403" in str(caught.value) or getattr(caught.value, "code", None) == 403
    for url, data, ctype, method in [
        (f"{endpoint}/query", b"update=DROP+ALL", "application/x-www-form-urlencoded", "POST"),
        (f"{endpoint}/query", b"DROP ALL", "application/sparql-update", "POST"),
        (f"{endpoint}/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", "POST"),
        (f"{endpoint}/store?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", "PUT"),
        (f"{endpoint}/store?default", b"", "application/n-triples", "DELETE"),
    ]:
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": ctype})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        assert "read-only" in json.loads(refused.value.read())["error"]
    assert _get(f"{endpoint}/query?update=DROP+ALL")[0] == 403
    count = urllib.parse.urlencode({"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    with urllib.request.urlopen(f"{endpoint}/query?{count}", timeout=10) as answer:
        assert b"false" in answer.read()


def test_answers_are_capped(tight: str) -> None:
    status, _, text = _get(_q(tight, "SELECT * WHERE { ?s ?p ?o }"))
    assert status == 413 and "add a LIMIT" in json.loads(text)["error"]
    status, _, text = _get(_q(tight, "SELECT * WHERE { ?s ?p ?o } LIMIT 3"), "text/csv")
    assert status == 200 and text.count("\n") == 4  # header + 3 rows


def test_bad_requests_are_400_not_tracebacks(endpoint: str) -> None:
    for fields, says in [({"query": "SELECT * WHERE { ?s ?p }"}, "expected"),
                         ({}, "no query")]:
        status, _, text = _post(f"{endpoint}/query", fields)
        assert status == 400 and says in json.loads(text)["error"]
    for body, ctype, status in [(b"query=%FF", "application/x-www-form-urlencoded", 400),
                                (b"query=ASK{}&query=ASK{}", "application/x-www-form-urlencoded", 400),
                                (b"ASK {}", "text/plain", 415)]:
        request = urllib.request.Request(f"{endpoint}/query", data=body, headers={"Content-Type": ctype})
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(request, timeout=10)
        assert failed.value.code == status
    answer = _raw(endpoint, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nquery=ASK{}")
    assert answer.startswith(b"HTTP/1.1 400 ")
    # errors are JSON, or text for a client that reads text
    assert _get(f"{endpoint}/nothing")[:2] == (404, "application/json")
    status, content_type, text = _get(f"{endpoint}/nothing", "text/plain")
    assert (status, content_type.split(";")[0]) == (404, "text/plain") and text.startswith("not found")


# --- the limits --------------------------------------------------------------------------------


def test_200_concurrent_clients_are_all_answered(endpoint: str) -> None:
    """200 clients at once: each gets its answer (or a fast 503), none hangs or is dropped."""
    clients = 200
    url = _q(endpoint, "SELECT ?s WHERE { ?s a <https://w3id.org/debate-kg/ns#Claim> } LIMIT 5")
    ready = threading.Barrier(clients, timeout=20)

    def one(_: int) -> tuple[int | str, float]:
        ready.wait()
        began = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                answer.read()
                return answer.status, time.monotonic() - began
        except urllib.error.HTTPError as exc:
            return exc.code, time.monotonic() - began
        except OSError as exc:
            return type(exc).__name__, time.monotonic() - began

    began = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(one, range(clients)))
    wall = time.monotonic() - began
    statuses = Counter(status for status, _ in outcomes)
    print(f"200 concurrent clients: {dict(statuses)} in {wall:.2f} s, "
          f"slowest {max(s for _, s in outcomes):.2f} s")
    assert set(statuses) <= {200, 503}, statuses
    assert all(seconds < 15 for status, seconds in outcomes if status == 503)
    assert statuses[200] >= clients // 2 and wall < 60


def test_slow_client_is_cut_off_while_others_are_served(tight: str) -> None:
    """Headers, then a body trickling in a byte at a time: 408 after the body deadline (1 s
    here); a client that never finishes its headers is cut off too; others are answered."""
    host, port = urllib.parse.urlsplit(tight).netloc.split(":")
    began = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as slow, \
            socket.create_connection((host, int(port)), timeout=10) as half, \
            socket.create_connection((host, int(port)), timeout=10):  # one that says nothing at all
        slow.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000\r\n\r\nASK")
        half.sendall(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        answers = []
        for _ in range(12):  # others are served meanwhile
            answers.append(_get(_q(tight, "ASK {}"))[0])
            if select.select([slow], [], [], 0)[0]:
                break  # the server has answered: stop writing to a closed connection
            slow.sendall(b" ")
            time.sleep(0.25)
        slow.settimeout(5)
        got = slow.recv(4096)
        assert got.startswith(b"HTTP/1.1 408 ") and b"did not arrive within 1 s" in got
        half.settimeout(5)
        assert half.recv(4096).startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - began < 8
    assert 200 in answers and set(answers) == {200}


def test_a_huge_body_is_refused_unread(tight: str) -> None:
    """A 400 MB POST declared in Content-Length: 413 at once, after 64 kB of it were sent."""
    began = time.monotonic()
    answer = _raw(tight, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 400000000\r\n\r\n" + b"#" * 65536, wait=5)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"larger than 100000 bytes" in answer
    assert time.monotonic() - began < 3
    # and one without a Content-Length (chunked) is cut off once it passes the cap
    chunk = b"#" * 50_000
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    answer = _raw(tight, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + chunked, wait=5)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_time_limit_is_503_not_a_partial_200(tight: str) -> None:
    """The engine answers "200 OK", starts the answer, then writes "cancelled": the client gets
    a 503 with an error body instead, for every answer format."""
    for accept, kind in [("application/sparql-results+json", "application/json"),
                         ("text/csv", "text/plain")]:
        began = time.monotonic()
        status, content_type, text = _get(_q(tight, SLOW), accept)
        assert status == 503 and content_type.startswith(kind), (status, text)
        assert "time limit of 1 s" in text and "cancelled" not in text
        assert time.monotonic() - began < 10
    assert _get(_q(tight, "ASK {}"))[0] == 200  # the engine is still there


@contextmanager
def _fake_engine(reply: bytes) -> Iterator[str]:
    """A stand-in engine on 127.0.0.1 that answers every request with ``reply`` and then keeps
    the connection open (stalls) until the test ends; yields its base URL."""
    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.2)
        held: list[socket.socket] = []

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                conn.recv(65536)
                conn.sendall(reply)
                held.append(conn)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"
        finally:
            stop.set()
            thread.join(5)
            for conn in held:
                conn.close()


JSON_200 = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")


def test_the_proxy_has_its_own_deadline() -> None:
    """An engine that sends "200 OK" and then nothing more: 503 after its time limit plus the
    grace, not a hung client."""
    with _fake_engine(JSON_200 + b'6\r\n{"head\r\n') as engine, \
            Server(make_app(Settings(engine, timeout_s=0.5, grace_s=0.5))).running() as url:
        began = time.monotonic()
        status, _, text = _get(_q(url, "ASK {}"))
        assert status == 503 and "time limit" in text
        assert 0.9 < time.monotonic() - began < 5


def test_an_answer_that_breaks_off_is_502_not_200() -> None:
    """The engine reports a failure in mid-answer by appending its message to a 200: 502."""
    broken = b'{"head":{"vars":["n"]},"results":{"bindings":[Something failed'
    with _fake_engine(JSON_200 + b"%x\r\n%s\r\n0\r\n\r\n" % (len(broken), broken)) as engine, \
            Server(make_app(Settings(engine))).running() as url:
        status, _, text = _get(_q(url, "ASK {}"))
        assert status == 502 and "broke off" in text and "Something failed" in text


def test_a_dead_engine_is_502_and_the_front_stays_up(seed_store: Path) -> None:
    engines: list[subprocess.Popen] = []
    with oxigraph_server(seed_store.resolve(), processes=engines) as upstream, \
            Server(make_app(Settings(upstream))).running() as url:
        assert _get(_q(url, "ASK {}"))[0] == 200
        engines[0].kill()
        engines[0].wait(10)
        status, _, text = _get(_q(url, "ASK {}"))
        assert status == 502 and "did not answer" in text
        assert _get(f"{url}/")[0] == 200


def test_service_is_refused_before_the_engine_sees_it(endpoint: str) -> None:
    """SERVICE in any spelling or place: 400, and the address it names hears nothing."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        queries = [
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?x }} }} }}",
            f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
            f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",  # SPARQL's own escapes
        ]
        for query in queries:
            status, _, text = _get(_q(endpoint, query))
            assert status == 400 and "SERVICE is refused" in text, query
        status, _, text = _post(f"{endpoint}/sparql", {"query": queries[0]})
        assert status == 400
        request = urllib.request.Request(f"{endpoint}/query", data=queries[1].encode(),
                                         headers={"Content-Type": "application/sparql-query"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 400
        status, _, page = _post(f"{endpoint}/query", {"query": queries[0]}, "text/html")
        assert status == 400 and "SERVICE is refused" in page
        # a mention that is no SERVICE pattern is fine; a text that mentions it and does not parse is not
        assert _get(_q(endpoint, "ASK { ?service <urn:SERVICE> 'SERVICE' }"))[0] == 200
        status, _, text = _get(_q(endpoint, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p }} }}"))
        assert status == 400 and "does not parse" in text
        listener.settimeout(0.5)
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody came


# --- the pages ---------------------------------------------------------------------------------


def test_index_page_is_static_html(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/", timeout=10) as answer:
        page = answer.read().decode()
        policy = answer.headers["Content-Security-Policy"]
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<form action=\"/query\"" in page and "<script" not in page and "http://cdn" not in page
    assert "default-src 'none'" in policy


def test_index_lists_the_public_queries_and_runs_them_as_a_table(endpoint: str) -> None:
    page = _get(f"{endpoint}/")[2]
    for query in catalogue(("public",)):
        assert f'<option value="{query.name}"' in page
    assert "dct:identifier ?id" in page  # the claims query, prefilled
    counts = _get(f"{endpoint}/?example=counts")[2]
    assert '<option value="counts" selected>' in counts and "PREFIX" in counts
    # Run: a browser posts the form to /query and gets the answer as a table, every value escaped
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, content_type, page = _post(f"{endpoint}/query", {"query": named("claims").text}, browser)
    assert status == 200 and content_type.startswith("text/html") and "<table>" in page
    assert "taser-carriers-more-likely-use-force" in page and '<option value="claims" selected>' in page
    sneaky = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    for url, data in [(f"{endpoint}/query", {"query": sneaky}), (f"{endpoint}/table", {"query": sneaky})]:
        page = _post(url, data, browser if url.endswith("/query") else "")[2]
        assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
        assert "<script" not in page
    assert "Answer: <b>true</b>" in _get(f"{endpoint}/table?query=ASK%7B%7D")[2]


def test_serve_refuses_memory_and_remote_stores(kg) -> None:
    for spec in ("memory", "http://127.0.0.1:1/query"):
        result = kg("serve", store=spec)
        assert result.exit_code == 2
        assert "serves a store built on disk" in result.output
    assert "read-only SPARQL 1.1 endpoint" in kg("serve", "--help").output


def test_a_port_in_use_is_one_line_before_the_engine_starts(kg) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        before = _children(os.getpid())
        result = kg("serve", "--port", str(busy.getsockname()[1]))
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output
    assert "Traceback" not in result.output and _children(os.getpid()) == before


def test_html_views(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/view/arguments", timeout=60) as answer:
        page = answer.read().decode()
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Only trained officers carry Taser" in page
    claim = urllib.parse.urlencode({"id": "taser-carriers-more-likely-use-force"})
    with urllib.request.urlopen(f"{endpoint}/view/claim?{claim}", timeout=60) as answer:
        tree = answer.read().decode()
    assert "Taser training is not diluted" in tree
    claim = urllib.parse.urlencode({"id": "taser-for-every-frontline-officer", "limit": "2"})
    with urllib.request.urlopen(f"{endpoint}/view/claim?{claim}", timeout=60) as answer:
        assert "7; 2 shown" in answer.read().decode()  # the root's 7 links, 2 drawn
    for path, code, says in [("/view/claim?id=no-such-claim", 400, "unknown id 'no-such-claim'"),
                             ("/view/claim?id=taser-for-every-frontline-officer&limit=many", 400,
                              "limit must be a whole number, not 'many'"),
                             ("/view/nothing", 404, "no view 'nothing'")]:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"{endpoint}{path}", timeout=60)
        assert failed.value.code == code and says in failed.value.read().decode()
    with urllib.request.urlopen(f"{endpoint}/", timeout=10) as answer:
        assert '<a href="/view/arguments">' in answer.read().decode()


# --- the process: stopping it stops the engine -------------------------------------------------


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def kg_serve(seed_store: Path) -> Iterator[tuple[subprocess.Popen, str, int]]:
    """``kg serve`` in a process of its own: (process, base URL, the engine's pid)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(seed_store),
                                "--port", str(port), "--timeout", "5"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base, engines = f"http://127.0.0.1:{port}", []
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "kg serve did not start"
            try:
                urllib.request.urlopen(f"{base}/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        engines = [pid for pid in _children(process.pid)
                   if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
        assert len(engines) == 1
        yield process, base, engines[0]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
        for pid in engines:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_sigterm_stops_kg_serve_and_its_engine(kg_serve: tuple[subprocess.Popen, str, int]) -> None:
    process, base, engine = kg_serve
    assert _get(_q(base, "ASK {}"))[0] == 200
    assert _raw(base, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").startswith(
        b"HTTP/1.1 400 ")
    assert _get(f"{base}/view/nothing")[0] == 404
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0
    assert _gone(engine), "the engine outlived kg serve"
    assert process.stderr is not None
    log = process.stderr.read().decode()
    assert "Traceback" not in log and log.rstrip().endswith("stopped")
    assert re.search(r"method=GET path=/query status=200 bytes=\d+ ms=[\d.]+", log)
    assert "path=/view/nothing status=404" in log


def test_stopping_with_a_query_in_flight_answers_it_503(seed_store: Path) -> None:
    """Stopping waits for requests in flight (here 0.5 s), then answers them 503, not a 500."""
    limits = Limits(shutdown_s=0.5)
    with serving(seed_store, "127.0.0.1", 0, timeout_s=10, limits=limits) as server:
        outcome: list[tuple[int, str, str]] = []
        with server.running() as url:
            thread = threading.Thread(target=lambda: outcome.append(_get(_q(url, SLOW))), daemon=True)
            thread.start()
            time.sleep(0.5)
            began = time.monotonic()
        assert time.monotonic() - began < 3
        thread.join(5)
    status, _, text = outcome[0]
    assert status == 503 and "stopping" in text


def test_kill_9_of_kg_serve_leaves_no_engine(kg_serve: tuple[subprocess.Popen, str, int]) -> None:
    process, _, engine = kg_serve
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert _gone(engine), "the engine outlived kg serve (PR_SET_PDEATHSIG)"


# --- the token guard, for servers that act for their user --------------------------------------


def test_token_guard() -> None:
    token = new_token()
    app = TokenGuard(create_app([Route("/", lambda request: PlainTextResponse("secret"),
                                       methods=["GET", "POST"])]), token, ["guarded.test"])

    def call(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], str]:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(method, target, headers={"Host": "guarded.test", **headers})
            answer = connection.getresponse()
            return answer.status, dict(answer.headers), answer.read().decode()
        finally:
            connection.close()

    with Server(app).running() as base:
        assert call(base)[0] == 401
        assert call(base, **{"X-Kg-Token": "x" * 43})[0] == 401
        assert call(base, Authorization=f"Bearer {token}")[2] == "secret"
        assert call(base, **{"X-Kg-Token": token, "Host": "evil.example"})[0] == 403  # DNS rebinding
        assert call(base, "POST", Origin="http://evil.example", **{"X-Kg-Token": token})[0] == 403
        status, headers, _ = call(f"{base}/?token={token}&page=2")
        assert status == 303 and headers["location"] == "/?page=2"
        assert "HttpOnly" in headers["set-cookie"] and "SameSite=strict" in headers["set-cookie"]
        assert call(base, Cookie=f"kg_token={token}")[2] == "secret"
        assert call(base, "POST", Origin="http://guarded.test", Cookie=f"kg_token={token}")[2] == "secret"
