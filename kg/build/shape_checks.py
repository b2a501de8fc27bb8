"""The core SHACL shapes checked inside a store, as the build and ``kg check --shacl core`` do.

The queries come from :mod:`kg.queries.shapes`; this module runs them and reports violations
the way pyshacl's are reported (:class:`~kg.build.validate.ValidationError`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kg.build.validate import ValidationError, shapes
from kg.model.namespaces import compact
from kg.queries import runner
from kg.queries.shapes import Check, checks
from kg.stores.base import Store

MAX_LISTED = 20


def violations(graph_store: Store) -> list[str]:
    """One line per violation found (a few focus nodes per constraint), sorted. The checks are
    independent queries: as many go at once as the store says are worth it (``query_width``)."""

    def found(check: Check) -> list[str]:
        rows = runner.run(graph_store, check.query).rows
        return [f"{compact(str(row[0]))}: {check.shape} {check.description}" for row in rows]

    with ThreadPoolExecutor(max(1, graph_store.query_width)) as pool:
        return sorted(line for lines in pool.map(found, checks(shapes())) for line in lines)


def check(graph_store: Store) -> None:
    """Refuse a store whose bulk-loaded data breaks the shapes (a ValidationError, as pyshacl's)."""
    found = violations(graph_store)
    if found:
        raise ValidationError(found[:MAX_LISTED] + ([f"... and {len(found) - MAX_LISTED} more"]
                                                    if len(found) > MAX_LISTED else []))

