"""The scale curve (``kg bench --curve``): growth exponents on given numbers, the rounds across
sizes, and one real curve at two tiny sizes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kg.bench.curve import CURVE_STEPS, exponent, growth, markdown, nlogn_exponent, parse_sizes, too_fast
from kg.model.errors import KgError


def test_exponent_is_the_log_log_slope() -> None:
    assert exponent(1_000, 1.0, 10_000, 10.0) == pytest.approx(1.0)  # linear
    assert exponent(1_000, 1.0, 10_000, 100.0) == pytest.approx(2.0)  # quadratic
    assert exponent(100_000, 2.0, 1_000_000, 2.0) == 0.0  # flat
    assert exponent(1_000_000, 4.0, 5_000_000, 18.0) == pytest.approx(math.log(4.5) / math.log(5))  # 0.9345
    assert exponent(1_000, None, 10_000, 1.0) is None and exponent(1_000, 0.0, 10_000, 1.0) is None


def test_nlogn_bound() -> None:
    # n log n from 1M to 5M: log(5 * ln 5e6 / ln 1e6) / log 5 = log(5 * 15.4249 / 13.8155) / log 5
    assert nlogn_exponent(1_000_000, 5_000_000) == pytest.approx(1.0684, abs=1e-4)
    assert nlogn_exponent(10_000, 100_000) == pytest.approx(1 + math.log10(5 / 4), abs=1e-9)  # 1.0969
    assert not too_fast(1_000_000, 4.0, 5_000_000, 22.0)  # exponent log 5.5 / log 5 = 1.059
    assert too_fast(1_000_000, 4.0, 5_000_000, 23.0)  # exponent log 5.75 / log 5 = 1.087
    assert too_fast(10_000, 0.1, 100_000, 2.0)  # exponent 1.30
    assert not too_fast(10_000, 0.001, 100_000, 0.04)  # under the noise floor: not judged


def test_too_fast_at_the_bound() -> None:
    n1, n2 = 1_000_000, 5_000_000
    at_bound = 4.0 * (n2 * math.log(n2)) / (n1 * math.log(n1))  # exactly n log n: 22.33 s
    assert not too_fast(n1, 4.0, n2, at_bound * 0.999)
    assert too_fast(n1, 4.0, n2, at_bound * 1.01)


def test_parse_sizes() -> None:
    assert parse_sizes("10000,100000, 1e6,5_000_000") == [10_000, 100_000, 1_000_000, 5_000_000]
    with pytest.raises(KgError, match="'ten' is not a number"):
        parse_sizes("ten,100")
    with pytest.raises(KgError, match="at least two increasing sizes"):
        parse_sizes("100000,10000")
    with pytest.raises(KgError, match="at least two increasing sizes"):
        parse_sizes("100000")


def point(n: int, seconds: float, mb: float) -> dict:
    times: dict[str, float | None] = dict.fromkeys(CURVE_STEPS, seconds)
    times["view_settle"] = None
    status = {s: "ok" for s in CURVE_STEPS} | {"view_settle": "skipped: no Chromium"}
    return {"triples": n, "seconds": times, "status": status, "peak_rss_mb": mb}


def test_growth_and_table_of_a_made_up_curve() -> None:
    points = [point(10_000, 0.1, 100.0), point(100_000, 1.0, 200.0), point(1_000_000, 100.0, 400.0)]
    points[2]["seconds"]["trace"] = 10.0  # linear from the size before: within the bound
    points[2]["seconds"]["coalitions"] = 1000.0  # ^3.0, faster than the engine's own join (^2.0)
    found = growth(points)
    assert [g["nlogn_exponent"] for g in found] == [1.1, 1.08]
    assert found[0]["exponent"]["build"] == 1.0 and found[0]["faster_than_nlogn"] == []
    assert found[1]["exponent"]["build"] == 2.0 and found[1]["exponent"]["trace"] == 1.0
    assert found[1]["faster_than_nlogn"] == [s for s in CURVE_STEPS if s not in ("trace", "view_settle")]
    # the build grew as the engine's loader, the queries as its join; coalitions faster than both
    assert found[1]["exponent"]["coalitions"] == 3.0 and found[1]["faster_than_engine"] == ["coalitions"]
    assert found[1]["exponent"]["peak_rss_mb"] == 0.3  # log 2 / log 10
    table = markdown({"points": points, "growth": found}).splitlines()
    assert table[0] == "| step | 10,000 | 100,000 | 1,000,000 |"
    assert table[2] == "| raw_load | 0.100 s | 1.000 s (^1.0) | 100.000 s (^2.0 ⚠) |"
    assert table[3] == "| build | 0.100 s | 1.000 s (^1.0) | 100.000 s (^2.0 ⚠) |"
    assert table[5] == "| trace | 0.100 s | 1.000 s (^1.0) | 10.000 s (^1.0) |"
    assert table[8] == "| coalitions | 0.100 s | 1.000 s (^1.0) | 1000.000 s (^3.0 ⚠⚠) |"
    assert table[10] == "| view_settle | skipped: no Chromium | skipped: no Chromium | skipped: no Chromium |"
    assert table[11] == "| peak memory | 100 MB | 200 MB (^0.3) | 400 MB (^0.3) |"


def test_a_step_without_its_reference_is_judged_by_n_log_n_alone() -> None:
    points = [point(1_000_000, 1.0, 400.0), point(5_000_000, 10.0, 1_000.0)]  # ^1.43 everywhere
    points[1]["seconds"]["raw_join"] = None  # the reference failed at 5M: no slope to compare with
    points[0]["seconds"]["view_settle"] = 1.0
    points[1]["seconds"]["view_settle"] = 10.0  # the browser has no engine reference
    found = growth(points)[0]
    assert found["exponent"]["build"] == 1.43 and found["exponent"]["raw_join"] is None
    assert "build" in found["faster_than_nlogn"] and "build" not in found["faster_than_engine"]
    assert found["faster_than_engine"] == ["trace", "trace_median", "all_claims", "coalitions", "view",
                                           "view_settle"]  # raw_load, the reference, is not judged


def test_the_build_is_held_to_the_faster_growing_of_the_loader_and_the_join() -> None:
    """A load then joining checks: the build may grow as fast as either of the engine's own."""
    points = [point(1_000_000, 1.0, 400.0), point(5_000_000, 1.0, 1_000.0)]
    seconds = points[1]["seconds"]
    seconds["raw_load"] = 5.0  # ^1.0
    seconds["raw_join"] = 5.0 ** 1.3  # ^1.3: past the caches, the engine's joins grow faster
    seconds["build"] = 5.0 ** 1.2  # faster than n log n (1.07) and the loader, not the join
    seconds["all_claims"] = 5.0 ** 1.4  # faster than the join it rests on
    found = growth(points)[0]
    assert found["exponent"]["raw_join"] == 1.3 and found["exponent"]["build"] == 1.2
    assert found["faster_than_nlogn"] == ["build", "raw_join", "all_claims"]  # in CURVE_STEPS order
    assert found["faster_than_engine"] == ["all_claims"]
    seconds["raw_join"] = 5.0 ** 1.1  # now the build grew faster than both of its references
    assert growth(points)[0]["faster_than_engine"] == ["build", "all_claims"]


