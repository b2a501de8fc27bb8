"""Python's cycle collector held off while a big answer becomes Python objects.

A query answer of a big debate becomes hundreds of thousands of tuples at once (the statement
table at 5M triples: 179,354 rows of 7 terms, then as many rows of Python values). Each 700 new
tuples start a collection of the youngest objects, and as they pile up, ever larger passes over
every object the process holds: about a fifth of the statement table's time at 5M (5.3 -> 3.9 s,
the same run with and without), less at 1M (1.4 -> 1.2 s), so it grows faster than the answer.
None of these objects can form a cycle (tuples of terms, strings, numbers and dates), so
nothing is lost by collecting once afterwards. ``paused`` is counted: threads reading side by
side (``kg.queries.runner.side_by_side``) turn the collector back on only when the last is done,
and only if it was on before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many readers hold the collector off, and whether it was on before the first did."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False

    def hold(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holders += 1

    def release(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.was_enabled:
                gc.enable()


_PAUSE = _Pause()


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (objects are still freed as their last reference
    goes); on again at its end unless another thread is still inside one, or it was off."""
    _PAUSE.hold()
    try:
        yield
    finally:
        _PAUSE.release()
