"""kg trace: the evidence tree of a claim, the all-claims table, offsets that verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from rdflib import URIRef

from kg.analysis.trace import find_claims, trace, trace_all
from kg.cli import main

from .conftest import ID, SEED

ROOT_CLAIM = URIRef(ID + "claim/taser-for-every-frontline-officer")


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every claim and evidence node of a trace tree."""
    yield node
    for link in node.get("links", []):
        yield from walk(link["premise"])


def quotes(node: Any) -> Iterator[dict[str, Any]]:
    """Every quote object anywhere in a trace (statements, links, evidence, quantities)."""
    if isinstance(node, dict):
        if {"exact", "start", "end"} <= node.keys():
            yield node
        for value in node.values():
            yield from quotes(value)
    elif isinstance(node, list):
        for value in node:
            yield from quotes(value)


def test_words_find_the_frontline_claim(store) -> None:
    found = find_claims(store, "every frontline officer should carry Taser")
    assert [c["id"] for c in found] == ["taser-for-every-frontline-officer"]
    assert [c["id"] for c in find_claims(store, "twice as many assaults")] == [
        "taser-carriers-twice-the-assaults"
    ]


def test_frontline_claim_tree(kg) -> None:
    result = kg("trace", "every frontline officer should carry Taser", "--format", "json")
    assert result.exit_code == 0, result.output
    root = json.loads(result.stdout)["claim"]
    assert root["id"] == "taser-for-every-frontline-officer"
    assert root["kind"] == "Policy claim"
    agree = {(s["speaker"]["id"], s["for"]["id"]) for s in root["statements"] if s["stance"] == "agree"}
    assert agree == {
        ("tvpf", "tvpf"), ("graham-smith", "tvpf"),
        ("norfolk-police-federation", "norfolk-police-federation"),
        ("andy-symonds", "norfolk-police-federation"),
    }
    assert not [s for s in root["statements"] if s["stance"] == "disagree"]
    direct = {(lk["polarity"], lk["premise"]["id"], lk["asserted_by"]["id"]) for lk in root["links"]}
    assert ("support", "ipsos-mori-public-poll", "pfew") in direct
    assert ("support", "norfolk-federation-survey", "norfolk-police-federation") in direct
    assert ("support", "bailey-taser-pledge", "eastern-daily-press") in direct
    assert ("attack", "taser-carriers-more-likely-use-force", "eastern-daily-press") in direct
    poll = next(lk["premise"] for lk in root["links"] if lk["premise"]["id"] == "ipsos-mori-public-poll")
    assert poll["kind"] == "Survey" and poll["sample_size"] == 2004
    assert poll["produced_by"] == "Ipsos MORI"
    assert poll["commissioned_by"] == "Police Federation of England and Wales"
    assert {q["id"]: q["value"] for q in poll["quantities"]}["poll-backing-taser"] == 71
    # deeper: the Cambridge trial contests "a roll-out would not increase use of force"
    rollout = next(n for n in walk(root) if n["id"] == "roll-out-no-increase-in-force" and not n.get("seen"))
    attacks = {lk["premise"]["id"] for lk in rollout["links"] if lk["polarity"] == "attack"}
    assert attacks == {"cambridge-taser-trial", "taser-carriers-more-likely-use-force"}
    trial = next(lk["premise"] for lk in rollout["links"] if lk["premise"]["id"] == "cambridge-taser-trial")
    assert trial["design"] == "controlled trial" and trial["sample_size"] == 400
    assert trial["period"] == {
        "start": "2016-06-01", "end": "2017-06-30", "label": "Between June 2016 and June 2017"
    }


def test_each_claim_is_expanded_once(store) -> None:
    root = trace(store, ROOT_CLAIM, depth=3)["claim"]
    expanded = [n["id"] for n in walk(root) if n["type"] == "claim" and not n.get("seen")]
    assert len(expanded) == len(set(expanded))
    seen = [n["id"] for n in walk(root) if n.get("seen")]
    assert "taser-carriers-more-likely-use-force" in seen  # the mutual attack is a cycle


def test_depth_limits_the_tree(store) -> None:
    assert trace(store, ROOT_CLAIM, depth=0)["claim"]["links"] == []
    shallow = trace(store, ROOT_CLAIM, depth=1)["claim"]
    premises = [lk["premise"] for lk in shallow["links"] if lk["premise"]["type"] == "claim"]
    assert premises and all(p.get("links") == [] or p.get("seen") for p in premises)


def test_every_offset_in_the_json_verifies_against_its_source(kg) -> None:
    result = kg("trace", "taser-for-every-frontline-officer", "--format", "json", "--depth", "5")
    tree = json.loads(result.stdout)
    texts = {p.name: p.read_bytes().decode("utf-8") for p in SEED.glob("*.txt")}
    found = list(quotes(tree))
    assert len(found) > 60
    for quote in found:
        assert texts[quote["file"]][quote["start"]:quote["end"]] == quote["exact"]


