"""No query reaches out: SERVICE is refused before any engine sees it, on every store kind."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.model.errors import KgError
from kg.queries.binding import refuse_service

from .conftest import ROOT, SEED_DATA


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A local socket that must receive nothing."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.5)
    try:
        yield sock, sock.getsockname()[1]
    finally:
        sock.close()


def received_nothing(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except TimeoutError:
        return True
    conn.close()
    return False


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_kg_query_refuses_service(listener: tuple[socket.socket, int], seed_store: Path, store: str) -> None:
    sock, port = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    spec = str(seed_store) if store == "oxigraph" else "memory"
    args = ["query", query, "--store", spec, "--data", str(SEED_DATA)]
    proc = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "error: SERVICE is refused: this endpoint does not query other servers "
        "(federated queries would let anyone make it fetch any address)")
    assert received_nothing(sock)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * where { service silent <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE ?endpoint { ?s ?q ?v } }",
    "# a comment\nSELECT * WHERE {\n  SERVICE\n<http://x/> { ?s ?p ?o } }",
])
def test_service_is_found_however_written(text: str) -> None:
    with pytest.raises(KgError, match="SERVICE is refused"):
        refuse_service(text)


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s rdfs:label "customer SERVICE desk" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT ?SERVICE WHERE { ?SERVICE ex:SERVICE ?o } # SERVICE in a comment",
])
def test_the_word_elsewhere_is_fine(text: str) -> None:
    refuse_service(text)
