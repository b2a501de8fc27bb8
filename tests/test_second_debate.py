"""A second debate from nothing, as a user makes one (issue 14's 'done when'): ``kg new``, ``kg add``
one of our own test articles, ``kg extract`` drafts, the coder accepts drafts, ``kg build``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.queries import runner
from kg.stores.oxigraph import OxigraphStore
from tests.test_annotate import _serve

# What a curator picks in the coder's form for each drafted speaker: the organisation spoken for
# (the build requires one for a person), read from the article.
SPEAKS_FOR = {"margaret-ellis": "northshire-county-council", "paul-hendry": "national-education-union",
              "samuel-okafor": "university-of-eastbridge"}
ARTICLE = (Path(__file__).resolve().parent / "fixtures" / "articles" / "school-phones"
           / "001_northshire_phone_ban.txt")


def kg(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_new_add_extract_accept_build_makes_a_working_debate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    kg("new", "phones", "--data", str(data), "--title", "Phones in classrooms")
    kg("add", str(ARTICLE), "--debate", "phones", "--data", str(data))
    [text_path] = sorted((data / "phones").glob("*.txt"))
    assert text_path.read_bytes() == ARTICLE.read_bytes()  # stored unchanged
    kg("extract", str(text_path))
    draft = json.loads(text_path.with_name(text_path.stem + ".draft.json").read_text(encoding="utf-8"))
    direct = [i for i, s in enumerate(draft["statements"]) if s["mode"] == "direct"]
    assert len(direct) >= 3
    stem = text_path.stem
    server = _serve(data, tmp_path / "store")
    coder = next(server)
    try:
        base = f"/api/debates/phones/docs/{stem}"
        _, doc = coder.api("GET", base)
        # the speakers first (the drafted actors), then their quotes on one new neutral claim
        wanted = set(SPEAKS_FOR) | set(SPEAKS_FOR.values())
        actors = [{"kind": "actors", "index": d["index"]} for d in doc["drafts"]["actors"]
                  if d["id"] in wanted]
        assert len(actors) == 6
        status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "accept",
                                                             "items": actors})
        assert status == 200, answer
        _, doc = coder.api("GET", base)
        first, *rest = [d for d in doc["drafts"]["statements"]
                        if d["mode"] == "direct" and d["actor"] in SPEAKS_FOR]
        pick = {"kind": "statements", "index": first["index"],
                "fields": {"speaker": first["actor"], "for": SPEAKS_FOR[first["actor"]], "claim": "__new__",
                           "stance": "agree"},
                "new_claim": {"label": "Ban phones in class",
                              "text": "Phones should be banned in classrooms."}}
        status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "accept",
                                                             "items": [pick]})
        assert status == 200, answer
        _, doc = coder.api("GET", base)
        picks = [{"kind": "statements", "index": d["index"],
                  "fields": {"speaker": d["actor"], "for": SPEAKS_FOR[d["actor"]],
                             "claim": "ban-phones-in-class", "stance": "agree"}}
                 for d in doc["drafts"]["statements"] if d["mode"] == "direct" and d["actor"] in SPEAKS_FOR]
        status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "accept",
                                                             "items": picks})
        assert status == 200 and answer["done"] == len(rest), answer
    finally:
        server.close()
    assert len(rest) == 5  # six direct quotes by the three speakers
    out = kg("build", str(data), "--store", str(tmp_path / "built"))
    assert "statements 6" in out, out
    with OxigraphStore(tmp_path / "built") as store:
        quotes = runner.rows(store, "quote-mismatches")
        assert quotes == []  # every accepted quote sits exactly at its offsets
        counts = runner.rows(store, "counts")[0]
        found = (int(counts["statements"]), int(counts["claims"]), int(counts["sources"]))
        assert found == (1 + len(rest), 1, 1)