def test_quantitative_claim_shows_its_number_check(kg) -> None:
    result = kg("trace", "norfolk-taser-fired-under-one-in-ten", "--format", "json")
    root = json.loads(result.stdout)["claim"]
    assert root["quantity"]["comparator"] == "less than"
    assert (root["quantity"]["numerator"], root["quantity"]["denominator"]) == (1, 10)
    [check] = root["number_checks"]
    assert check["verdict"] == "consistent" and check["evidence"] == "norfolk-ced-statistics"
    assert check["arithmetic"].startswith("31 / 372 = 0.08333")
    text = kg("trace", "norfolk-taser-fired-under-one-in-ten").stdout
    assert "number check: consistent" in text and "31 / 372 = 0.08333" in text


def test_text_and_markdown_formats(kg) -> None:
    text = kg("trace", "roll-out-no-increase-in-force").stdout
    assert "attacked by University of Cambridge Taser trial with City of London Police" in text
    assert "Mr Symonds insisted a roll-out of Taser would not necessarily lead" in text
    md = kg("trace", "roll-out-no-increase-in-force", "--format", "markdown").stdout
    assert md.startswith("# Roll-out would not raise use of force\n")
    assert "- attacked by **University of Cambridge Taser trial with City of London Police**" in md


def test_ambiguous_and_unknown_claims_are_errors(kg) -> None:
    ambiguous = kg("trace", "Taser")
    assert ambiguous.exit_code == 2
    assert "error: 27 claims match 'Taser': norfolk-follows-npcc-guidance" in ambiguous.stderr
    assert "(and 17 more). Give one id." in ambiguous.stderr
    unknown = kg("trace", "zebra crossings")
    assert unknown.exit_code == 2 and "no claim matches" in unknown.stderr


def test_all_claims_table_and_flags(store) -> None:
    rows = {r["id"]: r for r in trace_all(store)}
    assert len(rows) == 33
    frontline = rows["taser-for-every-frontline-officer"]
    assert (frontline["supporting_evidence"], frontline["contesting_evidence"]) == (3, 0)
    assert (frontline["attacking_claims"], frontline["sources"], frontline["actors_for"]) == (1, 2, 4)
    assert frontline["contested"] and not frontline["unsupported"] and not frontline["single_source"]
    # poll, survey, pledge directly; testimony, anecdote and the survey again through claims
    assert (frontline["evidence_beneath"], frontline["producers"]) == (5, 5)
    rollout = rows["roll-out-no-increase-in-force"]
    assert rollout["contesting_evidence"] == 1 and rollout["supporting_evidence"] == 0
    assert rollout["unsupported"] and rollout["contested"] and not rollout["single_source"]
    force = rows["taser-carriers-use-force-almost-50pc-more"]  # the Cambridge trial only
    assert force["single_source"] and (force["evidence_beneath"], force["producers"]) == (1, 1)
    # supported only through a chain: offenders-target... <- anecdote
    assert not rows["offenders-target-officers-without-taser"]["unsupported"]
    assert rows["taser-voluntary"]["unsupported"]
    assert not any(r["number_mismatch"] for r in rows.values())


def test_all_claims_csv_json_and_sort(kg) -> None:
    csv_out = kg("trace", "--all", "--format", "csv", "--sort", "supporting_evidence").stdout.splitlines()
    assert csv_out[0].startswith("id,label,kind,supporting_evidence,contesting_evidence")
    assert len(csv_out) == 34
    assert csv_out[1].startswith("taser-for-every-frontline-officer,")  # 3 evidence items: the most
    rows = json.loads(kg("trace", "--all", "--format", "json").stdout)
    assert {r["id"] for r in rows if r["number_mismatch"]} == set()
    assert kg("trace", "--all", "some-claim").exit_code == 2


def test_trace_all_fits_80_columns_most_contested_first(seed_store: Path) -> None:
    result = CliRunner().invoke(main, ["trace", "--all"], env={"COLUMNS": "80", "KG_STORE": str(seed_store)})
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    claims = 33
    assert max(len(line) for line in out) <= 80
    assert len(out) <= 2 * claims + 10
    assert out[0].split() == ["claim", "k", "for", "agst", "ev+/-", "cl+/-", "src", "flag"]
    rows = out[2:2 + claims]
    assert rows[0].startswith("Roll-out would not raise use of force")  # the most opposition
    assert all("…" not in row or row.split("…")[0][-1] != " " for row in rows)  # cut at a word
    assert "Norfolk Taser fired in fewer than one in ten…" in rows[6]
