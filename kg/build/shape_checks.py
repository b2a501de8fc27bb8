"""The core SHACL shapes checked inside a store, as the build and ``kg check --shacl core`` do.

The queries come from :mod:`kg.queries.shapes`; this module runs them and reports violations
the way pyshacl's are reported (:class:`~kg.build.validate.ValidationError`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kg.build.validate import ValidationError, shapes
from kg.model.namespaces import compact
from kg.queries import runner
from kg.queries.shapes import Check, checks, several_values
from kg.stores.base import Store

MAX_LISTED = 20


def violations(graph_store: Store) -> list[str]:
    """One line per violation found (a few focus nodes per constraint), sorted. The checks are
    independent queries: as many go at once as the store says are worth it (``query_width``).
    A maximum-count check on a property no subject has two values of is passed without its
    query (:func:`~kg.queries.shapes.several_values`)."""

    def found(check: Check) -> list[str]:
        rows = runner.run(graph_store, check.query).rows
        return [f"{compact(str(row[0]))}: {check.shape} {check.description}" for row in rows]

    every = checks(shapes())
    single = _single_valued(graph_store, every)
    needed = [c for c in every if c.single_valued is None or c.single_valued not in single]
    with ThreadPoolExecutor(max(1, graph_store.query_width)) as pool:
        return sorted(line for lines in pool.map(found, needed) for line in lines)


def _single_valued(graph_store: Store, every: list[Check]) -> set[str]:
    """The properties (N3) of the maximum-count checks that no subject in the store has two
    values of (a property with no triples at all among them)."""
    query = several_values(every)
    if query is None:
        return set()
    several = {f"<{row['property']}>" for row in runner.run(graph_store, query).values()
               if runner.count(row["values"]) != runner.count(row["subjects"])}
    return {c.single_valued for c in every if c.single_valued is not None} - several


def check(graph_store: Store) -> None:
    """Refuse a store whose bulk-loaded data breaks the shapes (a ValidationError, as pyshacl's)."""
    found = violations(graph_store)
    if found:
        raise ValidationError(found[:MAX_LISTED] + ([f"... and {len(found) - MAX_LISTED} more"]
                                                    if len(found) > MAX_LISTED else []))

