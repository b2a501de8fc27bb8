"""``kg check``: does the graph hold up? SHACL, quote offsets, and the numbers.

Three checks, all on the store (the one source of truth):

* **SHACL**: the store's content against ``ontology/shapes.ttl`` (the build validated what it
  compiled; this re-validates what is actually in the store, e.g. after Turtle was loaded by
  another tool).
* **quotes**: ``queries/quote-mismatches.rq`` — every quote's offsets must cut its exact words
  out of its source text.
* **numbers**: the number checks the build recorded (``queries/number-checks.rq``, computed by
  ``kg.numbers``): a quantitative claim against the evidence linked to it.

The report is JSON-able; ``ok`` is false when any SHACL violation, quote mismatch or
inconsistent number is found.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from kg import queries, validate
from kg.store import Store
from kg.trace import plain


def run(graph_store: Store, shacl: bool = True) -> dict[str, Any]:
    """Run the checks and return the report."""
    report: dict[str, Any] = {}
    if shacl:
        graph = Graph()
        graph.parse(data=graph_store.dump("nt"), format="nt")
        try:
            validate.shacl(graph)
            report["shacl"] = {"conforms": True, "violations": []}
        except validate.ValidationError as exc:
            report["shacl"] = {"conforms": False, "violations": exc.lines}
    total = graph_store.query(
        "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a oa:SpecificResource }").values()[0]["n"]
    mismatches = [{k: plain(v) for k, v in row.items()}
                  for row in graph_store.query(queries.named("quote-mismatches").text).dicts()]
    report["quotes"] = {"checked": int(total), "mismatches": mismatches}
    checks = [{k: plain(v) for k, v in row.items()}
              for row in graph_store.query(queries.named("number-checks").text).dicts()]
    report["numbers"] = {
        "checks": checks,
        "consistent": sum(c["verdict"] == "consistent" for c in checks),
        "inconsistent": sum(c["verdict"] == "inconsistent" for c in checks),
        "not_comparable": sum(c["verdict"] == "not comparable" for c in checks),
    }
    report["ok"] = (
        report.get("shacl", {"conforms": True})["conforms"]
        and not mismatches
        and report["numbers"]["inconsistent"] == 0
    )
    return report
