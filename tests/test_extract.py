"""`kg extract`: quotations and speakers, actors, quantities, the draft file and the CLI.

Offsets and values below were read off the frozen seed texts (tests/fixtures/seed/taser-uk)
and the invented articles of tests/fixtures/articles/, and each is checked against the text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.ingest.extract.actors import KnownActor, assign_ids, find_actors, match_known, tokens
from kg.ingest.extract.draft import anchored, draft, draft_source, known_actors, locate
from kg.ingest.extract.quantities import find_quantities
from kg.ingest.extract.quotes import direct_statements, reported_statements, segments
from tests.conftest import SEED

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
NORFOLK = SEED / "004_d57e7b97e3561e93.txt"
THAMES = SEED / "000_c2d672fdb30a2dc9.txt"
COUNCIL = ARTICLES / "four-day-week" / "001_council_four_day_week.txt"


def _draft(path: Path) -> dict:
    return draft_source(locate(str(path), Path("no-data-dir")))


def _quantity(result: dict, words: str) -> dict:
    (found,) = [q for q in result["quantities"] if q["text"] == words]
    return found


# -- quotations and speakers ------------------------------------------------------------------


def test_direct_quote_after_the_cue_with_speaker_and_offsets() -> None:
    text = NORFOLK.read_text(encoding="utf-8")
    result = _draft(NORFOLK)
    (offenders,) = [s for s in result["statements"] if s["start"] == 1105]
    assert offenders == {
        "speaker": "Mr Symonds", "actor": "andy-symonds",
        "quote": "These offenders are already looking to see if these officers are carrying Taser "
                 "and having a pop if they do not",
        "start": 1105, "end": 1216, "mode": "direct", "cue": "said",
    }
    assert text[1105:1216] == offenders["quote"]
    assert text[1216:1235] == ",' said Mr Symonds."  # the comma stays outside the quote


def test_he_said_is_the_last_person_named() -> None:
    """'..., he said.' after 'Andy Symonds, chair of the Norfolk Police Federation, said ...'."""
    (front_line,) = [s for s in _draft(NORFOLK)["statements"] if s["start"] == 784]
    assert (front_line["speaker"], front_line["actor"], front_line["end"]) == ("he", "andy-symonds", 894)


def test_she_said_skips_a_man_named_in_between() -> None:
    """'Ms Pike, who met ... Gary Finch on Monday, said ... '...,' she said.': Sarah Pike, not Finch."""
    statements = _draft(COUNCIL)["statements"]
    spending = next(s for s in statements if s["quote"].startswith("We were spending"))
    assert (spending["speaker"], spending["actor"], spending["start"], spending["end"]) == \
        ("she", "sarah-pike", 724, 808)


def test_mr_surname_is_the_named_person_and_a_quote_paragraph_keeps_its_speaker() -> None:
    statements = _draft(NORFOLK)["statements"]
    direct = [s for s in statements if s["mode"] == "direct"]
    assert {s["actor"] for s in direct} == {"andy-symonds", "norfolk-constabulary-spokesman"}
    # 'To have a Taser ...' is a paragraph of its own, with no verb: the speaker of the one before
    (scene,) = [s for s in direct if s["quote"].startswith("To have a Taser")]
    assert scene["actor"] == "andy-symonds"


def test_a_quotation_over_several_paragraphs_is_one_speakers() -> None:
    """He said: “We live ... (no closing mark) / “The reality ... / ... / “The public ... politicians.”"""
    text = THAMES.read_text(encoding="utf-8")
    direct = [s for s in _draft(THAMES)["statements"] if s["mode"] == "direct"]
    assert [s["quote"][:20] for s in direct] == [
        "We live in a very di", "The reality is we fa", "I just think it’s ne", "The public are not a",
    ]
    assert {(s["speaker"], s["actor"]) for s in direct} == {("He", "graham-smith")}
    assert all(text[s["start"]:s["end"]] == s["quote"] for s in direct)


def test_scare_quotes_are_not_statements() -> None:
    """‘reality’, ‘more violence’, ‘dig deep’ sit inside Mr Smith's reported speech."""
    text = THAMES.read_text(encoding="utf-8")
    cast = find_actors(text)
    words = [text[s.start:s.end] for s in direct_statements(text, cast)]
    assert "reality" not in words and "dig deep" not in words and "cost issue" not in words
    marks = [text[seg.start:seg.end] for seg in segments(text)]
    assert "reality" in marks and "dig deep" in marks  # found as quotations, then not attributed


