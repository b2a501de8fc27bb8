"""The embedded store: Oxigraph on disk, the default kind (``.kg/store``).

Each build writes a fresh store under ``<root>/builds/`` and then swaps the store link
(``.kg/store``) to it with an atomic rename, so a failed or killed build leaves the previous
store answering queries. One build runs at a time (:func:`kg.stores.locks.build_lock`); readers
pin the build they opened, and pruning keeps the new build, the one before it and any build a
reader has open (:mod:`kg.stores.locks`).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.model.collector import paused
from kg.model.errors import KgError
from kg.model.namespaces import PREFIXES
from kg.stores.base import Result, Store, StoreBuild, graph_of, serialized, to_oxigraph
from kg.stores.formats import EXPORT_FORMATS
from kg.stores.locks import FileLock, build_lock, pin_path

OPEN_RETRIES = 5  # times a reader re-reads the link when the build it pointed to was pruned meanwhile
# N-Triples files are bulk-loaded in pieces of about this size (whole lines): the loader holds a
# piece's quads in memory, so at 1M triples (158 MB) one load at a time peaks at 190 MB instead
# of 870 MB for the whole file, for about the same CPU time (5.5 s against 5.3 s with 32 MB
# pieces, which peak at 330 MB).
LOAD_PIECE_BYTES = 16 << 20
# Pieces load on this many threads at once (pyoxigraph's loader releases the GIL and writes each
# load's index files apart): the same CPU time as one load, spread over the cores; the
# reference bulk load of 1M triples runs on one core.
LOAD_THREADS = max(1, min(4, os.cpu_count() or 1))


class OxigraphStore(Store):
    """An Oxigraph store on disk: the built store opened read-only, or a build being written."""

    concurrent = True  # pyoxigraph releases the GIL while a query runs

    def __init__(self, path: Path, opened: ox.Store | None = None):
        self.path = Path(path)
        self.description = f"oxigraph:{path}"
        self._pin: FileLock | None = None
        self.compacted = True  # False from a write until compact(): a build's update or insert
        if opened is not None:
            self._store: ox.Store | None = opened
            return
        if self.path.exists() and not self.path.is_dir():
            raise KgError("not a store: a file is in the way (give a folder made by 'kg build')", path)
        for _ in range(OPEN_RETRIES):
            if not self.path.exists():
                raise KgError("no store here yet: run 'kg build' first", path)
            build = self.path.resolve()
            pin: FileLock | None = FileLock(pin_path(build)) if build.parent.name == "builds" else None
            if pin is not None and not pin.acquire(exclusive=False):
                pin = None  # cannot lock (a read-only folder): read unpinned
            if build.is_dir():
                break
            if pin is not None:  # pruned between reading the link and pinning: read the link again
                pin.release()
        else:
            raise KgError("the store keeps changing under this reader; try again", path)
        self._pin = pin
        try:
            self._store = ox.Store.read_only(str(build))
        except OSError as exc:
            self.close()
            raise KgError(f"cannot open the store: {exc}", path) from exc

    @property
    def engine(self) -> ox.Store:
        if self._store is None:
            raise KgError(f"{self.description} is closed")
        return self._store

    def query(self, text: str) -> Result:
        try:
            answer = self.engine.query(text, prefixes=PREFIXES)
            if isinstance(answer, ox.QueryBoolean):
                return Result("ask", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                with paused():  # a row's terms are made as the engine finds it
                    return Result("select", names, raw=[tuple(solution) for solution in answer])
            return Result("graph", graph=graph_of(answer))
        except SyntaxError as exc:
            raise KgError(f"bad SPARQL: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise KgError(f"query failed: {exc}") from exc

    def update(self, text: str) -> None:
        self.compacted = False
        try:
            self.engine.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise KgError(f"bad SPARQL update: {exc}") from exc
        except OSError as exc:
            raise KgError(f"cannot write to {self.description}: {exc}") from exc

    def insert(self, graph: Graph) -> None:
        # rdflib types every position of a triple as Node; in an RDF graph the subject is an IRI
        # or a blank node and the predicate an IRI
        triples = cast(Iterable[tuple[URIRef | BNode, URIRef, Node]], graph)
        self.compacted = False
        try:
            self.engine.extend(
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())
                for s, p, o in triples
            )
        except OSError as exc:
            raise KgError(f"cannot write to {self.description}: {exc}") from exc

    def compact(self) -> None:
        """Merge the files the writes since the last compaction left (see
        :meth:`OxigraphBuild.load`): Oxigraph's ``optimize``, in its own threads with the GIL
        released, so the build's read-only checks go on beside it."""
        if self.compacted:
            return
        try:
            self.engine.optimize()
        except OSError as exc:
            raise KgError(f"could not write the store: {exc}", self.path) from exc
        self.compacted = True

    def dump(self, fmt: str) -> bytes:
        ox_format = EXPORT_FORMATS[fmt][0]
        prefixes = PREFIXES if ox_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        if ox_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            return serialized(self.engine.dump(format=ox_format, prefixes=prefixes))
        return serialized(self.engine.dump(format=ox_format, from_graph=ox.DefaultGraph(), prefixes=prefixes))

    def close(self) -> None:
        self._store = None
        if self._pin is not None:
            self._pin.release()
            self._pin = None


