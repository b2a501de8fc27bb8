"""``kg bench --curve``: the embedded store at several sizes, and how each step grows.

Each size is one ``kg bench -b oxigraph`` run (:func:`kg.bench.run.run`), so every step is timed
exactly as there. Between two sizes ``n1 < n2`` a step's growth exponent is the slope of its
time on a log-log scale, ``log(t2 / t1) / log(n2 / n1)``: 1 for linear growth, 2 for quadratic.
The bound it is held to is n log n, whose exponent over the same sizes is
``log(n2 log n2 / (n1 log n1)) / log(n2 / n1)`` (a little over 1: 1.07 from 1M to 5M). Times
under :data:`NOISE_SECONDS` are too short to give a slope on a shared machine and are not
judged.

Each step is also held against the engine's own operation it rests on, timed in the same run
(:data:`REFERENCE`): the query steps against the engine's own join of the statement table
(``raw_join``), the build against that and the engine's bulk loader (``raw_load``), as it is a
bulk load followed by derivations and checks that join. Past the CPU's caches the
engine's lookups and hash joins themselves grow faster than n log n (at 1M to 5M triples its
three-column join of the statements grew by ^1.06-1.35 here, run to run), and no query can grow slower than
the operations it is made of; a step is ``faster_than_engine`` when it grew faster than both
n log n and the fastest-growing of its references.

The sizes are built one after the other, minutes apart, and this machine's speed drifts by up
to half over such spans, so a step timed only right after its build would compare a fast
minute at one size with a slow one at the next. After the last build the query steps (and the
engine's join they are held to) therefore run again in rounds that go through every size in
turn (:func:`rounds`): each step's time at each size is its best over the run after the build
and the rounds, drawn from the same stretch of the machine's day for all sizes.
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kg.model.errors import KgError

CURVE_STEPS = ("raw_load", "build", "raw_join", "trace", "trace_median", "all_claims", "coalitions",
               "view", "view_settle")
JOIN = ("raw_join",)
REFERENCE: dict[str, tuple[str, ...]] = {  # the engine's own operations each step rests on
    "build": ("raw_load", "raw_join"),  # a bulk load, then derivations and checks that join
    "trace": JOIN, "trace_median": JOIN, "all_claims": JOIN, "coalitions": JOIN, "view": JOIN,
}  # the browser's settling has none
ENGINE = frozenset(r for refs in REFERENCE.values() for r in refs)  # the references, not judged themselves
NOISE_SECONDS = 0.05  # below this, a time says nothing about growth
# The steps after the build run this many times at each size and count their best: on a shared
# machine one run can be 20 % slow, which alone moves a 1M-to-5M slope by 0.1, more than the
# margin between linear and n log n (0.07).
REPEAT = 3
# The steps timed again in the rounds across sizes: the ones that only read the built store
# (the loads, the build and the browser's settling are timed once, right after the build).
ROUND_STEPS = ("raw_join", "trace", "trace_median", "all_claims", "coalitions", "view")
Progress = Callable[[str], None]


def parse_sizes(text: str) -> list[int]:
    """``"10000,100000,1e6"`` as increasing sizes; a KgError naming the bad part otherwise."""
    sizes = []
    for part in text.split(","):
        try:
            sizes.append(int(float(part.strip().replace("_", ""))))
        except ValueError:
            raise KgError(f"--curve: {part.strip()!r} is not a number of triples") from None
    if len(sizes) < 2 or any(b <= a for a, b in itertools.pairwise(sizes)):
        raise KgError(f"--curve: give at least two increasing sizes, not {text!r}")
    return sizes


def exponent(n1: float, t1: float | None, n2: float, t2: float | None) -> float | None:
    """The log-log slope between ``(n1, t1)`` and ``(n2, t2)``; None without two positive times."""
    if not t1 or not t2 or t1 <= 0 or t2 <= 0 or n2 <= n1:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def nlogn_exponent(n1: float, n2: float) -> float:
    """The log-log slope of ``n log n`` between ``n1`` and ``n2`` (both above 1)."""
    return math.log(n2 * math.log(n2) / (n1 * math.log(n1))) / math.log(n2 / n1)


def too_fast(n1: float, t1: float | None, n2: float, t2: float | None) -> bool:
    """Whether a step grew faster than n log n from ``n1`` to ``n2`` (times that are too short
    to judge, under :data:`NOISE_SECONDS`, never do)."""
    slope = exponent(n1, t1, n2, t2)
    if slope is None or t2 is None or t2 < NOISE_SECONDS:
        return False
    return slope > nlogn_exponent(n1, n2)


def curve(sizes: Sequence[int], seed: int = 0, workdir: Path | None = None,
          progress: Progress | None = None, repeat: int = REPEAT) -> dict[str, Any]:
    """Run the embedded store at each size; return the points and the exponents between them.

    The loads and the build run once; the steps after the build run ``repeat`` times right
    after it, then ``repeat`` more times in the rounds across all sizes (:func:`rounds`), and
    count their best. Each size's store is kept until the rounds are over: in ``workdir`` if
    given (with its debate), else in a temporary folder removed afterwards (there the debate
    and the loader's store go as soon as the size is timed).
    """
    from kg.bench.run import run

    say = progress or (lambda _msg: None)
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="kg-curve-")) if workdir is None else Path(workdir)
    try:
        points, stores = [], []
        for n in sizes:
            say(f"--- {n:,} triples")
            where = root / f"n{n}"
            report = run(n, seed, ("oxigraph",), workdir=where, progress=say, repeat=repeat)
            if own:
                for spent in ("data", "raw-load-store"):
                    shutil.rmtree(where / spent, ignore_errors=True)
            steps = report["results"]["oxigraph"]
            points.append({
                "triples": report["triples_generated"],
                "seconds": {s: steps[s]["seconds"] for s in CURVE_STEPS},
                "status": {s: steps[s]["status"] for s in CURVE_STEPS},
                "peak_rss_mb": report["peak_rss_mb"].get("oxigraph"),
                "raw_load_peak_rss_mb": steps["raw_load"].get("peak_rss_mb"),
            })
            stores.append(str(where / "store"))
        rounds(points, stores, repeat, say)
        return {"seed": seed, "repeat": repeat, "rounds": repeat, "points": points, "growth": growth(points)}
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def rounds(points: Sequence[dict[str, Any]], stores: Sequence[str], count: int, say: Progress) -> None:
    """Time the :data:`ROUND_STEPS` again, ``count`` rounds each going through every size in
    turn, and keep in each point the best of what it had and what the rounds took. A step that
    failed at a size (or fails in a round) keeps what it had there."""
    from kg.bench.run import outcome
    from kg.stores import open_store

    opened = [open_store(spec) if point["status"].get("build") == "ok" else None
              for point, spec in zip(points, stores, strict=True)]
    try:
        for turn in range(1, count + 1):
            for point, store in zip(points, opened, strict=True):
                if store is None:
                    continue
                took = []
                for step in (s for s in ROUND_STEPS if point["status"][s] == "ok"):
                    _, status, seconds, _ = outcome(step, store)
                    if status != "ok" or seconds is None:
                        continue
                    had = point["seconds"][step]
                    point["seconds"][step] = seconds if had is None else min(had, seconds)
                    took.append(f"{step} {seconds:.3f}")
                say(f"round {turn}/{count} at {point['triples']:,}: {', '.join(took)} s")
    finally:
        for store in opened:
            if store is not None:
                store.close()


def growth(points: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each pair of consecutive sizes: every step's exponent, the n log n bound, the steps
    that grew faster than it, and of those the ones that also grew faster than the engine's own
    operation they rest on (:data:`REFERENCE`; the references are the engine and are not judged
    against themselves; a step with no reference, or whose reference has no slope, is judged by
    n log n alone)."""
    found = []
    for a, b in itertools.pairwise(points):
        n1, n2 = a["triples"], b["triples"]
        slopes = {s: exponent(n1, a["seconds"][s], n2, b["seconds"][s]) for s in a["seconds"]}
        slopes["peak_rss_mb"] = exponent(n1, a["peak_rss_mb"], n2, b["peak_rss_mb"])
        fast = [s for s in a["seconds"] if too_fast(n1, a["seconds"][s], n2, b["seconds"][s])]
        found.append({
            "from": n1, "to": n2,
            "exponent": {k: None if v is None else round(v, 2) for k, v in slopes.items()},
            "nlogn_exponent": round(nlogn_exponent(n1, n2), 2),
            "faster_than_nlogn": fast,
            "faster_than_engine": [s for s in fast if s not in ENGINE and not _within_reference(slopes, s)],
        })
    return found


def _within_reference(slopes: dict[str, float | None], step: str) -> bool:
    """Whether ``step`` grew no faster than the fastest-growing of the engine's own operations
    it rests on (False when none of them has a slope)."""
    bounds = [b for r in REFERENCE.get(step, ()) if (b := slopes.get(r)) is not None]
    mine = slopes.get(step)
    return mine is not None and bool(bounds) and mine <= max(bounds)


def markdown(result: dict[str, Any]) -> str:
    """The curve as a Markdown table: a row per step, a column per size (time, and the
    exponent from the size before in brackets: ⚠ above n log n, ⚠⚠ above its engine references
    too), then peak memory, and a line on what the marks mean."""
    points, growths = result["points"], result["growth"]
    head = " | ".join(f"{p['triples']:,}" for p in points)
    lines = [f"| step | {head} |", "| --- |" + " --- |" * len(points)]
    for step in CURVE_STEPS:
        cells = []
        for i, point in enumerate(points):
            seconds = point["seconds"][step]
            cell = f"{seconds:.3f} s" if seconds is not None else point["status"][step]
            if i:
                slope = growths[i - 1]["exponent"][step]
                flag = (" ⚠⚠" if step in growths[i - 1]["faster_than_engine"]
                        else " ⚠" if step in growths[i - 1]["faster_than_nlogn"] else "")
                cell += f" (^{slope}{flag})" if slope is not None else ""
            cells.append(cell)
        lines.append(f"| {step} | {' | '.join(cells)} |")
    memory = []
    for i, point in enumerate(points):
        cell = f"{point['peak_rss_mb'] or 0:.0f} MB"
        if i and growths[i - 1]["exponent"]["peak_rss_mb"] is not None:
            cell += f" (^{growths[i - 1]['exponent']['peak_rss_mb']})"
        memory.append(cell)
    lines.append(f"| peak memory | {' | '.join(memory)} |")
    bounds = ", ".join(f"{g['from']:,}→{g['to']:,}: {g['nlogn_exponent']}" for g in growths)
    lines.append("")
    lines.append(f"(^x: log-log growth exponent from the size before; n log n is {bounds}; "
                 "⚠ marks a step that grew faster, ⚠⚠ one that also grew faster than the engine's own "
                 "operations it rests on: raw_load and raw_join for the build, raw_join for the queries"
                 + _runs(result) + ")")
    return "\n".join(lines)


def _runs(result: dict[str, Any]) -> str:
    """How often the steps after the build ran, for the table's closing line."""
    after, turns = result.get("repeat", 1), result.get("rounds", 0)
    if turns:
        return (f"; the steps after the build: best of {after} run{'s' if after > 1 else ''} after each "
                f"build and {turns} round{'s' if turns > 1 else ''} across all sizes")
    return f"; the steps after the build: best of {after} runs" if after > 1 else ""
