"""`kg import brat|labelstudio|doccano`: files written here (tests/fixtures/tools), imported, built.

The fixtures code two texts of my own (the school-meals article of tests/fixtures/articles,
and a two-sentence text where the same words are quoted twice) with the label mapping of
kg.ingest.coded. Offsets in the assertions were computed by hand from the texts: e.g. in the
meals text "Margaret Okafor" starts at 276 (after the 199-253 quote, '," said council leader ').
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.ingest.brat import import_brat
from kg.ingest.doccano import import_doccano
from kg.ingest.labelstudio import LABEL_CONFIG, draft_tasks, import_labelstudio
from kg.model.errors import KgError
from kg.stores.oxigraph import OxigraphStore

from .test_new_add import MEALS_TEXT

TOOLS = Path(__file__).parent / "fixtures" / "tools"
MEALS_STEM = "000_0acba24670ed0244"
TRAM = "The transport authority said the tram is late. The council said the tram is late, too.\n"


def statements(store_path: Path) -> dict[tuple[str, int, int], tuple[str, str, str, str]]:
    """(quote, start, end) -> (speaker, speaks for, claim id, stance) from a built store."""
    rows = OxigraphStore(store_path).query("""
        SELECT ?exact ?start ?end ?speaker ?for ?claim ?stance WHERE {
          ?s a dkg:Statement ; dkg:speaker/dct:identifier ?speaker ; dkg:speaksFor/dct:identifier ?for ;
             dkg:claim/dct:identifier ?claim ; dkg:stance ?st ;
             dkg:quote/oa:hasSelector ?p, ?t .
          ?p oa:start ?start ; oa:end ?end . ?t oa:exact ?exact .
          BIND(STRAFTER(STR(?st), "#") AS ?stance) }""").values()
    return {(r["exact"], r["start"], r["end"]): (r["speaker"], r["for"], r["claim"], r["stance"])
            for r in rows}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_brat_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "meals"
    report = import_brat(TOOLS / "brat", folder)
    assert (report.documents, report.statements, report.evidence, report.links) == (1, 3, 1, 1)
    assert (report.actors, report.claims) == (5, 1)
    assert report.skipped == {"statement without a speaker": 1}  # T10: a claim, no speaker
    assert report.ignored == {"brat notes": 1, "span label Quantity": 1}
    assert sorted(p.name for p in folder.iterdir()) == [f"{MEALS_STEM}.txt", f"{MEALS_STEM}.yaml",
                                                       "debate.yaml"]
    assert (folder / f"{MEALS_STEM}.txt").read_text(encoding="utf-8") == MEALS_TEXT
    debate = load(folder / "debate.yaml")
    assert [(a["id"], a["kind"]) for a in debate["actors"]] == [
        ("margaret-okafor", "person"), ("opposition", "organisation"), ("riverside-council", "organisation"),
        ("riverside-parents-forum", "organisation"), ("tom-hale", "person")]
    assert debate["claims"] == [{"id": "free-school-meals-to-every-primary-pupil", "kind": "claim",
                                 "label": "free school meals to every primary pupil",
                                 "text": "free school meals to every primary pupil"}]
    doc = load(folder / f"{MEALS_STEM}.yaml")
    assert doc["evidence"][0] == {
        "id": "evidence-a-survey-of-1-200-parents-by-the", "kind": "survey",
        "label": "A survey of 1,200 parents by the Riverside Parents' Forum found that three in f…",
        "by": "riverside-parents-forum", "population": "parents",
        "quote": "A survey of 1,200 parents by the Riverside Parents' Forum found that three in four "
                 "backed the plan"}
    assert doc["links"][0]["by"] == "riverside-parents-forum"  # no statement quotes the survey

    store = tmp_path / "store"
    counts = build(folder, str(store)).counts
    assert (counts["sources"], counts["actors"], counts["claims"], counts["statements"],
            counts["evidence"], counts["links"]) == (1, 5, 1, 3, 1, 1)
    claim = "free-school-meals-to-every-primary-pupil"
    assert statements(store) == {
        ("has voted to offer free school meals to every primary pupil", 74, 133):
            ("riverside-council", "riverside-council", claim, "Agree"),
        ("No child should sit in a classroom too hungry to learn", 199, 253):
            ("margaret-okafor", "riverside-council", claim, "Agree"),
        ("a promise the budget cannot keep", 404, 436): ("tom-hale", "opposition", claim, "Disagree"),
    }
    assert MEALS_TEXT[276:291] == "Margaret Okafor"
    assert MEALS_TEXT[404:436] == "a promise the budget cannot keep"


def test_labelstudio_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "ls"
    report = import_labelstudio(TOOLS / "labelstudio" / "export.json", folder)
    assert (report.documents, report.statements, report.actors, report.claims) == (3, 3, 4, 2)
    assert report.ignored == {"tasks without an annotation": 1}
    assert report.skipped == {}
    meals = load(folder / f"{MEALS_STEM}.yaml")
    assert meals["source"]["title"] == "Council backs free school meals"  # data.title
    # the cancelled annotation is passed over; mode from the per-region choice; 'for' drawn leftwards
    assert meals["statements"] == [{
        "speaker": "margaret-okafor", "for": "riverside-council",
        "claim": "free-school-meals-to-every-primary-pupil", "stance": "agree", "mode": "direct",
        "quote": "No child should sit in a classroom too hungry to learn"}]
    tram = load(next(folder.glob("001_*.yaml")))
    assert [s["quote"] for s in tram["statements"]] == [
        {"exact": "the tram is late", "occurrence": 1}, {"exact": "the tram is late", "occurrence": 2}]
    store = tmp_path / "store"
    counts = build(folder, str(store)).counts
    assert (counts["sources"], counts["statements"], counts["quotes"]) == (3, 3, 3)
    found = statements(store)
    assert found[("the tram is late", 29, 45)] == (
        "the-transport-authority", "the-transport-authority", "the-tram-is-late", "Agree")
    assert found[("the tram is late", 64, 80)] == (
        "the-council", "the-council", "the-tram-is-late", "Disagree")
    assert TRAM[29:45] == TRAM[64:80] == "the tram is late"


def test_doccano_round_trip_both_shapes(tmp_path: Path) -> None:
    folder = tmp_path / "dc"
    report = import_doccano(TOOLS / "doccano" / "export.jsonl", folder)
    assert (report.documents, report.statements, report.actors, report.claims) == (2, 1, 5, 1)
    # Margaret Okafor is a person and the line gives no organisation she speaks for
    assert report.skipped == {"a person's statement without 'for' (the organisation spoken for)": 1}
    debate = load(folder / "debate.yaml")
    assert sorted(a["name"] for a in debate["actors"]) == [
        "Margaret Okafor", "The council", "The transport authority", "Tom Hale", "opposition"]
    assert debate["claims"][0]["text"] == (
        "the free school meals plan would leave a £1.4m hole in next year’s budget")
    store = tmp_path / "store"
    counts = build(folder, str(store)).counts
    assert (counts["sources"], counts["actors"], counts["statements"]) == (2, 5, 1)
    [(key, value)] = statements(store).items()
    assert key == ("We all want children fed, but not by raiding the road repair fund", 166, 231)
    assert value == ("tom-hale", "opposition", "the-free-school-meals-plan-would-leave-a-1-4m-hole-in-next",
                     "Agree")


def test_cli_imports_and_refuses_to_replace(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "data" / "meals"
    result = runner.invoke(main, ["import", "brat", str(TOOLS / "brat" / "meals.ann"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"wrote {out}: debate meals, 1 documents, 3 statements, 1 evidence, 1 links, "
                             "5 actors, 1 claims\n")
    assert "skipped 1: statement without a speaker" in result.stderr
    again = runner.invoke(main, ["import", "labelstudio", str(TOOLS / "labelstudio" / "export.json"),
                                 "--out", str(out)])
    assert again.exit_code == 2
    assert again.stderr == (f"error: {out}: already exists; choose another --out or add --force to "
                            "replace it\n")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "content", "error"), [
    ("ann", "T1\tPerson 276 900\tMargaret Okafor\n",
     "{ann}:1: offsets 276-900 lie outside the text (610 characters)"),
    ("ann", "T1\tPerson 276\tMargaret Okafor\n",
     "{ann}:1: malformed text-bound annotation: expected 'Label START END', not 'Person 276'"),
    ("ann", "T1\tPerson 275 290\tMargaret Okafor\n",
     "{ann}:1: the text at 275-290 is ' Margaret Okafo', not 'Margaret Okafor' as recorded"),
    ("ann", "T1\tPerson 276 291\tMargaret Okafor\nT2\tStatement 0 10;20 30\tx y\n",
     "{ann}:2: discontinuous span 'Statement 0 10;20 30': a quote must be one stretch of text"),
    ("ann", "T1\tPerson 276 291\tMargaret Okafor\nR1\tspeaker Arg1:T9 Arg2:T1\n",
     "{ann}: line 2: relation 'speaker' refers to an unknown span 'T9'"),
])
def test_bad_brat_is_one_line_and_writes_nothing(tmp_path: Path, name: str, content: str, error: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(TOOLS / "brat" / "meals.txt", corpus / "meals.txt")
    ann = write(corpus / "meals.ann", content)
    with pytest.raises(KgError) as caught:
        import_brat(corpus, tmp_path / "out")
    assert str(caught.value) == error.format(ann=ann)
    assert not (tmp_path / "out").exists()


def test_bad_labelstudio_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    tasks = json.loads((TOOLS / "labelstudio" / "export.json").read_text(encoding="utf-8"))
    broken = tmp_path / "broken.json"
    write(broken, '[{"id": 1, "data": {"text": "x"},\n "annotations": [}]\n')
    cases: list[tuple[Path, str]] = [(broken, f"{broken}:2: malformed JSON: Expecting value (column 18)")]
    no_offsets = json.loads(json.dumps(tasks))
    del no_offsets[0]["annotations"][1]["result"][0]["value"]["start"]
    cases.append((write(tmp_path / "no-offsets.json", json.dumps(no_offsets)),
                  "{file}: task 11, result 'r1': no start/end offsets in the region's value"))
    outside = json.loads(json.dumps(tasks))
    outside[1]["annotations"][0]["result"][2]["value"].update(start=80, end=96)
    cases.append((write(tmp_path / "outside.json", json.dumps(outside)),
                  "{file}: task 12, result 's1': offsets 80-96 lie outside the text (87 characters)"))
    no_text = [{"id": 5, "data": {"url": "https://example.org/a.txt"}, "annotations": []}]
    cases.append((write(tmp_path / "no-text.json", json.dumps(no_text)),
                  "{file}: task 5: no data.text (the document's text itself)"))
    for path, error in cases:
        with pytest.raises(KgError) as caught:
            import_labelstudio(path, tmp_path / "out")
        assert str(caught.value) == error.format(file=path)
        assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["import", "labelstudio", str(broken), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr == f"error: {broken}:2: malformed JSON: Expecting value " \
                                                      "(column 18)\n"


def test_bad_doccano_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    good = (TOOLS / "doccano" / "export.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [
        (good[0] + "\n{not json\n", "{file}:2: malformed JSON: Expecting property name enclosed in double "
                                    "quotes (column 2)"),
        (good[0] + "\n" + json.dumps({"text": TRAM, "label": [[4, 200, "Organisation"]]}) + "\n",
         "{file}:2: label 1: offsets 4-200 lie outside the text (87 characters)"),
        (json.dumps({"text": TRAM, "entities": [{"id": 1, "label": "Person"}]}) + "\n",
         "{file}:1: entity 1: no start_offset/end_offset"),
    ]
    for i, (content, error) in enumerate(cases):
        path = write(tmp_path / f"bad-{i}.jsonl", content)
        with pytest.raises(KgError) as caught:
            import_doccano(path, tmp_path / "out")
        assert str(caught.value) == error.format(file=path)
    assert not (tmp_path / "out").exists()


# --- drafts out to Label Studio ----------------------------------------------------------------


DRAFT = {
    "source": "meals",
    "statements": [
        {"speaker": "Margaret Okafor", "actor": None,
         "quote": "No child should sit in a classroom too hungry to learn", "start": 199, "end": 253,
         "mode": "direct", "cue": "said"},
        {"speaker": "Tom Hale", "actor": None, "quote": "a promise the budget cannot keep", "start": 404,
         "end": 436, "mode": "direct", "cue": "warned"},
    ],
    "quantities": [{"text": "42 per cent", "start": 451, "end": 462, "value": 42, "unit": "percent",
                    "comparator": None, "numerator": None, "denominator": None}],
    "actors": [{"name": "Margaret Okafor", "kind": "person", "id": None},
               {"name": "Tom Hale", "kind": "person", "id": None},
               {"name": "Riverside council", "kind": "organisation", "id": None}],
}


def test_draft_becomes_label_studio_predictions(tmp_path: Path) -> None:
    [task] = draft_tasks(DRAFT, MEALS_TEXT)
    assert task["data"] == {"text": MEALS_TEXT, "source": "meals"}
    [prediction] = task["predictions"]
    result = prediction["result"]
    regions = {r["id"]: r["value"] for r in result if r["type"] == "labels"}
    assert {rid: (v["labels"][0], v["start"], v["end"], v["text"]) for rid, v in regions.items()} == {
        "s1": ("Statement", 199, 253, "No child should sit in a classroom too hungry to learn"),
        "a1": ("Person", 276, 291, "Margaret Okafor"),
        "s2": ("Statement", 404, 436, "a promise the budget cannot keep"),
        "a2": ("Person", 367, 375, "Tom Hale"),
        "a3": ("Organisation", 56, 73, "Riverside council"),
        "q1": ("Quantity", 451, 462, "42 per cent"),
    }
    relations = [(r["from_id"], r["to_id"], r["labels"]) for r in result if r["type"] == "relation"]
    assert relations == [("s1", "a1", ["speaker"]), ("s2", "a2", ["speaker"])]
    assert [r["value"]["choices"] for r in result if r["type"] == "choices"] == [["direct"], ["direct"]]
    assert next(r for r in result if r.get("id") == "q1")["meta"] == {"text": ["value=42 unit=percent"]}
    for names in ("Statement", "Person", "Organisation", "Quantity", "speaker", 'name="mode"'):
        assert names in LABEL_CONFIG

    # an annotator accepts the suggestions and adds a claim; the export comes back in
    accepted = json.loads(json.dumps(task))
    results = accepted.pop("predictions")[0]["result"]
    results.append({"id": "c1", "type": "labels", "from_name": "label", "to_name": "text",
                    "value": {"start": 93, "end": 133, "text": "free school meals to every primary pupil",
                              "labels": ["Claim"]}})
    for target, label in (("c1", "agree"), ("a3", "for")):
        results.append({"type": "relation", "from_id": "s1", "to_id": target, "direction": "right",
                        "labels": [label]})
    accepted["annotations"] = [{"id": 1, "result": results}]
    export = write(tmp_path / "export.json", json.dumps([accepted]))
    report = import_labelstudio(export, tmp_path / "back")
    assert report.statements == 1
    assert report.skipped == {"statement without a claim": 1}  # Tom Hale's: no claim chosen yet
    assert report.ignored == {"span label Quantity": 1}
    counts = build(tmp_path / "back", str(tmp_path / "store")).counts
    assert (counts["statements"], counts["actors"], counts["claims"]) == (1, 3, 1)


def test_draft_off_its_offsets_is_refused() -> None:
    bad = json.loads(json.dumps(DRAFT))
    bad["statements"][1]["start"] = 405
    with pytest.raises(KgError, match=r"^meals: statement 2: the text at 405-436 is not its quote$"):
        draft_tasks(bad, MEALS_TEXT)
    bad["statements"][1].update(start=600, end=700)
    with pytest.raises(KgError, match=r"statement 2: offsets 600-700 lie outside the text \(610 chara"):
        draft_tasks(bad, MEALS_TEXT)


def test_labelstudio_utf16_offsets_of_older_versions_are_recognised(tmp_path: Path) -> None:
    text = "🙂 Tom Hale said the bridge must close. 🙂🙂 The county said the bridge must close.\n"
    # code points: 'Tom Hale' at 2-10; an older Label Studio counted the emoji as 2 units: 3-11
    # (the statements: code points 16-37 and 58-79; UTF-16 units 17-38 and 61-82)
    words = "the bridge must close"
    regions = [("t", "Organisation", 3, 11, "Tom Hale"), ("s", "Statement", 17, 38, words),
               ("c", "Claim", 17, 38, words), ("k", "Organisation", 45, 55, "The county"),
               ("s2", "Statement", 61, 82, words)]
    result = [{"id": rid, "type": "labels", "value": {"start": s, "end": e, "text": w, "labels": [label]}}
              for rid, label, s, e, w in regions]
    result += [{"type": "relation", "from_id": a, "to_id": b, "labels": [label]}
               for a, b, label in (("s", "t", "speaker"), ("s", "c", "agree"),
                                   ("s2", "k", "speaker"), ("s2", "c", "disagree"))]
    export = write(tmp_path / "old.json", json.dumps([{"id": 1, "data": {"text": text},
                                                       "annotations": [{"result": result}]}]))
    import_labelstudio(export, tmp_path / "old")
    store = tmp_path / "store"
    build(tmp_path / "old", str(store))
    found = statements(store)
    assert set(found) == {("the bridge must close", 16, 37), ("the bridge must close", 58, 79)}
    assert text[2:10] == "Tom Hale" and text[16:37] == text[58:79] == "the bridge must close"
    assert len(text.encode("utf-16-le")) // 2 == len(text) + 3  # three emoji, two units each


def test_attribute_values_unknown_relations_and_repeats(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "tram.txt", TRAM)
    write(corpus / "tram.ann", "\n".join([
        "T1\tOrganisation 0 23\tThe transport authority", "T2\tStatement 29 45\tthe tram is late",
        "T3\tClaim 29 45\tthe tram is late", "R1\tspeaker Arg1:T2 Arg2:T1", "R2\tclaim Arg1:T2 Arg2:T3",
        "R3\tcauses Arg1:T1 Arg2:T3", "A1\tStance T2 Disagree", "A2\tMode T2 Reported",
        "T4\tStatement 29 45\tthe tram is late", "R4\tspeaker Arg1:T4 Arg2:T1", "R5\tagree Arg1:T4 Arg2:T3",
    ]) + "\n")
    report = import_brat(corpus, tmp_path / "tram")
    assert report.statements == 1
    assert report.skipped == {"a second statement at the same words on the same claim": 1}
    assert report.ignored == {"relation causes": 1}
    [doc] = [load(p) for p in (tmp_path / "tram").glob("000_*.yaml")]
    assert doc["statements"] == [{"speaker": "the-transport-authority", "claim": "the-tram-is-late",
                                  "stance": "disagree", "mode": "reported",
                                  "quote": {"exact": "the tram is late", "occurrence": 1}}]
    assert build(tmp_path / "tram", str(tmp_path / "store")).counts["statements"] == 1


def test_kg_extract_writes_label_studio_tasks_for_review(tmp_path: Path) -> None:
    """`kg extract -f labelstudio`: the draft of a seed article as one task whose predictions sit
    at the draft's exact offsets, on the article's own text."""
    from .conftest import SEED

    folder = tmp_path / "taser-uk"
    shutil.copytree(SEED, folder)
    source = folder / "004_d57e7b97e3561e93.txt"
    runner = CliRunner()
    drafted = runner.invoke(main, ["extract", str(source), "-f", "json"])
    tasks = runner.invoke(main, ["extract", str(source), "-f", "labelstudio"])
    assert drafted.exit_code == 0 and tasks.exit_code == 0, tasks.output
    draft, [task] = json.loads(drafted.output), json.loads(tasks.output)
    text = source.read_text(encoding="utf-8")
    assert task["data"]["text"] == text
    spans = [r["value"] for r in task["predictions"][0]["result"] if "labels" in r.get("value", {})]
    assert spans and all(text[v["start"]:v["end"]] == v["text"] for v in spans)
    quotes = {(s["start"], s["end"]) for s in draft["statements"]}
    assert quotes <= {(v["start"], v["end"]) for v in spans}  # every drafted quote is offered
    assert not list(folder.glob("*.draft.json"))  # printed, not written
    refused = runner.invoke(main, ["extract", "--evaluate", str(folder), "-f", "labelstudio"])
    assert refused.exit_code == 2 and "-f labelstudio is for a draft" in refused.output
