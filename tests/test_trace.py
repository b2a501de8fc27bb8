"""kg trace: the evidence tree of a claim, the all-claims table, offsets that verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from kg.analysis.trace import find_claims, trace, trace_all
from kg.build import build
from kg.cli import main
from kg.stores.oxigraph import OxigraphStore

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
    # the two calls differ in words: Thames Valley's is for officers who want to 'carry' one,
    # Norfolk's to have every officer 'armed'
    found = find_claims(store, "every frontline officer should carry Taser")
    assert [c["id"] for c in found] == ["taser-for-every-frontline-officer-who-wants-one"]
    found = find_claims(store, "every frontline officer should be armed with Taser")
    assert [c["id"] for c in found] == ["taser-for-every-frontline-officer"]
    assert [c["id"] for c in find_claims(store, "twice as many assaults")] == [
        "taser-carriers-twice-the-assaults"
    ]


def test_frontline_claim_tree(kg) -> None:
    result = kg("trace", "every frontline officer should carry Taser", "--format", "json")
    assert result.exit_code == 0, result.output
    root = json.loads(result.stdout)["claim"]
    assert root["id"] == "taser-for-every-frontline-officer-who-wants-one"
    assert root["kind"] == "Policy claim"
    agree = {(s["speaker"]["id"], s["for"]["id"]) for s in root["statements"] if s["stance"] == "agree"}
    assert agree == {("tvpf", "tvpf"), ("graham-smith", "tvpf")}
    assert not [s for s in root["statements"] if s["stance"] == "disagree"]
    others = [(s["speaker"]["id"], s["stance"]) for s in root["statements"] if s["stance"] != "agree"]
    assert others == [("thames-valley-police", "declined to say")]
    direct = {(lk["polarity"], lk["premise"]["id"], lk["asserted_by"]["id"]) for lk in root["links"]}
    assert direct == {
        ("support", "officers-face-more-violence", "graham-smith"),
        ("support", "public-backs-officers-carrying-taser", "pfew"),
        ("support", "taser-protects-public", "graham-smith"),
    }
    # the poll supports the call through what it shows: one level down
    poll = next(n for n in walk(root) if n["id"] == "ipsos-mori-public-poll")
    assert poll["kind"] == "Survey" and poll["sample_size"] == 2004
    assert poll["produced_by"] == "Ipsos MORI"
    assert poll["commissioned_by"] == "Police Federation of England and Wales"
    assert {q["id"]: q["value"] for q in poll["quantities"]}["poll-backing-taser"] == 71
    # the contested claim: Symonds's reasons attack "carrying Taser increases use of force",
    # and the Cambridge study is beneath it, through the figures that support it
    result = kg("trace", "taser-carriers-more-likely-use-force", "--format", "json")
    force = json.loads(result.stdout)["claim"]
    attacks = {(lk["premise"]["id"], lk["asserted_by"]["id"])
               for lk in force["links"] if lk["polarity"] == "attack"}
    assert attacks == {
        ("officers-must-justify-force", "andy-symonds"), ("taser-training-not-diluted", "andy-symonds")}
    trial = next(n for n in walk(force) if n["id"] == "cambridge-taser-trial")
    assert trial["design"] == "controlled trial" and trial["sample_size"] == 400
    # the text gives months, not days: the bounds are inferences, not stated
    assert trial["period"] == {"start": None, "end": None, "label": "Between June 2016 and June 2017"}


def test_each_claim_is_expanded_once(data_copy: Path, tmp_path: Path) -> None:
    """The seed's links have no cycle any more (a claim is never reached twice), so a copy adds
    an attack back from 'carrying Taser increases use of force' on Symonds's 'training is not
    diluted', which attacks it: a mutual attack."""
    ann = data_copy / "004_d57e7b97e3561e93.yaml"
    text = ann.read_text(encoding="utf-8")
    assert "\nlinks:\n" in text
    ann.write_text(text.replace("\nlinks:\n", """\nlinks:
  - premise: taser-carriers-more-likely-use-force
    conclusion: taser-training-not-diluted
    polarity: attack
    by: cambridge-researchers
    basis: implied
    quote: Use of force was 48pc higher among those City of London officers carrying Tasers
""", 1), encoding="utf-8")
    build(data_copy.parent, str(tmp_path / "store"))
    with OxigraphStore(tmp_path / "store") as store:
        root = trace(store, URIRef(ID + "claim/taser-carriers-more-likely-use-force"), depth=3)["claim"]
    expanded = [n["id"] for n in walk(root) if n["type"] == "claim" and not n.get("seen")]
    assert len(expanded) == len(set(expanded))
    seen = [n["id"] for n in walk(root) if n.get("seen")]
    assert seen == ["taser-carriers-more-likely-use-force"]  # the mutual attack is a cycle


def test_depth_limits_the_tree(store) -> None:
    assert trace(store, ROOT_CLAIM, depth=0)["claim"]["links"] == []
    shallow = trace(store, ROOT_CLAIM, depth=1)["claim"]
    premises = [lk["premise"] for lk in shallow["links"] if lk["premise"]["type"] == "claim"]
    assert premises and all(p.get("links") == [] or p.get("seen") for p in premises)


