"""Draft the annotations of one source text: find it, run the finders, anchor, write.

The draft is a JSON file beside the source text, ``<stem>.draft.json`` (the build reads only
``*.yaml``, so it ignores drafts until a curator accepts them). Its shape is shared with the
other tools of the project (the browser coder reads it)::

    {"source": "004_d57e7b97e3561e93.txt", "date": "2018-05-01" | null,
     "statements": [{"speaker": "Mr Symonds", "actor": "andy-symonds" | null, "quote": "...",
                     "start": 10, "end": 42, "mode": "direct" | "reported", "cue": "said"}],
     "quantities": [{"text": "48pc", "start": 5, "end": 9, "value": 48, "unit": "percent",
                     "comparator": "almost" | null, "numerator": 1 | null, "denominator": 10 | null}],
     "actors": [{"name": "Andy Symonds", "kind": "person", "id": "andy-symonds"}],
     "dropped": 0}

With ``--llm URL`` the draft has one more key, ``claims``: ``[{"text": "<a neutral claim>",
"statements": [{"speaker", "actor", "quote", "start", "end", "stance"}]}]``.

Offsets are Unicode code points, end exclusive. ``actor`` is the id of the actor in
``actors``: an existing actor of the debate when the name matches one (same person, same id),
else a new id made from the name. ``date`` is the source's ``issued`` date from its annotation
file, when it has one. Every statement and quantity is checked against the text at its
offsets; one that does not sit there exactly is dropped and counted in ``dropped``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.ingest.annotations import Node
from kg.ingest.annotations import load as load_annotations
from kg.ingest.extract.actors import KnownActor, assign_ids, find_actors
from kg.ingest.extract.quantities import find_quantities
from kg.ingest.extract.quotes import direct_statements, reported_statements
from kg.model.errors import KgError
from kg.model.files import write_atomic
from kg.model.paths import DEBATE_FILE

DRAFT_SUFFIX = ".draft.json"
MAX_TEXT_BYTES = 5_000_000  # a news article is a few tens of KB


@dataclass(frozen=True)
class SourceFile:
    """A source text to draft: the text file, its debate folder and its annotation file (if any)."""

    text_path: Path
    folder: Path
    annotation: Path | None

    @property
    def draft_path(self) -> Path:
        """Where the draft goes: ``<stem>.draft.json`` beside the text."""
        return self.text_path.with_name(self.text_path.stem + DRAFT_SUFFIX)


def locate(spec: str, data_dir: Path) -> SourceFile:
    """The source ``spec`` names: a text file, its annotation file (``.yaml``), or a source id
    (or text file stem) of a debate under ``data_dir``."""
    path = Path(spec)
    if path.is_file() and path.suffix == ".yaml":
        doc = load_annotations(path)
        source = doc.get("source")
        if not isinstance(source, Node) or not source.text("file"):
            raise KgError("not a source's annotation file (no 'source:' with a 'file:')", path, 1)
        return _source_file(path.parent / str(source.text("file")), path)
    if path.is_file():
        return _source_file(path, None)
    for candidate in sorted(data_dir.glob("*/*.yaml")) if data_dir.is_dir() else []:
        if candidate.name == DEBATE_FILE:
            continue
        if candidate.stem == spec:
            return locate(str(candidate), data_dir)
        doc = load_annotations(candidate)
        source = doc.get("source")
        if isinstance(source, Node) and source.text("id") == spec:
            return locate(str(candidate), data_dir)
    raise KgError(f"no source text, annotation file or source id {spec!r} (looked in {data_dir}/)")


def _source_file(text_path: Path, annotation: Path | None) -> SourceFile:
    if not text_path.is_file():
        raise KgError("source text not found", text_path)
    if annotation is None:
        beside = text_path.with_suffix(".yaml")
        annotation = beside if beside.is_file() else None
    return SourceFile(text_path, text_path.parent, annotation)


def read_text(path: Path) -> str:
    """A source text, exactly as stored (no newline translation: offsets point into it)."""
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise KgError(f"too large for a source text ({path.stat().st_size:,} bytes)", path)
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise KgError(f"not UTF-8 text: {exc}", path) from exc
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror or exc}", path) from exc


def known_actors(folder: Path) -> list[KnownActor]:
    """The actors the debate folder's annotation files define (``debate.yaml`` and every
    source's file), read with the build's own loader."""
    found: list[KnownActor] = []
    for path in sorted(folder.glob("*.yaml")):
        for node in load_annotations(path).nodes("actors"):
            if node.text("id") and node.text("name"):
                found.append(KnownActor(str(node.text("id")), str(node.text("name")),
                                        node.text("kind") or "", node.text("honorific") or ""))
    return found


def issued(annotation: Path | None) -> str | None:
    """The source's ``issued`` date from its annotation file, unless unknown or absent."""
    if annotation is None:
        return None
    source = load_annotations(annotation).get("source")
    value = source.text("issued") if isinstance(source, Node) else None
    return value if value and value != "unknown" else None


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def draft(text: str, source_name: str, known: list[KnownActor], date: str | None = None) -> dict[str, Any]:
    """The draft of ``text`` (see the module's notes for its shape)."""
    cast = find_actors(text)
    assign_ids(cast, known)
    direct = direct_statements(text, cast)
    reported = reported_statements(text, cast, direct)
    statements = [
        {"speaker": s.speaker, "actor": cast.actors[s.actor].id if s.actor is not None else None,
         "quote": text[s.start:s.end], "start": s.start, "end": s.end, "mode": s.mode, "cue": s.cue}
        for s in sorted([*direct, *reported], key=lambda s: s.start)
    ]
    quantities = [
        {"text": text[q.start:q.end], "start": q.start, "end": q.end, "value": _number(q.value),
         "unit": q.unit, "comparator": q.comparator, "numerator": q.numerator, "denominator": q.denominator}
        for q in find_quantities(text)
    ]
    first_seen: dict[int, int] = {}
    for mention in cast.mentions:
        first_seen.setdefault(mention.actor, mention.start)
    order = sorted(range(len(cast.actors)), key=lambda i: first_seen.get(i, len(text)))
    actors = [{"name": cast.actors[i].name, "kind": cast.actors[i].kind, "id": cast.actors[i].id}
              for i in order]
    kept_statements, dropped_statements = anchored(text, statements, "quote")
    kept_quantities, dropped_quantities = anchored(text, quantities, "text")
    return {"source": source_name, "date": date, "statements": kept_statements,
            "quantities": kept_quantities, "actors": actors,
            "dropped": dropped_statements + dropped_quantities}


