"""Bad input: one line naming the file and place, a non-zero exit, the old store intact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import build

from .conftest import ROOT


@pytest.fixture
def built(tmp_path: Path, data_copy: Path) -> tuple[Path, Path]:
    """A store built from a private copy of the data; returns (data folder, store path)."""
    target = tmp_path / "store"
    build(data_copy.parent, str(target))
    return data_copy, target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def run_kg(*args: str, store: Path, debug: bool = False) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess: exit code and stderr as a user sees them."""
    env = {**os.environ, "KG_STORE": str(store)}
    env.pop("KG_DEBUG", None)
    if debug:
        env["KG_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_changed_word_in_a_quote_fails_and_keeps_the_old_store(built) -> None:
    data, store = built
    ann = data / "004_d57e7b97e3561e93.yaml"
    edit(ann, "quote: Taser can help control the situation when it has got to that level.",
         "quote: Taser can help contain the situation when it has got to that level.")
    line = line_of(ann, "Taser can help contain the situation")
    proc = run_kg("build", str(data.parent), store=store)
    message = one_error_line(proc)
    assert f"004_d57e7b97e3561e93.yaml:{line}:" in message
    assert "quote not found" in message
    assert "nearest passage: 'Taser can help control the situation" in message
    # the previous store still answers
    after = run_kg("query", "counts", "-f", "csv", store=store)
    assert after.returncode == 0
    assert after.stdout.splitlines()[1].split(",")[4] == "33"  # claims


def test_ambiguous_quote_asks_for_an_occurrence(built) -> None:
    data, store = built
    ann = data / "004_d57e7b97e3561e93.yaml"
    edit(ann, "      occurrence: 1\n", "")
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert "quote occurs 2 times (at offsets 3956, 4139)" in message
    assert "occurrence: N" in message


def test_unknown_id_names_file_and_line(built) -> None:
    data, store = built
    ann = data / "000_c2d672fdb30a2dc9.yaml"
    edit(ann, "    claim: taser-voluntary\n", "    claim: taser-voluntry\n")
    line = line_of(ann, "claim: taser-voluntry")
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert f"000_c2d672fdb30a2dc9.yaml:{line}: unknown claim id 'taser-voluntry'" in message


def test_unknown_keyword_lists_the_allowed_ones(built) -> None:
    data, store = built
    ann = data / "debate.yaml"
    edit(ann, "kind: staff-association\n", "kind: trade-union\n")
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert "debate.yaml:" in message and "unknown kind 'trade-union'" in message
    assert "staff-association" in message


def test_malformed_yaml(built) -> None:
    data, store = built
    (data / "debate.yaml").write_text("debate:\n  id: x\n   bad: [unclosed\n", encoding="utf-8")
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert "debate.yaml:3: malformed YAML" in message


def test_bad_turtle(built) -> None:
    data, store = built
    (data / "extra.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n",
                                    encoding="utf-8")
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert "extra.ttl" in message and "bad Turtle" in message


def test_debug_shows_the_cause_chain_of_a_user_error(built) -> None:
    """KG_DEBUG=1: the traceback of the parser's own exception, then of the KgError made from it."""
    data, store = built
    (data / "extra.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    proc = run_kg("build", str(data.parent), store=store, debug=True)
    assert proc.returncode == 2
    assert "The above exception was the direct cause of the following exception" in proc.stderr
    assert "BadSyntax" in proc.stderr  # rdflib's own error, the cause
    assert "kg.model.errors.KgError" in proc.stderr
    assert proc.stderr.rstrip().splitlines()[-1].startswith("error: ")


def test_missing_source_text(built) -> None:
    data, store = built
    (data / "000_c2d672fdb30a2dc9.txt").unlink()
    message = one_error_line(run_kg("build", str(data.parent), store=store))
    assert "000_c2d672fdb30a2dc9.yaml:" in message and "source text not found" in message


def test_missing_data_folder(tmp_path: Path) -> None:
    message = one_error_line(run_kg("build", str(tmp_path / "nope"), store=tmp_path / "s"))
    assert "nope: data folder not found" in message


def test_shacl_violations_are_listed_readably(built) -> None:
    data, store = built
    (data / "extra.ttl").write_text(
        "@prefix dkg: <https://w3id.org/debate-kg/ns#> .\n"
        "<https://w3id.org/debate-kg/id/taser-uk/statement/orphan> a dkg:Statement .\n",
        encoding="utf-8",
    )
    proc = run_kg("build", str(data.parent), store=store)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "SHACL validation failed" in proc.stderr
    assert "taser-uk/statement/orphan: dkg:speaker" in proc.stderr


def test_bad_sparql_and_unknown_ids(seed_store: Path) -> None:
    assert "bad SPARQL" in one_error_line(run_kg("query", "SELECT ?x WHERE { ?x", store=seed_store))
    unknown = one_error_line(
        run_kg("query", "evidence-for-claim", "--param", "claim=no-such-claim", store=seed_store)
    )
    assert "unknown id 'no-such-claim'" in unknown
    missing = one_error_line(run_kg("query", "evidence-for-claim", store=seed_store))
    assert "needs --param claim=" in missing
    assert "no query named" in one_error_line(run_kg("query", "no-such-query", store=seed_store))


def test_parameters_are_bound_not_pasted(kg) -> None:
    """A value full of SPARQL syntax is one literal: it matches nothing and breaks nothing."""
    evil = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("1'
    result = kg("query", "resolve-id", "--param", f"id={evil}", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.strip() == "id,resource,label"
    ok = kg("query", "resolve-id", "--param", "id=graham-smith", "-f", "csv")
    assert "https://w3id.org/debate-kg/id/taser-uk/actor/graham-smith,Graham Smith" in ok.stdout


def test_no_store_yet(tmp_path: Path) -> None:
    message = one_error_line(run_kg("query", "counts", store=tmp_path / "none"))
    assert "run 'kg build' first" in message