def test_a_repeated_step_counts_its_best_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """``repeat``: the step runs that many times and its fastest run is its time."""
    import time

    from kg.bench import run

    took = iter([0.30, 0.10, 0.20])
    calls: list[str] = []

    def step(name: str, store: object, page_path: object = None) -> tuple[str, float]:
        calls.append(name)  # a clock started as long ago as this run "took"
        return f"run {len(calls)}", time.perf_counter() - next(took)

    monkeypatch.setattr(run, "_step", step)
    name, status, seconds, detail = run.outcome("all_claims", None, repeat=3)
    assert (name, status, detail, calls) == ("all_claims", "ok", "run 3 (best of 3)", ["all_claims"] * 3)
    assert seconds is not None and 0.10 <= seconds < 0.15  # the best of 0.30, 0.10, 0.20
    took = iter([0.30])
    _, _, seconds, detail = run.outcome("trace", None)  # one run by default
    assert seconds is not None and seconds >= 0.30 and detail == "run 4"
    took = iter([0.5, 0.4, 0.1, 0.3, 0.2, 0.6])  # the engine's join: never fewer than five runs
    name, status, seconds, detail = run.outcome("raw_join", None, repeat=2)
    assert (detail, len(calls), next(took)) == ("run 9 (best of 5)", 9, 0.6)
    assert seconds is not None and 0.10 <= seconds < 0.15


class _Store:
    """A stand-in for an opened store: remembers that it was closed."""

    def __init__(self, spec: str) -> None:
        self.spec, self.closed = spec, False

    def close(self) -> None:
        self.closed = True


