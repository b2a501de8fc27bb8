"""``kg add``: an article (plain text, a saved news page, or a URL) into a debate folder.

A news page is mostly not the article: navigation, captions of other stories, footers. The
article text and its metadata (title, date, author, publisher, canonical URL, from the page's
``<meta>`` tags and schema.org JSON-LD) are taken out with trafilatura, a library made for news
pages that runs offline on a file. Plain text is taken as it is (its first line as the title).

The text is stored **unchanged** as ``NNN_<first 16 hex of its SHA-256>.txt``, the way the seed
debate names its sources, because every quote's offsets point into exactly these characters.
Beside it goes a stub annotation file with the source block filled in, and the publisher and
author as actors (reusing an actor of the same name the debate already has), so ``kg build``
accepts the debate at once. What the page does not say (a date, a publisher) is written as
``unknown``, which the build records as unstated. The same text added twice is refused by its
checksum.

A URL is fetched only because the user gave one: http(s) only, with a timeout and a size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg.ingest.anchor import shorten
from kg.ingest.annotations import Node
from kg.ingest.annotations import load as load_annotations
from kg.ingest.compile import DEBATE_FILE
from kg.ingest.folder import Ids, add_files, checksum, next_number, slug, source_stem, yaml_bytes
from kg.model.errors import KgError

MAX_BYTES = 10_000_000  # a news page, even with inline scripts and styles, is far smaller
TIMEOUT = 20.0  # seconds for the whole fetch of a URL
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta)\b", re.I | re.S)
# What the build accepts as a source's url (kg.ingest.compile checks the same shape).
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s<>\"{}|\\^`]*)?")

GUIDE = """
# Code this article below (README, "Annotating a debate"). Quote the exact words of the .txt
# file beside this one; 'kg build' finds them and records their offsets. For example:
# statements:
#   - speaker: some-actor-id        # an actor here or in debate.yaml
#     claim: some-claim-id
#     stance: agree                 # agree | disagree | hedged | declined
#     mode: direct                  # direct | reported
#     quote: the exact words
# evidence:   (kind: study | survey | official-statistic | anecdote | testimony | pledge)
# links:      (premise, conclusion, polarity: support | attack, by, basis, quote)
"""


@dataclass
class Article:
    """An article's text (the exact bytes to store) and what is known about it."""

    data: bytes
    origin: str  # the file or URL it came from
    html: bool
    title: str | None = None
    issued: date | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class Added:
    """What ``kg add`` wrote."""

    article: Article
    text_file: Path
    annotation_file: Path
    source_id: str
    actors: dict[str, str]  # name -> id, for the publisher and author
    new_actors: list[str]


# --- reading -------------------------------------------------------------------------------


def from_file(path: Path) -> Article:
    """Read a plain-text or HTML article from ``path`` (HTML by suffix or by its first tag)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise KgError(f"too large for an article ({size:,} bytes; at most {MAX_BYTES:,})", path)
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KgError("file not found", path) from exc
    except IsADirectoryError as exc:
        raise KgError("is a folder, not an article file", path) from exc
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror or exc}", path) from exc
    if path.suffix.lower() in HTML_SUFFIXES or _HTML_START.match(raw[:4096]):
        return from_html(raw, str(path))
    return from_text(raw, str(path))


def from_text(raw: bytes, origin: str) -> Article:
    """A plain-text article, kept byte for byte; its first non-blank line is the title."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KgError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8 first", origin) from exc
    if not text.strip():
        raise KgError("no text in it", origin)
    first = next(line for line in text.splitlines() if line.strip())
    return Article(raw, origin, html=False, title=shorten(first, 200))


def from_html(raw: bytes, origin: str, url: str | None = None) -> Article:
    """The article text and metadata of a news page, extracted with trafilatura (offline)."""
    import trafilatura

    text = trafilatura.extract(raw, url=url, include_comments=False, include_tables=True,
                               deduplicate=False)
    if not text or not text.strip():
        raise KgError("no article text found in the page", origin)
    tree = trafilatura.load_html(raw)
    meta = trafilatura.extract_metadata(tree, default_url=url) if tree is not None else None
    article = Article(text.encode("utf-8"), origin, html=True)
    if meta is not None:
        article.title = _clean(meta.title)
        article.author = _clean(meta.author)
        article.publisher = _clean(meta.sitename)
        article.url = _clean(meta.url)
        article.issued = _day(meta.date, article)
    if article.url is None and url is not None:
        article.url = url
    if article.url is not None and not _URL.fullmatch(article.url):
        article.notes.append(f"url as given: {article.url}")
        article.url = None
    if article.title is None:
        article.title = shorten(text.strip().splitlines()[0], 200)
    return article


