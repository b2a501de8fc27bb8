"""`kg import dna`: a small DNA-shaped SQLite file built here, imported, built and analysed.

The fixture codes three people on two concepts (agree and disagree), so congruence and
conflict can be computed by hand (see test_analyze.py for the same numbers on a table):

    Alice (Green Org):  agrees  carbon tax, agrees coal phase-out
    Bob   (Biz Org):    agrees  carbon tax, disagrees coal phase-out
    Carol (Biz Org):    disagrees carbon tax, disagrees AND agrees coal phase-out
    Dave  (no org):     agrees coal phase-out        -> skipped (no organisation spoken for)
    one statement of another statement type          -> not imported
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.analysis.discourse import load_statements, one_mode
from kg.build import build
from kg.cli import main
from kg.ingest.dna import import_dna, utf16_to_index
from kg.model.errors import KgError
from kg.stores.oxigraph import OxigraphStore

DOC1 = ('Alice Smith: "a carbon tax is needed" and coal must go. Bob Jones: "a carbon tax is needed", '
        "but coal must stay. Dave Brown thinks coal must go.")
DOC2 = "🌍 Carol White: no carbon tax. Coal must stay, she said; later she said coal must go."

SCHEMA = """
CREATE TABLE CODERS (ID INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE DOCUMENTS (ID INTEGER PRIMARY KEY, Title TEXT NOT NULL, Text TEXT NOT NULL, Coder INTEGER,
  Author TEXT NOT NULL DEFAULT '', Source TEXT NOT NULL DEFAULT '', Section TEXT NOT NULL DEFAULT '',
  Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '', Date INTEGER NOT NULL);
CREATE TABLE STATEMENTTYPES (ID INTEGER PRIMARY KEY, Label TEXT NOT NULL, Red INTEGER, Green INTEGER,
  Blue INTEGER);
CREATE TABLE VARIABLES (ID INTEGER PRIMARY KEY, Variable TEXT NOT NULL, DataType TEXT NOT NULL,
  StatementTypeId INTEGER, UNIQUE (Variable, StatementTypeId));
CREATE TABLE STATEMENTS (ID INTEGER PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER,
  Start INTEGER NOT NULL, Stop INTEGER NOT NULL, Coder INTEGER, CHECK (Start < Stop));
CREATE TABLE ENTITIES (ID INTEGER PRIMARY KEY, VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '',
  Red INTEGER, Green INTEGER, Blue INTEGER, ChildOf INTEGER, UNIQUE (VariableId, Value));
CREATE TABLE DATASHORTTEXT (ID INTEGER PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL,
  Entity INTEGER NOT NULL, UNIQUE (StatementId, VariableId));
CREATE TABLE DATABOOLEAN (ID INTEGER PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL,
  Value INTEGER NOT NULL DEFAULT 1, UNIQUE (StatementId, VariableId));
CREATE TABLE DATAINTEGER (ID INTEGER PRIMARY KEY, StatementId INTEGER, VariableId INTEGER, Value INTEGER);
CREATE TABLE DATALONGTEXT (ID INTEGER PRIMARY KEY, StatementId INTEGER, VariableId INTEGER, Value TEXT);
"""


def java_offsets(text: str, exact: str, occurrence: int = 1) -> tuple[int, int]:
    """Start/stop of the n-th ``exact`` in ``text`` in UTF-16 code units, as DNA (Java) stores them."""
    index = -1
    for _ in range(occurrence):
        index = text.index(exact, index + 1)

    def units(n: int) -> int:
        return len(text[:n].encode("utf-16-le")) // 2

    return units(index), units(index + len(exact))


def epoch(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, 12, tzinfo=UTC).timestamp())


# (document, text, occurrence, person, organization, concept, agreement)
CODED = [
    (1, "a carbon tax is needed", 1, "Alice Smith", "Green Org", "Carbon tax", 1),
    (1, "coal must go", 1, "Alice Smith", "Green Org", "Coal phase-out", 1),
    (1, "a carbon tax is needed", 2, "Bob Jones", "Biz Org", "Carbon tax", 1),
    (1, "coal must stay", 1, "Bob Jones", "Biz Org", "Coal phase-out", 0),
    (1, "coal must go", 2, "Dave Brown", "", "Coal phase-out", 1),
    (2, "no carbon tax", 1, "Carol White", "Biz Org", "Carbon tax", 0),
    (2, "Coal must stay", 1, "Carol White", "Biz Org", "Coal phase-out", 0),
    (2, "coal must go", 1, "Carol White", "Biz Org", "Coal phase-out", 1),
]


def make_dna(path: Path) -> Path:
    """A DNA 3 database with the default statement type and the statements of :data:`CODED`."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute("INSERT INTO CODERS VALUES (1, 'Admin')")
    db.execute("INSERT INTO STATEMENTTYPES VALUES (1, 'DNA Statement', 239, 208, 51)")
    db.execute("INSERT INTO STATEMENTTYPES VALUES (2, 'Annotation', 0, 0, 0)")
    variables = {"person": 1, "organization": 2, "concept": 3, "agreement": 4}
    for name, vid in variables.items():
        db.execute("INSERT INTO VARIABLES VALUES (?, ?, ?, 1)",
                   (vid, name, "boolean" if name == "agreement" else "short text"))
    db.execute("INSERT INTO VARIABLES VALUES (5, 'note', 'long text', 2)")
    texts = {1: DOC1, 2: DOC2}
    db.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Source, Date) VALUES "
               "(1, 'Climate debate, day one', ?, 1, 'The Daily', ?)", (DOC1, epoch(2020, 1, 15)))
    db.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Source, Date) VALUES "
               "(2, 'Climate debate, day two', ?, 1, 'The Daily', ?)", (DOC2, epoch(2021, 6, 1)))
    entities: dict[tuple[int, str], int] = {}

    def entity(vid: int, value: str) -> int:
        if (vid, value) not in entities:
            entities[(vid, value)] = len(entities) + 1
            db.execute("INSERT INTO ENTITIES (ID, VariableId, Value) VALUES (?, ?, ?)",
                       (entities[(vid, value)], vid, value))
        return entities[(vid, value)]

    for vid in (1, 2, 3):
        entity(vid, "")  # DNA keeps an empty entity per variable
    for sid, (doc, exact, occ, person, org, concept, agreement) in enumerate(CODED, 1):
        start, stop = java_offsets(texts[doc], exact, occ)
        db.execute("INSERT INTO STATEMENTS VALUES (?, 1, ?, ?, ?, 1)", (sid, doc, start, stop))
        for name, value in (("person", person), ("organization", org), ("concept", concept)):
            db.execute("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                       (sid, variables[name], entity(variables[name], value)))
        db.execute("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, 4, ?)",
                   (sid, agreement))
    db.execute("INSERT INTO STATEMENTS VALUES (99, 2, 1, 0, 5, 1)")  # another statement type
    db.commit()
    db.close()
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture imported into a debate folder and built into a store: (folder, store)."""
    root = tmp_path_factory.mktemp("dna")
    dna_file = make_dna(root / "climate.dna")
    folder = root / "data" / "climate"
    import_dna(dna_file, folder)
    store = root / "store"
    build(folder, str(store))
    return folder, store


def test_utf16_offsets_become_code_points() -> None:
    start, stop = java_offsets(DOC2, "no carbon tax")
    assert (start, stop) == (DOC2.index("no carbon tax") + 1, DOC2.index("no carbon tax") + 14)
    assert DOC2[utf16_to_index(DOC2, start):utf16_to_index(DOC2, stop)] == "no carbon tax"


def test_import_writes_a_debate_folder_with_exact_quotes(imported: tuple[Path, Path]) -> None:
    folder, _ = imported
    assert sorted(p.name for p in folder.iterdir()) == [
        "debate.yaml", "doc-1.txt", "doc-1.yaml", "doc-2.txt", "doc-2.yaml"]
    assert (folder / "doc-2.txt").read_text(encoding="utf-8") == DOC2
    debate = yaml.safe_load((folder / "debate.yaml").read_text(encoding="utf-8"))
    assert debate["debate"]["id"] == "climate"
    assert [a["id"] for a in debate["actors"]] == [
        "o-biz-org", "o-green-org", "p-alice-smith", "p-bob-jones", "p-carol-white"]  # no Dave
    assert [c["id"] for c in debate["claims"]] == ["c-carbon-tax", "c-coal-phase-out"]
    doc1 = yaml.safe_load((folder / "doc-1.yaml").read_text(encoding="utf-8"))
    assert doc1["source"]["issued"] == "2020-01-15"
    quotes = {s["id"]: s["quote"] for s in doc1["statements"]}
    assert quotes == {
        "dna-statement-1": {"exact": "a carbon tax is needed", "occurrence": 1},
        "dna-statement-2": {"exact": "coal must go", "occurrence": 1},
        "dna-statement-3": {"exact": "a carbon tax is needed", "occurrence": 2},
        "dna-statement-4": "coal must stay",
    }
    bob = next(s for s in doc1["statements"] if s["id"] == "dna-statement-4")
    assert (bob["speaker"], bob["for"], bob["claim"], bob["stance"]) == (
        "p-bob-jones", "o-biz-org", "c-coal-phase-out", "disagree")


def test_built_store_keeps_dna_offsets(imported: tuple[Path, Path]) -> None:
    _, store_path = imported
    store = OxigraphStore(store_path)
    rows = store.query("""
        SELECT ?id ?start ?end ?date WHERE {
          ?s a dkg:Statement ; dct:identifier ?id ; dkg:quote/oa:hasSelector ?p ; dct:date ?date .
          ?p oa:start ?start ; oa:end ?end }""").values()
    found = {r["id"]: (r["start"], r["end"], r["date"].isoformat()) for r in rows}
    second = DOC1.index("a carbon tax is needed", DOC1.index("a carbon tax is needed") + 1)
    assert len(found) == 7
    assert found["dna-statement-3"] == (second, second + 22, "2020-01-15")
    assert found["dna-statement-6"] == (DOC2.index("no carbon tax"), DOC2.index("no carbon tax") + 13,
                                        "2021-06-01")


def test_hand_computed_congruence_and_conflict_after_import(imported: tuple[Path, Path]) -> None:
    _, store_path = imported
    store = OxigraphStore(store_path)
    people = one_mode(load_statements(store, "person"), "actor", "subtract", "no")
    ids = people.ids
    a, b, c = ids.index("p-alice-smith"), ids.index("p-bob-jones"), ids.index("p-carol-white")
    C, K = people.congruence.toarray(), people.conflict.toarray()
    assert (C[a, b], C[a, c], C[b, c]) == (1, 1, 1)
    assert (K[a, b], K[a, c], K[b, c]) == (1, 2, 2)
    orgs = one_mode(load_statements(store, "organisation"), "actor", "congruence", "no")
    g, z = orgs.ids.index("o-green-org"), orgs.ids.index("o-biz-org")
    assert orgs.congruence[g, z] == 2  # carbon tax agreed by both (1*1) + coal phase-out (1*1)
    assert orgs.conflict[g, z] == 3  # Green agrees with both; Biz disagrees once and twice


def test_cli_import_then_analyze_end_to_end(tmp_path: Path) -> None:
    dna_file = make_dna(tmp_path / "climate.dna")
    runner = CliRunner()
    out = tmp_path / "data" / "climate"
    result = runner.invoke(main, ["import", "dna", str(dna_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 documents, 7 statements, 5 actors, 2 claims" in result.output
    assert "skipped 1 statement(s): person without organization" in result.output
    again = runner.invoke(main, ["import", "dna", str(dna_file), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", str(out), "--store", str(store), "-q"]).exit_code == 0
    result = runner.invoke(main, ["analyze", "--store", str(store), "--aggregation", "conflict",
                                  "--from", "2021-01-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["statements"] == 3  # only Carol's statements (2021) are inside --from
    result = runner.invoke(main, ["analyze", "--store", str(store), "--aggregation", "conflict",
                                  "-f", "json"])
    edges = {(e["source"], e["target"]): e["weight"] for e in json.loads(result.output)["edges"]}
    assert edges == {("p-alice-smith", "p-bob-jones"): 1.0, ("p-alice-smith", "p-carol-white"): 2.0,
                     ("p-bob-jones", "p-carol-white"): 2.0}


def test_bad_dna_files_are_one_line_errors(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "x.dna"
    not_sqlite.write_text("hello", encoding="utf-8")
    with pytest.raises(KgError, match="not a DNA database"):
        import_dna(not_sqlite, tmp_path / "out")
    empty = tmp_path / "empty.dna"
    sqlite3.connect(empty).close()
    with pytest.raises(KgError, match="no table DATASHORTTEXT, DOCUMENTS"):
        import_dna(empty, tmp_path / "out")
    dna_file = make_dna(tmp_path / "climate.dna")
    with pytest.raises(KgError, match="no statement type 'Speech act'"):
        import_dna(dna_file, tmp_path / "out", statement_type="Speech act")
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(main, ["import", "dna", str(tmp_path / "missing.dna")])
    assert result.exit_code == 2 and "file not found" in result.output


def test_dna_offsets_of_the_wrong_type_are_one_line_errors(tmp_path: Path) -> None:
    dna_file = make_dna(tmp_path / "climate.dna")
    db = sqlite3.connect(dna_file)
    db.execute("UPDATE STATEMENTS SET Start = 'ten', Stop = 'twelve' "
               "WHERE ID = (SELECT MIN(ID) FROM STATEMENTS)")
    db.commit()
    db.close()
    with pytest.raises(KgError, match="Start and Stop must be whole numbers, not 'ten' and 'twelve'"):
        import_dna(dna_file, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_markup_in_coded_names_prints_as_text(tmp_path: Path) -> None:
    dna_file = make_dna(tmp_path / "climate.dna")
    db = sqlite3.connect(dna_file)
    db.execute("UPDATE ENTITIES SET Value = '[red]Carbon tax[/red]' WHERE Value = 'Carbon tax'")
    db.commit()
    db.close()
    folder = tmp_path / "data" / "climate"
    import_dna(dna_file, folder)
    build(folder, str(tmp_path / "store"))
    env = {"KG_STORE": str(tmp_path / "store"), "COLUMNS": "250"}
    result = CliRunner().invoke(main, ["analyze"], env=env)
    assert result.exit_code == 0, result.output
    assert "[red]Carbon tax[/red]" in result.output


def test_organisation_only_statements_speak_for_themselves() -> None:
    from kg.ingest.dna import Document, Project, Statement, debate_files

    text = "Green Org wants a carbon tax. Nobody said anything else."
    project = Project({7: Document(7, "Day", text, None, "DNA document 7")}, [
        Statement(1, 7, 16, 28, "", "Green Org", "Carbon tax", True),
        Statement(2, 7, 30, 37, "", "Green Org", "", True),  # no concept: skipped
    ])
    files = debate_files(project, "x", "X")
    doc = yaml.safe_load(files["doc-7.yaml"])
    assert doc["source"]["issued"] == "unknown"
    assert doc["statements"] == [{"id": "dna-statement-1", "speaker": "o-green-org", "claim": "c-carbon-tax",
                                  "stance": "agree", "quote": "a carbon tax"}]
    assert dict(project.skipped) == {"no concept": 1}