def test_plural_possessive_does_not_close_a_quotation() -> None:
    statements = _draft(COUNCIL)["statements"]
    (wellbeing,) = [s for s in statements if s["quote"].startswith("Our members")]
    assert wellbeing["quote"] == "Our members’ wellbeing has improved, and they have not cut a single corner"
    assert (wellbeing["actor"], wellbeing["start"], wellbeing["end"]) == ("gary-finch", 1523, 1597)


def test_reported_speech_and_its_cue() -> None:
    text = NORFOLK.read_text(encoding="utf-8")
    cast = find_actors(text)
    assign_ids(cast, known_actors(SEED))
    reported = reported_statements(text, cast, direct_statements(text, cast))
    found = {(cast.actors[s.actor].id if s.actor is not None else None, s.cue, text[s.start:s.end][:30])
             for s in reported}
    assert ("andy-symonds", "insisted", "a roll-out of Taser would not ") in found
    assert ("simon-bailey", "pledged", "to arm all front line officers") in found
    assert ("cambridge-researchers", "found", "City of London officers armed ") in found
    thames = THAMES.read_text(encoding="utf-8")
    first = _draft(THAMES)["statements"][0]
    # '..., the Thames Valley Police Federation has said.': the words before the verb
    assert (first["actor"], first["mode"], first["start"], first["end"]) == ("tvpf", "reported", 0, 84)
    assert thames[84:130] == ", the Thames Valley Police Federation has said"


def test_quote_marks_of_every_kind() -> None:
    text = ('"Straight double," she said.\n“Curly double,” he said.\n‘Curly single,’ they said.\n'
            "'Straight single,' we said.\n„Low double“ — and isn't it’s O'Brien.\n«Guillemets», said X.")
    words = [text[s.start:s.end] for s in segments(text)]
    assert words == ["Straight double,", "Curly double,", "Curly single,", "Straight single,", "Low double",
                     "Guillemets"]


# -- actors -----------------------------------------------------------------------------------


def test_actors_with_titles_posts_and_organisations_get_the_debates_ids() -> None:
    actors = {a["name"]: (a["kind"], a["id"]) for a in _draft(NORFOLK)["actors"]}
    assert actors["Simon Bailey"] == ("chief-officer", "simon-bailey")  # 'Chief Constable Simon Bailey'
    assert actors["Andy Symonds"] == ("person", "andy-symonds")  # 'Andy Symonds, chair of ...'
    assert actors["National Police Chief Council"] == ("coordinating-body", "npcc")  # Chiefs' Council
    assert actors["Norfolk Constabulary spokesman"] == ("person", "norfolk-constabulary-spokesman")
    assert actors["University of Cambridge researchers"] == ("research-group", "cambridge-researchers")
    assert actors["Antony Kelly"] == ("person", "antony-kelly")  # 'Picture: ANTONY KELLY'
    assert actors["Norfolk Police"] == ("police-force", "norfolk-police")  # not in the debate: a new id


def test_a_title_is_not_part_of_the_name() -> None:
    (ellis,) = [a for a in _draft(ARTICLES / "school-phones" / "001_northshire_phone_ban.txt")["actors"]
                if "Ellis" in a["name"]]
    assert ellis == {"name": "Margaret Ellis", "kind": "person", "id": "margaret-ellis"}


def test_matching_known_actors() -> None:
    known = [KnownActor("andy-symonds", "Andy Symonds", "person"),
             KnownActor("npcc", "National Police Chiefs' Council", "coordinating-body")]
    cast = find_actors("Mr Symonds said so. The National Police Chief Council (NPCC) agreed. "
                       "Jo Bloggs, head of the Bloggs Trust, said no.")
    assign_ids(cast, known)
    ids = {a.name: (a.id, a.known) for a in cast.actors}
    assert ids["Symonds"] == ("andy-symonds", True)
    assert ids["National Police Chief Council"] == ("npcc", True)
    assert ids["Jo Bloggs"] == ("jo-bloggs", False)
    assert ids["Bloggs Trust"] == ("bloggs-trust", False)
    assert tokens("National Police Chiefs' Council") == tokens("the National Police Chief Council")
    assert match_known(cast.actors[0], []) is None


