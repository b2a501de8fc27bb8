"""The foundation: building the seed debate, its counts, anchors, numbers and actors."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal

from kg.build import build, compile_graph
from kg.stores import of_graph
from kg.stores.oxigraph import OxigraphStore

from .conftest import ROOT, SEED, SEED_DATA, sparql

EXPECTED_COUNTS = {
    "debates": 1,
    "sources": 2,
    "actors": 22,
    "claims": 37,
    "statements": 54,
    "evidence": 8,
    "links": 32,
    "quotes": 109,
    "quantities": 33,
}


def test_counts_of_the_seed_debate(seed_store: Path) -> None:
    from kg.build import counts

    with OxigraphStore(seed_store) as s:
        got = counts(s)
    assert {k: got[k] for k in EXPECTED_COUNTS} == EXPECTED_COUNTS
    assert got["triples"] > 3500


def test_source_texts_are_the_seeds_unchanged() -> None:
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for seed in seeds.glob("*.txt"):  # the live debate and the tests' frozen copy alike
        assert (SEED / seed.name).read_bytes() == seed.read_bytes()
        assert (ROOT / "data" / "taser-uk" / seed.name).read_bytes() == seed.read_bytes()


def test_quote_offsets_are_code_points(store: OxigraphStore) -> None:
    """'The reality is we face more violence.' sits at 957-994 (curly quotes before it are
    one code point but three UTF-8 bytes, so byte offsets would be larger)."""
    rows = sparql(store,
        """SELECT ?exact ?start ?end ?prefix WHERE {
             ?q oa:hasSelector ?p, ?t . ?p oa:start ?start ; oa:end ?end .
             ?t oa:exact ?exact ; oa:prefix ?prefix }""",
        {"exact": Literal("The reality is we face more violence.")},
    ).values()
    assert [(r["start"], r["end"]) for r in rows] == [(957, 994)]
    assert rows[0]["prefix"].endswith("30 years ago.\n\n“")
    text = (SEED / "000_c2d672fdb30a2dc9.txt").read_text(encoding="utf-8")
    assert text[957:994] == "The reality is we face more violence."
    assert text.encode("utf-8").index(b"The reality is we face more violence.") > 957


CAPTION = ("A new study by the University of Cambridge suggests police officers carrying Tasers are both "
           "more likely to be assaulted and to use force against suspects.")


def test_repeated_caption_is_anchored_to_the_occurrence_asked_for(data_copy: Path) -> None:
    """The photo caption is printed twice (at 3956 and 4139). The seed no longer codes it (a caption
    that repeats the body is not coded again), so a copy codes its second printing."""
    ann = data_copy / "004_d57e7b97e3561e93.yaml"
    text = ann.read_text(encoding="utf-8")
    assert "\nstatements:\n" in text
    ann.write_text(text.replace("\nstatements:\n", f"""\nstatements:
  - speaker: cambridge-researchers
    claim: taser-carriers-more-likely-assaulted
    stance: agree
    mode: reported
    quote:
      exact: {CAPTION}
      occurrence: 2
