"""kg annotate: the browser coder over HTTP (token, origin, limits, ids, saves that the build
refuses) and end to end in Chromium (code a statement by selecting its words, accept a draft,
build, markup shown as text), on copies of the frozen seed debate in tmp_path."""

from __future__ import annotations

import difflib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from kg.cli import main
from kg.serve.annotate.app import Coder, make_app
from kg.serve.app import Server, listen, new_token
from tests.conftest import SEED

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "annotate"
EDP = "004_d57e7b97e3561e93"
WAIT = 30_000  # ms: a save validates the whole debate (about 1 s here; more on a busy machine)
CAPTION = ("A new study by the University of Cambridge suggests police officers carrying Tasers are both "
           "more likely to be assaulted and to use force against suspects")


@dataclass
class Running:
    base: str
    token: str
    data: Path
    store: Path

    def call(self, method: str, path: str, body: bytes | None = None,
             **headers: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def api(self, method: str, path: str, payload: object | None = None, **headers: str) -> tuple[int, dict]:
        extra = {"Cookie": f"kg_token={self.token}", "Origin": self.base,
                 "Content-Type": "application/json", **headers}
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.call(method, path, body, **extra)
        return status, json.loads(data or b"{}")


def _serve(data: Path, store: Path) -> Iterator[Running]:
    sock = listen("127.0.0.1", 0, 16)
    port = int(sock.getsockname()[1])
    token = new_token()
    server = Server(make_app(Coder(data, str(store)), token, port), port=port, sock=sock)
    with server.running() as base:
        yield Running(base, token, data, store)


@pytest.fixture
def coder(tmp_path: Path) -> Iterator[Running]:
    """The coder on a copy of the seed debate, with the draft fixture beside the EDP article."""
    folder = tmp_path / "data" / "taser-uk"
    shutil.copytree(SEED, folder)
    shutil.copy(FIXTURES / f"{EDP}.draft.json", folder)
    yield from _serve(tmp_path / "data", tmp_path / "store")


@pytest.fixture
def markup(tmp_path: Path) -> Iterator[Running]:
    """The coder on a tiny debate whose text, labels and drafts hold markup."""
    shutil.copytree(FIXTURES / "script", tmp_path / "data" / "script")
    yield from _serve(tmp_path / "data", tmp_path / "store")


def diff(before: str, after: str) -> list[str]:
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]


# --- HTTP --------------------------------------------------------------------------------------


def test_every_request_needs_the_token(coder: Running) -> None:
    for path in ("/", "/static/annotate.js", "/api/debates", f"/api/debates/taser-uk/docs/{EDP}"):
        status, _, body = coder.call("GET", path)
        assert status == 403, path
        assert b"Tasers" not in body
    assert coder.call("GET", "/api/debates", Cookie="kg_token=" + "x" * 43)[0] == 403
    status, headers, _ = coder.call("GET", f"/?token={coder.token}")
    assert status == 303 and headers["location"] == "/"
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=strict" in headers["set-cookie"]
    status, headers, page = coder.call("GET", "/", Cookie=f"kg_token={coder.token}")
    assert status == 200 and b'<script src="/static/annotate.js">' in page
    assert "script-src 'self'" in headers["content-security-policy"]
    status, listing = coder.api("GET", "/api/debates")
    assert status == 200
    [debate] = listing
    assert debate["id"] == "taser-uk" and [d["stem"] for d in debate["docs"]] == [
        "000_c2d672fdb30a2dc9", EDP]
    assert debate["docs"][1]["counts"] == {"statements": 33, "evidence": 5, "links": 22, "quantities": 16,
                                           "drafts": 5}
    assert debate["docs"][0]["counts"]["drafts"] == 0


