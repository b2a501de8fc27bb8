"""kg check and the number checks recorded in the graph."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.analysis.numbers import Quantity, compare, satisfies
from kg.build import build

from .conftest import ID

QK = "http://qudt.org/vocab/quantitykind/"


def test_seed_debate_checks_out(kg) -> None:
    result = kg("check", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["shacl"] == {"mode": "full", "conforms": True, "violations": []}
    core = json.loads(kg("check", "--shacl", "core", "--format", "json").stdout)["shacl"]
    assert core == {"mode": "core", "conforms": True, "violations": []}
    assert report["quotes"] == {"checked": 109, "mismatches": []}
    numbers = report["numbers"]
    assert (numbers["consistent"], numbers["inconsistent"], numbers["not_comparable"]) == (5, 0, 1)
    by_claim = {c["claim"]: c for c in numbers["checks"]}
    expected = {
        "norfolk-taser-fired-under-one-in-ten":
            "31 / 372 = 0.08333; claim: less-than 1 / 10; 0.08333 < 0.1: consistent",
        "taser-carriers-use-force-almost-50pc-more":
            "48 percent; claim: almost 50 percent; 48 just under (45–50): consistent",
        "taser-carriers-twice-the-assaults":
            "6 / 3 = 2 times; claim: about 2 ratio; 2 within ±10% (1.8–2.2): consistent",
        "accompanying-officers-use-force-19pc-more":
            "19 percent; claim: exactly 19 percent; 19 = 19 (to the precision stated): consistent",
    }
    for claim, arithmetic in expected.items():
        assert by_claim[claim]["verdict"] == "consistent"
        assert by_claim[claim]["arithmetic"] == arithmetic
    assert by_claim["norfolk-half-frontline-trained"]["verdict"] == "not comparable"
    # 'the year to March 2018' has no stated first and last day, only the curator's inferred
    # months (2017-04, 2018-03): the rate is taken over those whole months, and says so
    daily = by_claim["norfolk-taser-deholstered-daily"]
    assert daily["verdict"] == "consistent"
    assert daily["arithmetic"] == ("372 in 365 days (2017-04-01 to 2018-03-31, inferred) = 1.0192 per day; "
                                   "claim: about 1 per day; 1.0192 within ±10% (0.9–1.1): consistent")


def test_verdicts_are_in_the_graph_for_sparql(kg) -> None:
    result = kg("query", """SELECT ?claim ?observed WHERE {
        ?check a dkg:NumberCheck ; dkg:verdict dkg:Consistent ; dkg:observedValue ?observed ;
               dkg:checksClaim/dct:identifier ?claim } ORDER BY ?claim""", "-f", "csv")
    rows = result.stdout.splitlines()[1:]
    assert rows == [
        "accompanying-officers-use-force-19pc-more,19",
        "norfolk-taser-deholstered-daily,1.019178",
        "norfolk-taser-fired-under-one-in-ten,0.083333",
        "taser-carriers-twice-the-assaults,2",
        "taser-carriers-use-force-almost-50pc-more,48",
    ]


def test_a_wrong_figure_comes_out_inconsistent(tmp_path: Path, data_copy: Path, kg) -> None:
    ann = data_copy / "004_d57e7b97e3561e93.yaml"
    text = ann.read_text(encoding="utf-8")
    right = "        value: 31\n        numerator: 31\n"
    assert right in text
    ann.write_text(text.replace(right, "        value: 51\n        numerator: 51\n"), encoding="utf-8")
    target = tmp_path / "store"
    build(data_copy.parent, str(target))
    result = kg("check", "--shacl", "none", store=target)
    assert result.exit_code == 1
    assert ("inconsistent norfolk-taser-fired-under-one-in-ten vs norfolk-ced-statistics "
            "(ced-discharge-share): 51 / 372 = 0.1371; claim: less-than 1 / 10; 0.1371 < 0.1: inconsistent"
            ) in result.stdout
    assert "FAILED" in result.stdout
    flagged = json.loads(kg("trace", "--all", "-f", "json", store=target).stdout)
    assert [r["id"] for r in flagged if r["number_mismatch"]] == ["norfolk-taser-fired-under-one-in-ten"]


def q(value=None, unit="percent", multiplier=0.01, kind=QK + "DimensionlessRatio", comparator="exactly",
      numerator=None, denominator=None, baseline=None, start=None, end=None) -> Quantity:
    return Quantity(URIRef(ID + "quantity/x"), "x", "m", value, numerator, denominator, baseline,
                    comparator, unit, multiplier, URIRef(kind), start, end)


@pytest.mark.parametrize(("comparator", "observed", "stated", "ok"), [
    ("exactly", 71.4, 71, True), ("exactly", 71.6, 71, False),
    ("exactly", 0.08, 0.1, True), ("exactly", 0.04, 0.1, False),
    ("about", 1.09, 1, True), ("about", 1.11, 1, False),
    ("almost", 45, 50, True), ("almost", 44.9, 50, False), ("almost", 50.5, 50, False),
    ("less-than", 0.1, 0.1, False), ("at-most", 0.1, 0.1, True),
    ("more-than", 51, 50, True), ("at-least", 49, 50, False),
])
def test_comparators(comparator: str, observed: float, stated: float, ok: bool) -> None:
    assert satisfies(comparator, observed, stated)[0] is ok


def test_percent_claim_against_a_share() -> None:
    claim = q(value=69, comparator="about")
    share = q(unit="count", multiplier=1.0, kind=QK + "Dimensionless", value=286, numerator=286,
              denominator=414)
    verdict = compare(claim, share)
    assert verdict.arithmetic.startswith("286 / 414 = 0.6908 = 69.0821 percent")
    assert verdict.verdict.endswith("Consistent")


def test_rate_needs_a_period_and_kinds_must_match() -> None:
    per_day = q(value=1, unit="per day", multiplier=1 / 86400, kind=QK + "Frequency", comparator="about")
    count = q(value=730, unit="count", multiplier=1.0, kind=QK + "Dimensionless",
              start=date(2017, 1, 1), end=date(2017, 12, 31))
    assert compare(per_day, count).verdict.endswith("Inconsistent")  # 730 / 365 = 2 a day
    undated = q(value=365, unit="count", multiplier=1.0, kind=QK + "Dimensionless")
    assert compare(per_day, undated).verdict.endswith("NotComparable")
