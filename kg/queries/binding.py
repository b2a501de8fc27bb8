"""Binding parameters to a query: one way, for every store kind.

A parameter is bound as a ``VALUES`` block of RDF terms placed at the start of the query's outer
``WHERE`` group, where an engine starts from it (a trailing ``VALUES`` is joined last by some
engines, which is very slow on big graphs), and also inside every sub-select that projects the
variable as itself and has no LIMIT or OFFSET, so the sub-select is restricted early too (as an
engine's own substitution would) without changing the answer. One term per variable binds a
parameter; several bind a set (a trace's frontier of claims).

Terms are serialised by rdflib (literals escaped) and IRIs are checked for characters that could
end one early, so this is binding, never pasting user text into SPARQL. The same text goes to the
embedded store, rdflib and any SPARQL 1.1 server, so every store kind gives the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.model.errors import KgError
from kg.queries.service import service_refusal
from kg.stores.base import Term

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_KEYWORD = re.compile(r"(?i)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b")
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


# What is not code in a query: a comment, a string (long or short, escapes skipped; one left
# open runs to the end) or an IRI. Tried at each place from left to right, as a reader would.
_NOT_CODE = re.compile(
    r"#[^\n]*"
    r'|"""(?:\\.|\\\Z|(?!""")[^\\])*(?:"""|\Z)'
    r"|'''(?:\\.|\\\Z|(?!''')[^\\])*(?:'''|\Z)"
    r'|"(?:\\.|\\\Z|[^"\\])*(?:"|\Z)'
    r"|'(?:\\.|\\\Z|[^'\\])*(?:'|\Z)"
    r"|" + _IRIREF.pattern,
    re.DOTALL,
)


@lru_cache(maxsize=512)
def _code(text: str) -> str:
    """``text`` with its comments, strings and IRIs blanked out (each character a space, so every
    place is where it was): what is left is SPARQL's own syntax, to search for keywords and
    braces. Cached, because named queries are bound again and again (a trace binds about
    thirty); one regular expression, as a first trace in a fresh process binds sixteen texts."""
    return _NOT_CODE.sub(lambda m: " " * len(m[0]), text)


def refuse_service(text: str) -> None:
    """Refuse a query that would make the engine fetch another endpoint (SPARQL ``SERVICE``);
    see :mod:`kg.queries.service`."""
    reason = service_refusal(text)
    if reason is not None:
        raise KgError(reason)


