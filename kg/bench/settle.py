"""``view_settle``: how long a written view page takes to settle in a real browser.

The page the ``view`` step wrote is opened in headless Chromium (Debian's ``/usr/bin/chromium``
through playwright, never a downloaded browser), and the clock runs from the navigation until
the network has stopped moving: the page says so by setting ``window.kgViz.state.settled`` or
``<body data-settled="true">`` when vis-network's ``stabilizationIterationsDone`` fires or when
physics is off. Past ``limit`` seconds the step is a timeout; without Chromium or playwright it is
skipped with a note.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
from pathlib import Path
from typing import Any, cast

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEFAULT_LIMIT = 60.0
ITERATIONS = "() => (window.kgViz && window.kgViz.state && window.kgViz.state.stabilizationIterations) || 0"
# true once the page has settled, whichever way it says so
SETTLED = ("() => Boolean((window.kgViz && window.kgViz.state && window.kgViz.state.settled)"
           " || (document.body && document.body.dataset.settled === 'true'))")


def settle(page: Path, limit: float = DEFAULT_LIMIT, chromium: Path = CHROMIUM) -> dict[str, Any]:
    """Open ``page`` in headless Chromium and time it until the layout has settled: a bench
    step result (``status``, ``seconds``, ``detail``).

    The browser is driven from a process of its own: playwright's synchronous API refuses to
    run where an event loop already runs (a test session's browser, say), and the browser's
    memory is then not counted against any backend's."""
    context = mp.get_context("spawn")
    out: mp.Queue = context.Queue()
    worker = context.Process(target=_report, args=(str(page), limit, str(chromium), out), daemon=True)
    worker.start()
    try:
        return cast(dict[str, Any], out.get(timeout=limit + 60))
    except queue.Empty:
        worker.kill()
        return {"status": "timeout", "seconds": None, "limit": limit,
                "detail": f"no answer after {limit:g} s"}
    finally:
        worker.join(10)


def _report(page: str, limit: float, chromium: str, out: mp.Queue) -> None:
    """Process body: :func:`measure` and put its result on ``out``."""
    out.put(measure(Path(page), limit, Path(chromium)))


def measure(page: Path, limit: float = DEFAULT_LIMIT, chromium: Path = CHROMIUM) -> dict[str, Any]:
    """:func:`settle`'s measurement, in this process."""
    if not chromium.exists():
        return {"status": "skipped: no Chromium", "seconds": None,
                "detail": f"{chromium} is missing (Debian's chromium package, or set KG_CHROMIUM)"}
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"status": "skipped: module not available", "seconds": None, "detail": "playwright"}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(chromium), args=ARGS)
            try:
                tab = browser.new_page(viewport={"width": 1280, "height": 800})
                began = time.perf_counter()
                tab.goto(page.resolve().as_uri(), wait_until="load", timeout=limit * 1000)
                left = max(limit - (time.perf_counter() - began), 0.1)
                try:
                    tab.wait_for_function(SETTLED, timeout=left * 1000)
                except PlaywrightError:
                    return {"status": "timeout", "seconds": None, "limit": limit,
                            "detail": f"not settled after {limit:g} s"}
                seconds = time.perf_counter() - began
                iterations = tab.evaluate(ITERATIONS)
            finally:
                browser.close()
    except PlaywrightError as exc:
        return {"status": "error: browser", "seconds": None, "detail": " ".join(str(exc).split())[:200]}
    size = page.stat().st_size / 1e6
    return {"status": "ok", "seconds": seconds,
            "detail": f"{page.name}, {size:.1f} MB, settled in headless Chromium "
                      f"after {iterations} stabilisation iterations"}
