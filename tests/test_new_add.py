"""`kg new` and `kg add`: a new debate from saved news pages, plain text and a local URL.

Fixtures (tests/fixtures/articles/): school-meals.html, a news page with meta tags and
schema.org JSON-LD (title, date, author, publisher, canonical URL) inside navigation and a
footer; school-meals-reply.html, the same publisher with another author, meta tags only. The
URL tests serve these files from a local server on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.ingest.article import add_article, from_file, from_html, from_url
from kg.ingest.scaffold import new_debate
from kg.model.errors import KgError

from .conftest import SEED

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
# The article text of school-meals.html as trafilatura extracts it (headline and paragraphs,
# one per line; no navigation, byline or footer).
MEALS_TEXT = (
    "Council backs free school meals for every primary pupil\n"
    "Riverside council has voted to offer free school meals to every primary pupil from September, "
    "a move its leader said would cost £3.1m a year.\n"
    '"No child should sit in a classroom too hungry to learn," said council leader Margaret Okafor. '
    '"This is the best money we will spend this decade."\n'
    'Opposition councillor Tom Hale warned that the scheme was "a promise the budget cannot keep", '
    "adding that 42 per cent of eligible families already claimed the meals.\n"
    "A survey of 1,200 parents by the Riverside Parents' Forum found that three in four backed the plan."
)
MEALS_STEM = "000_" + hashlib.sha256(MEALS_TEXT.encode()).hexdigest()[:16]


def kg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder holding one new, empty debate 'school-meals'."""
    root = tmp_path / "data"
    code, out, _ = kg("new", "school-meals", "--data", str(root), "--title", "Free school meals",
                      "--description", "Should every primary pupil get free school meals?")
    assert code == 0, out
    return root


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving tests/fixtures/articles; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep the test's stderr clean
            pass

    handler = partial(Quiet, directory=str(ARTICLES))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_new_scaffolds_a_debate_that_builds_as_it_is(data: Path, tmp_path: Path) -> None:
    folder = data / "school-meals"
    assert sorted(p.name for p in folder.iterdir()) == ["debate.yaml"]
    text = (folder / "debate.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {
        "debate": {"id": "school-meals", "title": "Free school meals",
                   "description": "Should every primary pupil get free school meals?"},
        "actors": [], "claims": []}
    assert "# - Add each article with 'kg add FILE|URL --debate school-meals'" in text
    report = build(folder, str(tmp_path / "store"))
    assert report.debates == ["school-meals"]
    assert (report.counts["sources"], report.counts["actors"], report.counts["claims"]) == (0, 0, 0)


def test_new_refuses_an_existing_folder_and_a_bad_id(data: Path) -> None:
    before = (data / "school-meals" / "debate.yaml").read_bytes()
    code, _, err = kg("new", "school-meals", "--data", str(data))
    assert code == 2
    assert err == (f"error: {data / 'school-meals'}: a debate folder is already there; choose another "
                   "id, or add to it with 'kg add'\n")
    assert (data / "school-meals" / "debate.yaml").read_bytes() == before
    for bad in ("../escape", ".hidden", "two words"):
        code, _, err = kg("new", bad, "--data", str(data))
        assert code == 2 and err.startswith(f"error: bad debate id '{bad}'") and err.count("\n") == 1
    assert sorted(p.name for p in data.iterdir()) == ["school-meals"]
    with pytest.raises(KgError, match="already there"):
        new_debate(data, "school-meals")


def test_add_a_saved_news_page_extracts_text_and_metadata(data: Path, tmp_path: Path) -> None:
    folder = data / "school-meals"
    code, out, _ = kg("add", str(ARTICLES / "school-meals.html"), "--debate", "school-meals",
                      "--data", str(data))
    assert code == 0
    assert out.splitlines() == [
        f"added {folder / MEALS_STEM}.txt (source council-backs-free-school-meals-for-every-primary)",
        "  title      Council backs free school meals for every primary pupil",
        "  issued     2024-03-14",
        "  author     Priya Natarajan",
        "  publisher  The Riverside Gazette",
        "  url        https://gazette.example.org/news/2024/03/free-school-meals",
        "  characters 610",
        f"wrote {folder / MEALS_STEM}.yaml (new actors: the-riverside-gazette, priya-natarajan)",
    ]
    assert len(MEALS_TEXT) == 610
    assert (folder / f"{MEALS_STEM}.txt").read_bytes() == MEALS_TEXT.encode("utf-8")
    stub = yaml.safe_load((folder / f"{MEALS_STEM}.yaml").read_text(encoding="utf-8"))
    assert stub == {
        "source": {
            "id": "council-backs-free-school-meals-for-every-primary",
            "file": f"{MEALS_STEM}.txt",
            "title": "Council backs free school meals for every primary pupil",
            "type": "news-article",
            "publisher": "the-riverside-gazette",
            "issued": "2024-03-14",
            "url": "https://gazette.example.org/news/2024/03/free-school-meals",
            "note": f"author: Priya Natarajan; added by 'kg add' from {ARTICLES / 'school-meals.html'}",
        },
        "actors": [
            {"id": "the-riverside-gazette", "name": "The Riverside Gazette", "kind": "publisher"},
            {"id": "priya-natarajan", "name": "Priya Natarajan", "kind": "person"},
        ],
    }
    report = build(folder, str(tmp_path / "store"))
    assert (report.counts["sources"], report.counts["actors"]) == (1, 2)