def test_every_offset_in_the_json_verifies_against_its_source(kg) -> None:
    texts = {p.name: p.read_bytes().decode("utf-8") for p in SEED.glob("*.txt")}
    found = []
    for call in ("taser-for-every-frontline-officer", "taser-for-every-frontline-officer-who-wants-one"):
        result = kg("trace", call, "--format", "json", "--depth", "5")
        found += quotes(json.loads(result.stdout))
    assert len(found) > 60 and {q["file"] for q in found} == set(texts)
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
    text = kg("trace", "taser-carriers-more-likely-use-force").stdout
    assert "attacked by Taser training is not diluted" in text
    assert "disagrees (2)" in text
    assert "Mr Symonds insisted a roll-out of Taser would not necessarily lead" in text
    md = kg("trace", "taser-carriers-more-likely-use-force", "--format", "markdown").stdout
    assert md.startswith("# Carrying Taser increases use of force\n")
    assert "- attacked by **Taser training is not diluted**" in md
    assert "- disagree: **Andy Symonds** (for Norfolk Police Federation" in md


def test_ambiguous_and_unknown_claims_are_errors(kg) -> None:
    ambiguous = kg("trace", "Taser")
    assert ambiguous.exit_code == 2
    assert "error: 29 claims match 'Taser': accompanying-officers-use-force-19pc-more" in ambiguous.stderr
    assert "(and 19 more). Give one id." in ambiguous.stderr
    unknown = kg("trace", "zebra crossings")
    assert unknown.exit_code == 2 and "no claim matches" in unknown.stderr


def test_all_claims_table_and_flags(store) -> None:
    rows = {r["id"]: r for r in trace_all(store)}
    assert len(rows) == 37
    frontline = rows["taser-for-every-frontline-officer"]
    assert (frontline["supporting_evidence"], frontline["contesting_evidence"]) == (0, 0)
    assert (frontline["attacking_claims"], frontline["sources"], frontline["actors_for"]) == (0, 1, 3)
    assert not frontline["contested"] and not frontline["unsupported"] and not frontline["single_source"]
    # nothing directly; the anecdote and the Federation survey through Symonds's claims
    assert (frontline["evidence_beneath"], frontline["producers"]) == (2, 2)
    contested = rows["taser-carriers-more-likely-use-force"]  # Cambridge for, Symonds against
    assert (contested["supporting_evidence"], contested["contesting_evidence"]) == (0, 0)
    assert (contested["supporting_claims"], contested["attacking_claims"]) == (2, 2)
    assert (contested["actors_for"], contested["actors_against"]) == (1, 1)
    assert contested["contested"] and contested["single_source"] and not contested["unsupported"]
    force = rows["taser-carriers-use-force-almost-50pc-more"]  # the Cambridge trial only
    assert force["single_source"] and (force["evidence_beneath"], force["producers"]) == (1, 1)
    # supported only through a chain: offenders-target... <- anecdote
    assert not rows["offenders-target-officers-without-taser"]["unsupported"]
    assert rows["taser-voluntary"]["unsupported"]
    assert not any(r["number_mismatch"] for r in rows.values())


def test_all_claims_table_read_beside_the_rest_is_the_same(store, monkeypatch: pytest.MonkeyPatch,
                                                           query_threads) -> None:
    """The table's seven queries are read on two threads of their own where the store allows
    it (an Oxigraph store), in turn where it does not: the same rows either way."""
    from kg.analysis import trace as tracing

    where = query_threads(tracing.runner, "rows")
    monkeypatch.setattr(tracing.runner, "READ_THREADS", 2)
    beside = trace_all(store)
    assert set(where) == set(tracing.ALL_CLAIMS_QUERIES)
    assert len(set(where.values())) <= 2 and "MainThread" not in where.values()
    monkeypatch.setattr(type(store), "concurrent", False)
    assert trace_all(store) == beside and set(where.values()) == {"MainThread"}
    assert len(beside) == 37 and [r["id"] for r in beside] == sorted(r["id"] for r in beside)


def test_all_claims_csv_json_and_sort(kg) -> None:
    csv_out = kg("trace", "--all", "--format", "csv", "--sort", "supporting_evidence").stdout.splitlines()
    assert csv_out[0].startswith("id,label,kind,supporting_evidence,contesting_evidence")
    assert len(csv_out) == 38
    # 1 evidence item is the most any claim has; ties go by id
    assert csv_out[1].startswith("accompanying-officers-use-force-19pc-more,")
    rows = json.loads(kg("trace", "--all", "--format", "json").stdout)
    assert {r["id"] for r in rows if r["number_mismatch"]} == set()
    assert kg("trace", "--all", "some-claim").exit_code == 2


