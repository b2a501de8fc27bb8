"""`kg export -f annotations` and `-f claimreview`: JSON-LD read back by rdflib's JSON-LD parser,
with the contexts served from local copies (tests/fixtures/exchange), never downloaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.render.exchange.claimreview import _number_rating, claimreview_bytes
from kg.render.exchange.debate import Debate, load
from kg.render.exchange.web_annotation import annotations_bytes
from kg.stores.oxigraph import OxigraphStore
from tests.conftest import ID, ROOT, SEED

FIXTURES = ROOT / "tests" / "fixtures" / "exchange"
CONTEXTS = {"http://www.w3.org/ns/anno.jsonld": FIXTURES / "anno.jsonld",
            "https://schema.org": FIXTURES / "schemaorg.jsonld"}
OA = Namespace("http://www.w3.org/ns/oa#")
SDO = Namespace("http://schema.org/")
TEXTS = {"edp-norfolk-taser-call": (SEED / "004_d57e7b97e3561e93.txt").read_text(encoding="utf-8"),
         "tv-federation-taser-call": (SEED / "000_c2d672fdb30a2dc9.txt").read_text(encoding="utf-8")}


@pytest.fixture
def offline_contexts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """rdflib's context loader answered from local files; any other URL fails the test."""
    import rdflib.plugins.shared.jsonld.context as ctx

    asked: list[str] = []

    def local(source: Any, *args: Any, **kwargs: Any) -> tuple[Any, None]:
        asked.append(str(source))
        if str(source) not in CONTEXTS:
            raise AssertionError(f"the parser tried to fetch {source}")
        return json.loads(CONTEXTS[str(source)].read_text(encoding="utf-8")), None

    monkeypatch.setattr(ctx, "source_to_json", local)
    yield asked


@pytest.fixture(scope="module")
def debate(store: OxigraphStore) -> Debate:
    return load(store)


def test_annotations_parse_as_json_ld_with_both_selectors(debate: Debate,
                                                          offline_contexts: list[str]) -> None:
    data = annotations_bytes(debate)
    graph = Graph().parse(data=data, format="json-ld")
    assert offline_contexts == ["http://www.w3.org/ns/anno.jsonld"]
    annotations = set(graph.subjects(RDF.type, OA.Annotation))
    assert len(annotations) == 121  # 54 statements, 32 links, 27 quantities, 8 evidence items
    sources = {URIRef(ID + "source/" + s): s for s in TEXTS}
    checked = 0
    for annotation in annotations:
        assert graph.value(annotation, OA.motivatedBy) == OA.describing
        target = graph.value(annotation, OA.hasTarget)
        text = TEXTS[sources[graph.value(target, OA.hasSource)]]
        selectors = {graph.value(s, RDF.type): s for s in graph.objects(target, OA.hasSelector)}
        position, quote = selectors[OA.TextPositionSelector], selectors[OA.TextQuoteSelector]
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        exact = str(graph.value(quote, OA.exact))
        assert text[start:end] == exact  # the quote is where the position selector says
        assert text[:start].endswith(str(graph.value(quote, OA.prefix)))
        checked += 1
    assert checked == 121
    statement = "edp-norfolk-taser-call-2265-taser-carriers-more-likely-use-force"
    bodies = set(graph.objects(URIRef(ID + "annotation/statement/" + statement), OA.hasBody))
    assert URIRef(ID + "statement/" + statement) in bodies
    values = {graph.value(b, RDF.value) for b in bodies} - {None}
    assert values == {Literal("Andy Symonds: Carrying Taser increases use of force (disagree)")}


def test_claimreviews_carry_the_fact_check_fields(debate: Debate, offline_contexts: list[str]) -> None:
    data = claimreview_bytes(debate, "Example <Checks> & Co", "https://example.org/checks")
    assert b"<" not in data and b"&" not in data  # escaped: safe inside a <script> as it is
    reviews = json.loads(data)
    assert len(reviews) == 14  # 5 claims with number checks, 9 with evidence linked directly
    for review in reviews:  # what Google's fact-check guidelines require, then recommend
        assert review["@type"] == "ClaimReview" and review["claimReviewed"] and review["url"]
        assert review["reviewRating"]["alternateName"]
        assert review["author"] == {"@type": "Organization", "name": "Example <Checks> & Co",
                                    "url": "https://example.org/checks"}
        assert (review["reviewRating"]["bestRating"], review["reviewRating"]["worstRating"]) == (5, 1)
        assert review["itemReviewed"]["@type"] == "Claim" and review["itemReviewed"]["appearance"]
    by_claim = {r["url"].split("#")[1]: r for r in reviews}
    fifty = by_claim["taser-carriers-use-force-almost-50pc-more"]
    assert fifty["reviewRating"]["ratingValue"] == 5
    assert fifty["reviewRating"]["alternateName"] == (
        "Consistent: University of Cambridge Taser study with City of London Police gives 48")
    assert "48 just under (45–50): consistent" in fifty["reviewRating"]["ratingExplanation"]
    assert fifty["itemReviewed"]["author"] == {"@type": "Organization",
                                               "name": "University of Cambridge researchers"}
    assert by_claim["public-backs-officers-carrying-taser"]["reviewRating"]["alternateName"] == (
        "Supported by evidence: Ipsos MORI public poll on Taser, released by the Police Federation")
    assert "norfolk-half-frontline-trained" not in by_claim  # 'not comparable' rates nothing

    graph = Graph().parse(data=data, format="json-ld")
    assert set(offline_contexts) == {"https://schema.org"}
    found = set(graph.subjects(RDF.type, SDO.ClaimReview))
    assert len(found) == 14
    review = graph.value(None, SDO.url, URIRef("https://example.org/checks#taser-carriers-twice-the-assaults"))
    assert review in found
    rating = graph.value(review, SDO.reviewRating)
    assert graph.value(rating, SDO.ratingValue) == Literal(5)
    assert str(graph.value(rating, SDO.alternateName)).endswith("gives 2")
    claim = graph.value(review, SDO.itemReviewed)
    assert (claim, RDF.type, SDO.Claim) in graph
    assert str(graph.value(graph.value(claim, SDO.author), SDO.name)) == "University of Cambridge researchers"


def test_an_inconsistent_number_check_says_overstated(debate: Debate) -> None:
    check = {"verdict": "inconsistent", "evidence": "ipsos-mori-public-poll", "observed": 75, "stated": 80,
             "arithmetic": "75 percent; claim: exactly 80 percent; 75 != 80: inconsistent"}
    rating = _number_rating(debate, [check])
    assert rating == (2, "Overstated: Ipsos MORI public poll on Taser, released by the Police Federation "
                         "gives 75", "ipsos-mori-public-poll: " + check["arithmetic"])
    assert _number_rating(debate, [{**check, "verdict": "not comparable"}]) is None


def test_export_cli_writes_annotations(kg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "quotes.jsonld"
    result = kg("export", "-f", "annotations", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld" and data["total"] == 121