def test_the_same_text_twice_is_refused_and_nothing_is_written(data: Path) -> None:
    folder = data / "school-meals"
    page = str(ARTICLES / "school-meals.html")
    assert kg("add", page, "--debate", "school-meals", "--data", str(data))[0] == 0
    before = sorted(p.name for p in folder.iterdir())
    # the same page saved under another name gives the same text: refused by its checksum
    copy = data.parent / "saved-again.html"
    shutil.copy(ARTICLES / "school-meals.html", copy)
    code, _, err = kg("add", str(copy), "--debate", "school-meals", "--data", str(data))
    assert code == 2
    digest = hashlib.sha256(MEALS_TEXT.encode()).hexdigest()[:16]
    assert err == (f"error: {copy}: this text is already in the debate as {MEALS_STEM}.txt "
                   f"(same SHA-256 {digest}…); nothing added\n")
    assert sorted(p.name for p in folder.iterdir()) == before


def test_second_page_reuses_the_publisher_and_numbers_on(data: Path, tmp_path: Path) -> None:
    folder = data / "school-meals"
    for name in ("school-meals.html", "school-meals-reply.html"):
        assert kg("add", str(ARTICLES / name), "--debate", "school-meals", "--data", str(data))[0] == 0
    second = sorted(folder.glob("001_*.yaml"))
    assert len(second) == 1
    stub = yaml.safe_load(second[0].read_text(encoding="utf-8"))
    assert stub["source"]["publisher"] == "the-riverside-gazette"  # defined by the first page
    assert stub["source"]["issued"] == "2024-03-21"
    assert "url" not in stub["source"]  # the page gives none
    assert stub["actors"] == [{"id": "sam-o-neill", "name": "Sam O’Neill", "kind": "person"}]
    text = second[0].with_suffix(".txt").read_text(encoding="utf-8")
    assert text.startswith("Free meals plan 'unaffordable', says opposition\nCouncillor Tom Hale")
    assert "Most read" not in text and "Home" not in text
    report = build(folder, str(tmp_path / "store"))
    assert (report.counts["sources"], report.counts["actors"]) == (2, 3)


def test_plain_text_is_stored_byte_for_byte(data: Path, tmp_path: Path) -> None:
    folder = data / "school-meals"
    seed_text = SEED / "000_c2d672fdb30a2dc9.txt"
    added = add_article(folder, from_file(seed_text))
    raw = seed_text.read_bytes()
    assert added.text_file.name == f"000_{hashlib.sha256(raw).hexdigest()[:16]}.txt"
    assert added.text_file.read_bytes() == raw
    source = yaml.safe_load(added.annotation_file.read_text(encoding="utf-8"))["source"]
    assert (source["type"], source["publisher"], source["issued"]) == ("document", "unknown", "unknown")
    assert source["title"].startswith("TASERS should be rolled out to every frontline police officer")
    assert "actors" not in yaml.safe_load(added.annotation_file.read_text(encoding="utf-8"))
    report = build(folder, str(tmp_path / "store"))
    assert (report.counts["sources"], report.counts["actors"]) == (1, 0)


def test_a_url_is_fetched_from_a_local_server(data: Path, server: str, tmp_path: Path) -> None:
    folder = data / "school-meals"
    code, out, _ = kg("add", f"{server}/school-meals-reply.html", "--debate", "school-meals",
                      "--data", str(data))
    assert code == 0, out
    assert "  author     Sam O’Neill" in out.splitlines()
    stub = yaml.safe_load(next(folder.glob("000_*.yaml")).read_text(encoding="utf-8"))
    # no canonical address in the page: the address it was fetched from
    assert stub["source"]["url"] == f"{server}/school-meals-reply.html"
    assert stub["source"]["type"] == "news-article"
    assert build(folder, str(tmp_path / "store")).counts["sources"] == 1


def test_url_errors_are_one_line(data: Path, server: str) -> None:
    with pytest.raises(KgError, match=r"larger than 1,000 bytes"):
        from_url(f"{server}/school-meals.html", max_bytes=1000)
    code, _, err = kg("add", f"{server}/missing.html", "--debate", "school-meals", "--data", str(data))
    assert code == 2 and err == f"error: {server}/missing.html: the server answered 404 File not found\n"
    code, _, err = kg("add", "ftp://example.org/a.html", "--debate", "school-meals", "--data", str(data))
    assert code == 2 and err == "error: only http(s) addresses can be fetched, not 'ftp://example.org/a.html'\n"
    assert sorted(p.name for p in (data / "school-meals").iterdir()) == ["debate.yaml"]


