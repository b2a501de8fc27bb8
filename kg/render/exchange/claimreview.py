"""Write schema.org ``ClaimReview`` JSON-LD for every claim the graph can rate.

A claim is rated when the build recorded a number check on it (consistent, inconsistent, or a
contradiction across an attack link; "not comparable" rates nothing) or, failing that, when
evidence items support or attack it directly (an evidence verdict). Each review carries what
Google's fact-check markup guidelines require (``claimReviewed``, ``reviewRating`` with
``alternateName``, ``url``) and recommend (``author``, ``datePublished``, ``itemReviewed``: a
``Claim`` with ``author``, ``datePublished``, ``appearance`` and ``firstAppearance``; the rating's
``ratingValue``, ``bestRating``, ``worstRating``), with the arithmetic or the evidence in
``ratingExplanation``.

Ratings, on a scale of 1 (worst) to 5 (best):

=====  =====================================================================================
5      every number check consistent ("Consistent: <the trial> gives 48")
4      supported by evidence, attacked by none
3      a contradiction across an attack link, or evidence on both sides ("Disputed: ...")
2      a number check inconsistent ("Overstated: the release gives 75"), or only attacked
=====  =====================================================================================

Who asserted the claim (``itemReviewed.author``) is the speaker of its first agreeing statement;
each agreeing statement's source and quote is an ``appearance`` (a claim no one states takes
them from the links that use it: who asserts the link, and its words). ``author`` of the review is the
graph's publisher, given by the user (``--publisher``, ``--publisher-url``); ``url`` is the
publisher's URL with ``#`` and the claim's id, or the claim's IRI. ``datePublished`` is the day
of the export. The ``@context`` is ``https://schema.org``, as the guidelines write it; nothing
here fetches it. Text is JSON-escaped so the output can go into a ``<script>`` as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kg.model.escape import json_text
from kg.render.exchange.debate import Debate, Row

CONTEXT = "https://schema.org"
BEST, WORST = 5, 1


def _number(value: object) -> str:
    """A checked value as a person writes it (2, 0.0833, 1.0192)."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}" if number == number.to_integral_value() else f"{round(number, 4).normalize():f}"


def _number_rating(debate: Debate, checks: list[Row]) -> tuple[int, str, str] | None:
    """(rating, words, explanation) from a claim's number checks, or None if none can rate it."""
    usable = [c for c in checks if c["verdict"] in ("consistent", "inconsistent", "contradiction")]
    if not usable:
        return None
    explanation = "; ".join(f"{c['evidence']}: {c['arithmetic']}" for c in usable)

    def said(check: Row) -> str:
        evidence = debate.claims.get(str(check.get("evidence")))
        label = evidence["label"] if evidence else "the evidence"
        return f"{label} gives {_number(check['observed'])}" if check.get("observed") is not None else label

    wrong = [c for c in usable if c["verdict"] == "inconsistent"]
    if wrong:
        first = wrong[0]
        word = "Inaccurate"
        if first.get("observed") is not None and first.get("stated") is not None:
            higher = Decimal(str(first["stated"])) > Decimal(str(first["observed"]))
            word = "Overstated" if higher else "Understated"
        return 2, f"{word}: {said(first)}", explanation
    disputed = [c for c in usable if c["verdict"] == "contradiction"]
    if disputed:
        return 3, f"Disputed: {said(disputed[0])}", explanation
    return 5, f"Consistent: {said(usable[0])}", explanation


def _evidence_rating(debate: Debate, claim: str) -> tuple[int, str, str] | None:
    """(rating, words, explanation) from the evidence linked to a claim, or None if there is none."""
    sides: dict[str, list[str]] = {"support": [], "attack": []}
    for link in debate.links:
        premise = debate.claims.get(link["premise"])
        if link["conclusion"] != claim or premise is None or premise["role"] != "evidence":
            continue
        if premise["label"] not in sides[link["polarity"]]:
            sides[link["polarity"]].append(str(premise["label"]))
    support, attack = sides["support"], sides["attack"]
    if not support and not attack:
        return None
    explanation = "; ".join(f"{word}: {', '.join(items)}" for word, items in
                            (("supported by", support), ("attacked by", attack)) if items)
    if support and attack:
        return 3, "Disputed: evidence on both sides", explanation
    if support:
        return 4, f"Supported by evidence: {', '.join(support)}", explanation
    return 2, f"Contradicted by evidence: {', '.join(attack)}", explanation


def _actor(debate: Debate, ident: str) -> dict[str, Any]:
    row = debate.actors[ident]
    return {"@type": "Person" if row.get("kind") == "person" else "Organization", "name": row["name"]}


def _appearance(debate: Debate, statement: Row) -> dict[str, Any]:
    source = debate.sources[statement["source"]]
    return {"@type": "CreativeWork", "url": source.get("url") or str(source["node"]),
            "headline": source["title"], "text": statement["exact"]}


def review(debate: Debate, claim: str, rating: tuple[int, str, str], publisher: str,
           publisher_url: str | None, today: str) -> dict[str, Any]:
    """The ClaimReview of one claim."""
    row = debate.claims[claim]
    value, words, explanation = rating
    said = [s for s in debate.statements if s["claim"] == claim]
    # who asserts it: its agreeing statements; else any statement on it; else the links that use it
    agreeing = ([s for s in said if s["stance"] == "agree"] or said
                or [{**link, "speaker": link["by"]} for link in debate.links if claim in (
                    link["premise"], link["conclusion"])])
    agreeing.sort(key=lambda s: (str(s.get("date") or "9999"), s["source"], int(s["start"])))
    item: dict[str, Any] = {"@type": "Claim", "name": row["label"]}
    if agreeing:
        first = agreeing[0]
        item["author"] = _actor(debate, first["speaker"])
        issued = debate.sources[first["source"]].get("issued")
        if issued:  # only a date the source states: an inferred earliest date is no publication date
            item["datePublished"] = str(issued)
        item["appearance"] = [_appearance(debate, s) for s in agreeing]
        item["firstAppearance"] = _appearance(debate, first)
    author: dict[str, Any] = {"@type": "Organization", "name": publisher}
    if publisher_url:
        author["url"] = publisher_url
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": f"{publisher_url}#{claim}" if publisher_url else f"{debate.iri}/claim/{claim}",
        "claimReviewed": row.get("text") or row["label"],
        "datePublished": today,
        "author": author,
        "itemReviewed": item,
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": BEST, "worstRating": WORST,
                         "alternateName": words, "ratingExplanation": explanation},
    }


def reviews(debate: Debate, publisher: str, publisher_url: str | None,
            today: str) -> list[dict[str, Any]]:
    """A review for every claim with a number check or an evidence verdict, by claim id."""
    ids = {str(row["node"]): claim for claim, row in debate.claims.items()}
    by_claim: dict[str, list[Row]] = {}
    for check in debate.checks:
        by_claim.setdefault(ids[str(check["node"])], []).append(check)
    found = []
    for claim, row in sorted(debate.claims.items()):
        if row["role"] != "claim":
            continue
        rating = _number_rating(debate, by_claim.get(claim, [])) or _evidence_rating(debate, claim)
        if rating is not None:
            found.append(review(debate, claim, rating, publisher, publisher_url, today))
    return found


def claimreview_bytes(debate: Debate, publisher: str = "debate-kg",
                      publisher_url: str | None = None) -> bytes:
    """The ClaimReview JSON-LD (a list of reviews) of ``debate``."""
    today = datetime.now(UTC).date().isoformat()
    return (json_text(reviews(debate, publisher, publisher_url, today)) + "\n").encode("utf-8")