def test_an_existing_id_spelt_like_the_name_is_the_same_actor() -> None:
    cast = find_actors("Jo Bloggs said yes. Ann Smith said no.")
    assign_ids(cast, [KnownActor("jo-bloggs", "Joanne Bloggs", "person"), KnownActor("ann", "Ann", "person")])
    assert [(a.name, a.id, a.known) for a in cast.actors] == [
        ("Jo Bloggs", "jo-bloggs", True), ("Ann Smith", "ann-smith", False)]


# -- quantities -------------------------------------------------------------------------------


def test_seed_quantities_value_unit_comparator_share() -> None:
    result = _draft(NORFOLK)
    text = NORFOLK.read_text(encoding="utf-8")
    assert _quantity(result, "48pc") == {"text": "48pc", "start": 4921, "end": 4925, "value": 48,
                                         "unit": "percent", "comparator": None, "numerator": None,
                                         "denominator": None}
    share = _quantity(result, "fewer than one in ten")
    assert (share["numerator"], share["denominator"], share["comparator"], share["unit"], share["value"]) == \
        (1, 10, "less-than", "ratio", None)
    assert _quantity(result, "almost 50pc")["comparator"] == "almost"
    assert _quantity(result, "almost 50pc")["value"] == 50
    twice = _quantity(result, "twice as many")
    assert (twice["value"], twice["unit"]) == (2, "ratio")
    assert _quantity(result, "once every day")["unit"] == "per-day"
    assert _quantity(result, "by 2020") | {"start": 0, "end": 0} == {
        "text": "by 2020", "start": 0, "end": 0, "value": 2020, "unit": "calendar-year",
        "comparator": "at-most", "numerator": None, "denominator": None}
    assert _quantity(result, "around half")["value"] == 50
    assert all(text[q["start"]:q["end"]] == q["text"] for q in result["quantities"])
    words = {q["text"] for q in result["quantities"]}
    assert not words & {"26", "2018", "2016", "2015"}  # 'X26', years of dates


@pytest.mark.parametrize(("words", "value", "unit", "comparator", "numerator", "denominator"), [
    ("42 per cent", 42, "percent", None, None, None),
    ("48pc", 48, "percent", None, None, None),
    ("71%", 71, "percent", None, None, None),
    ("one in ten", None, "ratio", None, 1, 10),
    ("three in four", None, "ratio", None, 3, 4),
    ("nine out of 10", None, "ratio", None, 9, 10),
    ("a fifth", 20, "percent", None, 1, 5),
    ("nearly two thirds", 66.7, "percent", "almost", 2, 3),
    ("twice as many", 2, "ratio", None, None, None),
    ("three times as many", 3, "ratio", None, None, None),
    ("£3.1bn", 3_100_000_000, "GBP", None, None, None),
    ("up to £200m", 200_000_000, "GBP", "at-most", None, None),
    ("about £15", 15, "GBP", "about", None, None),
    ("40p", 0.4, "GBP", None, None, None),
    ("six months", 6, "months", None, None, None),
    ("48 hours", 48, "hours", None, None, None),
    ("two-year", 2, "years", None, None, None),  # 'a two-year trial'
    ("fewer than 2,004", 2004, "count", "less-than", None, None),
    ("around 600", 600, "count", "about", None, None),
    ("twice a week", 2, "per-week", None, None, None),
    ("until 2030", 2030, "calendar-year", "at-most", None, None),
])
def test_quantity_forms(words: str, value: float | None, unit: str | None, comparator: str | None,
                        numerator: int | None, denominator: int | None) -> None:
    text = f"It said {words} people were seen."
    (q,) = find_quantities(text)
    assert text[q.start:q.end] == words
    assert (q.value, q.unit, q.comparator, q.numerator, q.denominator) == \
        (value, unit, comparator, numerator, denominator)


def test_dates_times_and_codes_are_not_quantities() -> None:
    assert find_quantities("On 12 March 2019 at 10am the X26 and the M25 (in June 2016) were new.") == []


# -- the draft --------------------------------------------------------------------------------