def test_a_future_date_is_written_unknown() -> None:
    page = (b'<html><head><meta name="date" content="%s"><title>T</title></head><body><article>'
            b"<p>A paragraph long enough to be the article text of this small page, said someone.</p>"
            b"</article></body></html>")
    future = date(date.today().year + 2, 1, 1).isoformat().encode()
    article = from_html(page % future, "page.html")
    assert article.issued is None  # the build refuses a source issued in the future
    assert article.title == "T"


def test_add_needs_a_debate_folder_and_a_readable_file(tmp_path: Path) -> None:
    code, _, err = kg("add", str(ARTICLES / "school-meals.html"), "--debate", "nowhere",
                      "--data", str(tmp_path))
    assert code == 2 and err == (f"error: {tmp_path / 'nowhere'}: not a debate folder (no debate.yaml); "
                                 "start one with 'kg new'\n")
    code, _, err = kg("add", str(tmp_path / "missing.txt"), "--debate", "nowhere", "--data", str(tmp_path))
    assert code == 2 and err == f"error: {tmp_path / 'missing.txt'}: file not found\n"
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9 society".encode("latin-1"))
    with pytest.raises(KgError, match=r"not UTF-8 text \(byte 3\)"):
        from_file(latin)


def test_json_ld_alone_gives_publisher_date_and_every_author(data: Path) -> None:
    page = data.parent / "bridge.html"
    page.write_text(
        '<html><head><title>Bridge to close | Valley News</title><script type="application/ld+json">'
        '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge to close",'
        ' "author": [{"@type": "Person", "name": "Ana Lima"}, {"@type": "Person", "name": "Ben Cole"}],'
        ' "publisher": {"@type": "Organization", "name": "Valley News"}, "datePublished": "2023-05-02"}'
        "</script></head><body><article><p>The old bridge will close for repairs in June, the county "
        "said on Tuesday, for at least six weeks.</p></article></body></html>", encoding="utf-8")
    added = add_article(data / "school-meals", from_file(page))
    stub = yaml.safe_load(added.annotation_file.read_text(encoding="utf-8"))
    assert (stub["source"]["title"], stub["source"]["publisher"], stub["source"]["issued"]) == (
        "Bridge to close", "valley-news", "2023-05-02")
    assert stub["source"]["note"].startswith("author: Ana Lima, Ben Cole; added by")
    assert [(a["id"], a["kind"]) for a in stub["actors"]] == [
        ("valley-news", "publisher"), ("ana-lima", "person"), ("ben-cole", "person")]
    assert added.text_file.read_text(encoding="utf-8") == (
        "The old bridge will close for repairs in June, the county said on Tuesday, for at least six weeks.")


def test_a_stub_grows_into_a_coded_article_that_builds(data: Path, tmp_path: Path) -> None:
    """new + add, then the coding a curator (or an accepted draft) adds to the stub: the stub's
    layout takes statements under it as they are, and the quote lands at its offsets."""
    folder = data / "school-meals"
    added = add_article(folder, from_file(ARTICLES / "school-meals.html"))
    with added.annotation_file.open("a", encoding="utf-8") as stub:  # after the stub's actors
        stub.write(
            "- id: margaret-okafor\n  name: Margaret Okafor\n  kind: person\n"
            "- id: riverside-council\n  name: Riverside council\n  kind: organisation\n"
            "claims:\n- id: free-meals-for-every-primary-pupil\n  kind: policy\n"
            "  label: Free school meals for every primary pupil\n"
            "  text: Every primary pupil should get free school meals.\n"
            "statements:\n- speaker: margaret-okafor\n  for: riverside-council\n"
            "  claim: free-meals-for-every-primary-pupil\n  stance: agree\n  mode: direct\n"
            "  quote: No child should sit in a classroom too hungry to learn\n")
    text = added.annotation_file.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["actors"][-1]["id"] == "riverside-council"  # appended to the stub's list
    store = tmp_path / "store"
    counts = build(folder, str(store)).counts
    assert (counts["sources"], counts["actors"], counts["claims"], counts["statements"]) == (1, 4, 1, 1)
    assert MEALS_TEXT.index("No child should sit") == 199


def test_a_server_that_never_answers_times_out(data: Path) -> None:
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never says a word
    try:
        began = time.monotonic()
        with pytest.raises(KgError, match=r"^http://127\.0\.0\.1:\d+/a\.html: cannot fetch: "):
            from_url(f"http://127.0.0.1:{silent.getsockname()[1]}/a.html", timeout=1.0)
        assert time.monotonic() - began < 10
    finally:
        silent.close()
    assert sorted(p.name for p in (data / "school-meals").iterdir()) == ["debate.yaml"]