def test_the_curve_runs_its_steps_three_times(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Three runs after each build, then three rounds across the sizes; the stores are opened
    where each size was built, and closed after."""
    import kg.stores
    from kg.bench import curve, run

    asked: list[tuple[int, Path]] = []
    opened: list[_Store] = []

    def fake_run(n: int, seed: int, backends: tuple[str, ...], **kw: object) -> dict:
        asked.append((int(kw["repeat"]), Path(str(kw["workdir"]))))  # type: ignore[call-overload]
        steps = {s: {"seconds": n / 1e6, "status": "ok"} for s in CURVE_STEPS}
        return {"triples_generated": n, "results": {"oxigraph": steps}, "peak_rss_mb": {"oxigraph": 100.0}}

    def fake_open(spec: str) -> _Store:
        opened.append(_Store(spec))
        return opened[-1]

    monkeypatch.setattr(run, "run", fake_run)
    monkeypatch.setattr(run, "outcome", lambda name, store: (name, "ok", 1.0, ""))  # never the best
    monkeypatch.setattr(kg.stores, "open_store", fake_open)
    found = curve.curve([100_000, 1_000_000], workdir=tmp_path)
    assert asked == [(3, tmp_path / "n100000"), (3, tmp_path / "n1000000")]
    assert [s.spec for s in opened] == [str(tmp_path / f"n{n}" / "store") for n in (100_000, 1_000_000)]
    assert all(s.closed for s in opened)
    assert found["repeat"] == found["rounds"] == curve.REPEAT == 3
    assert [p["seconds"]["all_claims"] for p in found["points"]] == [0.1, 1.0]
    assert markdown(found).endswith("; the steps after the build: best of 3 runs after each build "
                                    "and 3 rounds across all sizes)")
    curve.curve([100_000, 1_000_000], repeat=1)
    assert [r for r, _ in asked[-2:]] == [1, 1]
    assert markdown(curve.curve([100_000, 1_000_000], repeat=1)).endswith(
        "; the steps after the build: best of 1 run after each build and 1 round across all sizes)")


def test_rounds_go_through_every_size_in_turn_and_keep_the_best(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each round times every round step at every size in turn; a point keeps the best of what
    it had and what the rounds took; a failure in a round changes nothing, a step that had
    failed at a size is not run again there, and a size whose build failed is not opened."""
    import kg.stores
    from kg.bench import curve, run

    def point(n: int, seconds: float, build: str = "ok") -> dict:
        return {"triples": n, "seconds": {s: seconds for s in CURVE_STEPS},
                "status": {**{s: "ok" for s in CURVE_STEPS}, "build": build}}

    points = [point(1, 0.5), point(2, 2.0), point(3, 9.0, build="error: KgError")]
    points[1]["status"]["coalitions"], points[1]["seconds"]["coalitions"] = "timeout", None
    times = {(1, "all_claims"): [0.4, 0.6], (2, "all_claims"): [3.0, 1.5], (2, "trace"): [1.0, 0.1],
             (1, "view"): [0.3, 0.2]}
    calls: list[tuple[int, str]] = []

    def fake_outcome(name: str, store: _Store) -> tuple[str, str, float | None, str]:
        size = int(store.spec)
        calls.append((size, name))
        if (size, name) == (1, "raw_join"):
            return name, "error: KgError", None, "boom"
        left = times.get((size, name))
        return name, "ok", left.pop(0) if left else 5.0, "ran"

    monkeypatch.setattr(run, "outcome", fake_outcome)
    monkeypatch.setattr(kg.stores, "open_store", _Store)
    said: list[str] = []
    curve.rounds(points, ["1", "2", "3"], 2, said.append)
    one_round = [(n, s) for n in (1, 2) for s in curve.ROUND_STEPS if (n, s) != (2, "coalitions")]
    assert calls == one_round * 2  # not the step that had timed out at its size
    assert points[0]["seconds"]["all_claims"] == 0.4 and points[0]["seconds"]["view"] == 0.2
    assert points[1]["seconds"]["all_claims"] == 1.5 and points[1]["seconds"]["trace"] == 0.1
    assert points[0]["seconds"]["raw_join"] == 0.5  # failed in both rounds: as it was
    assert points[1]["seconds"]["coalitions"] is None  # it had timed out at that size
    assert points[2]["seconds"]["all_claims"] == 9.0  # not opened: its build failed
    assert points[0]["seconds"]["build"] == 0.5 and "build" not in curve.ROUND_STEPS
    assert said[0] == ("round 1/2 at 1: trace 5.000, trace_median 5.000, all_claims 0.400, "
                       "coalitions 5.000, view 0.300 s")
    assert len(said) == 4 and said[3].startswith("round 2/2 at 2: raw_join 5.000, trace 0.100, ")


def test_a_curve_for_real_at_two_tiny_sizes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """End to end at 1,000 and 2,000 triples: every step ran at both sizes, the rounds went
    through both, and the temporary folder with both stores is gone afterwards."""
    import tempfile

    from kg.bench import curve

    made = tmp_path / "curve-root"

    def mkdtemp(prefix: str) -> str:
        made.mkdir()
        return str(made)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    said: list[str] = []
    found = curve.curve([1_000, 2_000], seed=5, progress=said.append, repeat=1)
    assert not made.exists()
    assert [p["status"]["all_claims"] for p in found["points"]] == ["ok", "ok"]
    assert all(p["seconds"][s] > 0 for p in found["points"] for s in curve.ROUND_STEPS)
    rounds = [line for line in said if line.startswith("round ")]
    assert [line.split(":")[0] for line in rounds] == [
        f"round 1/1 at {p['triples']:,}" for p in found["points"]]
    assert len(found["growth"]) == 1 and found["rounds"] == 1