def test_anchoring_drops_and_counts_what_is_not_at_its_offsets() -> None:
    text = "Mr Smith said: 'Yes.'"
    items = [{"quote": "Yes.", "start": 16, "end": 20}, {"quote": "Yes.", "start": 15, "end": 19},
             {"quote": "Yes", "start": 16, "end": 40}, {"quote": None, "start": 0, "end": 2}]
    kept, dropped = anchored(text, items, "quote")
    assert kept == [items[0]] and dropped == 3


def test_draft_shape_and_date_from_the_source_block() -> None:
    result = _draft(ARTICLES / "school-phones" / "001_northshire_phone_ban.yaml")
    assert list(result) == ["source", "date", "statements", "quantities", "actors", "dropped"]
    assert (result["source"], result["date"], result["dropped"]) == \
        ("001_northshire_phone_ban.txt", "2024-06-14", 0)
    assert set(result["statements"][0]) == {"speaker", "actor", "quote", "start", "end", "mode", "cue"}
    assert set(result["quantities"][0]) == {"text", "start", "end", "value", "unit", "comparator",
                                            "numerator", "denominator"}
    assert set(result["actors"][0]) == {"name", "kind", "id"}
    assert _draft(NORFOLK)["date"] is None  # issued: unknown


def test_draft_of_text_with_no_debate() -> None:
    result = draft("Nothing to see.", "x.txt", [])
    assert result == {"source": "x.txt", "date": None, "statements": [], "quantities": [], "actors": [],
                      "dropped": 0}


def test_cli_writes_the_draft_beside_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "taser-uk"
    shutil.copytree(SEED, folder)
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(folder / "004_d57e7b97e3561e93.txt")])
    assert result.exit_code == 0, result.output
    written = folder / "004_d57e7b97e3561e93.draft.json"
    assert result.output == (f"wrote {written}: 19 statements (14 direct, 5 reported), 22 quantities, "
                             "16 actors (14 already in the debate), 0 dropped\n")
    draft_json = json.loads(written.read_text(encoding="utf-8"))
    assert draft_json == _draft(SEED / "004_d57e7b97e3561e93.txt")


def test_cli_json_prints_and_writes_nothing_and_finds_a_source_by_id(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "taser-uk"
    shutil.copytree(SEED, folder)
    result = CliRunner().invoke(main, ["extract", "edp-norfolk-taser-call", "-f", "json",
                                       "--data", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == _draft(NORFOLK)
    assert not list(folder.glob("*.draft.json"))


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["extract", "no-such-source", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: no source text, annotation file or source id 'no-such-source' (looked in {tmp_path}/)"]
    result = runner.invoke(main, ["extract"])
    assert result.exit_code == 2 and "missing SOURCE" in result.output


def test_every_keyword_a_draft_uses_is_the_ontologys() -> None:
    """Drafts name kinds, units, comparators and modes by the keywords annotation files use; the
    extractor keeps them in tables (it must not load the ontology to start), so each is checked here."""
    from kg.ingest.extract import actors, quantities
    from kg.ingest.vocabulary import CATEGORY, vocabulary

    terms = vocabulary().terms
    kinds = {*actors.HEADS.values(), *actors.KNOWN_NAMES.values(), "person", "chief-officer",
             "research-group", "publisher"}
    units = {*quantities.DURATIONS.values(), *quantities.RATES.values(), *quantities.CURRENCIES.values(),
             "percent", "percentage-points", "ratio", "count", "calendar-year"}
    assert kinds <= set(terms[CATEGORY["actor"]])
    assert units <= set(terms[CATEGORY["unit"]])
    assert set(quantities.COMPARATORS.values()) <= set(terms[CATEGORY["comparator"]])
    assert {"direct", "reported"} <= set(terms[CATEGORY["mode"]])


def test_the_build_ignores_drafts(tmp_path: Path) -> None:
    """A draft beside the text changes nothing until accepted: same counts with and without it."""
    data = tmp_path / "data"
    shutil.copytree(ARTICLES / "school-phones", data / "school-phones")
    runner = CliRunner()
    text = data / "school-phones" / "001_northshire_phone_ban.txt"
    assert runner.invoke(main, ["extract", str(text)]).exit_code == 0
    assert text.with_name("001_northshire_phone_ban.draft.json").is_file()
    built = runner.invoke(main, ["build", str(data), "--store", str(tmp_path / "store")])
    assert built.exit_code == 0, built.output
    assert ("sources 1  actors 11  claims 11  statements 18  evidence 5  links 3  quotes 36  quantities 15"
            in built.output)