def test_trace_all_fits_80_columns_most_contested_first(seed_store: Path) -> None:
    result = CliRunner().invoke(main, ["trace", "--all"], env={"COLUMNS": "80", "KG_STORE": str(seed_store)})
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    claims = 37
    assert max(len(line) for line in out) <= 80
    assert len(out) <= 2 * claims + 10
    assert out[0].split() == ["claim", "k", "for", "agst", "ev+/-", "cl+/-", "src", "flag"]
    rows = out[2:2 + claims]
    assert rows[0].startswith("Carrying Taser increases use of force")  # the most opposition
    assert all("…" not in row or row.split("…")[0][-1] != " " for row in rows)  # cut at a word
    assert "Norfolk Taser fired in fewer than one in ten…" in rows[9]


def _trace_cli(seed_store: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(main, ["trace", *args], env={"COLUMNS": "80", "KG_STORE": str(seed_store)})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_first_screen_answers_the_question(seed_store: Path) -> None:
    """At 80 columns, the first 15 lines say who is for and against, the evidence on each side,
    and the sources by title, publisher and date."""
    head = _trace_cli(seed_store, "taser-for-every-frontline-officer-who-wants-one")[:15]
    assert max(len(line) for line in head) <= 80
    assert head[0] == "Taser for every frontline officer who wants one — policy claim"
    assert head[2] == "For: 2 actors, 3 statements — Graham Smith, Thames Valley Police Federation"
    assert head[3] == "Against: nobody"
    assert head[4] == "Declined to say: 1 actor, 1 statement — Thames Valley Police"
    assert head[5].startswith("Evidence for: 2 (1 survey, 1 testimony); strongest: Ipsos MORI public poll")
    assert head[6] == "Evidence against: none"
    assert head[7] == "Claims: 3 supporting, 0 attacking"
    assert head[9] == "Sources (2):"
    assert head[10] == "[S1] Fresh calls to… — Eastern Daily Press, not before 2018-04-01 (inferred)"
    assert head[11].startswith("[S2] Tasers should")
    assert "publisher not stated, 2016-03-01 to 2016-12-31" in head[11]
    tree = _trace_cli(seed_store, "taser-for-every-frontline-officer")
    assert any("[S1] " in line and "–" in line for line in tree)  # quotes cite S1 and offsets


def test_the_summary_and_sources_are_in_the_json(store) -> None:
    claim = URIRef(ID + "claim/taser-carriers-more-likely-use-force")
    result = trace(store, claim, 3)
    summary = result["summary"]
    assert summary["stances"]["agree"] == {"statements": 2, "actor_count": 1,
                                           "actors": ["University of Cambridge researchers"]}
    assert summary["stances"]["disagree"]["actors"] == ["Andy Symonds"]
    assert summary["evidence_for"]["strongest"]["id"] == "cambridge-taser-trial"
    assert sorted(summary["claims_against"]) == ["Officers must justify their force",
                                                 "Taser training is not diluted"]
    assert [s["id"] for s in result["sources"]] == ["edp-norfolk-taser-call"]


def test_branch_limits_and_depth_cuts_are_marked(seed_store: Path) -> None:
    limited = "\n".join(_trace_cli(seed_store, "taser-for-every-frontline-officer", "--limit", "1"))
    assert "… and 2 more statements (--limit 0 for all)" in limited
    assert "more supporting or attacking links (--limit 0 for all)" in limited
    cut = "\n".join(_trace_cli(seed_store, "taser-carriers-more-likely-use-force", "--depth", "1"))
    assert "link(s) below, past the depth cut: --depth 2" in cut
    whole = "\n".join(_trace_cli(seed_store, "taser-carriers-more-likely-use-force"))
    assert "past the depth cut" not in whole


def test_markdown_has_the_summary_evidence_details_and_references(kg) -> None:
    md = kg("trace", "taser-carriers-more-likely-use-force", "-f", "markdown").output
    assert "## Summary\n\n- For: 1 actor, 2 statements — University of Cambridge researchers\n" in md
    assert "- Against: 1 actor, 2 statements — Andy Symonds\n" in md
    assert "by University of Cambridge researchers; controlled trial; at City of London Police" in md
    reference = ("- \\[S1\\] Fresh calls to arm every front line officer in Norfolk with Taser — "
                 "Eastern Daily Press, not before 2018-04-01 \\(inferred\\).")
    assert md.rstrip().endswith(reference)
    assert "— \\[S1\\] 2265–2363" in md  # quotes cite the reference and the offsets


def test_a_limited_trace_reads_few_and_counts_all(store) -> None:
    """With a limit the trace reads at most that many statements a stance and links a claim from
    the store, and each node says how many there are (so JSON states what was cut)."""
    claim = URIRef(ID + "claim/taser-for-every-frontline-officer")
    whole = trace(store, claim, 3)["claim"]
    cut = trace(store, claim, 3, limit=1)["claim"]
    assert len(whole["statements"]) == 3 and whole["statement_counts"] == {"agree": 3}
    assert len(cut["statements"]) == 1 and cut["statement_counts"] == {"agree": 3}
    assert len(whole["links"]) == 7 and "links_total" not in whole
    assert len(cut["links"]) == 1 and cut["links_total"] == 7
