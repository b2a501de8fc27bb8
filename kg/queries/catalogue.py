"""Named SPARQL queries: the ``queries/*.rq`` files, their documented parameters, and binding.

Every query a command runs lives in ``queries/`` with a header comment (what it answers, its
parameters, an example). Parameters are declared in the header as

    # Parameters:
    #   ?claim  id  the claim, by its id or full IRI

and bound as RDF terms by the store (``initBindings`` / substitutions), never pasted into text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.model.errors import KgError
from kg.model.paths import QUERIES

if TYPE_CHECKING:
    from kg.stores.base import Store

PARAM_TYPES = ("id", "iri", "string", "integer", "decimal", "date")
_PARAM_LINE = re.compile(r"^#\s+\?(\w+)\s+(" + "|".join(PARAM_TYPES) + r")\b\s*(.*)$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Param:
    """A parameter a query declares: its variable name, type and description."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query and what its header says about it."""

    name: str
    text: str
    source: str
    title: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)


def parse(text: str, name: str, source: str) -> NamedQuery:
    """Read the header comment of a query: its first line is the title, then parameters."""
    title = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if not title and line.strip("# ").strip():
            title = line.strip("# ").strip()
        match = _PARAM_LINE.match(line)
        if match:
            params.append(Param(match[1], match[2], match[3].strip()))
    return NamedQuery(name, text, source, title, tuple(params))


@lru_cache(maxsize=256)
def named(name: str, folder: Path = QUERIES) -> NamedQuery:
    """The query ``queries/<name>.rq``; an unknown name lists the ones there are."""
    if not _NAME.match(name):
        raise KgError(f"not a query name: {name!r}")
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.rq")))
        raise KgError(f"no query named {name!r} (known: {known})", folder)
    return parse(path.read_text(encoding="utf-8"), name, str(path))


def catalogue(folder: Path = QUERIES) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return [named(p.stem, folder) for p in sorted(folder.glob("*.rq"))]


def resolve(spec: str) -> NamedQuery:
    """A query given as a name from ``queries/``, a path to a ``.rq`` file, or inline text."""
    if _NAME.match(spec) and (QUERIES / f"{spec}.rq").is_file():
        return named(spec)
    path = Path(spec)
    if spec.endswith((".rq", ".sparql")):
        if not path.is_file():
            raise KgError("query file not found", path)
        return parse(path.read_text(encoding="utf-8"), path.stem, str(path))
    if re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", spec, re.IGNORECASE):
        return parse(spec, "inline", "<inline query>")
    return named(spec)


def literal(value: str, kind: str, where: str) -> Literal | URIRef:
    """Turn a command-line value into the RDF term its declared type asks for."""
    try:
        if kind == "iri":
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value):
                raise ValueError("not an absolute IRI")
            return URIRef(value)
        if kind == "integer":
            return Literal(int(value), datatype=XSD.integer)
        if kind == "decimal":
            return Literal(Decimal(value), datatype=XSD.decimal)
        if kind == "date":
            return Literal(date.fromisoformat(value), datatype=XSD.date)
    except (ValueError, InvalidOperation) as exc:
        raise KgError(f"{where}: {value!r} is not a valid {kind} ({exc})") from exc
    return Literal(value)


def resolve_id(graph_store: Store, ident: str, where: str) -> URIRef:
    """The one resource whose ``dct:identifier`` is ``ident`` (or ``ident`` if it is an IRI)."""
    if re.match(r"^(https?|urn):", ident):
        return URIRef(ident)
    rows = graph_store.query(named("resolve-id").text, {"id": Literal(ident)}).dicts()
    if not rows:
        raise KgError(f"{where}: unknown id {ident!r}")
    if len(rows) > 1:
        found = ", ".join(str(r["resource"]) for r in rows)
        raise KgError(f"{where}: id {ident!r} names several resources ({found}); give the full IRI")
    return URIRef(rows[0]["resource"])


def bind(query: NamedQuery, given: dict[str, str], graph_store: Store) -> dict[str, Identifier]:
    """Turn ``--param name=value`` pairs into RDF terms, checked against the query's header."""
    bindings: dict[str, Identifier] = {}
    for name, value in given.items():
        where = f"--param {name}"
        param = query.param(name)
        if param is None and query.params:
            declared = ", ".join(p.name for p in query.params)
            raise KgError(f"{where}: query {query.name!r} has no such parameter (it takes: {declared})")
        kind = param.type if param else ("iri" if re.match(r"^(https?|urn):", value) else "string")
        if kind == "id":
            bindings[name] = resolve_id(graph_store, value, where)
        else:
            bindings[name] = literal(value, kind, where)
    missing = [p.name for p in query.params if p.name not in given and "optional" not in p.description]
    if missing:
        raise KgError(f"query {query.name!r} needs --param {', '.join(m + '=...' for m in missing)}")
    return bindings


_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def with_values(text: str, var: str, terms: list[Identifier]) -> str:
    """``text`` with ``VALUES ?var { ... }`` opening its outermost WHERE block.

    For binding a *set* of resources (a trace's frontier), which substitutions cannot do. The
    terms are serialised as RDF terms (IRIs checked for characters that could end one early,
    literals escaped by rdflib), never as raw text, so this is binding, not pasting.
    """
    if not re.fullmatch(r"\w+", var):
        raise KgError(f"not a variable name: {var!r}")
    parts = []
    for term in terms:
        if isinstance(term, URIRef) and not _SAFE_IRI.match(str(term)):
            raise KgError(f"refusing to bind an IRI with unsafe characters: {str(term)!r}")
        parts.append(term.n3())
    match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if match is None:
        raise KgError("query has no WHERE block to bind values in")
    block = f" VALUES ?{var} {{ {' '.join(parts)} }} "
    return text[: match.end()] + block + text[match.end():]
