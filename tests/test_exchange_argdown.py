"""`kg export -f argdown` on the seed, and every exchange writer on a debate made of hostile text.

The Argdown checks read the output as Argdown does (a statement definition is `[Title]:` up to the
first `]:`, metadata a YAML block) with yaml as the independent reader; with KG_ARGDOWN_MODULES set
to a node_modules folder holding @argdown/core, Argdown's own parser reads it too."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from kg.render.exchange.aif import aif_bytes
from kg.render.exchange.argdown import argdown_text, text, title
from kg.render.exchange.claimreview import claimreview_bytes
from kg.render.exchange.debate import Debate, load
from kg.render.exchange.dna_file import dna_bytes
from kg.render.exchange.web_annotation import annotations_bytes
from kg.stores.oxigraph import OxigraphStore

DEFINITION = re.compile(r"^\[(?P<title>[^\]]+)\]: (?P<text>.*?) #\((?P<kind>[^)]+)\) (?P<data>\{.*\})$")
HOSTILE = ('</script><script>alert(1)</script> [x]: {a: 1} } === #tag @me *b* _i_ // c '
           'e.g. .u.k. \\ "q" ‘curly’ \u2028 end')


@pytest.fixture(scope="module")
def seed_argdown(store: OxigraphStore) -> str:
    return argdown_text(load(store))


def _definitions(document: str) -> dict[str, dict]:
    found = {}
    for line in document.splitlines():
        match = DEFINITION.match(line)
        if match:
            found[match["title"]] = {"text": match["text"], "kind": match["kind"],
                                     "data": yaml.safe_load(match["data"])}
    return found


def test_argdown_statements_relations_and_metadata(seed_argdown: str) -> None:
    front = seed_argdown.split("===\n")[1]
    meta = yaml.safe_load(front)
    assert meta["title"] == "Arming frontline police officers with Taser (UK)"
    assert [s["id"] for s in meta["sources"]] == ["edp-norfolk-taser-call", "tv-federation-taser-call"]
    statements = _definitions(seed_argdown)
    assert len(statements) == 45  # 37 claims and 8 evidence items
    use_of_force = statements["Carrying Taser increases use of force"]
    assert use_of_force["data"]["id"] == "taser-carriers-more-likely-use-force"
    quotes = {(s["speaker"], s["stance"], s["start"], s["end"]) for s in use_of_force["data"]["statements"]}
    assert ("andy-symonds", "disagree", 2265, 2363) in quotes
    relations = re.findall(r"^  ([+-]) \[([^\]]+)\]$", seed_argdown, re.M)
    assert len(relations) == 32 and sum(sign == "-" for sign, _ in relations) == 2
    block = seed_argdown.split("[Carrying Taser increases use of force]:")[1].split("\n\n")[0]
    assert "  - [Officers must justify their force]" in block
    assert "  - [Taser training is not diluted]" in block
    assert all(name in statements for _, name in relations)  # every relation names a statement


def _hostile() -> Debate:
    words = f"He said {HOSTILE} and left."
    source = {"node": "https://example.org/s", "id": "s1", "title": HOSTILE, "text": words,
              "file": "s.txt", "kind": "news-article", "issued": "2020-01-02", "earliest": None,
              "publisher": HOSTILE, "url": None}
    start, end = 8, 8 + len(HOSTILE)
    quote = {"source": "s1", "start": start, "end": end, "exact": HOSTILE}
    return Debate(
        id="evil", title=HOSTILE, description="", iri="https://example.org/evil",
        sources={"s1": source},
        actors={"a": {"node": "https://example.org/a", "id": "a", "name": HOSTILE, "kind": "person"},
                "o": {"node": "https://example.org/o", "id": "o", "name": "Org " + HOSTILE,
                      "kind": "organisation"}},
        claims={"c": {"node": "https://example.org/c", "id": "c", "role": "claim", "kind": "factual",
                      "label": HOSTILE, "text": HOSTILE, "by": None},
                "e": {"node": "https://example.org/e", "id": "e", "role": "evidence", "kind": "study",
                      "label": "Study " + HOSTILE, "text": None, "by": None}},
        statements=[{"node": "https://example.org/st", "id": "st", "speaker": "a", "org": "o", "claim": "c",
                     "stance": "agree", "mode": "direct", "date": None, **quote}],
        links=[{"node": "https://example.org/l", "id": "l", "premise": "e", "conclusion": "c",
                "polarity": "support", "basis": "stated", "by": "a", **quote}],
        quotes=[{"quote": "https://example.org/q", "node": "https://example.org/st", "id": "st",
                 "label": HOSTILE, "role": "statement", "prefix": "He said ", "suffix": " and left.",
                 **quote}],
        checks=[],
    )


def _strings(value: object) -> set[str]:
    """Every string in parsed JSON."""
    if isinstance(value, dict):
        return set().union(*map(_strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return {value} if isinstance(value, str) else set()


def test_hostile_text_stays_text_in_every_format(tmp_path: Path) -> None:
    debate = _hostile()
    for data in (annotations_bytes(debate), claimreview_bytes(debate), aif_bytes(debate)):
        assert b"<" not in data and b">" not in data and "\u2028".encode() not in data
        assert HOSTILE in _strings(json.loads(data))  # read back, unchanged
    document = argdown_text(debate)
    statements = _definitions(document)
    assert set(statements) == {title(HOSTILE), title("Study " + HOSTILE)}
    assert "[" not in title(HOSTILE) and "<" not in title(HOSTILE)
    claim = statements[title(HOSTILE)]
    assert claim["data"]["statements"][0]["exact"] == HOSTILE  # the YAML block gives the words back
    assert claim["text"] == text(HOSTILE)
    assert "\\<script\\>" in claim["text"] and "\\.u\\.k. " in claim["text"] and "\\=\\=\\=" in claim["text"]
    assert yaml.safe_load(document.split("===\n")[1])["title"] == HOSTILE
    path = tmp_path / "evil.dna"
    path.write_bytes(dna_bytes(debate))
    db = sqlite3.connect(path)
    assert db.execute("SELECT Title, Source FROM DOCUMENTS").fetchone() == (HOSTILE, HOSTILE)
    assert db.execute("SELECT COUNT(*) FROM ENTITIES WHERE Value = ?", (HOSTILE,)).fetchone() == (2,)
    db.close()


MODULES = os.environ.get("KG_ARGDOWN_MODULES")


@pytest.mark.skipif(not (MODULES and shutil.which("node")), reason="set KG_ARGDOWN_MODULES to a node_modules "
                    "folder with @argdown/core to parse with Argdown itself")
def test_argdown_parses_it(seed_argdown: str, tmp_path: Path) -> None:
    script = """
