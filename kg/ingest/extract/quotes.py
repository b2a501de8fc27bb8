"""Find quotations and reported speech in a news text, and who said them.

**Quotation marks.** Every kind is read: straight (``"`` ``'``), curly (“ ” ‘ ’), low („ ‚) and
guillemets (« » ‹ ›). A mark opens a quotation after white space, a bracket or a dash and
before a letter; it closes one after a letter or punctuation and before white space or
punctuation; a mark between two letters is an apostrophe ("isn't", "it’s"). Double and single
marks are two families: inside a quotation of one family, marks of the other are nested quotes
and ignored. News style carries a long quotation over several paragraphs by opening each
paragraph and closing only the last; each paragraph's part is a segment of its own, with the
same speaker.

**Direct speech.** A segment is direct speech when a speech verb (said, told, added, insisted,
warned, ...) and a speaker sit right after it (``..., he said.``, ``..., said Mr Symonds.``,
``..., Mr Symonds said.``) or right before it (``A spokesman said: '...'``), or when it
continues a quotation already attributed (the next paragraph of the same quotation, or a
quoted paragraph straight after one). Short quotations inside a sentence with no speech verb
next to them (``the ‘reality’ that bobbies faced ‘more violence’``) are scare quotes or
fragments and are not drafted as statements of their own.

**Reported speech.** A sentence in which a named actor (or "he"/"she") is the subject of a
speech verb (``Mr Symonds insisted a roll-out ...``, ``Chairman Graham Smith called for ...``,
``..., the Federation has said.``, ``according to the Federation, ...``) gives a reported
statement: the words after the verb (or before it, when the verb closes the sentence).

**Speakers.** The speaker's words are matched to the actors of :mod:`.actors`: a name in the
words, or for "he"/"she" the last person named before (of that gender, when first name or
title tells it), for "the spokesman" the last actor with that post.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.ingest.extract.actors import SPEECH_VERBS, Cast
from kg.ingest.extract.text import paragraphs, sentences

OPENING = {"“": '"', "„": '"', "«": '"', "‘": "'", "‚": "'", "‹": "'"}
CLOSING = {"”": '"', "»": '"', "’": "'", "›": "'"}
STRAIGHT = {'"': '"', "'": "'"}
_BEFORE_OPENING = set(" \t\n([{—–-/:")

# Speech verbs as they follow a quotation (", he said") or introduce one ("He said: '")
_VERB = rf"(?:{SPEECH_VERBS}|did not say|declined to say|refused to say|according to)"
_AUX = r"(?:(?:has|had|have|also|previously|later|then|again|once|recently|repeatedly|already|further)\s+)*"
_SPEAKER = r"[^.!?;:\n'\"‘’“”]{1,90}?"
_AFTER_NAME_FIRST = re.compile(
    rf"\s*,?\s*(?P<speaker>{_SPEAKER})\s+{_AUX}(?P<cue>{_VERB})\b(?P<rest>[^.!?\n]*)")
_AFTER_VERB_FIRST = re.compile(rf"\s*,?\s*(?P<cue>{_VERB})\s+(?P<speaker>{_SPEAKER})\s*(?=[.!?,;\n]|$)")
_OBJECT = (r"(?:\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}"
           r"|\s+(?:MPs|reporters|journalists|the\s+committee|the\s+inquiry|the\s+conference|delegates|members))")
_BEFORE = re.compile(rf"(?P<speaker>{_SPEAKER})\s+{_AUX}(?P<cue>{_VERB}){_OBJECT}?\s*[:,]?\s*$")
# What may follow ", Mr X said" in the same sentence: nothing, a time or place, who was told
_TRAILING = re.compile(r"\s*(?:(?:,\s*)?(?:in|on|at|to|during|yesterday|today|last|after|before|when|while|"
                       r"earlier|later|this|the|a|an|[A-Z][\w-]*)\b[^.!?]*)?")
_PRONOUN = re.compile(r"^(?:he|she|they)$", re.IGNORECASE)
_VOICE_WORDS = ("spokesman", "spokeswoman", "spokesperson", "minister", "chairman", "chair", "secretary")
# Reported speech: a subject, auxiliaries, the verb; the clause after it (skipping 'that')
_REPORTED = re.compile(rf"\b{_AUX}(?P<cue>{_VERB}|did not say whether|called on)\b(?:\s+that\b)?\s*")
_TOLD = re.compile(r"(?:the\s+)?[A-Za-z][\w-]*(?:\s+[A-Z][\w-]*){0,3}[:,]?\s+(?:that\s+)?")
_CLOSING_CUE = re.compile(rf",\s*(?P<speaker>{_SPEAKER})\s+{_AUX}(?P<cue>{_VERB})\s*[.!?]?$")
_ACCORDING = re.compile(r"\baccording to\s+(?P<speaker>[^,.;]{2,80})")


@dataclass(frozen=True)
class Statement:
    """A drafted statement: who (as written, and the actor's index), the words and where."""

    speaker: str
    actor: int | None
    start: int
    end: int
    mode: str  # direct | reported
    cue: str


@dataclass
class Segment:
    """One paragraph's part of a quotation: where its words are, where its marks are."""

    start: int  # first character inside the marks
    end: int  # end of the words (before the closing mark, or the paragraph's end)
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark; None when the paragraph ends first
    continues: bool = False  # carries on a quotation opened before (earlier paragraph or sentence)


def _role(text: str, i: int, start: int, end: int) -> str:
    """'open', 'close' or '' (an apostrophe or a stray mark) for the mark at ``text[i]``."""
    mark = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if prev.isalnum() and nxt.isalnum():
        return ""  # isn't, it’s, O'Brien
    opens = (prev in _BEFORE_OPENING or i == start) and not nxt.isspace()
    closes = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
    if mark in OPENING:
        return "open" if not closes or opens else "close"
    if mark in CLOSING:
        return "close" if closes else ("open" if opens and mark != "’" else "")
    return "open" if opens else ("close" if closes else "")


def segments(text: str) -> list[Segment]:
    """Every quotation segment of ``text``, in order (see the module's notes)."""
    found: list[Segment] = []
    pending = False  # the last paragraph ended inside a quotation
    for p_start, p_end in paragraphs(text):
        family: str | None = None
        opened = 0
        continuing = False
        for i in range(p_start, p_end):
            mark = text[i]
            fam = OPENING.get(mark) or CLOSING.get(mark) or STRAIGHT.get(mark)
            if fam is None:
                continue
            role = _role(text, i, p_start, p_end)
            if family is None:
                if role == "open":
                    family, opened = fam, i
                    continuing = pending and i == p_start
            elif fam == family:
                if role == "close" and _possessive(text, i, opened, p_end, family):
                    continue
                if role == "close":
                    found.append(Segment(opened + 1, i, opened, i, continuing))
                    family = None
                elif role == "open" and text[i - 1].isspace():
                    # a new quotation opens while one is open: the first ran on unclosed
                    words_end = _trim_end(text, opened + 1, i)
                    found.append(Segment(opened + 1, words_end, opened, None, continuing))
                    family, opened, continuing = fam, i, True
        pending = family is not None
        if family is not None:
            found.append(Segment(opened + 1, _trim_end(text, opened + 1, p_end), opened, None, continuing))
    return found


def _possessive(text: str, i: int, opened: int, end: int, family: str) -> bool:
    """Whether the closing-looking mark at ``i`` is rather a plural possessive ("members’
    wellbeing"): after an 's', before a space and a lower-case word, inside a quotation that
    opened a sentence (so it should run to punctuation) and is closed later in the paragraph
    by a mark after punctuation."""
    if text[i - 1] != "s" or not re.match(r"\s[a-z]", text[i + 1 : i + 3]):
        return False
    if opened > 0 and not re.search(r"(?:^|[.:!?]\s*|\n)$", text[max(0, opened - 3) : opened]):
        return False
    for j in range(i + 1, end):
        fam = CLOSING.get(text[j]) or STRAIGHT.get(text[j])
        if fam == family and text[j - 1] in ",.!?" and _role(text, j, opened, end) == "close":
            return True
    return False


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _words_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding white space and a trailing comma."""
    while start < end and text[start].isspace():
        start += 1
    end = _trim_end(text, start, end)
    while end > start and text[end - 1] in ",;:–—-":
        end = _trim_end(text, start, end - 1)
    return start, end


class _Speakers:
    """Resolves the speaker's words ("he", "Mr Symonds", "A Norfolk Constabulary spokesman")
    to an actor of the cast."""

    def __init__(self, text: str, cast: Cast):
        self.text, self.cast = text, cast

    def resolve(self, start: int, end: int, at: int) -> tuple[str, int | None] | None:
        """(speaker as written, actor index) for the words [start, end); None when the words
        cannot be a speaker (no name, no pronoun, no post)."""
        start, end = _words_span(self.text, start, end)
        words = self.text[start:end]
        if not words or len(words.split()) > 9:
            return None
        if _PRONOUN.match(words):
            if words.lower() == "they":
                return None  # a group or an organisation: too often a guess
            return words, self.cast.last_person(at, "m" if words.lower() == "he" else "f")
        inside = self.cast.within(start, end)
        if inside:
            # "Andy Symonds, chair of the Norfolk Police Federation": the first person named,
            # else the first organisation
            people = [m for m in inside if self.cast.actors[m.actor].is_person]
            mention = (people or inside)[0]
            return words, mention.actor
        lowered = words.lower()
        for word in _VOICE_WORDS:
            if re.search(rf"\b{word}\b", lowered) and re.match(r"(?:the|a|an)\b", lowered):
                return words, self.cast.last_with(at, word)
        return None


def direct_statements(text: str, cast: Cast) -> list[Statement]:
    """Quotations attributed to a speaker (see the module's notes)."""
    speakers = _Speakers(text, cast)
    sentence_spans = sentences(text)
    result: list[Statement] = []
    last: Statement | None = None
    last_paragraph = -2  # index of the paragraph of the last attributed quotation
    paragraph_spans = paragraphs(text)
    paragraph_starts = [p[0] for p in paragraph_spans]
    sentence_starts = [s[0] for s in sentence_spans]
    for seg in segments(text):
        start, end = _words_span(text, seg.start, seg.end)
        if start >= end:
            continue
        sentence = sentence_spans[bisect.bisect_right(sentence_starts, seg.open_at) - 1]
        found = _attribute(text, seg, speakers, sentence)
        index = bisect.bisect_right(paragraph_starts, seg.open_at) - 1
        if found is None and last is not None:
            opens_paragraph = seg.open_at == paragraph_spans[index][0]
            # the same quotation carried on, a later quotation in the same paragraph, or a quoted
            # paragraph straight after a quoted one: the same speaker, as news style has it
            if seg.continues or last_paragraph == index or (opens_paragraph and last_paragraph == index - 1):
                found = (last.speaker, last.actor, last.cue)
        if found is None:
            continue
        speaker, actor, cue = found
        last = Statement(speaker, actor, start, end, "direct", cue)
        result.append(last)
        last_paragraph = index
    return result


def _attribute(text: str, seg: Segment, speakers: _Speakers,
               sentence: tuple[int, int]) -> tuple[str, int | None, str] | None:
    """(speaker, actor, cue) for a segment from the words just after or just before it."""
    if seg.close_at is not None:
        after_start = seg.close_at + 1
        line_end = text.find("\n", after_start)
        window = text[after_start : line_end if line_end != -1 else len(text)]
        # the attribution ends where the next quotation opens
        cut = re.search(r"\s['‘\"“]", window)
        window = window[: cut.start()] if cut else window
        for pattern in (_AFTER_VERB_FIRST, _AFTER_NAME_FIRST):
            m = pattern.match(window)
            if m and (pattern is _AFTER_VERB_FIRST or _TRAILING.fullmatch(m.group("rest"))):
                resolved = speakers.resolve(after_start + m.start("speaker"), after_start + m.end("speaker"),
                                            seg.open_at)
                if resolved:
                    return resolved[0], resolved[1], m.group("cue").lower()
    if sentence[0] < seg.open_at:
        before = text[sentence[0] : seg.open_at]
        m = _BEFORE.search(before)
        if m:
            resolved = speakers.resolve(sentence[0] + m.start("speaker"), sentence[0] + m.end("speaker"),
                                        seg.open_at)
            if resolved:
                return resolved[0], resolved[1], m.group("cue").lower()
    return None


def reported_statements(text: str, cast: Cast, direct: list[Statement]) -> list[Statement]:
    """Sentences whose subject is a named actor (or he/she) of a speech verb, outside quotation
    marks; the statement's words are the clause the verb introduces."""
    speakers = _Speakers(text, cast)
    quoted = _Spans([(s.start, s.end) for s in direct])
    result: list[Statement] = []
    for s_start, s_end in sentences(text):
        if quoted.covers(s_start, s_end - 2):
            continue
        found = _reported_in(text, s_start, s_end, speakers, quoted)
        if found is not None:
            result.append(found)
    return result


def _reported_in(text: str, s_start: int, s_end: int, speakers: _Speakers,
                 quoted: _Spans) -> Statement | None:
    sentence = text[s_start:s_end]
    closing = _CLOSING_CUE.search(sentence)
    if closing and s_start + closing.start() not in quoted:
        resolved = speakers.resolve(s_start + closing.start("speaker"), s_start + closing.end("speaker"),
                                    s_start)
        if resolved and resolved[1] is not None:
            start, end = _words_span(text, s_start, s_start + closing.start())
            if end - start > 10 and text[start] not in OPENING and text[start] not in STRAIGHT:
                cue = closing.group("cue").lower()
                return Statement(resolved[0], resolved[1], start, end, "reported", cue)
    according = _ACCORDING.search(sentence)
    if according:
        resolved = speakers.resolve(s_start + according.start("speaker"), s_start + according.end("speaker"),
                                    s_start)
        if resolved and resolved[1] is not None:
            after = s_start + according.end("speaker")
            start, end = (_words_span(text, after, s_end) if according.start() < 3
                          else _words_span(text, s_start, s_start + according.start()))
            start, end = _strip_final_stop(text, start, end)
            if end - start > 10:
                return Statement(resolved[0], resolved[1], start, end, "reported", "according to")
    for verb in _REPORTED.finditer(sentence):
        v_start = s_start + verb.start()
        if v_start in quoted:
            continue
        subject = _subject(text, s_start, v_start, speakers)
        if subject is None:
            continue
        start = s_start + verb.end()
        cue = verb.group("cue").lower()
        if cue in ("told", "called on"):
            told = _TOLD.match(text, start, s_end)
            start = told.end() if told else start
        while start < s_end and text[start] in ":, \t":
            start += 1
        start, end = _strip_final_stop(text, *_words_span(text, start, s_end))
        if end - start < 10 or text[start] in OPENING or text[start] in STRAIGHT:
            continue  # an introduced quotation, drafted as direct speech
        return Statement(subject[0], subject[1], start, end, "reported", cue)
    return None


def _subject(text: str, s_start: int, v_start: int, speakers: _Speakers) -> tuple[str, int] | None:
    """The speaker just before the verb at ``v_start``: a mention ending there (after an
    appositive ", chair of ..., " if any), or a pronoun opening a clause."""
    head = text[s_start:v_start]
    pronoun = re.search(r"(?:^|[,;]\s*|\band\s+)(?P<p>[Hh]e|[Ss]he)\s+$", head)
    if pronoun:
        resolved = speakers.resolve(s_start + pronoun.start("p"), s_start + pronoun.end("p"), s_start)
        return (resolved[0], resolved[1]) if resolved and resolved[1] is not None else None
    # "Tom Bradley, chief executive of the ..., said": the name before the appositive first
    appositive = re.search(r",[^,]{2,80},\s*$", head)
    ends = [s_start + appositive.start(), v_start] if appositive else [v_start]
    for end in ends:
        while end > s_start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        mention = speakers.cast.ending_at(end, s_start)
        if mention is None:
            continue
        lead = text[s_start:mention.start]
        # not the attribution of a quotation that has just closed (", Mr Hurst said in ..."),
        # and not the object of a preposition ("spoke to Mr Hurst said")
        if re.search(r"['’\"”]\s*,?\s*$", lead) or re.search(r"\b(?:to|with|from|than|for|of)\s*$", lead):
            continue
        return text[mention.start:mention.end], mention.actor
    return None


def _strip_final_stop(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ".!?":
        end -= 1
    return start, _trim_end(text, start, end)


class _Spans:
    """Ranges in text order, none overlapping, for quick 'is this offset quoted' questions."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def _at(self, offset: int) -> tuple[int, int] | None:
        pos = bisect.bisect_right(self.starts, offset) - 1
        return self.spans[pos] if pos >= 0 and offset < self.spans[pos][1] else None

    def covers(self, start: int, end: int) -> bool:
        """Whether one range holds all of [start, end]."""
        span = self._at(start)
        return span is not None and end <= span[1]

    def __contains__(self, offset: int) -> bool:
        return self._at(offset) is not None
