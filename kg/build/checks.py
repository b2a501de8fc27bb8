"""``kg check``: does the graph hold up? SHACL, quote offsets, and the numbers.

Three checks, all on the store (the one source of truth):

* **SHACL**: the store's content against ``ontology/shapes.ttl`` (the build validated what it
  compiled; this re-validates what is actually in the store, e.g. after Turtle was loaded by
  another tool). ``full`` dumps the store into pyshacl (every constraint; minutes at a million
  triples); ``core`` runs the core constraints as SPARQL inside the store (``kg.build.shape_checks``,
  seconds at a million triples); ``auto`` picks ``full`` up to :data:`FULL_SHACL_TRIPLES`.
* **quotes**: ``queries/checks/quote-mismatches.rq`` — every quote's offsets must cut its exact words
  out of its source text.
* **numbers**: the number checks the build recorded (``queries/number-checks.rq``, computed by
  ``kg.analysis.numbers``): a quantitative claim against the evidence linked to it.

The report is JSON-able; ``ok`` is false when any SHACL violation, quote mismatch or
inconsistent number is found.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from kg.build import validate
from kg.queries import runner
from kg.stores.base import Store

FULL_SHACL_TRIPLES = 200_000
SHACL_MODES = ("auto", "full", "core", "none")


def shacl_violations(graph_store: Store, mode: str) -> tuple[str, list[str]]:
    """The SHACL mode actually used and its violations, one readable line each."""
    if mode == "auto":
        triples = int(runner.rows(graph_store, "triple-count")[0]["n"])
        mode = "full" if triples <= FULL_SHACL_TRIPLES else "core"
    if mode == "core":
        from kg.build.shape_checks import violations

        return mode, violations(graph_store)
    graph = Graph()
    graph.parse(data=graph_store.dump("nt"), format="nt")
    try:
        validate.shacl(graph)
    except validate.ValidationError as exc:
        return mode, exc.lines
    return mode, []


def run(graph_store: Store, shacl: str = "auto") -> dict[str, Any]:
    """Run the checks and return the report (``shacl``: one of :data:`SHACL_MODES`)."""
    report: dict[str, Any] = {}
    if shacl != "none":
        mode, lines = shacl_violations(graph_store, shacl)
        report["shacl"] = {"mode": mode, "conforms": not lines, "violations": lines}
    total = runner.rows(graph_store, "quote-count")[0]["n"]
    mismatches = runner.rows(graph_store, "quote-mismatches")
    report["quotes"] = {"checked": int(total), "mismatches": mismatches}
    checks = runner.rows(graph_store, "number-checks")
    report["numbers"] = {
        "checks": checks,
        "consistent": sum(c["verdict"] == "consistent" for c in checks),
        "inconsistent": sum(c["verdict"] == "inconsistent" for c in checks),
        "not_comparable": sum(c["verdict"] == "not comparable" for c in checks),
        "contradictions": sum(c["verdict"] == "contradiction" for c in checks),
    }
    report["ok"] = (
        report.get("shacl", {"conforms": True})["conforms"]
        and not mismatches
        and report["numbers"]["inconsistent"] == 0
    )
    return report