def test_writes_must_come_from_the_page(coder: Running) -> None:
    status, doc = coder.api("GET", f"/api/debates/taser-uk/docs/{EDP}")
    payload = {"version": doc["version"], "section": "statements", "index": 0}
    path = f"/api/debates/taser-uk/docs/{EDP}/delete"
    before = (coder.data / "taser-uk" / f"{EDP}.yaml").read_bytes()
    assert coder.api("POST", path, payload, Origin="http://evil.example")[0] == 403
    status, _, _ = coder.call("POST", path, json.dumps(payload).encode(), Cookie=f"kg_token={coder.token}",
                              **{"Content-Type": "application/json"})
    assert status == 403  # neither Origin nor Referer
    assert coder.api("POST", path, payload, Origin="null")[0] == 403
    assert (coder.data / "taser-uk" / f"{EDP}.yaml").read_bytes() == before
    status, _, _ = coder.call("POST", path, json.dumps({**payload, "version": "old"}).encode(),
                              Cookie=f"kg_token={coder.token}", Referer=f"{coder.base}/",
                              **{"Content-Type": "application/json"})
    assert status == 409  # past the origin check (by Referer), refused for the stale version


def test_bad_ids_and_big_bodies_are_refused(coder: Running) -> None:
    assert coder.api("GET", "/api/debates/nope/docs/x")[0] == 404
    assert coder.api("GET", "/api/debates/taser-uk/docs/debate")[0] == 404  # debate.yaml is not a source
    assert coder.api("GET", "/api/debates/taser-uk/docs/..%2Fdebate")[0] == 404
    assert coder.api("GET", "/api/debates/taser-uk/docs/.hidden")[0] == 404
    assert coder.call("GET", "/static/../app.py", Cookie=f"kg_token={coder.token}")[0] == 404
    _, doc = coder.api("GET", f"/api/debates/taser-uk/docs/{EDP}")
    base = f"/api/debates/taser-uk/docs/{EDP}"
    status, answer = coder.api("POST", f"{base}/delete", {"version": doc["version"], "section": "source",
                                                          "index": 0})
    assert status == 400
    status, answer = coder.api("POST", f"{base}/delete", {"version": doc["version"], "section": "statements",
                                                          "index": 999})
    assert status == 422 and "no entry 999 in 'statements' (33 there)" in answer["error"]
    status, answer = coder.api("POST", f"{base}/save", {"version": doc["version"], "kind": "statement",
                                                        "start": 0, "end": 5, "fields": {"quote": "x"}})
    assert status == 400 and answer["error"] == "unknown field 'quote'"
    status, answer = coder.api("POST", "/api/debates/taser-uk/merge", {"kind": "actor", "keep": "pfew",
                                                                       "drop": "../x"})
    assert status == 400
    status, _, _ = coder.call("POST", f"{base}/save", b"{" + b" " * 300_000 + b"}",
                              Cookie=f"kg_token={coder.token}", Origin=coder.base,
                              **{"Content-Type": "application/json"})
    assert status == 413
    status, answer = coder.api("POST", f"{base}/save", {"version": doc["version"], "kind": "statement",
                                                        "start": 0, "end": 5, "fields": {"note": "x" * 6000}})
    assert status == 413


def test_a_save_the_build_refuses_is_undone_and_located(coder: Running) -> None:
    path = coder.data / "taser-uk" / f"{EDP}.yaml"
    before = path.read_text(encoding="utf-8")
    _, doc = coder.api("GET", f"/api/debates/taser-uk/docs/{EDP}")
    text = doc["text"]
    start = text.index("Officers want it there")
    status, answer = coder.api("POST", f"/api/debates/taser-uk/docs/{EDP}/save", {
        "version": doc["version"], "kind": "statement", "index": None, "start": start, "end": start + 22,
        "fields": {"speaker": "andy-symonds", "claim": "taser-protects-public", "stance": "maybe"}})
    assert status == 422
    assert answer["line"] == 419 and answer["file"].endswith(f"{EDP}.yaml")
    assert "unknown stance 'maybe' (one of: agree, declined, disagree, hedged)" in answer["error"]
    assert path.read_text(encoding="utf-8") == before


