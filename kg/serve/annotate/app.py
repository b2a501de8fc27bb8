"""``kg annotate``: the browser coder's HTTP app (Starlette, behind the token guard).

The page (:mod:`.pages`, :file:`static/annotate.js`) reads a document through ``GET /api/...``
and changes it through ``POST /api/...``; every change is made by the ingest layer's round-trip
editor (:mod:`kg.ingest.edit`, :mod:`kg.ingest.drafts`) and validated with the build's own
compile and SHACL code before it stays: a failing change is undone and answered with 422 and
the build's one-line error, which the page shows beside the span.

Safety, since this server writes files: it listens on 127.0.0.1 only; every request needs the
token it printed (the cookie set by the first visit, else 403); a write must name this server as
its Origin (or Referer), else 403; bodies are small (:data:`MAX_BODY`); debate, document, section
and id arguments are checked against what exists before any file is opened; a client holding an
old copy of a document (its ``version``) gets 409 instead of overwriting what changed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from kg.build import build as run_build
from kg.build import compile_graph
from kg.build import validate as shacl
from kg.build.pipeline import debate_folders
from kg.ingest import drafts, edit
from kg.ingest.annotations import load as load_annotations
from kg.ingest.compile import DEBATE_FILE
from kg.ingest.vocabulary import CATEGORY, vocabulary
from kg.model.errors import KgError
from kg.serve.annotate import pages
from kg.serve.app import Limits, TokenGuard, create_app, refuse

MAX_BODY = 256_000  # a form or a batch of accepted drafts; a document is never uploaded
MAX_TEXT = 5_000  # one field of a form
STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"annotate.js": "text/javascript; charset=utf-8", "annotate.css": "text/css; charset=utf-8"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
NEW = "__new__"  # a form's actor or claim field naming the new one it describes
ACTOR_FIELDS = ("speaker", "for", "by", "commissioned_by", "site")
CLAIM_FIELDS = ("claim", "premise", "conclusion")
HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
KEYWORDS = ("actor", "claim", "evidence", "design", "unit", "comparator", "stance", "mode",
            "polarity", "basis")


def validate_debate(folder: Path) -> None:
    """The build's own checks on one debate folder: compile (ids, keywords, quotes) and SHACL."""
    compiled = compile_graph(folder)
    shacl.shacl(compiled.graph, compiled.locations)


