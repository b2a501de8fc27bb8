"""The cycle collector held off while big answers become Python objects (kg.model.collector)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from kg.analysis import discourse
from kg.model import collector
from kg.queries import runner
from kg.stores.oxigraph import OxigraphStore


@pytest.fixture
def collecting() -> Iterator[None]:
    """The collector on before and after each test, whatever the test did."""
    gc.enable()
    yield
    gc.enable()


def test_off_inside_on_after_even_on_error(collecting: None) -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_stays_off_if_it_was_off(collecting: None) -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_on_again_only_when_the_last_thread_is_done(collecting: None) -> None:
    """Two readers side by side: the first to finish must not turn the collector on under the
    second."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector.paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


def test_reading_the_statement_table_leaves_the_collector_on(collecting: None, store: OxigraphStore) -> None:
    """The paths that hold it off (the engine's rows, Python values, statement rows) give it
    back, with the answers as before: the seed's 54 statements."""
    rows = discourse.statement_rows(store)
    assert gc.isenabled()
    assert len(rows) == 54
    assert runner.run(store, "analysis-statements").rows and gc.isenabled()