def test_saving_new_actor_and_claim_through_the_api(coder: Running) -> None:
    path = coder.data / "taser-uk" / f"{EDP}.yaml"
    before = path.read_text(encoding="utf-8")
    _, doc = coder.api("GET", f"/api/debates/taser-uk/docs/{EDP}")
    start = doc["text"].index("Sgt Chris Harris with a X26 taser gun")
    status, answer = coder.api("POST", f"/api/debates/taser-uk/docs/{EDP}/save", {
        "version": doc["version"], "kind": "statement", "index": None, "start": start, "end": start + 37,
        "fields": {"speaker": "__new__", "claim": "__new__", "stance": "agree", "mode": "reported"},
        "new_actor": {"name": "Picture desk", "kind": "publisher"},
        "new_claim": {"label": "Sergeants carry X26", "text": "Sergeants carry the X26 Taser.",
                      "kind": "factual"}})
    assert status == 200, answer
    lines = diff(before, path.read_text(encoding="utf-8"))
    assert "+  - id: picture-desk" in lines and "+  - id: sergeants-carry-x26" in lines
    assert lines[-5:] == ["+  - speaker: picture-desk", "+    claim: sergeants-carry-x26",
                          "+    stance: agree", "+    mode: reported",
                          "+    quote: {exact: Sgt Chris Harris with a X26 taser gun, occurrence: 1}"]


# --- in the browser ------------------------------------------------------------------------------