""", 1), encoding="utf-8")
    graph = of_graph(compile_graph(data_copy.parent).graph)
    rows = sparql(graph,
        """SELECT ?start ?end WHERE {
             ?st dkg:claim ?c ; dkg:quote/oa:hasSelector ?p, ?t . ?p oa:start ?start ; oa:end ?end .
             ?t oa:exact ?exact . ?c dct:identifier "taser-carriers-more-likely-assaulted" }""",
        {"exact": Literal(CAPTION)},
    ).values()
    assert rows == [{"start": 4139, "end": 4294}]  # the caption occurs at 3956 and 4139


def test_every_quote_verifies_from_the_exported_ntriples_alone(kg, tmp_path: Path) -> None:
    result = kg("export", "--format", "nt")
    assert result.exit_code == 0
    fresh = ox.Store()
    fresh.load(result.stdout_bytes, format=ox.RdfFormat.N_TRIPLES)
    check = """
      PREFIX oa: <http://www.w3.org/ns/oa#>
      PREFIX schema: <https://schema.org/>
      SELECT (COUNT(*) AS ?n) (SUM(IF(SUBSTR(?text, ?start + 1, ?end - ?start) = ?exact, 1, 0)) AS ?ok)
      WHERE { ?q oa:hasSource ?src ; oa:hasSelector ?p, ?t .
              ?p oa:start ?start ; oa:end ?end . ?t oa:exact ?exact . ?src schema:text ?text }"""
    row = next(iter(fresh.query(check)))
    assert int(row["n"].value) == 109
    assert int(row["ok"].value) == 109


# quantity id -> (value, numerator, denominator, baseline) as stated in the articles
NUMBERS = {
    "poll-backing-taser": (71, None, 2004, None),
    "poll-sample-size": (2004, None, None, None),
    "poll-no-difference-to-approach": (80, None, None, None),
    "tv-firings-oxford": (24, None, None, None),
    "tv-firings-slough": (18, None, None, None),
    "tv-firings-milton-keynes": (17, None, None, None),
    "tv-uses-oxford": (146, None, None, None),
    "tv-uses-slough": (139, None, None, None),
    "tv-uses-milton-keynes": (134, None, None, None),
    "norfolk-fired-share-stated": (None, 1, 10, None),
    "norfolk-taser-deholstered-daily-quantity": (1, None, None, None),
    "norfolk-half-frontline-trained-quantity": (50, None, None, None),
    "survey-respondents": (414, None, None, None),
    "survey-serious-danger": (50, None, None, None),
    "survey-unsatisfied-armed-support": (69, None, None, None),
    "survey-back-taser-access": (84, None, None, None),
    "ced-discharge-share": (31, 31, 372, None),
    "ced-uses": (372, None, None, None),
    "ced-mental-health-incidents": (3, None, None, None),
    "trial-shifts": (400, None, None, None),
    "trial-use-of-force-increase": (48, None, None, None),
    "trial-use-of-force-increase-accompanying": (19, None, None, None),
    "trial-assaults": (6, None, None, 3),
    "trial-deholsterings": (9, None, None, None),
    "trial-shocks": (2, None, None, None),
    "pledge-target-year": (2020, None, None, None),
    "smith-years-of-service": (30, None, None, None),
}


def test_all_the_numbers_are_numeric_literals(store: OxigraphStore) -> None:
    rows = sparql(store,
        """SELECT ?id ?value ?num ?den ?base WHERE {
             ?q a dkg:Quantity ; dct:identifier ?id .
             OPTIONAL { ?q qudt:numericValue ?value FILTER(isNumeric(?value)) }
             OPTIONAL { ?q dkg:numerator ?num FILTER(isNumeric(?num)) }
             OPTIONAL { ?q dkg:denominator ?den FILTER(isNumeric(?den)) }
             OPTIONAL { ?q dkg:baseline ?base FILTER(isNumeric(?base)) } }"""
    ).values()
    got = {r["id"]: (r["value"], r["num"], r["den"], r["base"]) for r in rows}
    for ident, expected in NUMBERS.items():
        assert got[ident] == expected, ident


def test_survey_and_trial_details(store: OxigraphStore) -> None:
    rows = sparql(store,
        """SELECT ?id ?size ?by ?commissioner ?start ?end WHERE {
             ?e a dkg:Evidence ; dct:identifier ?id ; prov:wasAttributedTo/dct:identifier ?by .
             OPTIONAL { ?e dkg:sampleSize ?size }
             OPTIONAL { ?e dkg:commissionedBy/dct:identifier ?commissioner }
             OPTIONAL { ?e dkg:periodStart ?start } OPTIONAL { ?e dkg:periodEnd ?end } }"""
    ).values()
    by_id = {r["id"]: r for r in rows}
    assert by_id["ipsos-mori-public-poll"]["size"] == 2004
    assert by_id["ipsos-mori-public-poll"]["by"] == "ipsos-mori"
    assert by_id["ipsos-mori-public-poll"]["commissioner"] == "pfew"
    assert by_id["norfolk-federation-survey"]["size"] == 414
    # the texts give these periods by month, not by day: no stated bounds, inferred ones instead
    for ident in ("cambridge-taser-trial", "norfolk-ced-statistics"):
        assert (by_id[ident]["start"], by_id[ident]["end"]) == (None, None), ident
    bounds = sparql(store,
        """SELECT ?id ?prop ?value WHERE {
             ?e a dkg:Evidence ; dct:identifier ?id ; dkg:inference ?i .
             ?i dkg:inferredProperty ?prop ; dkg:inferredValue ?value
             FILTER(?prop IN (dkg:periodStart, dkg:periodEnd)) }"""
    ).values()
    assert {(r["id"], r["prop"].split("#")[-1], str(r["value"])) for r in bounds} == {
        ("cambridge-taser-trial", "periodStart", "2016-06"),
        ("cambridge-taser-trial", "periodEnd", "2017-06"),
        ("norfolk-ced-statistics", "periodStart", "2017-04"),
        ("norfolk-ced-statistics", "periodEnd", "2018-03"),
        ("thames-valley-taser-figures", "periodStart", "2012"),
        ("thames-valley-taser-figures", "periodEnd", "2016-03"),
    }
    design = sparql(store,
        'ASK { ?e dct:identifier "cambridge-taser-trial" ; dkg:design dkg:ControlledTrial ; '
        'dkg:studySite/dct:identifier "city-of-london-police" }'
    )
    assert design.boolean


ACTORS = {
    "Thames Valley Police Federation": "Staff association",
    "Graham Smith": "Person",
    "Police Federation of England and Wales": "Staff association",
    "Ipsos MORI": "Polling organisation",
    "Thames Valley Police": "Police force",
    "Hannah Jones": "Person",
    "Norfolk Police Federation": "Staff association",
    "Andy Symonds": "Person",
    "Norfolk Constabulary": "Police force",
    "Norfolk Constabulary spokesman (not named)": "Person",
    "Simon Bailey": "Chief officer",
    "University of Cambridge": "Research institution",
    "University of Cambridge researchers": "Research group",
    "City of London Police": "Police force",
    "National Police Chiefs' Council": "Coordinating body",
    "Eastern Daily Press": "Publisher",
    "Chris Harris": "Person",
}


def test_all_the_actors_are_there_with_their_kind(kg) -> None:
    result = kg("query", "actors", "-f", "json")
    rows = json.loads(result.stdout)["results"]["bindings"]
    kinds = {r["name"]["value"]: r["kind"]["value"] for r in rows}
    for name, kind in ACTORS.items():
        assert kinds.get(name) == kind, name


def test_posts_are_org_posts(store: OxigraphStore) -> None:
    rows = sparql(store,
        """SELECT ?person ?role ?org ?title WHERE {
             ?p a org:Post ; org:heldBy/dct:identifier ?person ; org:role ?role ;
                org:postIn/dct:identifier ?org ; dkg:titleAsWritten ?title }"""
    ).values()
    posts = {(r["person"], r["role"].split("#")[-1], r["org"], r["title"]) for r in rows}
    assert ("graham-smith", "Chair", "tvpf", "Chairman") in posts
    assert ("andy-symonds", "Chair", "norfolk-police-federation", "chair") in posts
    assert ("simon-bailey", "ChiefConstable", "norfolk-constabulary", "Chief Constable") in posts
    assert ("hannah-jones", "Spokesperson", "thames-valley-police", "Spokesman") in posts


def test_both_federations_share_one_claim_node(store: OxigraphStore) -> None:
    """Each federation makes its own call, but both chairs agree that Taser protects the public:
    the claim of debate.yaml is one node, spoken to from both articles."""
    rows = sparql(store,
        """SELECT DISTINCT ?speaker ?org ?source WHERE {
             ?st dkg:claim/dct:identifier "taser-protects-public" ;
                 dkg:speaker/dct:identifier ?speaker ; dkg:speaksFor/dct:identifier ?org ;
                 prov:wasQuotedFrom/dct:identifier ?source ; dkg:stance dkg:Agree }"""
    ).values()
    speakers = {(r["speaker"], r["org"], r["source"]) for r in rows}
    assert speakers == {
        ("graham-smith", "tvpf", "tv-federation-taser-call"),
        ("andy-symonds", "norfolk-police-federation", "edp-norfolk-taser-call"),
        ("norfolk-constabulary-spokesman", "norfolk-constabulary", "edp-norfolk-taser-call"),
    }


def test_unknown_date_and_publisher_are_recorded_with_the_inference(store: OxigraphStore) -> None:
    rows = sparql(store,
        """SELECT ?unstated ?value ?earliest ?reason WHERE {
             ?doc dct:identifier "tv-federation-taser-call" ; dkg:unstated ?unstated .
             OPTIONAL { ?doc dkg:inference ?i . ?i dkg:inferredValue ?value ;
                           dkg:earliestDate ?earliest ; dkg:reason ?reason } }"""
    ).values()
    assert {r["unstated"] for r in rows} == {
        "http://purl.org/dc/terms/issued", "http://purl.org/dc/terms/publisher"
    }
    assert {str(r["value"]) for r in rows} == {"2016"}
    assert "between 2012 and March this year" in rows[0]["reason"]


def test_support_and_attack_links_are_nodes_with_derived_edges(store: OxigraphStore) -> None:
    attack = sparql(store,
        """ASK { ?l a dkg:Attack, aif:CA-node ; dkg:premise ?p ; dkg:conclusion ?c ;
                 dkg:assertedBy/dct:identifier "andy-symonds" ; dkg:quote ?q .
                 ?p dct:identifier "taser-training-not-diluted" .
                 ?c dct:identifier "taser-carriers-more-likely-use-force" .
                 ?p dkg:contests ?c }"""
    )
    assert attack.boolean
    poll = sparql(store,
        """ASK { ?p dct:identifier "ipsos-mori-public-poll" ; dkg:supports ?c .
                 ?c dct:identifier "public-backs-officers-carrying-taser" }"""
    )
    assert poll.boolean


def test_rebuild_is_idempotent(tmp_path: Path) -> None:
    compiled = compile_graph(SEED_DATA)
    assert [src.id for src in compiled.debates[0].sources] == [
        "tv-federation-taser-call", "edp-norfolk-taser-call"  # each once, though posts may cite file stems
    ]
    first = compiled.graph
    second = compile_graph(SEED_DATA).graph
    assert set(first) == set(second)
    target = tmp_path / "store"
    build(SEED_DATA, str(target))
    with OxigraphStore(target) as s:
        once = s.dump("nt")
    build(SEED_DATA, str(target))
    with OxigraphStore(target) as s:
        twice = s.dump("nt")
    assert sorted(once.splitlines()) == sorted(twice.splitlines())


def test_memory_store_gives_the_same_counts(kg) -> None:
    result = kg("build", str(SEED_DATA), "--store", "memory", "-q")
    assert result.exit_code == 0, result.output
    assert "actors 22  claims 37  statements 54  evidence 8  links 32  quotes 109" in result.stdout


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("jsonld", "json-ld"), ("trig", "trig")])
def test_exports_parse_back_to_the_same_graph(kg, tmp_path: Path, fmt: str, parser: str) -> None:
    from rdflib import Dataset, Graph

    nt = Graph().parse(data=kg("export", "--format", "nt").stdout_bytes, format="nt")
    out = tmp_path / f"graph.{fmt}"
    result = kg("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and out.is_file()
    assert not list(tmp_path.glob(".*tmp*"))  # written to a temporary name, then renamed
    parsed = Dataset() if fmt == "trig" else Graph()
    parsed.parse(out, format=parser)
    triples = {t[:3] for t in parsed.quads()} if fmt == "trig" else set(parsed)
    assert len(triples) == len(nt) > 3500
