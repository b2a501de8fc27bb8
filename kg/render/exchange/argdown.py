"""Write a debate as Argdown (argdown.org), so ``argdown map`` draws its argument map.

* front matter (YAML between ``===`` lines): the debate's title and id, and its sources (id,
  title, publisher, date, URL);
* every claim and evidence item -> a statement ``[Title]: text #(kind)``, the title its label;
* under each statement, what supports it ``+ [Premise]`` and what attacks it ``- [Premise]``
  (Argdown's ``+``/``-`` are incoming relations: the child supports or attacks the parent);
* after each statement, its metadata as a YAML block ``{...}``: its id and kind, the quotes of
  the statements on it (speaker, organisation, stance, source, ``start``/``end`` offsets, exact
  words) and of the links to it (premise, polarity, who asserts it, the words).

Argdown gives meaning to many characters (``[ ] < > { } # @ * _ / \\ =``, ``.name.`` and
``:name:``); text from the sources is escaped with a backslash (Argdown's escape) wherever it is
running text, titles (which Argdown cannot escape) have brackets replaced by parentheses, and
metadata is written as YAML flow with every string double-quoted and ``{``, ``}``, ``=`` and the
line separators YAML would break at as ``\\uXXXX`` escapes, so no quote can end a block or the
front matter early.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kg.render.exchange.debate import Debate, Row

_SPECIAL = re.compile(r"([\\\[\]<>{}#@*_/=])|([.:])(?=\S)")
_TITLE_BAD = re.compile(r"[\[\]{}<>\\#@*_/]")
_BRACKETS = {"[": "(", "]": ")", "{": "(", "}": ")", "<": "(", ">": ")"}


def text(words: object) -> str:
    """Running text with Argdown's syntax characters escaped, on one line."""
    flat = " ".join(str(words).split())
    return _SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(2)), flat)


def title(words: object) -> str:
    """A statement title Argdown reads back whole: no brackets or markup, not starting with '-'."""
    flat = " ".join(str(words).split())
    flat = _TITLE_BAD.sub(lambda m: _BRACKETS.get(m[0], " "), flat)
    flat = re.sub(r"={3,}", "==", flat)  # '===' anywhere opens Argdown's front matter
    return " ".join(flat.split()).lstrip("-+ ") or "untitled"


def flow(value: Any) -> str:
    """``value`` as YAML flow (JSON with braces and '=' in strings escaped as \\uXXXX)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, str):
        return (json.dumps(value, ensure_ascii=False).replace("{", "\\u007b").replace("}", "\\u007d")
                .replace("=", "\\u003d").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
                .replace("\x85", "\\u0085"))
    return json.dumps(value)


def _titles(debate: Debate) -> dict[str, str]:
    """A unique title for every claim and evidence item."""
    titles: dict[str, str] = {}
    taken: set[str] = set()
    for ident, row in sorted(debate.claims.items()):
        name = title(row["label"])
        if name in taken:
            name = f"{name} ({title(ident)})"
        taken.add(name)
        titles[ident] = name
    return titles


def _quote(row: Row) -> dict[str, Any]:
    return {"source": row["source"], "start": int(row["start"]), "end": int(row["end"]),
            "exact": row["exact"]}


def argdown_text(debate: Debate) -> str:
    """The Argdown document of ``debate``."""
    titles = _titles(debate)
    sources = [{k: v for k, v in (("id", ident), ("title", src["title"]), ("publisher", src.get("publisher")),
                                  ("issued", src.get("issued")), ("url", src.get("url"))) if v}
               for ident, src in sorted(debate.sources.items())]
    lines = ["===", f"title: {flow(debate.title)}", f"id: {flow(debate.id)}", f"sources: {flow(sources)}",
             "===", "", f"# {text(debate.title)}", ""]
    for ident, row in sorted(debate.claims.items(), key=lambda item: (item[1]["role"], item[0])):
        kind = title(row.get("kind") or row["role"]).replace(")", "")
        wording = row.get("text") or row["label"]
        meta: dict[str, Any] = {"id": ident, "role": row["role"], "kind": row.get("kind") or row["role"]}
        said = [{"speaker": s["speaker"], "for": s["org"], "stance": s["stance"], **_quote(s)}
                for s in debate.statements if s["claim"] == ident]
        if said:
            meta["statements"] = said
        incoming = [link for link in debate.links if link["conclusion"] == ident]
        if incoming:
            meta["links"] = [{"premise": link["premise"], "polarity": link["polarity"], "by": link["by"],
                              **_quote(link)} for link in incoming]
        lines.append(f"[{titles[ident]}]: {text(wording)} #({kind}) {flow(meta)}")
        for link in sorted(incoming, key=lambda link: (link["polarity"] != "support", link["premise"])):
            sign = "+" if link["polarity"] == "support" else "-"
            lines.append(f"  {sign} [{titles[link['premise']]}]")
        lines.append("")
    return "\n".join(lines)


def argdown_bytes(debate: Debate) -> bytes:
    """The Argdown document of ``debate``, UTF-8."""
    return argdown_text(debate).encode("utf-8")
