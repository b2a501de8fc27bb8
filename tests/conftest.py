"""Shared fixtures: the seed debate built once per test session into a temporary store."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult

from kg.build import build
from kg.cli import main
from kg.queries.catalogue import parse
from kg.queries.runner import run
from kg.stores import Result, Store, Term
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
# A frozen copy of the seed debate (data/taser-uk as annotated when these tests were written):
# adding an article to data/ never changes what the tests see. Refresh it on purpose, with the
# expectations, when the seed's annotations change: cp -r data/taser-uk tests/fixtures/seed/
SEED_DATA = ROOT / "tests" / "fixtures" / "seed"
SEED = SEED_DATA / "taser-uk"
ID = "https://w3id.org/debate-kg/id/taser-uk/"


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of an Oxigraph store built from data/taser-uk (read it, don't write it)."""
    target = tmp_path_factory.mktemp("seed") / "store"
    build(SEED_DATA, str(target))
    return target


@pytest.fixture(scope="session")
def store(seed_store: Path) -> OxigraphStore:
    """The seed store, opened read-only for queries."""
    return OxigraphStore(seed_store)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the seed debate folder that a test may edit."""
    target = tmp_path / "data" / "taser-uk"
    shutil.copytree(SEED, target)
    return target


@pytest.fixture
def kg(seed_store: Path):
    """Run the kg CLI in-process against the seed store; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, store: Path | str | None = None) -> CliResult:
        env = {"KG_STORE": str(store or seed_store)}
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def query_threads(monkeypatch: pytest.MonkeyPatch):
    """``record(owner, name)`` wraps ``owner.name`` (``runner.run`` or ``runner.rows``) for the
    test and returns a dict it fills with the thread each named query ran on."""

    def record(owner: object, name: str) -> dict[str, str]:
        where: dict[str, str] = {}
        original = getattr(owner, name)

        def recorded(graph_store, query, *args, **kw):  # type: ignore[no-untyped-def]
            where[str(query)] = threading.current_thread().name
            return original(graph_store, query, *args, **kw)

        monkeypatch.setattr(owner, name, recorded)
        return where

    return record


def sparql(graph_store: Store, text: str, bindings: dict[str, Term] | None = None) -> Result:
    """Run a test's own SPARQL through the project's one runner, parameters bound as it binds them."""
    return run(graph_store, parse(text, "test", "<test>"), **(bindings or {}))


CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium through playwright (never a downloaded browser)."""
    if os.environ.get("KG_SKIP_BROWSER"):
        pytest.skip("KG_SKIP_BROWSER is set")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()