SELECT = """([start, end]) => {
  // select the words start..end (code points; this text is all in the BMP) the way a mouse would
  const segs = [...document.querySelectorAll('#text .seg')];
  const at = (n) => { const s = segs.find((x) => +x.dataset.start <= n && n <= +x.dataset.end);
                      return [s.firstChild, n - +s.dataset.start]; };
  const range = document.createRange();
  range.setStart(...at(start)); range.setEnd(...at(end));
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  document.getElementById('text').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""


def test_code_a_statement_and_accept_a_draft_in_chromium(coder: Running, browser) -> None:
    path = coder.data / "taser-uk" / f"{EDP}.yaml"
    original = path.read_text(encoding="utf-8")
    text = (coder.data / "taser-uk" / f"{EDP}.txt").read_text(encoding="utf-8")
    start = text.index(CAPTION)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{coder.base}/?token={coder.token}#taser-uk/{EDP}")
    page.wait_for_selector("#text .seg")
    assert page.locator("#where").text_content() == f"taser-uk / {EDP}.yaml"

    page.evaluate(SELECT, [start, start + len(CAPTION)])
    assert page.locator("#selection .quote").text_content() == CAPTION
    page.keyboard.press("s")  # the shortcut opens the statement form
    page.select_option("#f-speaker", "eastern-daily-press")
    page.fill("#f-claim-search", "use force")
    page.select_option("#f-claim", "taser-carriers-more-likely-use-force")
    page.select_option("#f-stance", "agree")
    page.select_option("#f-mode", "reported")
    page.focus("#f-note")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#build-result")).to_have_text(re.compile("^saved to"), timeout=WAIT)
    coded = path.read_text(encoding="utf-8")
    assert diff(original, coded) == [
        "@@ -416,0 +417,5 @@",
        "+  - speaker: eastern-daily-press",
        "+    claim: taser-carriers-more-likely-use-force",
        "+    stance: agree",
        "+    mode: reported",
        f"+    quote: {{exact: {CAPTION}, occurrence: 1}}",
    ]
    # the new statement is highlighted as an agreement where the words are
    expect(page.locator(f'.seg.st-agree[data-start="{start}"]')).to_have_count(1, timeout=WAIT)

    # accept the first drafted quote with a claim picked
    card = page.locator("#drafts .card").first
    assert card.locator(".quote").text_content() == "Officers want it there and then if a situation turns."
    card.locator(".d-claim").select_option("taser-for-every-frontline-officer")
    card.locator(".d-accept").click()
    expect(page.locator("#build-result")).to_have_text("accepted 1", timeout=WAIT)
    accepted = path.read_text(encoding="utf-8")
    assert diff(coded, accepted) == [
        "@@ -421,0 +422,5 @@",
        "+  - speaker: andy-symonds",
        "+    claim: taser-for-every-frontline-officer",
        "+    stance: agree",
        "+    mode: direct",
        "+    quote: Officers want it there and then if a situation turns.",
    ]
    left = json.loads((coder.data / "taser-uk" / f"{EDP}.draft.json").read_text(encoding="utf-8"))
    assert [s["quote"][:9] for s in left["statements"]] == ["We have i", "words tha"]
    assert page.locator("#drafts .card").count() == 4

    # a draft saved on a claim its speaker already holds with the same words: the build's error
    # shows beside the span and the file stays as it was
    page.locator("#drafts .card").first.get_by_text("Edit").click()
    page.select_option("#f-claim", "situations-turn-quickly-to-severe-violence")
    page.click("#f-save")
    page.wait_for_selector("#errnote:not([hidden])", timeout=WAIT)
    assert "duplicate statement" in page.locator("#errnote").text_content()
    assert "duplicate statement" in page.locator("#f-error").text_content()
    assert page.locator(".seg.bad").count() >= 1
    assert path.read_text(encoding="utf-8") == accepted
    page.keyboard.press("Escape")

    # Build rebuilds the store and shows the counts: the seed's 54 statements and the two new ones
    page.click("#build")
    expect(page.locator("#build-result")).to_have_text(re.compile("^built:"), timeout=2 * WAIT)
    assert page.locator("#build-result").text_content().startswith(
        "built: 56 statements · 8 evidence · 32 links")
    assert errors == ["Failed to load resource: the server responded with a status of 422 "
                      "(Unprocessable Entity)"]  # the refused save, and nothing else
    page.close()

    result = CliRunner().invoke(main, ["build", str(coder.data), "--store", str(coder.store), "-q"])
    assert result.exit_code == 0, result.output
    assert "statements 56 " in result.output


def test_markup_in_texts_labels_and_drafts_shows_as_text(markup: Running, browser) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{markup.base}/?token={markup.token}#script/s")
    page.wait_for_selector("#text .seg.st-agree")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#text script, #text img, #drafts img, #drafts script, nav b, aside b").count() == 0
    assert page.locator("#text .seg.st-agree").text_content() == \
        "<script>window.pwned = 1</script> is only text here."
    assert page.locator("#text .seg.dr").text_content() == '<img src=x onerror="window.pwned = 2">'
    assert page.locator("#drafts .card strong").text_content() == "<script>window.pwned=3</script>"
    assert "<i>in</i>" in page.locator("#title").text_content()
    options = page.locator("#drafts .d-claim option").all_text_contents()
    assert "Markup <script>alert('claim')</script> is text (markup-is-text)" in options
    assert page.evaluate("window.pwned") is None and errors == []
    page.close()


# --- the command ----------------------------------------------------------------------------------


def test_kg_annotate_prints_its_address_with_a_token(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "data" / "taser-uk")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [sys.executable, "-m", "kg", "annotate", str(tmp_path / "data"), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{43})", url)
        assert match, url
        running = Running(f"http://127.0.0.1:{match[1]}", match[2], tmp_path / "data", tmp_path / "store")
        assert running.call("GET", "/api/debates")[0] == 403
        status, listing = running.api("GET", "/api/debates")
        assert status == 200 and listing[0]["id"] == "taser-uk"
    finally:
        process.terminate()
        process.wait(20)
    result = CliRunner().invoke(main, ["annotate", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "data folder not found" in result.output


def test_evidence_with_a_number_a_link_and_an_edit_through_the_api(coder: Running) -> None:
    path = coder.data / "taser-uk" / f"{EDP}.yaml"
    base = f"/api/debates/taser-uk/docs/{EDP}"
    _, doc = coder.api("GET", base)
    text, before = doc["text"], path.read_text(encoding="utf-8")
    words = "Statistics on use of CED devices in the year to March 2018 showed they were"
    start = text.index(words)
    status, answer = coder.api("POST", f"{base}/save", {
        "version": doc["version"], "kind": "evidence", "index": None,
        "start": start, "end": start + len(words),
        "fields": {"kind": "official-statistic", "label": "CED statistics, year to March 2018",
                   "by": "norfolk-constabulary", "place": "Norfolk",
                   "period": {"label": "the year to March 2018"}},
        "quantities": [{"measure": "CED uses", "value": "372", "unit": "count", "quote": "372 times"}]})
    assert status == 200 and answer == {"ok": True, "section": "evidence", "index": 5}
    added = diff(before, path.read_text(encoding="utf-8"))
    assert added[1:] == [
        "+  - id: ced-statistics-year-to-march-2018", "+    kind: official-statistic",
        "+    label: CED statistics, year to March 2018", "+    by: norfolk-constabulary",
        "+    place: Norfolk", "+    period:", "+      label: the year to March 2018",
        f"+    quote: {words}", "+    quantities:", "+      - measure: CED uses", "+        value: 372",
        "+        unit: count", "+        quote: 372 times"]

    _, doc = coder.api("GET", base)
    words = "they were discharged 31 times of the 372 times they were used"
    start = doc["text"].index(words)
    evidence, claim = "ced-statistics-year-to-march-2018", "norfolk-taser-fired-under-one-in-ten"
    status, answer = coder.api("POST", f"{base}/save", {
        "version": doc["version"], "kind": "link", "index": None,
        "start": start, "end": start + len(words),
        "fields": {"premise": evidence, "conclusion": claim, "polarity": "support",
                   "by": "eastern-daily-press", "basis": "stated"}})
    assert status == 200 and answer["section"] == "links"
    assert diff(before, path.read_text(encoding="utf-8"))[-6:] == [
        f"+  - premise: {evidence}", f"+    conclusion: {claim}", "+    polarity: support",
        "+    by: eastern-daily-press", "+    basis: stated", f"+    quote: {words}"]

    # change one statement's stance: one line of the file changes
    saved = path.read_text(encoding="utf-8")
    _, doc = coder.api("GET", base)
    status, _ = coder.api("POST", f"{base}/save", {"version": doc["version"], "kind": "statement", "index": 0,
                                                   "fields": {"stance": "hedged"}})
    assert status == 200
    changed = diff(saved, path.read_text(encoding="utf-8"))
    assert len(changed) == 3 and changed[1:] == ["-    stance: agree", "+    stance: hedged"]


def test_accepting_a_number_and_a_known_actor_then_rejecting_the_rest(coder: Running) -> None:
    path = coder.data / "taser-uk" / f"{EDP}.yaml"
    draft_file = coder.data / "taser-uk" / f"{EDP}.draft.json"
    before = path.read_text(encoding="utf-8")
    base = f"/api/debates/taser-uk/docs/{EDP}"
    _, doc = coder.api("GET", base)
    assert [d["quote"][:9] for d in doc["drafts"]["statements"]] == ["Officers ", "We have i"]
    assert doc["drafts"]["stale"] == 1 and doc["drafts"]["dropped"] == 1
    picks = [{"kind": "quantities", "index": 0,
              "fields": {"evidence": "norfolk-federation-survey", "measure": "officers responding"}},
             {"kind": "actors", "index": 0}]
    status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "accept",
                                                         "items": picks})
    assert status == 200 and answer == {"ok": True, "done": 2}
    lines = diff(before, path.read_text(encoding="utf-8"))
    assert lines[1:] == ["+      - id: norfolk-federation-survey-officers-responding",
                         "+        measure: officers responding", "+        value: 414",
                         "+        unit: count", "+        quote: 414 officers"]
    left = json.loads(draft_file.read_text(encoding="utf-8"))
    assert left["quantities"] == [] and [a["name"] for a in left["actors"]] == ["Ben Birchall"]

    _, doc = coder.api("GET", base)
    picks = [{"kind": k, "index": d["index"]} for k in ("statements", "actors") for d in doc["drafts"][k]]
    status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "reject",
                                                         "items": picks})
    assert status == 200 and answer["done"] == 3
    left = json.loads(draft_file.read_text(encoding="utf-8"))
    assert [s["quote"] for s in left["statements"]] == ["words that are not in the text"]  # stale: kept
    assert left["actors"] == []
    status, answer = coder.api("POST", f"{base}/draft", {"version": doc["version"], "action": "reject",
                                                         "items": picks})
    assert status == 409  # the page's copy is old now