@dataclass
class Coder:
    """The state behind the app: where the debates are, where ``Build`` writes, one write lock."""

    data_dir: Path
    store_spec: str | None = None
    validate: Callable[[Path], None] = validate_debate
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- addressing -----------------------------------------------------------------------

    def debates(self) -> dict[str, Path]:
        """Debate folder name -> folder, for the folders with a ``debate.yaml``."""
        return {p.name: p for p in debate_folders(self.data_dir) if (p / DEBATE_FILE).is_file()}

    def folder(self, name: str) -> Path:
        """A debate folder by name, or 404."""
        found = self.debates().get(name) if _NAME.match(name) else None
        if found is None:
            raise refuse(404, f"no debate {name!r}")
        return found

    def document(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """A source's annotation file and its text by the file's stem, or 404."""
        yaml_path = folder / f"{stem}.yaml"
        if not _NAME.match(stem) or stem == Path(DEBATE_FILE).stem or not yaml_path.is_file():
            raise refuse(404, f"no document {stem!r} in {folder.name}")
        source = load_annotations(yaml_path).get("source")
        given = source.get("file") if isinstance(source, Mapping) else None
        name = str(given) if given else f"{stem}.txt"
        text_path = folder / name
        if Path(name).name != name or not text_path.is_file():
            raise refuse(404, f"the text of {stem} ({name!r}) is not in {folder.name}")
        return yaml_path, text_path

    # -- reading --------------------------------------------------------------------------

    def listing(self) -> list[dict[str, Any]]:
        """Every debate with its documents and how much each holds."""
        out = []
        for name, folder in self.debates().items():
            files = edit.read_files(folder)
            meta = files[0][1].get("debate") or {}
            docs = []
            for file_name, data in files[1:]:
                source = data.get("source") or {}
                entries: dict[str, list[Any]] = {}
                for section in ("statements", "evidence", "links"):
                    found = data.get(section)
                    entries[section] = found if isinstance(found, list) else []
                counts = {s: len(v) for s, v in entries.items()}
                counts["quantities"] = sum(len(e.get("quantities") or []) for e in entries["evidence"]
                                           if isinstance(e, Mapping))
                stem = Path(file_name).stem
                text_name = str(source.get("file") or f"{stem}.txt")
                counts["drafts"] = _draft_count(drafts.draft_path(folder / text_name))
                docs.append({"stem": stem, "title": str(source.get("title") or stem), "counts": counts})
            out.append({"id": name, "title": str(meta.get("title") or name), "docs": docs})
        return out

    def view(self, debate: str, stem: str) -> dict[str, Any]:
        """One document: its text, every quote located, its drafts, and the debate's ids."""
        folder = self.folder(debate)
        yaml_path, text_path = self.document(folder, stem)
        text = _read_text(text_path)
        files = edit.read_files(folder)
        data = dict(files)[yaml_path.name]
        items = []
        for span in edit.spans(data, text):
            entry = data[span.section][span.index]
            part = entry
            if span.path:
                part = entry["quantities"][int(span.path.split(".")[1])]
            items.append({"section": span.section, "index": span.index, "path": span.path,
                          "start": span.start, "end": span.end, "error": span.error,
                          "stance": str(entry.get("stance") or ""),
                          "label": _label(span.section, part, span.path),
                          "line": getattr(part, "line", 0), "entry": edit.plain(entry)})
        draft = drafts.load(drafts.draft_path(text_path), text)
        actors, claims, evidence = [], [], []
        for name, d in files:
            for a in _list(d, "actors"):
                actors.append({"id": str(a["id"]), "name": str(a.get("name") or a["id"]),
                               "kind": str(a.get("kind") or ""), "file": name})
            for c in _list(d, "claims"):
                claims.append({"id": str(c["id"]), "label": str(c.get("label") or c["id"]),
                               "text": " ".join(str(c.get("text") or "").split()),
                               "kind": str(c.get("kind") or ""), "file": name})
            for e in _list(d, "evidence"):
                evidence.append({"id": str(e["id"]), "label": str(e.get("label") or e["id"]),
                                 "here": name == yaml_path.name})
        return {
            "debate": debate, "stem": stem, "file": yaml_path.name, "text_file": text_path.name,
            "title": str((data.get("source") or {}).get("title") or stem),
            "version": _version(yaml_path, drafts.draft_path(text_path)), "text": text, "items": items,
            "drafts": None if draft is None else {
                "stale": draft.stale, "dropped": draft.data.get("dropped", 0),
                **{kind: [{"index": i, **edit.plain(x)} for i, x in draft.items[kind]]
                   for kind in drafts.KINDS}},
            "actors": actors, "claims": claims, "evidence": evidence,
            "references": {kind: edit.references(files, kind) for kind in ("actor", "claim")},
            "keywords": _keywords(),
        }

    # -- writing --------------------------------------------------------------------------

    def _open(self, debate: str, stem: str,
              body: Mapping[str, Any]) -> tuple[Path, Path, str, edit.Transaction]:
        folder = self.folder(debate)
        yaml_path, text_path = self.document(folder, stem)
        if body.get("version") != _version(yaml_path, drafts.draft_path(text_path)):
            raise refuse(409, "the document changed since this page read it: reload it")
        return yaml_path, text_path, _read_text(text_path), edit.Transaction(folder, self.validate)

    def save(self, debate: str, stem: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add (``index`` null) or change a statement, evidence item or link of a document."""
        yaml_path, _text_path, text, tx = self._open(debate, stem, body)
        doc = tx.doc(yaml_path.name)
        kind = body.get("kind")
        section = {"statement": "statements", "evidence": "evidence", "link": "links"}.get(str(kind))
        if section is None:
            raise refuse(400, "kind must be statement, evidence or link")
        index = body.get("index")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise refuse(400, "index must be a whole number or null")
        fields = _fields(body.get("fields"), section)
        self._new_entities(tx, doc, body, fields)
        if isinstance(body.get("start"), int) and isinstance(body.get("end"), int):
            fields["quote"] = edit.quote_value(text, body["start"], body["end"])
        elif index is None:
            raise refuse(400, "a new entry needs the offsets of its words (start, end)")
        if section == "evidence":
            fields["quantities"] = _quantities(body.get("quantities"), fields.get("id"))
            if index is None and not fields.get("id"):
                taken = self._taken(tx.folder, doc)
                fields["id"] = edit.slug(str(fields.get("label") or "evidence"), taken)
        if index is None:
            ordered = {k: fields.get(k) for k in _ORDER[section] if k in fields}
            index = doc.add(section, {**ordered, **{k: v for k, v in fields.items() if k not in ordered}})
        else:
            doc.update(section, index, fields)
        self._commit(tx, doc, section, index)
        return {"ok": True, "section": section, "index": index}

    def delete(self, debate: str, stem: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Delete one entry of a document."""
        yaml_path, _text_path, _text, tx = self._open(debate, stem, body)
        section, index = body.get("section"), body.get("index")
        if section not in edit.QUOTED_SECTIONS or not isinstance(index, int) or isinstance(index, bool):
            raise refuse(400, "section must be statements, evidence, reports or links, and index a number")
        doc = tx.doc(yaml_path.name)
        doc.delete(str(section), index)
        self._commit(tx, doc, str(section), None)
        return {"ok": True}

    def draft(self, debate: str, stem: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Accept or reject drafted items: ``action`` accept|reject with ``items``
        [{kind, index, fields}] (one item, or all of them)."""
        yaml_path, text_path, text, tx = self._open(debate, stem, body)
        draft = drafts.load(drafts.draft_path(text_path), text)
        if draft is None:
            raise refuse(404, f"{stem} has no draft")
        action, picks = body.get("action"), body.get("items")
        if action not in ("accept", "reject") or not isinstance(picks, list) or not picks:
            raise refuse(400, "action must be accept or reject, with a list of items")
        doc = tx.doc(yaml_path.name)
        done: list[tuple[str, int]] = []
        for pick in picks:
            if not isinstance(pick, Mapping) or not isinstance(pick.get("index"), int):
                raise refuse(400, "each item needs a kind and an index")
            kind, index = str(pick.get("kind")), int(pick["index"])
            item = drafts.item(draft, kind, index)
            if action == "accept":
                self._accept(tx, doc, text, kind, item, pick)
            done.append((kind, index))
        if action == "accept":
            self._commit(tx, doc, "statements", None)
        drafts.remove(draft, done)
        return {"ok": True, "done": len(done)}

    def _accept(self, tx: edit.Transaction, doc: edit.Document, text: str, kind: str,
                item: Mapping[str, Any], pick: Mapping[str, Any]) -> None:
        fields = _fields(pick.get("fields"), "statements" if kind == "statements" else "draft")
        if kind == "statements":
            if isinstance(pick.get("start"), int) and isinstance(pick.get("end"), int):
                item = {**item, "start": pick["start"], "end": pick["end"]}  # the words edited
            self._new_entities(tx, doc, pick, fields)
            if not fields.get("speaker") or not fields.get("claim") or not fields.get("stance"):
                words = str(item.get("quote", ""))[:40]
                raise refuse(400, f"accepting {words!r} needs a speaker, a claim and a stance")
            doc.add("statements", drafts.statement_entry(
                text, item, speaker=fields["speaker"], claim=fields["claim"], stance=fields["stance"],
                mode=fields.get("mode"), speaks_for=fields.get("for"), note=fields.get("note")))
        elif kind == "quantities":
            target = fields.get("evidence")
            index = next((i for i, e in enumerate(doc.entries("evidence"))
                          if isinstance(e, Mapping) and str(e.get("id")) == target), None)
            if index is None:
                raise refuse(400, "a quantity goes into an evidence item of this document: pick one")
            measure = fields.get("measure") or item.get("text")
            taken = self._taken(tx.folder, doc)
            quantity = {"id": edit.slug(f"{target}-{measure}", taken), "measure": measure,
                        "variable": fields.get("variable"), "value": item.get("value"),
                        "unit": fields.get("unit") or item.get("unit"),
                        "comparator": None if item.get("comparator") in (None, "exactly")
                        else item.get("comparator"),
                        "numerator": item.get("numerator"), "denominator": item.get("denominator"),
                        "quote": edit.quote_value(text, int(item["start"]), int(item["end"]))}
            entry = doc.entries("evidence")[index]
            entry.setdefault("quantities", edit.to_yaml([]))
            entry["quantities"].append(edit.to_yaml(quantity))
        elif kind == "actors":
            known = self._taken(tx.folder, doc)
            ident = str(item.get("id") or "")
            if ident not in known:
                taken = set(known)
                ident = ident if _NAME.match(ident) else edit.slug(str(item["name"]), taken)
                doc.add("actors", {"id": ident, "name": str(item["name"]).strip(),
                                   "kind": fields.get("kind") or item.get("kind") or "person"})

    def _new_entities(self, tx: edit.Transaction, doc: edit.Document, body: Mapping[str, Any],
                      fields: dict[str, Any]) -> None:
        """Create the new actor and the new claim a form describes, and point its fields at them."""
        wanted = [k for k in (*ACTOR_FIELDS, *CLAIM_FIELDS) if fields.get(k) == NEW]
        taken = self._taken(tx.folder, doc) if wanted else set()
        actor = body.get("new_actor")
        if any(fields.get(k) == NEW for k in ACTOR_FIELDS):
            if not isinstance(actor, Mapping) or not _clean(actor.get("name")):
                raise refuse(400, "a new actor needs a name")
            name = _clean(actor.get("name"))
            ident = edit.slug(name, taken)
            taken.add(ident)
            doc.add("actors", {"id": ident, "name": name, "kind": _clean(actor.get("kind")) or "person"})
            for k in ACTOR_FIELDS:
                if fields.get(k) == NEW:
                    fields[k] = ident
        claim = body.get("new_claim")
        if any(fields.get(k) == NEW for k in CLAIM_FIELDS):
            if not isinstance(claim, Mapping) or not _clean(claim.get("label")):
                raise refuse(400, "a new claim needs a label (and a neutral text)")
            label = _clean(claim.get("label"))
            ident = edit.slug(label, taken)
            doc.add("claims", {"id": ident, "kind": _clean(claim.get("kind")) or "factual", "label": label,
                               "text": _clean(claim.get("text")) or label})
            for k in CLAIM_FIELDS:
                if fields.get(k) == NEW:
                    fields[k] = ident

    @staticmethod
    def _taken(folder: Path, doc: edit.Document) -> set[str]:
        """The ids in use: on disk, and in the file being edited (new entries not yet written)."""
        return set(edit.defined_ids(edit.read_files(folder))) | \
            set(edit.defined_ids([(doc.path.name, doc.data)]))

    def _commit(self, tx: edit.Transaction, doc: edit.Document, section: str, index: int | None) -> None:
        """Write and validate; a KgError comes back as 422 naming the entry it is about."""
        try:
            tx.commit()
        except KgError as exc:
            lines = [str(exc), *getattr(exc, "lines", [])[:5]]
            shown = " ".join(lines).replace(f"{tx.folder}/", "")  # file names as the page shows them
            raise _Invalid({"error": shown, "file": exc.file, "line": exc.line,
                            "section": section, "index": index}) from exc

    def merge(self, debate: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Merge a duplicate actor or claim into another: references rewritten, duplicate deleted."""
        folder = self.folder(debate)
        kind, keep, drop = body.get("kind"), body.get("keep"), body.get("drop")
        ids_ok = all(isinstance(x, str) and _NAME.match(x) for x in (keep, drop))
        if kind not in ("actor", "claim") or not ids_ok:
            raise refuse(400, "merge needs kind (actor or claim), keep and drop ids")
        tx = edit.Transaction(folder, self.validate)
        count = edit.merge(tx, str(kind), str(keep), str(drop))
        try:
            tx.commit()
        except KgError as exc:
            raise _Invalid({"error": str(exc), "file": exc.file, "line": exc.line}) from exc
        return {"ok": True, "rewritten": count}

    def build(self) -> dict[str, Any]:
        """Rebuild the store from the data folder (as ``kg build``); the new counts."""
        report = run_build(self.data_dir, self.store_spec, wait=False)
        return {"ok": True, "counts": report.counts, "store": report.store, "warnings": report.warnings}


_ORDER = {
    "statements": ("speaker", "for", "claim", "stance", "mode", "quote", "date", "note"),
    "evidence": ("id", "kind", "label", "by", "commissioned_by", "sample_size", "sample_unit", "population",
                 "design", "site", "place", "period", "quote", "note", "quantities"),
    "links": ("premise", "conclusion", "polarity", "by", "basis", "quote", "note"),
}
_ALLOWED = {**{k: set(v) - {"quote", "quantities"} for k, v in _ORDER.items()},
            "draft": {"evidence", "measure", "variable", "unit", "kind"}}
_ALLOWED["statements"] -= {"date"}
_NUMBERS = {"sample_size"}


class _Invalid(Exception):
    """A change the build refused: answered 422 with where it went wrong."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload["error"])
        self.payload = payload


def _clean(value: Any) -> str:
    """A form's text field: a string, spaces trimmed, at most :data:`MAX_TEXT` characters."""
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise refuse(400, "form fields are text")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise refuse(413, f"a field is longer than {MAX_TEXT} characters")
    return text


def _number(value: Any, key: str) -> int | float | None:
    text = _clean(value).replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise refuse(400, f"{key} must be a number, not {text[:40]!r}") from None
    return int(number) if number.is_integer() and "." not in text else number


def _fields(raw: Any, section: str) -> dict[str, Any]:
    """A form's fields for ``section``: only the keys it may set, as text or numbers."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise refuse(400, "fields must be an object")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _ALLOWED[section]:
            raise refuse(400, f"unknown field {key!r}")
        if key == "period":
            if value is not None and not isinstance(value, Mapping):
                raise refuse(400, "period must be an object")
            period = {k: _clean((value or {}).get(k)) or None for k in ("label", "start", "end")}
            out[key] = period if any(period.values()) else None  # a blank part is removed
        elif key in _NUMBERS:
            out[key] = _number(value, key)
        else:
            out[key] = _clean(value) or None
    return out


def _quantities(raw: Any, evidence_id: Any) -> list[dict[str, Any]]:
    """An evidence form's quantity rows."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 100:
        raise refuse(400, "quantities must be a list (at most 100)")
    rows = []
    for row in raw:
        if not isinstance(row, Mapping):
            raise refuse(400, "each quantity is an object")
        out = {"id": _clean(row.get("id")) or None, "measure": _clean(row.get("measure")),
               "variable": _clean(row.get("variable")) or None, "value": _number(row.get("value"), "value"),
               "unit": _clean(row.get("unit")), "comparator": _clean(row.get("comparator")) or None,
               "numerator": _number(row.get("numerator"), "numerator"),
               "denominator": _number(row.get("denominator"), "denominator"),
               "quote": _clean(row.get("quote")) or None}
        rows.append(out)
    return rows


def _label(section: str, entry: Mapping[str, Any], path: str) -> str:
    """A short description of what a highlighted quote is."""
    if path:
        return f"{entry.get('measure', 'quantity')}: {entry.get('value', '')} {entry.get('unit', '')}".strip()
    if section == "statements":
        return f"{entry.get('speaker')} {entry.get('stance')}s: {entry.get('claim')}"
    if section == "links":
        return f"{entry.get('premise')} {entry.get('polarity')}s {entry.get('conclusion')}"
    if section == "reports":
        return f"report of {entry.get('of')}"
    return str(entry.get("label") or entry.get("id") or section)


def _list(data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    """The entries of ``section`` that have an id."""
    items = data.get(section)
    return [i for i in items if isinstance(i, Mapping) and i.get("id")] if isinstance(items, list) else []


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"cannot read the source text: {exc}", path) from exc


def _version(*paths: Path) -> str:
    """What the page last saw of a document: a hash of its annotation file and its draft."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.is_file() else b"-")
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _draft_count(path: Path) -> int:
    try:
        text = path.with_suffix("").with_suffix(".txt")
        draft = drafts.load(path, _read_text(text)) if path.is_file() and text.is_file() else None
    except KgError:
        return 0
    return 0 if draft is None else sum(len(v) for v in draft.items.values())


@lru_cache(maxsize=1)
def _keywords() -> dict[str, list[str]]:
    """The annotation keywords a form offers, read from the ontology."""
    vocab = vocabulary()
    return {key: sorted(vocab.terms.get(CATEGORY[key], {})) for key in KEYWORDS}


# --- routes -----------------------------------------------------------------------------------


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status, HEADERS)


async def _body(request: Request) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise refuse(415, "send JSON (Content-Type: application/json)")
    try:
        body = await request.json()
    except ValueError:
        raise refuse(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise refuse(400, "the body must be a JSON object")
    return body


def make_app(coder: Coder, token: str, port: int, limits: Limits | None = None) -> ASGIApp:
    """The coder's app, guarded: the token (403 without it), Origin on writes, small bodies."""

    async def index(request: Request) -> Response:
        return HTMLResponse(pages.page(), headers={**HEADERS, **pages.PAGE_HEADERS})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            raise refuse(404, "no such file")
        return FileResponse(STATIC / name, media_type=ASSETS[name], headers=HEADERS)

    def reader(work: Callable[..., Any]) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            args = [request.path_params[k] for k in ("debate", "stem") if k in request.path_params]
            try:
                return _json(await anyio.to_thread.run_sync(lambda: work(*args)))
            except KgError as exc:
                return _json({"error": str(exc), "status": 422}, 422)
        return route

    def writer(work: Callable[..., Any], with_body: bool = True) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            body = await _body(request)
            args = [request.path_params[k] for k in ("debate", "stem") if k in request.path_params]

            def locked() -> Any:
                with coder.lock:
                    return work(*args, body) if with_body else work()

            try:
                return _json(await anyio.to_thread.run_sync(locked))
            except _Invalid as exc:
                return _json({**exc.payload, "status": 422}, 422)
            except KgError as exc:
                return _json({"error": str(exc), "file": exc.file, "line": exc.line, "status": 422}, 422)
        return route

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/static/{name}", asset, methods=["GET", "HEAD"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET", "HEAD"]),
        Route("/api/debates", reader(coder.listing), methods=["GET"]),
        Route("/api/debates/{debate}/docs/{stem}", reader(coder.view), methods=["GET"]),
        Route("/api/debates/{debate}/docs/{stem}/save", writer(coder.save), methods=["POST"]),
        Route("/api/debates/{debate}/docs/{stem}/delete", writer(coder.delete), methods=["POST"]),
        Route("/api/debates/{debate}/docs/{stem}/draft", writer(coder.draft), methods=["POST"]),
        Route("/api/debates/{debate}/merge", writer(coder.merge), methods=["POST"]),
        Route("/api/build", writer(coder.build, with_body=False), methods=["POST"]),
    ]
    app = create_app(routes, limits or Limits(max_body_bytes=MAX_BODY))
    hosts = [f"127.0.0.1:{port}", f"localhost:{port}"]
    return TokenGuard(app, token, hosts, refused=403, writes_need_origin=True)
