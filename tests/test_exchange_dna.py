"""`kg export -f dna`: the seed debate as a DNA 3 project, read back with sqlite3 and with
`kg import dna`, which must give the same statements, actors, claims, stances and offsets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from kg.build import build
from kg.ingest.dna import import_dna, utf16_to_index
from kg.queries.runner import rows
from kg.render.exchange.dna_file import password_hash, utf16_offset
from kg.stores.oxigraph import OxigraphStore
from tests.conftest import SEED


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, seed_store: Path) -> Path:
    """The seed store exported with the CLI to a .dna file."""
    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path_factory.mktemp("dna-out") / "taser.dna"
    result = CliRunner().invoke(main, ["export", "-f", "dna", "-o", str(out), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def round_trip(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OxigraphStore]:
    """The export imported with `kg import dna` and built: (folder, store)."""
    root = tmp_path_factory.mktemp("dna-back")
    folder = root / "data" / "taser-back"
    import_dna(exported, folder)
    build(folder, str(root / "store"))
    return folder, OxigraphStore(root / "store")


def test_sqlite_reads_dna_tables_and_offsets(exported: Path) -> None:
    db = sqlite3.connect(exported)
    assert db.execute("SELECT Value FROM SETTINGS WHERE Property = 'version'").fetchone() == ("3.0.11.5",)
    assert db.execute("SELECT Label FROM STATEMENTTYPES ORDER BY ID").fetchall() == [
        ("DNA Statement",), ("Hedged or declined statement",)]
    variables = db.execute("SELECT Variable, DataType FROM VARIABLES WHERE StatementTypeId = 1 ORDER BY ID")
    assert variables.fetchall() == [("person", "short text"), ("organization", "short text"),
                                    ("concept", "short text"), ("agreement", "boolean")]
    docs = dict(db.execute("SELECT Title, ID FROM DOCUMENTS"))
    assert len(docs) == 2
    edp = docs["Fresh calls to arm every front line officer in Norfolk with Taser"]
    text, date, source = db.execute("SELECT Text, Date, Source FROM DOCUMENTS WHERE ID = ?",
                                    (edp,)).fetchone()
    assert text == (SEED / "004_d57e7b97e3561e93.txt").read_text(encoding="utf-8")
    assert (date, source) == (1522540800, "Eastern Daily Press")  # 2018-04-01, the earliest implied date
    # 53 agree/disagree statements as DNA Statements, the one declined one apart
    by_type = db.execute("SELECT StatementTypeId, COUNT(*) FROM STATEMENTS GROUP BY 1").fetchall()
    assert by_type == [(1, 53), (2, 1)]
    assert db.execute("SELECT Value, COUNT(*) FROM DATABOOLEAN GROUP BY 1").fetchall() == [(0, 3), (1, 50)]
    # Andy Symonds's disagreement on use of force, at the seed's offsets 2265-2363
    row = db.execute("""
        SELECT s.Start, s.Stop, p.Value, o.Value, c.Value, b.Value FROM STATEMENTS s
        JOIN DATASHORTTEXT dp ON dp.StatementId = s.ID AND dp.VariableId = 1
        JOIN ENTITIES p ON p.ID = dp.Entity
        JOIN DATASHORTTEXT do ON do.StatementId = s.ID AND do.VariableId = 2
        JOIN ENTITIES o ON o.ID = do.Entity
        JOIN DATASHORTTEXT dc ON dc.StatementId = s.ID AND dc.VariableId = 3
        JOIN ENTITIES c ON c.ID = dc.Entity
        JOIN DATABOOLEAN b ON b.StatementId = s.ID
        WHERE s.DocumentId = ? AND s.Start = 2265""", (edp,)).fetchone()
    assert row == (2265, 2363, "Andy Symonds", "Norfolk Police Federation",
                   "Carrying Taser increases use of force", 0)
    assert text[2265:2363].startswith("Mr Symonds insisted a roll-out of Taser would not")
    ids = dict(db.execute("""SELECT e.Value, x.AttributeValue FROM ATTRIBUTEVALUES x
        JOIN ATTRIBUTEVARIABLES a ON a.ID = x.AttributeVariableId JOIN ENTITIES e ON e.ID = x.EntityId
        WHERE a.AttributeVariable = 'kg id' AND e.VariableId = 1"""))
    assert ids["Andy Symonds"] == "andy-symonds"
    db.close()


def _statements(store: OxigraphStore) -> set[tuple]:
    titles = {r["id"]: r["title"] for r in rows(store, "exchange-sources")}
    return {(r["speaker"], r["org"], r["claim"], r["stance"], titles[r["source"]], r["start"], r["end"],
             r["exact"]) for r in rows(store, "exchange-statements")}


def test_round_trip_gives_the_same_statements(store: OxigraphStore,
                                              round_trip: tuple[Path, OxigraphStore]) -> None:
    _, back = round_trip
    before, after = _statements(store), _statements(back)
    assert len(before) == len(after) == 54
    assert after == before
    assert ("thames-valley-police", "thames-valley-police", "taser-for-every-frontline-officer-who-wants-one",
            "declined", "Tasers should be rolled out to every frontline officer who wants one, says "
            "Thames Valley Police Federation", 2336, 2416,
            "Thames Valley Police did not say whether they planned to give all offices Tasers") in after


def test_round_trip_keeps_actors_and_claims(store: OxigraphStore,
                                            round_trip: tuple[Path, OxigraphStore]) -> None:
    folder, back = round_trip
    speaking = {r["speaker"] for r in rows(store, "exchange-statements")} | {
        r["org"] for r in rows(store, "exchange-statements")}
    actors = {r["id"]: (r["name"], r["kind"]) for r in rows(back, "exchange-actors")}
    assert len(actors) == len(speaking) == 13
    original = {r["id"]: (r["name"], r["kind"]) for r in rows(store, "exchange-actors")}
    assert actors == {ident: original[ident] for ident in speaking}
    claims = {r["id"]: r for r in rows(back, "exchange-claims")}
    assert len(claims) == 36  # the 37 claims but the one no statement is on
    seed = {r["id"]: r for r in rows(store, "exchange-claims")}
    assert all((c["label"], c["text"]) == (seed[i]["label"], seed[i]["text"]) for i, c in claims.items())
    assert claims["taser-for-every-frontline-officer"]["kind"] == "policy"
    # a quantitative claim's quantity is not in DNA: it comes back as a plain claim
    assert claims["norfolk-taser-fired-under-one-in-ten"]["kind"] == "claim"
    debate = yaml.safe_load((folder / "debate.yaml").read_text(encoding="utf-8"))
    assert {"id": "andy-symonds", "name": "Andy Symonds", "kind": "person"} in debate["actors"]


def test_offsets_count_utf16_units_outside_the_bmp() -> None:
    text = "🌍 Carol: no carbon tax"
    start = text.index("no carbon tax")
    assert utf16_offset(text, start) == start + 1
    assert utf16_to_index(text, utf16_offset(text, start)) == start


def test_admin_password_is_hashed_as_dna_does() -> None:
    # jasypt StrongPasswordEncryptor layout: base64(16-byte salt + SHA-256 digest) = 64 characters
    stored = password_hash("admin", salt=bytes(16))
    assert len(stored) == 64 and stored.startswith("AAAAAAAAAAAAAAAAAAAAA")
    assert stored == password_hash("admin", salt=bytes(16)) != password_hash("admin2", salt=bytes(16))


def test_dna_needs_an_output_file(kg) -> None:  # type: ignore[no-untyped-def]
    result = kg("export", "-f", "dna")
    assert result.exit_code == 2
    assert "error: -f dna writes a binary SQLite file: give it with -o FILE.dna" in result.output


def test_round_trip_gives_dna_the_same_networks(store: OxigraphStore,
                                                round_trip: tuple[Path, OxigraphStore]) -> None:
    from kg.analysis.discourse import load_statements, one_mode

    def ties(graph_store: OxigraphStore, level: str) -> dict[tuple[str, str], tuple[float, float]]:
        net = one_mode(load_statements(graph_store, level), "actor", "subtract", "no")
        congruence, conflict = net.congruence.toarray(), net.conflict.toarray()
        return {(a, b): (congruence[i, j], conflict[i, j]) for i, a in enumerate(net.ids)
                for j, b in enumerate(net.ids) if congruence[i, j] or conflict[i, j]}

    _, back = round_trip
    for level in ("person", "organisation"):
        assert ties(back, level) == ties(store, level)
    people = ties(store, "person")
    # conflict: use of force 2 disagreeing x 2 agreeing statements, assaults 1 x 1
    assert people[("andy-symonds", "cambridge-researchers")] == (0, 5)
