"""The core SHACL shapes of ``ontology/shapes.ttl`` as SPARQL queries, to check them inside a store.

pyshacl validates an rdflib graph with rdflib's engine, which takes minutes at a million
triples; the bulk path of ``kg build`` (N-Triples files, e.g. from ``kg synth``) and ``kg check
--shacl core`` therefore check the same shapes where the data already is. Each property
constraint of each node shape with a ``sh:targetClass`` becomes one query that finds violating
focus nodes: ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype`` (also inside
``sh:or``), ``sh:in`` and ``sh:pattern``. Shapes on other parts (qualified value shapes,
node-level ``sh:or``) are left to pyshacl, which still validates every annotation file.

The queries rely on the type closure the build derives first (``queries/derive/1-types.ru``),
so ``?x a dkg:Claim`` finds every kind of claim, as SHACL's class targets do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from kg.model.namespaces import compact
from kg.queries.catalogue import NamedQuery, parse

SAMPLE = 5  # violating focus nodes listed per constraint


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query returning violating ``?focus`` nodes.

    ``single_valued``: for an ``sh:maxCount`` of 1 or more (and no ``sh:minCount`` over 1), the
    property (N3) whose being single-valued everywhere proves the check passes without running
    it (:func:`several_values`)."""

    shape: str
    description: str
    query: NamedQuery
    single_valued: str | None = None


def _n3(term: Node) -> str:
    return term.n3()


def _count(term: Node | None) -> int | None:
    """An ``sh:minCount`` or ``sh:maxCount`` value (an integer literal) as an int."""
    return None if term is None else int(str(term))


def checks(shapes: Graph) -> list[Check]:
    """Every supported constraint in the shapes graph, as a :class:`Check` (each query returns
    at most a few violating focus nodes)."""
    found: list[Check] = []
    for shape, target in sorted(shapes.subject_objects(SH.targetClass)):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                continue
            found.extend(_property_checks(shapes, str(shape).rsplit("#", 1)[-1], target, path, prop))
    return [Check(c.shape, c.description, parse(f"{c.query.text} LIMIT {SAMPLE}", f"shape-{i}", "<shapes>",
                                                "checks"), c.single_valued)
            for i, c in enumerate(found)]


def several_values(found: list[Check]) -> NamedQuery | None:
    """One query telling, for each property a maximum-count check rests on, how many triples it
    has and how many subjects: where the two are equal no subject has two values, so none of
    that property's maximum-count checks can fail (at 1M triples, 34 properties: one 0.5 s query
    instead of 41 grouped ones taking 1.5 s in all). None when no check rests on one."""
    props = sorted({c.single_valued for c in found if c.single_valued is not None})
    if not props:
        return None
    return parse(f"SELECT ?property (COUNT(*) AS ?values) (COUNT(DISTINCT ?subject) AS ?subjects) "
                 f"WHERE {{ VALUES ?property {{ {' '.join(props)} }} ?subject ?property ?value }} "
                 f"GROUP BY ?property", "shape-several-values", "<shapes>", "checks")


def _property_checks(shapes: Graph, name: str, target: Node, path: URIRef, prop: Node) -> Iterator[Check]:
    head = f"?focus a {_n3(target)} ."
    label = f"{compact(str(path))}"
    value = shapes.value
    min_count, max_count = _count(value(prop, SH.minCount)), _count(value(prop, SH.maxCount))
    low = min_count if min_count is not None else 0
    p = _n3(path)
    # Shapes chosen for Oxigraph at 1M triples: anti-joins (MINUS) rather than FILTER NOT EXISTS
    # per row, and counts over the property's own triples, joined to the class afterwards.
    if low > 0:
        yield _check(name, f"{label}: no value",
                     f"SELECT ?focus WHERE {{ {head} MINUS {{ ?focus {p} ?v }} }}")
    tests = ([f"COUNT(*) < {low}"] if low > 1 else []) + \
        ([f"COUNT(*) > {max_count}"] if max_count is not None else [])
    if tests:
        said = ([f"fewer than {low}"] if low > 1 else []) + \
            ([f"more than {max_count}"] if max_count is not None else [])
        yield _check(name, f"{label}: {' or '.join(said)} value(s)",
                    f"SELECT ?focus WHERE {{ {{ SELECT ?focus WHERE {{ ?focus {p} ?v }} GROUP BY ?focus "
                    f"HAVING ({' || '.join(tests)}) }} {head} }}",
                    p if low <= 1 and max_count is not None and max_count >= 1 else None)
    # value checks run over the property's triples first; only offenders meet the class
    each = f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT ?focus WHERE {{ ?focus {p} ?v . "
    cls = value(prop, SH["class"])
    if isinstance(cls, URIRef):
        yield _check(name, f"{label}: value not a {compact(str(cls))}",
                    each + f"MINUS {{ ?v a {_n3(cls)} }} }} }} {head} }}")
    datatypes = _datatypes(shapes, prop)
    if datatypes:
        allowed = ", ".join(_n3(d) for d in datatypes)
        ok = f"(isLiteral(?v) && DATATYPE(?v) IN ({allowed}))"
        if XSD.nonNegativeInteger in datatypes:  # as pyshacl: an xsd:integer that is >= 0 will do
            ok = f"({ok} || (DATATYPE(?v) = {_n3(XSD.integer)} && ?v >= 0))"
        yield _check(name, f"{label}: value not of datatype {', '.join(compact(str(d)) for d in datatypes)}",
                    each + f"FILTER(!{ok}) }} }} {head} }}")
    members = value(prop, SH["in"])
    if members is not None:
        allowed = ", ".join(_n3(m) for m in Collection(shapes, members))
        yield _check(name, f"{label}: value not one of the allowed terms",
                    each + f"FILTER(?v NOT IN ({allowed})) }} }} {head} }}")
    pattern = value(prop, SH.pattern)
    if isinstance(pattern, Literal):
        yield _check(name, f"{label}: value does not match {pattern}",
                    each + f"FILTER(!REGEX(STR(?v), {_n3(Literal(str(pattern)))})) }} }} {head} }}")


def _datatypes(shapes: Graph, prop: Node) -> list[URIRef]:
    """``sh:datatype`` of a property shape, or the datatypes of an ``sh:or`` of datatypes."""
    single = shapes.value(prop, SH.datatype)
    if isinstance(single, URIRef):
        return [single]
    alternatives = shapes.value(prop, SH["or"])
    if alternatives is None:
        return []
    found = [shapes.value(alt, SH.datatype) for alt in Collection(shapes, alternatives)]
    return [d for d in found if isinstance(d, URIRef)] if all(isinstance(d, URIRef) for d in found) else []




def _check(shape: str, description: str, sparql: str, single_valued: str | None = None) -> Check:
    return Check(shape, description, parse(sparql, "shape", "<shapes>", "checks"), single_valued)
