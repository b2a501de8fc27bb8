"""The fast path from engine terms to Python values agrees with rdflib's, term for term."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.stores.base import Result, from_oxigraph, ox_python, python

XSD = "http://www.w3.org/2001/XMLSchema#"


def lit(text: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype)) if datatype else ox.Literal(text)


CASES = [
    (ox.NamedNode("https://example.org/a"), "https://example.org/a"),
    (ox.BlankNode("b1"), "b1"),
    (lit("plain"), "plain"),
    (lit("Taser", language="en"), "Taser"),
    (lit("42", "integer"), 42), (lit("+7", "integer"), 7), (lit("-3", "int"), -3),
    (lit("2004", "nonNegativeInteger"), 2004), (lit("1", "positiveInteger"), 1),
    (lit("4.50", "decimal"), Decimal("4.50")), (lit(".5", "decimal"), Decimal("0.5")),
    (lit("2018-04-01", "date"), date(2018, 4, 1)),
    (lit("0.25", "double"), 0.25), (lit("true", "boolean"), True), (lit("0", "boolean"), False),
    (lit("2016-03", "gYearMonth"), None),  # rdflib's own reading, whatever it is
    (lit("not a number", "integer"), "not a number"),  # rdflib keeps an ill-typed literal as text
    (lit("2018-02-30", "date"), None),  # an impossible date: rdflib's reading
]


@pytest.mark.parametrize(("term", "expected"), CASES, ids=lambda c: str(c)[:30])
def test_fast_values_match_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal, expected: object) -> None:
    slow = python(from_oxigraph(term))
    assert ox_python(term) == slow
    assert type(ox_python(term)) is type(slow)
    if expected is not None:
        assert slow == expected


def test_result_rows_convert_lazily_and_the_same_way() -> None:
    raw = [(ox.NamedNode("https://example.org/a"), lit("3", "integer")), (None, lit("x"))]
    result = Result("select", ["s", "n"], raw=raw)
    assert result.python_rows() == [("https://example.org/a", 3), (None, "x")]
    assert result.values() == [{"s": "https://example.org/a", "n": 3}, {"s": None, "n": "x"}]
    assert [tuple(map(python, row)) for row in result.rows] == result.python_rows()
