"""Check the numbers: a quantitative claim against the quantities of the evidence linked to it,
and each secondary account of an evidence item against the producer's own figures.

The build runs :func:`record` on every new store (a post-build step), so each verdict and the
arithmetic behind it are ``dkg:NumberCheck`` nodes that SPARQL can ask for; ``kg check`` and
``kg trace`` read them back.

How a pair is compared (units come from the ontology: QUDT conversion multipliers and quantity
kinds, so "48 percent" and "0.48" compare):

* the evidence's observed value is ``numerator / denominator`` when both are given (a share such
  as 31 of 372), else ``value / baseline`` when the claim is a ratio and the evidence has a
  baseline ("twice as many": 6 against 3), else ``value``;
* a claimed rate (e.g. per day) against an evidence count over a period is ``count / period``
  (372 uses in the 365 days to 31 March 2018 = 1.02 per day);
* otherwise both must have the same quantity kind; the observed value is converted to the
  claim's unit through the SI multipliers.

Two kinds of check:

* a claim against evidence linked to it (support or attack) that reports the same
  ``dkg:variable``, where the item is defined or in any report of it. Across an attack link the
  annotation says the two disagree, so a mismatch there is a *contradiction* (a disagreement in
  the debate), not an inconsistency (a fault in the data);
* a figure a secondary account gives (a newspaper's report of a poll) against the producer's
  own figure of the same variable (its primary report, its release). A mismatch is explained
  where it can be: when the figure equals another of the producer's figures, a derived one say,
  the check says which (the article's "80%" is the release's 75% + 5%).

Comparators, for a claimed value ``v`` and an observed value ``t`` (in the claim's unit):

* exactly: ``t`` rounds to ``v`` at the precision ``v`` is written in;
* about: ``|t - v| <= 10% of |v|``;
* almost: ``0.9 v <= t <= v`` (just under the stated figure);
* less-than ``t < v``; at-most ``t <= v``; more-than ``t > v``; at-least ``t >= v``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import SupportsFloat, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.model.namespaces import DKG
from kg.queries import runner
from kg.stores.base import Store, Term, python

ABOUT = 0.10  # relative tolerance of "about" and "almost"
DAY_SECONDS = 86_400.0
QK = "http://qudt.org/vocab/quantitykind/"
RATIO_KIND = URIRef(QK + "DimensionlessRatio")
RATE_KIND = URIRef(QK + "Frequency")
COUNT_KIND = URIRef(QK + "Dimensionless")


@dataclass(frozen=True)
class Quantity:
    """One quantity as the number check sees it (read from ``queries/quantity-details.rq``)."""

    iri: URIRef
    id: str
    measure: str
    value: float | None
    numerator: float | None
    denominator: float | None
    baseline: float | None
    comparator: str
    unit_label: str
    multiplier: float | None
    kind: URIRef | None
    start: date | None
    end: date | None
    derivation: str | None = None
    inferred_period: bool = False  # the period's bounds are the curator's month or year inference

    def stated(self) -> tuple[float, str]:
        """The claim's own figure and how it is written ("1 / 10", "50 percent")."""
        if self.value is None and self.numerator is not None and self.denominator:
            return self.numerator / self.denominator, f"{fmt(self.numerator)} / {fmt(self.denominator)}"
        assert self.value is not None
        return self.value, f"{fmt(self.value)} {self.unit_label}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison."""

    verdict: URIRef
    arithmetic: str
    observed: float | None = None
    stated: float | None = None


def fmt(x: float) -> str:
    """A number as people write it: no trailing zeros, at most four significant decimals."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "")
    return f"{x:.4g}" if abs(x) < 1 else f"{x:.4f}".rstrip("0").rstrip(".")


def _float(term: Term | None) -> float | None:
    """A numeric literal (the ontology types these as decimals, doubles or integers) as a float."""
    value = python(term)
    return None if value is None else float(cast(SupportsFloat, value))


def _date(term: Term | None) -> date | None:
    """A period's start or end (an xsd:date literal) as a date."""
    return cast(date, python(term)) if term else None


def _inferred(term: Term | None, end: bool) -> date | None:
    """An inferred period bound written as a month or a year ("2017-04", "2016"): its first day,
    or with ``end`` its last day; a full date as itself; anything else None."""
    text = str(python(term)) if term is not None else ""
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    if len(text) < 4 or not parts:
        return None
    try:
        if len(parts) == 3:
            return date(*parts)
        if len(parts) == 2:
            year, month = parts
            if not end:
                return date(year, month, 1)
            return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)  # the month's last day
        return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
    except ValueError:
        return None