def from_url(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Article:
    """Fetch ``url`` (the user asked for it) and read it as HTML or plain text."""
    import httpx

    if not re.match(r"https?://", url, re.I):
        raise KgError(f"only http(s) addresses can be fetched, not {url!r}")
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5,
                          headers={"User-Agent": "debate-kg (kg add)"}) as client, \
                client.stream("GET", url) as response:
            if response.status_code != 200:
                raise KgError(f"the server answered {response.status_code} {response.reason_phrase}", url)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise KgError(f"larger than {max_bytes:,} bytes: not an article page", url)
                chunks.append(chunk)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            final = str(response.url)
    except httpx.HTTPError as exc:
        raise KgError(f"cannot fetch: {exc or type(exc).__name__}", url) from exc
    raw = b"".join(chunks)
    if kind in ("text/plain",):
        article = from_text(raw, url)
        article.url = final if _URL.fullmatch(final) else None
        return article
    if kind and kind not in ("text/html", "application/xhtml+xml"):
        raise KgError(f"not a web page or text (content type {kind})", url)
    return from_html(raw, url, final)


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None


def _day(value: str | None, article: Article) -> date | None:
    """A page's date, if it is a real date and not in the future (the build refuses that)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        article.notes.append(f"date as given: {value}")
        return None
    if day > date.today():
        article.notes.append(f"date as given (in the future): {value}")
        return None
    return day


# --- the debate folder ---------------------------------------------------------------------


@dataclass
class Index:
    """The ids a debate folder already uses, and its actors by name."""

    ids: set[str]
    actors: dict[str, str]  # lower-case name -> id


def index(folder: Path) -> Index:
    """Every id defined in ``folder``'s annotation files (one namespace: new ids must not clash)."""
    found = Index(set(), {})
    for path in sorted(folder.glob("*.yaml")):
        doc = load_annotations(path)
        source = doc.get("source")
        if isinstance(source, Node):
            found.ids.add(str(source.get("id") or Path(str(source.get("file", path.stem))).stem))
        for key in ("actors", "claims", "evidence", "statements", "links", "reports"):
            for node in doc.nodes(key):
                if node.get("id"):
                    found.ids.add(str(node["id"]))
                if key == "actors" and node.get("name"):
                    found.actors.setdefault(str(node["name"]).casefold(), str(node.get("id")))
                for quantity in node.nodes("quantities") if key in ("evidence", "reports") else ():
                    if quantity.get("id"):
                        found.ids.add(str(quantity["id"]))
    return found


def add_article(folder: Path, article: Article) -> Added:
    """Store ``article``'s text unchanged in the debate ``folder`` with a stub annotation file."""
    if not (folder / DEBATE_FILE).is_file():
        raise KgError(f"not a debate folder (no {DEBATE_FILE}); start one with 'kg new'", folder)
    digest = checksum(article.data)
    for existing in sorted(folder.glob("*.txt")):
        if checksum(existing.read_bytes()) == digest:
            raise KgError(f"this text is already in the debate as {existing.name} (same SHA-256 "
                          f"{digest[:16]}…); nothing added", article.origin)
    known = index(folder)
    ids = Ids(known.ids)
    stem = source_stem(next_number(folder), article.data)
    source_id = ids.fresh(slug(article.title or "", 50) or f"source-{stem[:3]}")

    actors: dict[str, str] = {}
    new_actors: list[dict] = []
    authors = [a.strip() for a in (article.author or "").split(";") if a.strip()]  # joined with ";"
    for name, kind in [(article.publisher, "publisher"), *((a, "person") for a in authors)]:
        if not name or name.casefold() in (n.casefold() for n in actors):
            continue
        ident = known.actors.get(name.casefold())
        if ident is None:
            ident = ids.plain("actor", name)
            new_actors.append({"id": ident, "name": name, "kind": kind})
            known.actors[name.casefold()] = ident
        actors[name] = ident

    source: dict = {"id": source_id, "file": f"{stem}.txt", "title": article.title or source_id,
                    "type": "news-article" if article.html else "document",
                    "publisher": actors.get(article.publisher or "", "unknown"),
                    "issued": article.issued.isoformat() if article.issued else "unknown"}
    if article.url:
        source["url"] = article.url
    notes = [f"author: {', '.join(authors)}"] if authors else []
    source_note = "; ".join([*notes, *article.notes, f"added by 'kg add' from {article.origin}"])
    source["note"] = source_note
    data: dict = {"source": source}
    if new_actors:
        data["actors"] = new_actors
    heading = f"{article.title or source_id}\nThe text is {stem}.txt, as extracted; never edit it: " \
              "quotes point into it."
    files = {f"{stem}.txt": article.data, f"{stem}.yaml": yaml_bytes(data, heading, GUIDE)}
    add_files(folder, files)
    return Added(article, folder / f"{stem}.txt", folder / f"{stem}.yaml", source_id, actors,
                 [a["id"] for a in new_actors])