class OxigraphBuild(StoreBuild):
    """A fresh store under ``builds/`` beside the link ``target``, switched in on commit."""

    store: OxigraphStore

    def __init__(self, target: Path, wait: bool = True, say: Callable[[str], None] | None = None):
        self.target = target
        self.root = target.parent
        self.builds = self.root / "builds"
        if target.exists() and not target.is_symlink():
            raise KgError("expected a link made by 'kg build' (this is something else: move it away "
                          "or name another store)", target)
        if self.root.exists() and not self.root.is_dir():
            raise KgError("not a folder: a store needs one to live in", self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KgError(f"cannot create the store's folder: {exc.strerror or exc}", self.root) from exc
        self.lock = build_lock(target, wait, say)
        # named after the link, so stores side by side (.kg/store, .kg/synth) never prune each other
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
        self.fresh = self.builds / f"{target.name}-{stamp}"
        try:
            self.builds.mkdir(exist_ok=True)
            self._engine: ox.Store | None = ox.Store(str(self.fresh))
        except OSError as exc:
            self.lock.release()
            raise KgError(f"could not create the store: {exc}", self.fresh) from exc
        self.store = OxigraphStore(self.fresh, opened=self._engine)

    def load(self, ntriples: bytes, files: Sequence[Path] = ()) -> None:
        """Bulk-load; the files the loads write overlap each other's (pieces load side by side),
        so the store is left to be compacted (:meth:`OxigraphStore.compact`) before it is read."""
        engine = self.store.engine
        self.store.compacted = False
        try:
            engine.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
            for path in files:
                try:
                    if path.suffix == ".nt":
                        _load_ntriples(engine, path)
                    else:
                        engine.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
                except SyntaxError as exc:
                    raise KgError(f"bad RDF: {' '.join(str(exc).split())[:300]}", path) from exc
        except (OSError, ValueError) as exc:
            raise KgError(f"could not write the store: {exc}", self.fresh) from exc

    def _switch(self) -> str:
        engine = self.store.engine
        try:
            # Compact what the derivations and post-build steps wrote, unless the build did
            # (Store.compact, beside its checks): joins then read fewer, larger files (kg trace
            # --all at 1M triples: 0.44 s uncompacted, 0.36 s compacted).
            self.store.compact()
            engine.flush()
        except OSError as exc:
            raise KgError(f"could not write the store: {exc}", self.fresh) from exc
        self.store.close()
        self._engine = None
        previous = self.target.resolve() if self.target.is_symlink() else None
        link = self.root / f".{self.target.name}.tmp-{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(self.fresh.relative_to(self.root))
        os.replace(link, self.target)
        keep = {self.fresh.resolve()} | ({previous} if previous is not None else set())
        _prune(self.builds, f"{self.target.name}-", keep)
        self.lock.release()
        return f"oxigraph:{self.target} -> {self.fresh.name}"

    def reader(self) -> Store:
        return OxigraphStore(self.target)

    def abort(self) -> None:
        self.store.close()
        self._engine = None
        shutil.rmtree(self.fresh, ignore_errors=True)
        self.lock.release()


def _load_ntriples(engine: ox.Store, path: Path, piece_bytes: int = LOAD_PIECE_BYTES,
                   threads: int = LOAD_THREADS) -> None:
    """Bulk-load an N-Triples file in pieces of whole lines (see :data:`LOAD_PIECE_BYTES`), on
    ``threads`` threads at once (see :data:`LOAD_THREADS`), reading ahead at most one piece a
    thread.

    A blank node label is scoped to one load, so from the first piece holding ``_:`` on, the
    rest of the file goes in one load (no label is split between two loads). A syntax error
    names the line in the whole file, as a one-piece load would.
    """
    lines_before = 0
    running: set[Future[None]] = set()
    with path.open("rb") as data, ThreadPoolExecutor(max_workers=threads) as pool:
        try:
            while piece := data.read(piece_bytes):
                if b"_:" in piece:
                    piece += data.read()
                elif not piece.endswith(b"\n"):
                    piece += data.readline()
                if len(running) >= threads:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for finished in done:
                        finished.result()
                running.add(pool.submit(_load_piece, engine, piece, lines_before))
                lines_before += piece.count(b"\n")
            for finished in running:
                finished.result()
        finally:
            for queued in running:
                queued.cancel()


def _load_piece(engine: ox.Store, piece: bytes, lines_before: int) -> None:
    """Bulk-load one piece of an N-Triples file that starts after ``lines_before`` lines."""
    try:
        engine.bulk_load(piece, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise SyntaxError(_shift_lines(str(exc), lines_before)) from exc


def _shift_lines(message: str, lines_before: int) -> str:
    """A parser message about one piece, with its line numbers counted from the file's start."""
    return re.sub(r"\b(line )(\d+)", lambda m: f"{m[1]}{int(m[2]) + lines_before}", message)


def _prune(builds: Path, prefix: str, keep: set[Path]) -> None:
    """Remove the builds of one store (names starting with ``prefix``) but those in ``keep`` (the
    new one and the one before it) and any a reader has pinned; leftovers of killed builds go too."""
    mine = re.compile(re.escape(prefix) + r"\d{8}T\d{6}-\d+-\d+")  # not another store's "store-x-..."
    for old in builds.iterdir():
        if not mine.fullmatch(old.name) or not old.is_dir() or old.resolve() in keep:
            continue
        pin = FileLock(pin_path(old))
        if not pin.acquire(exclusive=True, wait=False):
            continue  # someone reads it: the next build prunes it
        try:
            shutil.rmtree(old, ignore_errors=True)
            pin.path.unlink(missing_ok=True)
        finally:
            pin.release()