def load_quantities(graph_store: Store) -> dict[URIRef, Quantity]:
    """Every quantity in the store, keyed by IRI."""
    out: dict[URIRef, Quantity] = {}
    for row in runner.run(graph_store, "quantity-details").dicts():
        iri = URIRef(str(row["quantity"]))
        out[iri] = Quantity(
            iri=iri,
            id=str(row["id"]),
            measure=str(row["measure"]),
            value=_float(row["value"]),
            numerator=_float(row["numerator"]),
            denominator=_float(row["denominator"]),
            baseline=_float(row["baseline"]),
            comparator=str(row["comparator"]),
            unit_label=str(row["unitLabel"]),
            multiplier=_float(row["multiplier"]),
            kind=URIRef(row["quantityKind"]) if row["quantityKind"] else None,
            start=_date(row["start"]) or _inferred(row["inferredStart"], end=False),
            end=_date(row["end"]) or _inferred(row["inferredEnd"], end=True),
            inferred_period=row["start"] is None and row["inferredStart"] is not None,
            derivation=str(row["derivation"]) if row["derivation"] is not None else None,
        )
    return out


def decimals(x: float) -> int:
    """How many decimals ``x`` is written with (71 -> 0, 0.1 -> 1)."""
    text = repr(float(x)).rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def satisfies(comparator: str, observed: float, stated: float) -> tuple[bool, str]:
    """Whether ``observed`` satisfies "``comparator`` ``stated``", and the test in words."""
    if comparator == "about":
        low, high = stated * (1 - ABOUT), stated * (1 + ABOUT)
        return min(low, high) <= observed <= max(low, high), f"within ±10% ({fmt(low)}–{fmt(high)})"
    if comparator == "almost":
        low = stated * (1 - ABOUT)
        return low <= observed <= stated, f"just under ({fmt(low)}–{fmt(stated)})"
    if comparator == "less-than":
        return observed < stated, f"< {fmt(stated)}"
    if comparator == "at-most":
        return observed <= stated, f"<= {fmt(stated)}"
    if comparator == "more-than":
        return observed > stated, f"> {fmt(stated)}"
    if comparator == "at-least":
        return observed >= stated, f">= {fmt(stated)}"
    half = 0.5 * 10 ** -decimals(stated)
    return abs(observed - stated) <= half + 1e-12, f"= {fmt(stated)} (to the precision stated)"


def compare(claim: Quantity, evidence: Quantity) -> Verdict:
    """Compare a claim's quantity with one evidence quantity; see the module docstring."""
    stated, stated_text = claim.stated()
    if claim.kind is None or claim.multiplier is None:
        return Verdict(DKG.NotComparable, f"the claim's unit ({claim.unit_label}) has no conversion")
    # 1. what the evidence observed, in the claim's unit
    if evidence.numerator is not None and evidence.denominator:
        raw = evidence.numerator / evidence.denominator
        how = f"{fmt(evidence.numerator)} / {fmt(evidence.denominator)} = {fmt(raw)}"
        if claim.kind != RATIO_KIND:
            return Verdict(DKG.NotComparable, f"{how} is a share; the claim is in {claim.unit_label}")
        observed = raw / claim.multiplier
        if claim.multiplier != 1:
            how += f" = {fmt(observed)} {claim.unit_label}"
    elif claim.kind == RATIO_KIND and claim.multiplier == 1 and evidence.baseline:
        observed = (evidence.value or 0) / evidence.baseline
        how = f"{fmt(evidence.value or 0)} / {fmt(evidence.baseline)} = {fmt(observed)} times"
    elif claim.kind == RATE_KIND and evidence.kind == COUNT_KIND and evidence.start and evidence.end:
        days = (evidence.end - evidence.start).days + 1
        per_second = (evidence.value or 0) / (days * DAY_SECONDS)
        observed = per_second / claim.multiplier
        period = f"{evidence.start} to {evidence.end}" + (", inferred" if evidence.inferred_period else "")
        how = f"{fmt(evidence.value or 0)} in {days} days ({period}) = {fmt(observed)} {claim.unit_label}"
    elif evidence.kind == claim.kind and evidence.value is not None and evidence.multiplier is not None:
        observed = evidence.value * evidence.multiplier / claim.multiplier
        how = f"{fmt(evidence.value)} {evidence.unit_label}"
        if evidence.multiplier != claim.multiplier:
            how += f" = {fmt(observed)} {claim.unit_label}"
    else:
        return Verdict(
            DKG.NotComparable,
            f"{evidence.id} ({evidence.unit_label}) cannot be converted to the claim's {claim.unit_label}",
        )
    ok, test = satisfies(claim.comparator, observed, stated)
    word = "consistent" if ok else "inconsistent"
    arithmetic = f"{how}; claim: {claim.comparator} {stated_text}; {fmt(observed)} {test}: {word}"
    return Verdict(DKG.Consistent if ok else DKG.Inconsistent, arithmetic, observed, stated)


