"""Paragraphs and sentences of a news text, as (start, end) offsets into it.

News copy has one paragraph a line (often a blank line between) and sentences that end in
``.``, ``!`` or ``?``, possibly followed by a closing quotation mark. UK style writes "Mr"
and "Dr" without a full stop, so a short list of abbreviations is enough to avoid most false
sentence ends. Offsets are Python string indices (Unicode code points), end exclusive.
"""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! or ? (and any closing quotes or brackets after it) before white space
# and an upper-case letter, a digit or an opening quotation mark.
_SENTENCE_END = re.compile(r"[.!?]['’\"”)\]]*(?=\s+['‘\"“(]?[A-Z0-9£$€])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Prof|Sgt|Insp|Supt|Cllr|No|Co|Ltd|Inc|vs|etc|e\.g|i\.e)|\b[A-Z])\.$")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Every non-empty line of ``text`` (a paragraph of news copy), without its line break."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text``: paragraphs cut after sentence-ending punctuation."""
    spans = []
    for p_start, p_end in paragraphs(text):
        start = p_start
        for match in _SENTENCE_END.finditer(text, p_start, p_end):
            if _ABBREVIATIONS.search(text, max(p_start, match.start() - 6), match.start() + 1):
                continue
            spans.append((start, match.end()))
            start = match.end()
            while start < p_end and text[start].isspace():
                start += 1
        if start < p_end:
            spans.append((start, p_end))
    return spans


def containing(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The span of ``spans`` that holds ``offset``, if any."""
    for start, end in spans:
        if start <= offset < end:
            return start, end
    return None
