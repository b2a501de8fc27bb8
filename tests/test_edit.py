"""The round-trip editor of annotation files (kg.ingest.edit) and the drafts (kg.ingest.drafts),
on copies of the frozen seed debate: an edit changes exactly the lines of its entry."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from kg.build import compile_graph
from kg.build import validate as shacl
from kg.ingest import drafts, edit
from kg.model.errors import KgError
from tests.conftest import SEED

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "annotate"
TV = "000_c2d672fdb30a2dc9"
EDP = "004_d57e7b97e3561e93"
HANDHELD = ("The handheld weapon, which is designed to temporarily incapacitate a suspect through "
            "the use of an electrical current")


def diff(before: str, after: str) -> list[str]:
    """The changed lines of a unified diff without context (the two header lines dropped)."""
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]


def validate_debate(folder: Path) -> None:
    compiled = compile_graph(folder)
    shacl.shacl(compiled.graph, compiled.locations)


def test_every_seed_file_is_written_back_unchanged() -> None:
    for path in edit.annotation_files(SEED):
        doc = edit.Document(path)
        assert doc.faithful and doc.dump() == path.read_text(encoding="utf-8"), path.name


def test_adding_a_statement_changes_only_its_lines(data_copy: Path) -> None:
    path = data_copy / f"{TV}.yaml"
    before = path.read_text(encoding="utf-8")
    text = (data_copy / f"{TV}.txt").read_text(encoding="utf-8")
    start = text.index(HANDHELD)
    tx = edit.Transaction(data_copy, validate_debate)
    doc = tx.doc(path.name)
    index = doc.add("statements", {"speaker": "tv-article-publisher", "claim": "taser-only-trained-officers",
                                   "stance": "agree", "mode": None,
                                   "quote": edit.quote_value(text, start - 2, start + len(HANDHELD))})
    assert index == 21  # the seed file has 21 statements
    assert tx.commit() == [path]
    after = path.read_text(encoding="utf-8")
    assert diff(before, after) == [
        "@@ -223,0 +224,4 @@",
        "+  - speaker: tv-article-publisher",
        "+    claim: taser-only-trained-officers",
        "+    stance: agree",
        f"+    quote: {HANDHELD}",
    ]
    # (the selection's leading blank lines are trimmed;) the blank line before 'evidence:' stays
    assert after.splitlines()[227:229] == ["", "evidence:"]
    assert after.startswith("# Thames Valley Police Federation calls for Taser")


def test_a_repeated_quote_gets_its_occurrence(data_copy: Path) -> None:
    text = (data_copy / f"{EDP}.txt").read_text(encoding="utf-8")
    caption = "A new study by the University of Cambridge suggests police officers carrying Tasers"
    second = text.index(caption, text.index(caption) + 1)
    assert edit.quote_value(text, second, second + len(caption)) == {"exact": caption, "occurrence": 2}
    doc = edit.Document(data_copy / f"{EDP}.yaml")
    doc.add("statements", {"speaker": "cambridge-researchers", "stance": "agree", "mode": "reported",
                           "claim": "taser-carriers-more-likely-use-force",
                           "quote": edit.quote_value(text, second, second + len(caption))})
    assert diff(doc.original.decode(), doc.dump())[-1] == f"+    quote: {{exact: {caption}, occurrence: 2}}"
    with pytest.raises(KgError, match="no words"):
        edit.quote_value("a  b", 1, 3)
    with pytest.raises(KgError, match="outside the text"):
        edit.quote_value("a b", 2, 9)


def test_comments_stay_when_a_claim_is_added_and_one_edited(data_copy: Path) -> None:
    path = data_copy / "debate.yaml"
    before = path.read_text(encoding="utf-8")
    doc = edit.Document(path)
    doc.add("claims", {"id": "new-claim", "kind": "factual", "label": "A new claim",
                       "text": "Something holds."})
    doc.update("claims", 0, {"label": "Taser for every frontline police officer"})
    after = doc.dump()
    assert diff(before, after) == [
        "@@ -55 +55 @@",
        "-    label: Taser for every frontline officer",
        "+    label: Taser for every frontline police officer",
        "@@ -86,0 +87,4 @@",
        "+  - id: new-claim",
        "+    kind: factual",
        "+    label: A new claim",
        "+    text: Something holds.",
    ]
    for comment in ("# The UK debate on arming frontline police officers with Taser.",
                    "  # The two calls. They are kept apart:",
                    "  # Claims on which speakers in both articles take a side."):
        assert comment in after


def test_deleting_the_last_statement_keeps_the_blank_line(data_copy: Path) -> None:
    path = data_copy / f"{TV}.yaml"
    doc = edit.Document(path)
    doc.delete("statements", 20)
    lines = diff(doc.original.decode(), doc.dump())
    assert lines[0] == "@@ -218,6 +217,0 @@" and len(lines) == 7
    assert all(line.startswith("-") for line in lines[1:])
    assert "\n\nevidence:\n" in doc.dump()


def test_merging_two_actors_rewrites_every_reference(data_copy: Path) -> None:
    tx = edit.Transaction(data_copy, validate_debate)
    before = edit.references(tx.files(), "actor")
    assert before["hannah-jones"] == 2 and before["thames-valley-police"] == 7
    rewritten = edit.merge(tx, "actor", "graham-smith", "hannah-jones")
    assert rewritten == 2
    changed = tx.commit()
    assert sorted(p.name for p in changed) == [f"{TV}.yaml"]
    after = edit.references(edit.read_files(data_copy), "actor")
    assert "hannah-jones" not in after and after["graham-smith"] == before["graham-smith"] + 2
    text = (data_copy / f"{TV}.yaml").read_text(encoding="utf-8")
    assert "hannah-jones" not in text and "Hannah Jones" not in text


def test_merging_two_claims_rewrites_statements_and_links(data_copy: Path) -> None:
    tx = edit.Transaction(data_copy, validate_debate)
    refs = edit.references(tx.files(), "claim")
    moved = refs["taser-voluntary"]
    assert moved == 1
    assert edit.merge(tx, "claim", "taser-for-every-frontline-officer-who-wants-one", "taser-voluntary") == 1
    tx.commit()
    refs2 = edit.references(edit.read_files(data_copy), "claim")
    assert "taser-voluntary" not in refs2
    assert refs2["taser-for-every-frontline-officer-who-wants-one"] == \
        refs["taser-for-every-frontline-officer-who-wants-one"] + 1
    with pytest.raises(KgError, match="no actor with id 'nobody'"):
        edit.merge(edit.Transaction(data_copy), "actor", "pfew", "nobody")


def test_a_change_the_build_refuses_is_undone(data_copy: Path) -> None:
    path = data_copy / f"{TV}.yaml"
    before = path.read_bytes()
    tx = edit.Transaction(data_copy, validate_debate)
    tx.doc(path.name).add("statements", {"speaker": "no-such-actor", "claim": "taser-voluntary",
                                         "stance": "agree", "quote": "TASERS"})
    with pytest.raises(KgError, match="unknown actor id 'no-such-actor'") as caught:
        tx.commit()
    assert caught.value.file == str(path) and caught.value.line == 224
    assert path.read_bytes() == before


def test_spans_locate_every_quote_as_the_build_does() -> None:
    text = (SEED / f"{TV}.txt").read_text(encoding="utf-8")
    found = edit.spans(edit.Document(SEED / f"{TV}.yaml").data, text)
    assert len(found) == 45 and not [s for s in found if s.error]
    first = found[0]
    assert (first.section, first.index, first.start, first.end) == ("statements", 0, 0, 84)
    quantity = next(s for s in found if s.path == "quantities.1")
    assert text[quantity.start:quantity.end] == "2,004"


def test_slug_avoids_taken_ids() -> None:
    assert edit.slug("Police Federation of England & Wales") == "police-federation-of-england-wales"
    assert edit.slug("Ipsos MORI", {"ipsos-mori"}) == "ipsos-mori-2"
    assert edit.slug("<script>") == "script"


def test_drafts_are_checked_accepted_and_removed(data_copy: Path) -> None:
    target = data_copy / f"{EDP}.draft.json"
    shutil.copy(FIXTURES / target.name, target)
    text = (data_copy / f"{EDP}.txt").read_text(encoding="utf-8")
    draft = drafts.load(drafts.draft_path(data_copy / f"{EDP}.txt"), text)
    assert draft is not None and draft.stale == 1
    assert [len(draft.items[k]) for k in drafts.KINDS] == [2, 1, 2]
    item = drafts.item(draft, "statements", 0)
    entry = drafts.statement_entry(text, item, speaker="andy-symonds", claim="officers-want-taser-at-hand",
                                   stance="agree")
    assert entry == {"speaker": "andy-symonds", "for": None, "claim": "officers-want-taser-at-hand",
                     "stance": "agree", "mode": "direct",
                     "quote": "Officers want it there and then if a situation turns.", "note": None}
    with pytest.raises(KgError, match="no draft statements item 2"):
        drafts.item(draft, "statements", 2)  # the stale one is not offered
    drafts.remove(draft, [("statements", 0), ("actors", 1)])
    left = json.loads(target.read_text(encoding="utf-8"))
    assert [s["quote"][:9] for s in left["statements"]] == ["We have i", "words tha"]
    assert [a["name"] for a in left["actors"]] == ["Chris Harris"] and left["dropped"] == 1


def test_an_update_sets_what_the_form_shows_and_keeps_the_rest(data_copy: Path) -> None:
    doc = edit.Document(data_copy / f"{TV}.yaml")
    index = next(i for i, e in enumerate(doc.entries("evidence")) if e["id"] == "thames-valley-taser-figures")
    doc.update("evidence", index, {"label": "Thames Valley Taser figures", "design": None,
                                   "period": {"label": "Between 2012 and March this year", "start": None},
                                   "quantities": [{"id": "tv-firings-oxford", "measure": "Taser firings",
                                                   "value": 25, "unit": "count", "comparator": None}]})
    lines = diff(doc.original.decode(), doc.dump())
    assert [line for line in lines if not line.startswith("@@")][:4] == [
        "-    label: Thames Valley Taser firings and uses by area, 2012 to March of the year of writing",
        "+    label: Thames Valley Taser figures", "-        value: 24", "+        value: 25"]
    # the six other quantities are gone (the form sent one row of seven), and nothing else changed
    assert sum(1 for line in lines if line.startswith("-      - id: tv-")) == 6
    kept = doc.entries("evidence")[index]
    first = kept["quantities"][0]
    assert first["place"] == "Oxford" and first["quote"] == "officers in Oxford fired the stun gun 24 times"
    assert kept["inferences"][0]["property"] == "by" and kept["note"].startswith("The text does not say")


def test_a_layout_ruamel_cannot_write_is_kept_around_the_edit(tmp_path: Path) -> None:
    """A file another tool wrote (PyYAML wraps long lines, as kg import dna's files are): the
    edit's lines are spliced in and every other line stays as it was."""
    folder = tmp_path / "script"
    shutil.copytree(FIXTURES / "script", folder)
    wrapped = (
        "# written by another tool\n"
        "source:\n"
        "  file: s.txt\n"
        "  title: Markup <i>in</i> a source, with a title long enough that the tool wrapped it\n"
        "    onto a second line\n"
        "  publisher: unknown\n"
        "  issued: unknown\n"
        "statements:\n"
        "- speaker: writer\n"
        "  claim: markup-is-text\n"
        "  stance: agree\n"
        "  mode: reported\n"
        "  quote: <script>window.pwned = 1</script> is only\n"
        "    text here.\n"
    )
    (folder / "s.yaml").write_text(wrapped, encoding="utf-8")
    tx = edit.Transaction(folder, validate_debate)
    doc = tx.doc("s.yaml")
    assert not doc.faithful
    doc.add("statements", {"speaker": "writer", "claim": "markup-is-text", "stance": "disagree",
                           "quote": "An article about web pages."})
    tx.commit()
    after = (folder / "s.yaml").read_text(encoding="utf-8")
    assert diff(wrapped, after) == ["@@ -14,0 +15,4 @@", "+- speaker: writer", "+  claim: markup-is-text",
                                    "+  stance: disagree", "+  quote: An article about web pages."]
    doc = tx.doc("s.yaml")  # a second edit goes on from the file as written
    doc.update("statements", 1, {"stance": "agree"})
    tx.commit()
    assert diff(after, (folder / "s.yaml").read_text(encoding="utf-8")) == [
        "@@ -17 +17 @@", "-  stance: disagree", "+  stance: agree"]
    assert edit.splice("a\nb\n", "a\nc\n", "a\nd\n") is None  # the changed line is not the file's
    assert edit.splice("a: 1\nb:  2", "a: 1\nb: 2\n", "a: 1\nb: 2\nc: 3\n") == "a: 1\nb:  2\nc: 3\n"