def check_all(graph_store: Store, quantities: dict[URIRef, Quantity] | None = None
              ) -> list[tuple[dict, Verdict]]:
    """Every claim check of the store: (input row, verdict), in a stable order; ``quantities``:
    what :func:`load_quantities` gives, if already read."""
    if quantities is None:
        quantities = load_quantities(graph_store)
    results = []
    for row in runner.run(graph_store, "number-check-inputs").dicts():
        claim_q = quantities[URIRef(str(row["claimQuantity"]))]
        if row["evidenceQuantity"] is None:
            variable = row["variable"]
            reason = (f"no evidence linked to the claim reports '{variable}'" if variable
                      else "the claim's quantity names no variable to check against")
            results.append((row, Verdict(DKG.NotComparable, reason)))
            continue
        verdict = compare(claim_q, quantities[URIRef(str(row["evidenceQuantity"]))])
        if runner.boolean(row["attack"]) and verdict.verdict == DKG.Inconsistent:
            verdict = Verdict(DKG.Contradiction, verdict.arithmetic.removesuffix("inconsistent")
                              + "contradiction (the evidence is cited against the claim)",
                              verdict.observed, verdict.stated)
        results.append((row, verdict))
    return results


@dataclass(frozen=True)
class ReportCheck:
    """A secondary figure of an evidence item checked against the producer's figure."""

    evidence: URIRef
    report: URIRef
    stated: Quantity
    observed: Quantity
    verdict: Verdict
    also_matches: str | None


def check_reports(graph_store: Store, quantities: dict[URIRef, Quantity] | None = None
                  ) -> list[ReportCheck]:
    """Every figure a secondary account of an evidence item gives, against the producer's own
    figure of the same variable; a mismatch names what else of the producer's it matches.
    ``quantities``: what :func:`load_quantities` gives, if already read."""
    if quantities is None:
        quantities = load_quantities(graph_store)
    given: dict[URIRef, list[Quantity]] = {}
    for row in runner.run(graph_store, "report-quantities").dicts():
        given.setdefault(URIRef(str(row["report"])), []).append(quantities[URIRef(str(row["quantity"]))])
    found = []
    for row in runner.run(graph_store, "report-check-inputs").dicts():
        stated = quantities[URIRef(str(row["statedQuantity"]))]
        observed = quantities[URIRef(str(row["observedQuantity"]))]
        verdict = compare(stated, observed)
        also = None
        if verdict.verdict == DKG.Inconsistent:
            primary = given.get(URIRef(str(row["primaryReport"])), [])
            matches = [q for q in primary
                       if q is not observed and compare(stated, q).verdict == DKG.Consistent]
            also = "; ".join(f"{fmt(stated.stated()[0])} matches {q.measure}"
                             + (f" ({q.derivation})" if q.derivation else "") for q in matches) or None
        found.append(ReportCheck(URIRef(str(row["evidence"])), URIRef(str(row["report"])), stated, observed,
                                 verdict, also))
    return found


def record(graph_store: Store) -> None:
    """Post-build step: compute every number check and insert it as a dkg:NumberCheck node."""
    graph = Graph()
    quantities = load_quantities(graph_store)  # read once for both kinds of check (0.45 s at 1M)
    for row, verdict in check_all(graph_store, quantities):
        claim = URIRef(str(row["claim"]))
        key = f"{row['claimQuantity']}|{row['evidenceQuantity']}|{row['attack']}"
        node = URIRef(f"{claim}/check/{hashlib.sha1(key.encode()).hexdigest()[:12]}")
        graph.add((node, RDF.type, DKG.NumberCheck))
        graph.add((node, DKG.checksClaim, claim))
        graph.add((node, DKG.claimQuantity, URIRef(str(row["claimQuantity"]))))
        if row["evidenceQuantity"] is not None:
            graph.add((node, DKG.evidenceQuantity, URIRef(str(row["evidenceQuantity"]))))
            graph.add((node, DKG.checkedAgainst, URIRef(str(row["evidence"]))))
        _verdict(graph, node, verdict)
    for check in check_reports(graph_store, quantities):
        key = f"{check.stated.iri}|{check.observed.iri}"
        node = URIRef(f"{check.report}/check/{hashlib.sha1(key.encode()).hexdigest()[:12]}")
        graph.add((node, RDF.type, DKG.NumberCheck))
        graph.add((node, DKG.checksReport, check.report))
        graph.add((node, DKG.checksQuantity, check.stated.iri))
        graph.add((node, DKG.evidenceQuantity, check.observed.iri))
        graph.add((node, DKG.checkedAgainst, check.evidence))
        if check.also_matches:
            graph.add((node, DKG.alsoMatches, Literal(check.also_matches)))
        _verdict(graph, node, check.verdict)
    graph_store.insert(graph)


def _verdict(graph: Graph, node: URIRef, verdict: Verdict) -> None:
    """A check's verdict, arithmetic and the two values compared."""
    graph.add((node, DKG.verdict, verdict.verdict))
    graph.add((node, DKG.arithmetic, Literal(verdict.arithmetic)))
    for prop, value in ((DKG.observedValue, verdict.observed), (DKG.statedValue, verdict.stated)):
        if value is not None:
            graph.add((node, prop, Literal(Decimal(f"{value:.6f}").normalize(), datatype=XSD.decimal)))