const core = require("@argdown/core"); const fs = require("fs");
const app = new core.ArgdownApplication();
app.addPlugin(new core.ParserPlugin(), "parse-input");
app.addPlugin(new core.DataPlugin(), "build-model");
app.addPlugin(new core.ModelPlugin(), "build-model");
const r = app.run({input: fs.readFileSync(process.argv[1], "utf8"), process: ["parse-input", "build-model"]});
console.log(JSON.stringify({errors: (r.lexerErrors || []).length + (r.parserErrors || []).length,
  statements: Object.keys(r.statements || {}).length,
  relations: (r.relations || []).map(x => [x.from.title, x.relationType, x.to.title])}));
"""
    for name, document in (("seed", seed_argdown), ("hostile", argdown_text(_hostile()))):
        path = tmp_path / f"{name}.argdown"
        path.write_text(document, encoding="utf-8")
        done = subprocess.run(["node", "-e", script, str(path)], capture_output=True, text=True, check=True,
                              env={**os.environ, "NODE_PATH": str(MODULES)}, timeout=60)
        parsed = json.loads(done.stdout)
        assert parsed["errors"] == 0
        if name == "seed":
            assert parsed["statements"] == 45 and len(parsed["relations"]) == 32
            assert ["Taser training is not diluted", "attack", "Carrying Taser increases use of force"] in \
                parsed["relations"]
        else:
            assert parsed["statements"] == 2
            assert parsed["relations"] == [[title("Study " + HOSTILE), "support", title(HOSTILE)]]
