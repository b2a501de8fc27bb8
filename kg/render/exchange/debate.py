"""The debate as the exchange writers read it: read from the store once, as plain rows.

Offsets in the rows are the graph's: Unicode code points into the source's ``schema:text``,
end exclusive. A writer that needs other units (DNA counts UTF-16 code units) converts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from kg.model.errors import KgError
from kg.queries.runner import rows
from kg.stores.base import Store

Row = dict[str, Any]


@dataclass(frozen=True)
class Debate:
    """A debate as the exchange writers read it: one list of rows per kind, keyed by id where
    the writers look things up."""

    id: str
    title: str
    description: str
    iri: str
    sources: dict[str, Row]
    actors: dict[str, Row]
    claims: dict[str, Row]  # claims and evidence items; ``role`` says which
    statements: list[Row]
    links: list[Row]
    quotes: list[Row]
    checks: list[Row]  # the number checks recorded on claims (trace-number-checks); ?node a claim IRI

    def source_ids(self) -> list[str]:
        """Source ids in a stable order (by id)."""
        return sorted(self.sources)


def load(store: Store) -> Debate:
    """Read the debate from ``store``; refuses a store holding no debate or several."""
    debates = rows(store, "report-debate")
    if len(debates) != 1:
        found = ", ".join(str(d["id"]) for d in debates) or "none"
        raise KgError(f"the exchange formats write one debate; the store holds {len(debates)} ({found})")
    meta = debates[0]
    claims = {str(r["id"]): r for r in rows(store, "exchange-claims")}
    claim_nodes = [URIRef(str(r["node"])) for r in claims.values() if r["role"] == "claim"]
    return Debate(
        id=str(meta["id"]), title=str(meta["title"]), description=str(meta.get("description") or ""),
        iri=str(meta["debate"]),
        sources={str(r["id"]): r for r in rows(store, "exchange-sources")},
        actors={str(r["id"]): r for r in rows(store, "exchange-actors")},
        claims=claims,
        statements=rows(store, "exchange-statements"),
        links=rows(store, "exchange-links"),
        quotes=rows(store, "exchange-quotes"),
        checks=rows(store, "trace-number-checks", values={"node": claim_nodes}),
    )
