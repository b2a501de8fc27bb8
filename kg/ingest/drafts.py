"""Drafts of ``kg extract``: read them, turn an accepted one into an annotation entry, remove it.

A draft is ``<stem>.draft.json`` beside the source text ``<stem>.txt`` (the build ignores it):

    {"source": "<file>", "statements": [{"speaker", "actor" (id or null), "quote", "start", "end",
     "mode": "direct|reported", "cue"}], "quantities": [{"text", "start", "end", "value", "unit",
     "comparator", "numerator", "denominator"}], "actors": [{"name", "kind", "id"}], "dropped": N}

Offsets are code points, end exclusive. A draft item whose words are not at its offsets in the
text (the text or the draft changed) is not offered; :func:`load` counts it as stale. Accepting
or rejecting an item removes it from the file (atomic write), so what is left is what still
waits for a decision.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ingest.edit import quote_value
from kg.model.errors import KgError
from kg.model.files import write_atomic

SUFFIX = ".draft.json"
KINDS = ("statements", "quantities", "actors")
MAX_BYTES = 5_000_000
MODES = ("direct", "reported")


def draft_path(text_path: Path) -> Path:
    """Where the draft of the source text ``text_path`` lives."""
    return text_path.with_name(text_path.stem + SUFFIX)


@dataclass
class Draft:
    """A draft file read and checked against its text."""

    path: Path
    data: dict[str, Any]
    stale: int = 0  # items whose words are not at their offsets
    items: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)  # kind -> (index, item)


def _spanned(item: Mapping[str, Any], text: str, words_key: str) -> bool:
    start, end, words = item.get("start"), item.get("end"), item.get(words_key)
    return (isinstance(start, int) and isinstance(end, int) and isinstance(words, str)
            and 0 <= start < end <= len(text) and text[start:end] == words)


def load(path: Path, text: str) -> Draft | None:
    """The draft at ``path`` checked against ``text``, or None when there is none."""
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_BYTES:
        raise KgError(f"too large for a draft ({path.stat().st_size:,} bytes)", path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KgError(f"not a readable draft: {exc}", path) from exc
    if not isinstance(data, dict):
        raise KgError("a draft must be a JSON object", path)
    draft = Draft(path, data)
    for kind in KINDS:
        items = data.get(kind) or []
        if not isinstance(items, list):
            raise KgError(f"'{kind}' must be a list", path)
        draft.items[kind] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise KgError(f"every entry of '{kind}' must be an object", path)
            if kind == "actors":
                ok = isinstance(item.get("name"), str) and bool(item["name"].strip())
            else:
                ok = _spanned(item, text, "quote" if kind == "statements" else "text")
            if ok:
                draft.items[kind].append((i, item))
            else:
                draft.stale += 1
    return draft


def item(draft: Draft, kind: str, index: int) -> dict[str, Any]:
    """Item ``index`` of ``kind``, as offered (a stale one is refused)."""
    if kind not in KINDS:
        raise KgError(f"unknown draft kind {kind!r} (one of: {', '.join(KINDS)})", draft.path)
    for i, found in draft.items.get(kind, []):
        if i == index:
            return found
    raise KgError(f"no draft {kind} item {index}", draft.path)


def remove(draft: Draft, picks: list[tuple[str, int]]) -> None:
    """Remove the items ``picks`` ((kind, index) pairs) from the draft file, atomically."""
    data = dict(draft.data)
    for kind in KINDS:
        gone = {i for k, i in picks if k == kind}
        if gone:
            data[kind] = [x for i, x in enumerate(data.get(kind) or []) if i not in gone]
    write_atomic(draft.path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    draft.data = data


def statement_entry(text: str, drafted: Mapping[str, Any], *, speaker: str, claim: str, stance: str,
                    mode: str | None = None, speaks_for: str | None = None,
                    note: str | None = None) -> dict[str, Any]:
    """The ``statements:`` entry for an accepted drafted quote, in the order curators write it
    (speaker, for, claim, stance, mode, quote, note). The quote is the draft's exact words, with
    an occurrence where they occur more than once."""
    chosen_mode = mode if mode is not None else drafted.get("mode")
    if chosen_mode is not None and chosen_mode not in MODES:
        chosen_mode = None
    return {
        "speaker": speaker, "for": speaks_for, "claim": claim, "stance": stance, "mode": chosen_mode,
        "quote": quote_value(text, int(drafted["start"]), int(drafted["end"])), "note": note,
    }
