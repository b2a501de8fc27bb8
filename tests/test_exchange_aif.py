"""AIF out (`kg export -f aif`), checked with json and AIF's field rules, and in (`kg import aif`):
the seed's round trip, hand-made AIFdb and OVA maps, and bad maps."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.ingest.aif import import_aif
from kg.model.errors import KgError
from kg.queries.runner import rows
from kg.render.exchange.aif import aif_map
from kg.render.exchange.debate import load
from kg.stores.oxigraph import OxigraphStore
from tests.conftest import ROOT

MAPS = ROOT / "tests" / "fixtures" / "exchange" / "aif"


@pytest.fixture(scope="module")
def exported(store: OxigraphStore) -> dict:
    return aif_map(load(store))


@pytest.fixture(scope="module")
def round_trip(exported: dict, tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """The seed's AIF map imported and built."""
    root = tmp_path_factory.mktemp("aif-back")
    (root / "taser.json").write_text(json.dumps(exported), encoding="utf-8")
    report = import_aif(root / "taser.json", root / "data" / "taser")
    assert (report.statements, report.links, report.unanchored, report.skipped) == (54, 32, 0, {})
    build(root / "data" / "taser", str(root / "store"))
    return OxigraphStore(root / "store")


def test_aif_nodes_edges_and_locutions_follow_the_field_rules(exported: dict) -> None:
    data = json.loads(json.dumps(exported))  # what a JSON reader gets
    nodes = {n["nodeID"]: n for n in data["nodes"]}
    assert Counter(n["type"] for n in data["nodes"]) == {
        "I": 45, "L": 86, "YA": 86, "RA": 30, "CA": 2, "TA": 84}  # 54 statements + 32 links = 86 L
    assert len(data["edges"]) == 2 * 54 + 4 * 32 + 2 * 84 == 404
    out, into = Counter(), Counter()
    for edge in data["edges"]:
        assert edge["fromID"] in nodes and edge["toID"] in nodes
        out[edge["fromID"]] += 1
        into[edge["toID"]] += 1
    people = {p["participantID"] for p in data["participants"]}
    assert len(people) == 14
    speakers = {loc["nodeID"]: loc["personID"] for loc in data["locutions"]}
    assert set(speakers) == {i for i, n in nodes.items() if n["type"] == "L"}
    assert set(speakers.values()) <= people
    for ident, node in nodes.items():
        if node["type"] in ("YA", "TA"):
            assert (into[ident], out[ident]) == (1, 1)
        if node["type"] in ("RA", "CA"):  # a premise and an arguing locution in, a conclusion out
            assert (into[ident], out[ident]) == (2, 1)
    sources = {s["id"]: s for s in data["kg"]["sources"]}
    for node in nodes.values():
        if node["type"] == "L":  # the extension's offsets give back the locution's words
            kg = node["kg"]
            begin = sources[kg["source"]]["offset"]
            words = data["text"][begin + kg["start"]:begin + kg["end"]]
            assert node["text"].endswith(" : " + words)
    symonds = next(n for n in data["nodes"] if n["type"] == "L" and n["kg"]["start"] == 2265)
    assert symonds["text"].startswith("Andy Symonds : Mr Symonds insisted a roll-out of Taser would not")
    assert symonds["kg"] == {"statement": "edp-norfolk-taser-call-2265-taser-carriers-more-likely-use-force",
                             "for": "norfolk-police-federation", "mode": "reported",
                             "source": "edp-norfolk-taser-call", "start": 2265, "end": 2363}
    ya = next(e["toID"] for e in data["edges"]
              if e["fromID"] == symonds["nodeID"] and nodes[e["toID"]]["type"] == "YA")
    assert nodes[ya]["text"] == "Disagreeing"


def test_round_trip_keeps_claims_links_and_speakers(store: OxigraphStore, round_trip: OxigraphStore) -> None:
    def statements(s: OxigraphStore) -> set[tuple]:
        return {(r["speaker"], r["org"], r["claim"], r["stance"], r["source"], r["start"], r["end"])
                for r in rows(s, "exchange-statements")}

    def links(s: OxigraphStore) -> set[tuple]:
        return {(r["premise"], r["conclusion"], r["polarity"], r["by"], r["basis"], r["source"], r["start"],
                 r["end"]) for r in rows(s, "exchange-links")}

    assert len(statements(round_trip)) == 54 and statements(round_trip) == statements(store)
    assert len(links(round_trip)) == 32 and links(round_trip) == links(store)
    claims = {r["id"]: r for r in rows(round_trip, "exchange-claims")}
    seed = {r["id"]: r for r in rows(store, "exchange-claims")}
    assert set(claims) == set(seed) and len(claims) == 45  # 37 claims + 8 evidence items, as claims
    call = "taser-for-every-frontline-officer"
    assert claims[call]["text"] == seed[call]["text"]
    assert claims["cambridge-taser-trial"]["kind"] == "factual"
    speakers = {r["speaker"] for r in rows(round_trip, "exchange-statements")}
    assert speakers == {r["speaker"] for r in rows(store, "exchange-statements")}
    assert len(speakers) == 12


