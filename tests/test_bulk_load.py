"""N-Triples bulk-loaded in pieces on several threads: the same graph as one load, errors on the
file's own line numbers, blank nodes never split between loads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.stores.oxigraph import _load_ntriples


def lines(n: int) -> bytes:
    return b"".join(b'<urn:s%d> <urn:p> "caf\xc3\xa9 %d" .\n' % (i, i) for i in range(n))


def test_pieces_on_threads_give_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.nt"
    path.write_bytes(lines(1_000))  # 27-29 bytes a line: about 100 pieces of 300 bytes
    store = ox.Store()
    _load_ntriples(store, path, piece_bytes=300, threads=3)
    assert len(store) == 1_000
    assert {q.object.value for q in store} == {f"café {i}" for i in range(1_000)}


def test_a_syntax_error_names_the_line_in_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.nt"
    path.write_bytes(lines(700) + b"<urn:s> <urn:p> .\n" + lines(5))
    with pytest.raises(SyntaxError, match=r"line 701\b"):
        _load_ntriples(ox.Store(), path, piece_bytes=200, threads=2)


def test_blank_nodes_load_together(tmp_path: Path) -> None:
    path = tmp_path / "b.nt"
    path.write_bytes(lines(300) + b"_:x <urn:p> _:y .\n" + lines(300) + b"_:y <urn:p> _:x .\n")
    store = ox.Store()
    _load_ntriples(store, path, piece_bytes=200, threads=2)
    assert len(store) == 302
    blank = [q for q in store if isinstance(q.subject, ox.BlankNode)]
    assert len({q.subject for q in blank}) == 2  # _:x and _:y, each one node across the file
    assert {q.subject for q in blank} == {q.object for q in blank}
