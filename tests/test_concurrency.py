"""Builds that cannot collide: one writer at a time, readers never lose their build, kill -9 is safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build import build, counts
from kg.build import checks as checking
from kg.model.errors import KgError
from kg.stores.locks import FileLock
from kg.stores.oxigraph import OxigraphStore

from .conftest import ROOT, SEED_DATA

BUILDS = 8


def kg(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "KG_DEBUG"}
    return subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_concurrent_builds_and_reads(tmp_path: Path) -> None:
    """8 builds of one store at once, reads all the while: every read answers the same counts,
    every build succeeds in turn, and the final store passes kg check."""
    store = tmp_path / "store"
    expected = build(SEED_DATA, str(store)).counts
    builders = [kg("build", str(SEED_DATA), "--store", str(store), "-q") for _ in range(BUILDS)]
    reads, failures = 0, []
    while any(b.poll() is None for b in builders):
        try:
            with OxigraphStore(store) as reader:
                got = counts(reader)
            if got != expected:
                failures.append(f"counts {got}")
        except KgError as exc:
            failures.append(str(exc))
        reads += 1
    outcomes = [(b.returncode, b.stderr.read()) for b in builders]
    assert [code for code, _ in outcomes] == [0] * BUILDS, outcomes
    assert any("another build is running (pid" in err for _, err in outcomes)  # they queued
    assert failures == [] and reads > 10
    with OxigraphStore(store) as final:
        assert checking.run(final, shacl="core")["ok"] is True
    kept = [p for p in (tmp_path / "builds").iterdir() if p.is_dir()]
    assert len(kept) == 2  # the last build and the one before it


def test_no_wait_refuses_while_a_build_runs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    lock = FileLock(tmp_path / ".store.build.lock")
    assert lock.acquire()
    lock.write("4242")
    try:
        proc = kg("build", str(SEED_DATA), "--store", str(store), "--no-wait")
        _, err = proc.communicate(timeout=120)
    finally:
        lock.release()
    assert proc.returncode == 2
    assert err.strip().splitlines()[-1] == (f"error: {store}: another build is running (pid 4242); "
                                            "leave out --no-wait to wait for it")


def test_a_reader_pins_its_build_against_pruning(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(SEED_DATA, str(store))
    with OxigraphStore(store) as reader:
        first = store.resolve()
        build(SEED_DATA, str(store))
        build(SEED_DATA, str(store))  # 'first' is now two builds old, but still read
        assert first.is_dir()
        assert counts(reader)["claims"] > 0
    build(SEED_DATA, str(store))  # read no more: pruned now
    assert not first.exists()


def test_kill_9_during_a_build_leaves_the_previous_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    before = build(SEED_DATA, str(store)).counts
    proc = kg("build", str(SEED_DATA), "--store", str(store))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until it is writing its new build
        if len([p for p in (tmp_path / "builds").iterdir() if p.is_dir()]) > 1:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with OxigraphStore(store) as reader:
        assert counts(reader) == before
    assert build(SEED_DATA, str(store)).counts == before  # the lock died with it: builds go on


@pytest.mark.parametrize("kind", ["file", "file-parent"])
def test_a_store_path_that_is_not_a_store_folder_is_refused(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "hostname"
    blocker.write_text("not a store\n", encoding="utf-8")
    target = blocker if kind == "file" else blocker / "store"
    with pytest.raises(KgError, match=r"(expected a link made by 'kg build'|not a folder)"):
        build(SEED_DATA, str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostname"]  # nothing made beside it