def test_aifdb_map_anchors_locutions_and_reports_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "council"
    result = CliRunner().invoke(main, ["import", "aif", str(MAPS / "council.json"), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert ("3 actors, 4 claims (0 of them evidence in the exported graph), 4 statements, 2 links"
            in result.output)
    assert "not anchored: 1 locution(s) whose words are not in the text" in result.output
    source = yaml.safe_load((folder / "source-1.yaml").read_text(encoding="utf-8"))
    stances = [(s["speaker"], s["claim"], s["stance"], s["quote"]) for s in source["statements"]]
    assert stances[0] == ("p-ann-lee", "c-the-council-should-build-the-bypass", "agree",
                          {"exact": "the council should build the bypass", "occurrence": 1})
    assert stances[3] == ("p-bob-stone", "c-the-council-should-build-the-bypass", "disagree",
                          {"exact": "the council should build the bypass", "occurrence": 2})
    assert [(link["premise"], link["polarity"], link["by"], link["basis"]) for link in source["links"]] == [
        ("c-traffic-in-the-town-centre-doubled-since-2010", "support", "p-ann-lee", "implied"),
        ("c-a-bypass-only-moves-the-traffic-elsewhere", "attack", "p-bob-stone", "implied")]
    debate = yaml.safe_load((folder / "debate.yaml").read_text(encoding="utf-8"))
    assert "c-the-river-meadows-would-be-lost" in {c["id"] for c in debate["claims"]}  # kept, unquoted
    build(folder, str(tmp_path / "store"))
    found = {(r["speaker"], r["stance"], r["start"]) for r in rows(OxigraphStore(tmp_path / "store"),
                                                                    "exchange-statements")}
    text = (folder / "source-1.txt").read_text(encoding="utf-8")
    second = text.index("the council should build the bypass", 30)
    assert ("p-bob-stone", "disagree", second) in found and second == 182


def test_a_folder_of_maps_and_ova_html_text(tmp_path: Path) -> None:
    report = import_aif(MAPS, tmp_path / "both")
    assert (report.maps, report.sources, report.actors, report.claims, report.statements) == (2, 2, 5, 5, 6)
    ova = yaml.safe_load((tmp_path / "both" / "source-2.yaml").read_text(encoding="utf-8"))
    assert (tmp_path / "both" / "source-2.txt").read_text(encoding="utf-8") == (
        "Carla Diaz: speed cameras save lives & money.\nDan Wu: do speed cameras save lives?")
    assert [(s["speaker"], s["stance"], s["quote"]) for s in ova["statements"]] == [
        ("p-carla-diaz", "agree", {"exact": "speed cameras save lives", "occurrence": 1}),
        ("p-dan-wu", "disagree", {"exact": "speed cameras save lives", "occurrence": 2})]


@pytest.mark.parametrize(("text", "message"), [
    ('{"nodes": [\n  {"nodeID": 1, "type": "I",}\n]}', r"bad\.json:2: not JSON: .* at column"),
    ('{"nodes": [{"nodeID": "1", "type": "I", "text": "x"}], "edges": [{"fromID": "1", "toID": "99"}]}',
     r"bad\.json: edges\[0\]: toID '99' is not the id of any node"),
    ('{"nodes": [{"type": "I"}]}', r"bad\.json: nodes\[0\] 'nodeID': the id must be a string or a number"),
    ('{"nodes": [{"nodeID": "1", "type": "L"}], "locutions": [{"nodeID": "1", "personID": "5"}]}',
     r"locutions\[0\]: personID '5' is not a participant"),
    ("[1, 2]", r"not an AIF map: the top level must be a JSON object"),
])
def test_bad_maps_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KgError, match=message):
        import_aif(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["import", "aif", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.output.count("\n") <= 1 and "Traceback" not in result.output


def test_plain_aifdb_text_keeps_angle_brackets(tmp_path: Path) -> None:
    words = "costs < benefits > nothing"
    plain = {"nodes": [{"nodeID": "1", "text": "Costs are below benefits", "type": "I"},
                       {"nodeID": "2", "text": "Eve Ray : " + words, "type": "L"},
                       {"nodeID": "3", "text": "Asserting", "type": "YA"}],
             "edges": [{"fromID": "2", "toID": "3"}, {"fromID": "3", "toID": "1"}],
             "locutions": [{"nodeID": "2", "personID": "1"}],
             "participants": [{"participantID": "1", "firstname": "Eve", "surname": "Ray"}],
             "text": f"Eve Ray wrote: {words}."}
    (tmp_path / "plain.json").write_text(json.dumps(plain), encoding="utf-8")
    report = import_aif(tmp_path / "plain.json", tmp_path / "out")
    assert (report.statements, report.unanchored) == (1, 0)
    assert (tmp_path / "out" / "source-1.txt").read_text(encoding="utf-8") == f"Eve Ray wrote: {words}."