def anchored(text: str, items: list[dict[str, Any]], key: str) -> tuple[list[dict[str, Any]], int]:
    """The items whose ``key`` words sit exactly at their offsets in ``text``, and how many did not."""
    kept = []
    for item in items:
        start, end, words = item.get("start"), item.get("end"), item.get(key)
        if (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
                and isinstance(words, str) and text[start:end] == words):
            kept.append(item)
    return kept, len(items) - len(kept)


def draft_source(source: SourceFile, llm_url: str | None = None, llm_model: str = "local") -> dict[str, Any]:
    """The draft of one located source, with the debate's actors and the source's date; with
    ``llm_url``, also the claims and stances a model at that address proposes (key ``claims``,
    see :mod:`kg.ingest.extract.llm`), anchored and checked like the rest."""
    text = read_text(source.text_path)
    result = draft(text, source.text_path.name, known_actors(source.folder), issued(source.annotation))
    if llm_url is not None:
        from kg.ingest.extract import llm

        result["claims"], dropped = llm.claims(text, llm.ask(llm_url, llm_model, text), result["actors"])
        result["dropped"] += dropped
    return result


def write_draft(source: SourceFile, result: dict[str, Any]) -> Path:
    """Write ``result`` to the source's draft file (atomically) and return its path."""
    data = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_atomic(source.draft_path, data.encode("utf-8"))
    return source.draft_path
