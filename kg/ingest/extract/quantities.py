"""Find the numbers of a news text as quantities: value, unit, comparator, share, span.

What is read (each with an optional comparator before it: "almost", "nearly", "fewer than",
"more than", "around", "up to", "at least", ...):

- shares: "one in ten", "three in four", "nine out of 10" (numerator/denominator, unit ratio);
  "a fifth", "two thirds", "half" (as a percentage, with numerator/denominator);
- percentages: "42 per cent", "48pc", "71%", "3.5 percentage points";
- money: "£3.1bn", "£20,000", "€5m", "40p", "2 million pounds" (unit GBP, EUR, USD; value in units);
- multiples: "twice as many", "three times more", "double the" (unit ratio);
- rates: "once every day", "twice a week", "three times a year" (unit per-day, per-week, ...);
- durations: "30 years", "a two-year trial", "six months", "48 hours" (unit years, months, ...);
- deadlines: "by 2020", "until 2030", "before 2025" (unit calendar-year, comparator at-most /
  less-than); other years are dates, not quantities, and are left out;
- counts: any other number in digits or words ("2,004", "Six physical assaults", "(139)"),
  except parts of words or codes ("X26"), times of day, days of the month and years.

Where two readings overlap, the more specific wins (a share before a count, a duration before
a count). Offsets are code points, end exclusive, and cover the comparator and the unit words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
              "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
             "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
             "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
COMPARATORS = {
    "almost": "almost", "nearly": "almost", "just under": "almost", "just below": "almost",
    "fewer than": "less-than", "less than": "less-than", "under": "less-than", "below": "less-than",
    "more than": "more-than", "over": "more-than", "above": "more-than", "in excess of": "more-than",
    "just over": "more-than", "around": "about", "about": "about", "approximately": "about",
    "roughly": "about", "some": "about", "circa": "about", "an estimated": "about",
    "up to": "at-most", "at most": "at-most", "no more than": "at-most",
    "at least": "at-least", "no fewer than": "at-least", "no less than": "at-least",
    "exactly": "exactly", "precisely": "exactly",
}
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
DURATIONS = {"year": "years", "month": "months", "week": "weeks", "day": "days", "hour": "hours",
             "minute": "minutes", "decade": "years"}
RATES = {"day": "per-day", "week": "per-week", "month": "per-month", "year": "per-year", "hour": "per-hour"}
CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR", "pounds": "GBP", "pound": "GBP", "euros": "EUR",
              "dollars": "USD", "p": "GBP"}


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


_DIGIT_WORDS = [k for k, v in UNITS_WORDS.items() if 0 < v < 10]
_WORD_NUMBER = (rf"(?:{_alt(TENS_WORDS)})(?:[- ](?:{_alt(_DIGIT_WORDS)}))?"
                rf"|(?:{_alt(UNITS_WORDS)})|a dozen|a hundred|a thousand")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?:{_DIGITS}|(?i:{_WORD_NUMBER}))(?:[ \t]+(?:hundred|thousand|million|billion|trillion)\b)?"
_COMP = rf"(?:(?P<comp>(?i:{_alt(COMPARATORS)}))[ \t]+)?"
_NOT_BEFORE = r"(?<![\w£$€.,/-])"
_NOT_AFTER = r"(?![\w%/]|[.,]\d)"


@dataclass(frozen=True)
class Quantity:
    """A number found in the text: where it is and what it says."""

    start: int
    end: int
    value: float | None
    unit: str
    comparator: str | None = None
    numerator: int | None = None
    denominator: int | None = None


def number(words: str) -> float | None:
    """The value of a number written in digits or words ("2,004", "twenty-five", "3.1 million")."""
    words = words.strip().lower()
    scale = 1
    parts = words.split()
    if len(parts) > 1 and parts[-1] in SCALES:
        scale = SCALES[parts[-1]]
        words = " ".join(parts[:-1])
    words = words.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words) * scale
    if words in ("a dozen",):
        return 12.0 * scale
    if words in ("a hundred", "a thousand"):
        return float(SCALES[words.split()[1]]) * scale
    total = 0
    for part in re.split(r"[- ]", words):
        if part in TENS_WORDS:
            total += TENS_WORDS[part]
        elif part in UNITS_WORDS:
            total += UNITS_WORDS[part]
        else:
            return None
    return float(total) * scale


Handler = Callable[[re.Match[str]], Quantity | None]


def _comp(m: re.Match[str]) -> str | None:
    word = m.group("comp")
    return COMPARATORS[word.lower()] if word else None


def _share(m: re.Match[str]) -> Quantity | None:
    num, den = number(m.group("num")), number(m.group("den"))
    if num is None or den is None or den == 0 or num > den or den >= 1000:
        return None
    return Quantity(m.start(), m.end(), None, "ratio", _comp(m), int(num), int(den))


def _percent(m: re.Match[str]) -> Quantity | None:
    value = number(m.group("num"))
    unit = "percentage-points" if m.group("points") else "percent"
    return None if value is None else Quantity(m.start(), m.end(), value, unit, _comp(m))


def _money(m: re.Match[str]) -> Quantity | None:
    if m.group("pence"):
        pence = number(m.group("pence"))
        return None if pence is None else Quantity(m.start(), m.end(), round(pence / 100, 2), "GBP", _comp(m))
    value = number(m.group("num"))
    if value is None:
        return None
    value *= SCALES.get((m.group("suffix") or "").lower(), 1)
    if m.group("scale"):
        value *= SCALES[m.group("scale").lower()]
    value = round(value, 2)
    return Quantity(m.start(), m.end(), value, CURRENCIES[m.group("symbol")], _comp(m))


def _money_words(m: re.Match[str]) -> Quantity | None:
    value = number(m.group("num"))
    return None if value is None else Quantity(m.start(), m.end(), value, CURRENCIES[m.group("word").lower()],
                                              _comp(m))


def _fraction(m: re.Match[str]) -> Quantity | None:
    count = m.group("count")
    num = 1 if count is None or count.lower() in ("a", "an", "one") else number(count)
    den = FRACTIONS[m.group("part").lower()]
    if num is None or (count is None and m.group("comp") is None and m.group("of") is None):
        return None
    return Quantity(m.start(), m.end(), round(100 * num / den, 1), "percent", _comp(m), int(num), den)


def _multiple(m: re.Match[str]) -> Quantity | None:
    word = m.group("times_word") or ""
    value = {"twice": 2.0, "double": 2.0, "treble": 3.0, "triple": 3.0}.get(word.lower())
    if value is None:
        value = number(m.group("num") or "")
    return None if value is None else Quantity(m.start(), m.end(), value, "ratio", _comp(m))


def _rate(m: re.Match[str]) -> Quantity | None:
    how = m.group("how").lower()
    value = {"once": 1.0, "twice": 2.0}.get(how) or number(m.group("num") or "")
    if value is None:
        return None
    return Quantity(m.start(), m.end(), value, RATES[m.group("per").lower()], _comp(m))


def _duration(m: re.Match[str]) -> Quantity | None:
    value = number(m.group("num"))
    unit_word = m.group("unit").lower()
    if value is None:
        return None
    if unit_word == "decade":
        value *= 10
    return Quantity(m.start(), m.end(), value, DURATIONS[unit_word], _comp(m))


def _deadline(m: re.Match[str]) -> Quantity:
    comparator = "less-than" if m.group("prep").lower() == "before" else "at-most"
    return Quantity(m.start("year") - len(m.group("prep")) - 1, m.end(), float(m.group("year")),
                    "calendar-year", comparator)


def _count(m: re.Match[str]) -> Quantity | None:
    raw = m.group("num")
    value = number(raw)
    if value is None or raw.lower() in ("one", "zero", "a hundred", "a thousand", "a dozen"):
        return None
    if re.fullmatch(r"1[89]\d\d|20\d\d", raw):
        return None  # a year: a date, not a quantity
    return Quantity(m.start(), m.end(), value, "count", _comp(m))


# (pattern, handler), most specific first: where two overlap, the earlier wins.
PATTERNS: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?P<num>{_NUMBER})[ \t]+(?:in|out[ \t]+of)[ \t]+(?:every[ \t]+)?"
                rf"(?P<den>{_NUMBER}){_NOT_AFTER}"), _share),
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?P<num>{_NUMBER})(?:[ \t]*(?:%|per[ \t-]?cent\b|pc\b)"
                rf"|[ \t]+(?P<points>percentage[ \t]+points?)\b)"), _percent),
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?:(?P<symbol>[£$€])(?P<num>{_DIGITS})(?P<suffix>bn|m|k)?\b"
                rf"(?:[ \t]+(?P<scale>million|billion|thousand)\b)?|(?P<pence>\d{{1,2}})p\b)"), _money),
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?P<num>{_NUMBER})[ \t]+(?P<word>pounds|pound|euros|dollars)\b"),
     _money_words),
    (re.compile(rf"(?i:\b{_COMP}(?P<how>once|twice|(?P<num>{_WORD_NUMBER}|\d+)[ \t]+times)[ \t]+"
                rf"(?:a|an|every|per|each)[ \t]+(?P<per>day|week|month|year|hour)\b)"), _rate),
    (re.compile(rf"\b{_COMP}(?:(?P<times_word>[Tt]wice|[Dd]ouble|[Tt]reble|[Tt]riple)"
                rf"(?=[ \t]+(?:as|the|that|what))"
                rf"|(?P<num>{_NUMBER})[ \t]+times(?=[ \t]+(?:as|more|higher|greater|larger|bigger|less|lower|"
                rf"fewer|faster|likelier|the|over)\b))(?:[ \t]+as[ \t]+(?:many|much|likely))?"), _multiple),
    (re.compile(rf"\b{_COMP}(?:(?P<count>(?i:a|an|one|two|three|four|five|six|seven|eight|nine))[ \t]+)?"
                rf"(?P<part>(?i:{_alt(FRACTIONS)}))\b(?:(?=[ \t]+of\b)(?P<of>))?"), _fraction),
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?P<num>{_NUMBER})[ \t-]+"
                rf"(?P<unit>(?i:year|month|week|day|hour|minute|decade))s?\b"
                rf"(?![ \t-]*old)"), _duration),
    (re.compile(r"\b(?P<prep>[Bb]y|[Uu]ntil|[Bb]efore|[Ii]n[ \t]+time[ \t]+for)[ \t]+"
                r"(?P<year>(?:1[89]|20)\d\d)\b(?![\w,])"), _deadline),
    (re.compile(rf"{_NOT_BEFORE}{_COMP}(?P<num>{_NUMBER}){_NOT_AFTER}"
                rf"(?![ \t]*(?:am|pm|{MONTHS})\b)(?!(?:st|nd|rd|th)\b)"), _count),
]


_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})[ \t]+$")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity of ``text``, in text order, none overlapping another."""
    taken: list[Quantity] = []  # in text order, none overlapping
    for pattern, handler in PATTERNS:
        for m in pattern.finditer(text):
            found = handler(m)
            if found is None or found.start >= found.end:
                continue
            if handler is _count and _MONTH_BEFORE.search(text, max(0, found.start - 12), found.start):
                continue  # "March 2018" is a date; "12 March" is caught by the look-ahead
            pos = bisect.bisect_left(taken, found.start, key=lambda q: q.start)
            after = taken[pos] if pos < len(taken) else None
            if (pos and taken[pos - 1].end > found.start) or (after and after.start < found.end):
                continue
            taken.insert(pos, found)
    return taken
