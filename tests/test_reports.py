"""One evidence item, several sources: reports, derived quantities and the checks across them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build import build
from kg.build import checks as checking
from kg.queries.runner import rows
from kg.stores.oxigraph import OxigraphStore

from .conftest import ID, ROOT, SEED, sparql

RELEASE = ROOT / "tests" / "fixtures" / "release"


@pytest.fixture(scope="module")
def with_release(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """The seed debate plus the pollster's own account of the poll (a test summary)."""
    data = tmp_path_factory.mktemp("release") / "data" / "taser-uk"
    shutil.copytree(SEED, data)
    for path in RELEASE.iterdir():
        shutil.copy(path, data / path.name)
    build(data.parent, str(data.parent.parent / "store"))
    return OxigraphStore(data.parent.parent / "store")


def test_the_release_is_a_primary_report_of_the_articles_poll(with_release: OxigraphStore) -> None:
    found = sparql(with_release, """SELECT ?report ?primary ?by ?source WHERE {
        ?report a dkg:EvidenceReport ; prov:wasDerivedFrom ?poll ; dkg:primaryReport ?primary ;
                dkg:reportedBy/dct:identifier ?by ; prov:wasQuotedFrom/dct:identifier ?source .
        ?poll dct:identifier "ipsos-mori-public-poll" }""").values()
    assert found == [{"report": ID + "report/ipsos-mori-public-poll-in-pfew-poll-release", "primary": True,
                      "by": "ipsos-mori", "source": "pfew-poll-release"}]


def test_a_derived_quantity_is_computed_with_its_arithmetic(with_release: OxigraphStore) -> None:
    found = sparql(with_release, """SELECT ?value ?op ?first ?second ?how WHERE {
        ?q dct:identifier "release-no-difference-or-more-likely" ; qudt:numericValue ?value ;
           dkg:derivedBy/dkg:annotationKey ?op ; dkg:firstOperand/dct:identifier ?first ;
           dkg:secondOperand/dct:identifier ?second ; dkg:derivation ?how }""").values()
    assert found == [{"value": 80, "op": "sum", "first": "release-no-difference",
                      "second": "release-more-likely", "how": "75 + 5 = 80"}]


def test_the_articles_80_percent_is_flagged_against_75_plus_5(with_release: OxigraphStore) -> None:
    checks = {(c["report"], c["stated"], c["quantity"]): c for c in rows(with_release, "number-checks")
              if c["report"]}
    poll = "ipsos-mori-public-poll"
    mislabelled = checks[(poll, "poll-no-difference-to-approach", "release-no-difference")]
    assert mislabelled["verdict"] == "inconsistent"
    assert mislabelled["arithmetic"].startswith("75 percent; claim: exactly 80 percent")
    assert "80 matches share for whom Taser makes no difference or makes them more likely" in \
        mislabelled["alsoMatches"]
    assert "(75 + 5 = 80)" in mislabelled["alsoMatches"]
    backing = checks[(poll, "poll-backing-taser", "release-backing-taser")]
    assert backing["verdict"] == "consistent" and backing["alsoMatches"] is None
    assert len(checks) == 2  # the article's two figures that the release also gives
    report = checking.run(with_release, shacl="none")
    assert report["numbers"]["inconsistent"] == 1 and report["ok"] is False


def test_a_mismatch_across_an_attack_link_is_a_contradiction(tmp_path: Path, data_copy: Path) -> None:
    """The trial's 48% cited *against* a claim of at most 10% is a disagreement, not a data fault."""
    ann = data_copy / "004_d57e7b97e3561e93.yaml"
    text = ann.read_text(encoding="utf-8")
    text = text.replace("\nstatements:\n", """
  - id: roll-out-raises-force-at-most-10pc
    kind: quantitative
    label: Taser raises use of force by at most 10%
    text: Carrying Taser raises officers' use of force by at most 10 per cent.
    quantity:
      measure: relative increase in use of force, Taser-carrying officers against unarmed officers
      variable: use-of-force-increase-taser-carriers
      value: 10
      unit: percent
      comparator: at-most

statements:
""", 1)
    text = text.replace("\nlinks:\n", """
links:
  - premise: cambridge-taser-trial
    conclusion: roll-out-raises-force-at-most-10pc
    polarity: attack
    by: eastern-daily-press
    quote: Use of force was 48pc higher among those City of London officers carrying Tasers
""", 1)
    ann.write_text(text, encoding="utf-8")
    build(data_copy.parent, str(tmp_path / "store"))
    with OxigraphStore(tmp_path / "store") as store:
        claim = "roll-out-raises-force-at-most-10pc"
        found = [c for c in rows(store, "number-checks") if c["claim"] == claim]
        report = checking.run(store, shacl="none")
    verdicts = [(c["verdict"], c["quantity"]) for c in found]
    assert verdicts == [("contradiction", "trial-use-of-force-increase")]
    assert found[0]["arithmetic"].endswith("contradiction (the evidence is cited against the claim)")
    assert report["numbers"]["contradictions"] == 1 and report["ok"] is True


def test_an_inferred_study_design_is_recorded_with_its_reason(store: OxigraphStore) -> None:
    """The seed itself now records the trial's design as an inference (the text does not name it)."""
    found = sparql(store, """SELECT ?value ?reason ?exact WHERE {
        ?e dct:identifier "cambridge-taser-trial" ; dkg:design dkg:ControlledTrial ; dkg:inference ?i .
        ?i dkg:inferredProperty dkg:design ; dkg:inferredValue ?value ; dkg:reason ?reason ;
           dkg:quote/oa:hasSelector/oa:exact ?exact }""").values()
    reason = ("Researchers allocated a Taser-carrying officer to shifts and compared those shifts with "
              "unarmed ones ('compared to just three on unarmed shifts'); the text does not call it a trial "
              "or say the allocation was random, so not a randomised controlled trial.")
    assert found == [{"value": "controlled-trial", "reason": reason,
                      "exact": "researchers allocated a Taser-carrying officer to 400 frontline shifts"}]