def where_brace(text: str) -> int:
    """The position of the ``{`` that opens the outer WHERE group of a query."""
    flat = _code(text)
    keyword = _KEYWORD.search(flat)
    if keyword is None:
        raise KgError("cannot bind parameters: no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    k = flat.find("{", keyword.end())
    if k < 0:
        raise KgError("cannot bind parameters: the query has no WHERE group")
    if keyword[1].upper() == "CONSTRUCT" and not flat[keyword.end():k].strip():
        depth = 0  # skip the template: CONSTRUCT { ... } WHERE { ... }
        for j in range(k, len(flat)):
            depth += {"{": 1, "}": -1}.get(flat[j], 0)
            if depth == 0:
                nxt = flat.find("{", j + 1)
                if nxt >= 0 and re.search(r"(?i)\bWHERE\b", flat[j + 1:nxt]):
                    k = nxt
                break
    return k


def term_text(name: str, term: Term) -> str:
    """One RDF term as SPARQL text, refusing what cannot be sent safely."""
    if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
        raise KgError(f"cannot bind ?{name} to {term!r}: only IRIs and literals can be sent")
    if isinstance(term, URIRef) and not _SAFE_IRI.match(str(term)):
        raise KgError(f"refusing to bind an IRI with unsafe characters: {str(term)!r}")
    try:
        return term.n3()
    except Exception as exc:  # rdflib refuses IRIs it cannot serialise safely
        raise KgError(f"cannot bind ?{name}: {exc}") from exc


def bind(text: str, values: Mapping[str, Sequence[Term]]) -> str:
    """``text`` with each variable of ``values`` restricted to its terms (see the module doc)."""
    if not values:
        return text
    terms: dict[str, list[str]] = {}
    for name, given in values.items():
        if not re.fullmatch(r"\w+", name):
            raise KgError(f"not a variable name: {name!r}")
        terms[f"?{name}"] = [term_text(name, t) for t in given]
    names = list(terms)
    inserts = [(where_brace(text) + 1, names), *_subselect_braces(text, names)]
    for at, chosen in sorted(inserts, reverse=True):
        text = text[:at] + _values_block(chosen, terms) + text[at:]
    return text


def _values_block(names: list[str], terms: dict[str, list[str]]) -> str:
    """One row binding every single-valued variable, then a block per variable bound to a set."""
    one = [n for n in names if len(terms[n]) == 1]
    block = f" VALUES ({' '.join(one)}) {{ ({' '.join(terms[n][0] for n in one)}) }}" if one else ""
    block += "".join(f" VALUES {n} {{ {' '.join(terms[n])} }}" for n in names if len(terms[n]) != 1)
    return block + " "


def _subselect_braces(text: str, names: list[str]) -> list[tuple[int, list[str]]]:
    """Where a VALUES block may also go inside sub-selects, with the bound variables each may take.

    Only where that cannot change the answer: the sub-select projects the variable as itself
    (not ``expr AS ?v``) or with ``*``, and has no LIMIT or OFFSET.
    """
    flat = _code(text)
    found = []
    outer = _KEYWORD.search(flat)
    for match in re.finditer(r"(?i)\bSELECT\b", flat):
        if outer is not None and match.start() == outer.start():
            continue  # the query itself
        brace = flat.find("{", match.end())
        if brace < 0:
            continue
        depth, end = 0, len(flat)
        for j in range(brace, len(flat)):
            depth += {"{": 1, "}": -1}.get(flat[j], 0)
            if depth == 0:
                end = j
                break
        closing = flat.find("}", end + 1)
        modifiers = flat[end + 1: closing if closing >= 0 else len(flat)]
        if re.search(r"(?i)\b(LIMIT|OFFSET)\b", modifiers):
            continue
        projection = flat[match.end():brace]
        star = projection.strip().upper().startswith(("*", "DISTINCT *", "REDUCED *"))
        chosen = [n for n in names
                  if (star and re.search(re.escape(n) + r"\b", flat[brace:end]))
                  or (re.search(re.escape(n) + r"\b", projection)
                      and not re.search(r"(?i)\bAS\s+" + re.escape(n) + r"\b", projection))]
        if chosen:
            found.append((brace + 1, chosen))
    return found


def literal(value: str, kind: str, where: str) -> Literal | URIRef:
    """A command-line value as the RDF term its declared type asks for (not ``id``: see runner)."""
    try:
        if kind == "iri":
            if not _ABSOLUTE_IRI.match(value):
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


def scoped_update(text: str, graph: str | None) -> str:
    """An update whose operations read and write ``graph`` (``WITH <graph>`` before each
    ``INSERT``/``DELETE ... WHERE``); ``text`` itself when ``graph`` is ``None`` (the default graph).

    A store on a SPARQL server holds the debate in a named graph, while the update files in
    ``queries/derive/`` speak of the default graph, as the embedded store has it. ``WITH`` is
    standard SPARQL 1.1 Update, which every server runs. ``INSERT DATA`` and ``DELETE WHERE``
    take no ``WITH``; an update using them cannot be scoped, and saying so is better than writing
    to the wrong graph.
    """
    if graph is None:
        return text
    iri = term_text("graph", URIRef(graph))
    flat = _code(text)
    inserts: list[int] = []
    depth = 0
    for j, ch in enumerate(flat):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth or ch not in "IiDd":
            continue
        match = re.compile(r"(?i)(INSERT|DELETE)\b\s*(DATA\b|WHERE\b)?").match(flat, j)
        if match is None or (j and re.match(r"\w", flat[j - 1])):
            continue
        before = flat[:j].rstrip()
        if before.endswith("}"):
            continue  # the INSERT of a DELETE { } INSERT { } pair: one WITH covers both
        if match[2]:
            raise KgError(f"cannot scope {match[1].upper()} {match[2].upper()} to the graph <{graph}>: "
                          "write it as INSERT { } WHERE { } / DELETE { } WHERE { }")
        inserts.append(j)
    for at in reversed(inserts):
        text = f"{text[:at]}WITH {iri} {text[at:]}"
    return text
