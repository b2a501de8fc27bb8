"""``raw_load``: the engine's own bulk loader on the benchmark's N-Triples, the limit a build
can approach.

The same files the build loads go through ``pyoxigraph.Store.bulk_load`` (one call a file, as
``oxigraph load`` does) into a fresh folder, with nothing else: no ontology, no derivations, no
checks, no switch. It runs in a process of its own, so its memory is not counted against the
build's (Oxigraph's loader keeps a whole file's quads in memory: 870 MB at 1M triples).
``build / raw_load`` is then how far the whole ``kg build`` is from the engine's limit.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import resource
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from kg.model.errors import KgError


def _load(files: list[str], folder: str, out: mp.Queue) -> None:
    """Process body: bulk-load ``files`` into a new store at ``folder``; report (seconds, MB)."""
    import pyoxigraph as ox

    try:
        began = time.perf_counter()
        store = ox.Store(folder)
        for path in files:
            store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        seconds = time.perf_counter() - began
        out.put(("ok", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except Exception as exc:  # reported to the parent, which goes on with the run
        out.put((f"error: {type(exc).__name__}", None, " ".join(str(exc).split())[:200]))


def raw_load(files: Sequence[Path], folder: Path, limit: float = 600.0) -> dict[str, object]:
    """Time the bulk load of ``files`` into a fresh store at ``folder`` (removed after).

    Returns a bench step result: ``status``, ``seconds``, ``peak_rss_mb`` of the loading process
    and a ``detail`` line."""
    if not files:
        raise KgError("no N-Triples files to load")
    context = mp.get_context("spawn")
    out: mp.Queue = context.Queue()
    worker = context.Process(target=_load, args=([str(f) for f in files], str(folder), out), daemon=True)
    worker.start()
    try:
        status, seconds, extra = out.get(timeout=limit)
    except queue.Empty:
        worker.kill()
        status, seconds, extra = "timeout", None, f"stopped after {limit:.0f} s"
    finally:
        worker.join(30)
        shutil.rmtree(folder, ignore_errors=True)
    if status != "ok":
        return {"status": status, "seconds": None, "detail": str(extra)}
    size = sum(f.stat().st_size for f in files) / 1e6
    return {"status": "ok", "seconds": seconds, "peak_rss_mb": round(float(extra), 1),
            "detail": f"pyoxigraph Store.bulk_load of {len(files)} file(s), {size:.0f} MB, "
                      f"{float(extra):.0f} MB peak in its own process"}
