"""The one query runner: the only place Python hands SPARQL to a store.

``run(store, "evidence-for-claim", claim=iri)`` looks the query up by name (or takes a
:class:`~kg.queries.catalogue.NamedQuery`), binds parameters the one way there is
(:func:`kg.queries.binding.bind`), runs it and returns a :class:`~kg.stores.base.Result` of
rdflib terms. :func:`rows` gives the same answer as JSON-friendly Python values, the form every
analysis and rendering reads; :func:`update` runs an update file; :func:`resolve_id` and
:func:`bind_params` turn what a user typed (an id, ``--param name=value``) into RDF terms.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, SupportsInt, TypeVar, cast

from rdflib import Literal, URIRef

from kg.model.errors import KgError
from kg.queries.binding import bind, literal, refuse_service, scoped_update
from kg.queries.catalogue import NamedQuery, for_engine, named
from kg.stores.base import Result, Store, Term

Query = str | NamedQuery
Answer = TypeVar("Answer")
# Reads sent at once where the store takes queries on several threads (Store.concurrent), one
# core each: the arguments view of a 1M-triple debate reads 16 blocks of details, 0.8 s one
# after another on 2 cores and 0.5 s two at a time (the whole view: 1.2 s -> 0.8 s).
READ_THREADS = max(1, min(4, os.cpu_count() or 1))


def _query(query: Query) -> NamedQuery:
    return named(query) if isinstance(query, str) else query


def run(store: Store, query: Query, values: Mapping[str, Iterable[Term]] | None = None, *,
        limit: int | None = None, **params: Term) -> Result:
    """Run a named query with ``params`` (one term each) and ``values`` (a set of terms each);
    ``limit`` caps the rows (a LIMIT after the query's own solution modifiers)."""
    bound: dict[str, list[Term]] = {name: [term] for name, term in params.items()}
    for name, terms in (values or {}).items():
        bound[name] = list(terms)
    if any(not terms for terms in bound.values()):
        empty = next(n for n, t in bound.items() if not t)
        raise KgError(f"?{empty} is bound to no value at all: nothing to ask")
    text = for_engine(_query(query), store.engine_name).text
    _checked(text)
    bound_text = bind(text, bound)
    if limit is not None:
        bound_text += f"\nLIMIT {int(limit)}"
    return store.query(bound_text)


@lru_cache(maxsize=512)
def _checked(text: str) -> None:
    """What every query passes before it reaches a store (cached: named queries repeat)."""
    refuse_service(text)


def plain(value: object) -> Any:
    """A Python value of a query (:meth:`Result.python_rows`) as JSON-friendly data: dates as ISO
    strings, decimals as numbers (IRIs are already str)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def count(value: object) -> int:
    """A count a query returned (``COUNT`` gives an xsd:integer) as an int; unbound counts as 0
    (an OPTIONAL count that found nothing)."""
    return 0 if value is None else int(cast(SupportsInt, value))


def boolean(value: object) -> bool | None:
    """An RDF boolean compared by value: ``True``, ``"true"``, ``1`` or ``"1"`` (as some SPARQL
    servers answer) are true, their counterparts false; unbound stays ``None``."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise KgError(f"expected an RDF boolean from the store, not {value!r}")


def plain_rows(result: Result) -> list[dict[str, Any]]:
    """A SELECT result as rows of JSON-friendly values (see :func:`plain`)."""
    return [{k: plain(v) for k, v in zip(result.vars, row, strict=True)}
            for row in result.python_rows()]


def rows(store: Store, query: Query, values: Mapping[str, Iterable[Term]] | None = None, *,
         limit: int | None = None, **params: Term) -> list[dict[str, Any]]:
    """:func:`run`, with the rows as JSON-friendly values; a set bound to nothing gives no rows."""
    sets = {name: list(terms) for name, terms in (values or {}).items()}
    if any(not terms for terms in sets.values()):
        return []
    return plain_rows(run(store, query, sets, limit=limit, **params))


def update(store: Store, query: Query) -> None:
    """Run a SPARQL update file (the build's derive steps) on a store being built, in the
    engine's variant of it, on the store's graph (its named graph on a SPARQL server)."""
    store.update(scoped_update(for_engine(_query(query), store.engine_name).text, store.named_graph))


def resolve_id(store: Store, ident: str, where: str) -> URIRef:
    """The one resource whose ``dct:identifier`` is ``ident`` (or ``ident`` if it is an IRI)."""
    if re.match(r"^(https?|urn):", ident):
        return URIRef(ident)
    found = run(store, "resolve-id", id=Literal(ident)).dicts()
    if not found:
        raise KgError(f"{where}: unknown id {ident!r}")
    if len(found) > 1:
        listed = ", ".join(str(r["resource"]) for r in found)
        raise KgError(f"{where}: id {ident!r} names several resources ({listed}); give the full IRI")
    return URIRef(str(found[0]["resource"]))


def bind_params(query: NamedQuery, given: dict[str, str], store: Store) -> dict[str, Term]:
    """Turn ``--param name=value`` pairs into RDF terms, checked against the query's header."""
    bindings: dict[str, Term] = {}
    for name, value in given.items():
        where = f"--param {name}"
        param = query.param(name)
        if param is None and query.params:
            declared = ", ".join(p.name for p in query.params)
            raise KgError(f"{where}: query {query.name!r} has no such parameter (it takes: {declared})")
        kind = param.type if param else ("iri" if re.match(r"^(https?|urn):", value) else "string")
        if kind == "id":
            bindings[name] = resolve_id(store, value, where)
        else:
            bindings[name] = literal(value, kind, where)
    missing = [p.name for p in query.params if p.name not in given and "optional" not in p.description]
    if missing:
        raise KgError(f"query {query.name!r} needs --param {', '.join(m + '=...' for m in missing)}")
    return bindings


def side_by_side(store: Store, reads: Sequence[Callable[[], Answer]]) -> list[Answer]:
    """The answers of ``reads`` (calls that each query ``store``), in order: up to
    :data:`READ_THREADS` at a time where the store takes queries on several threads, one after
    another where it does not."""
    if len(reads) < 2 or not store.concurrent or READ_THREADS < 2:
        return [read() for read in reads]
    with ThreadPoolExecutor(min(READ_THREADS, len(reads))) as pool:
        return list(pool.map(lambda read: read(), reads))
