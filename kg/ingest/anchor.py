"""Find a quote's exact words in its source text and describe where they are.

Offsets are Python string indices, i.e. Unicode code points, as the W3C Web Annotation
``TextPositionSelector`` requires; ``end`` is exclusive. When the words are not there, the
nearest passage is reported so the curator can see the typo.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

CONTEXT = 32  # characters of prefix and suffix kept in the TextQuoteSelector


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in a text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class AnchorError(ValueError):
    """The quote was not found, or found more than once with no occurrence chosen."""


def occurrences(text: str, exact: str) -> list[int]:
    """Every start offset of ``exact`` in ``text`` (overlapping matches included)."""
    found: list[int] = []
    start = text.find(exact)
    while start != -1:
        found.append(start)
        start = text.find(exact, start + 1)
    return found


def anchor(text: str, exact: str, occurrence: int | None = None) -> Anchor:
    """Locate ``exact`` in ``text``; ``occurrence`` (1-based) picks one of several matches."""
    if not exact:
        raise AnchorError("empty quote")
    starts = occurrences(text, exact)
    if not starts:
        near = nearest(text, exact)
        hint = f"; nearest passage: {near!r}" if near else ""
        raise AnchorError(f"quote not found in the source: {shorten(exact)!r}{hint}")
    if occurrence is None:
        if len(starts) > 1:
            raise AnchorError(
                f"quote occurs {len(starts)} times (at offsets {', '.join(map(str, starts))}): "
                f"{shorten(exact)!r}; say which with 'occurrence: N'"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise AnchorError(
            f"occurrence {occurrence} asked for, but the quote occurs {len(starts)} time(s): "
            f"{shorten(exact)!r}"
        )
    start = starts[occurrence - 1]
    end = start + len(exact)
    return Anchor(start, end, exact, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def shorten(text: str, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def nearest(text: str, exact: str) -> str | None:
    """The passage of ``text`` most like ``exact`` (same length, starting at a word), if any is close."""
    size = len(exact)
    best, best_score = None, 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(exact)
    for match in re.finditer(r"\S+", text):
        window = text[match.start() : match.start() + size]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
            continue
        score = matcher.ratio()
        if score > best_score:
            best, best_score = window, score
    return shorten(best) if best is not None and best_score >= 0.6 else None
