"""Render a trace (``kg.analysis.trace.trace``) as a terminal tree or as Markdown.

Both walk the same JSON-able tree, so what the terminal shows, what a report prints and what
``--format json`` returns never drift apart. All source text is escaped for its medium
(rich markup in the terminal, Markdown specials in reports).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.markup import escape
from rich.tree import Tree

from kg.model.escape import md_code
from kg.model.escape import md_text as md

VERDICT_STYLE = {"consistent": "green", "inconsistent": "bold red", "not comparable": "yellow",
                 "contradiction": "magenta"}


# How a group of statements is headed in the tree (stance labels come from the ontology).
STANCE_HEADING = {"agree": "agrees", "disagree": "disagrees", "hedged": "hedges",
                  "declined to say": "declines to say"}
STANCE_COLOUR = {"agree": "green", "disagree": "red", "hedged": "yellow", "declined to say": "dim"}


def where(quote: dict[str, Any] | None) -> str:
    """``file [start–end]`` for a quote (offsets in code points, end exclusive)."""
    if not quote:
        return ""
    return f"{quote.get('file') or quote.get('source', '')} [{quote['start']}–{quote['end']}]"


def number(q: dict[str, Any]) -> str:
    """A quantity in words: 'less than 1 / 10 ratio', '71 percent (out of 2004)'."""
    figure = f"{q['numerator']} / {q['denominator']}" if q.get("value") is None else str(q["value"])
    comparator = "" if q.get("comparator") == "exactly" else f"{q['comparator']} "
    text = f"{comparator}{figure} {q['unit']}"
    if q.get("value") is not None and q.get("denominator") is not None:
        text += f" (out of {q['denominator']})"
    if q.get("baseline") is not None:
        text += f" vs {q['baseline']} (baseline)"
    if q.get("place"):
        text += f", {q['place']}"
    return text


def _statement_lines(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for st in node.get("statements", []):
        yield st["stance"], st


def tree(result: dict[str, Any]) -> Tree:
    """A rich Tree of the trace, escaped."""
    root = result["claim"]
    top = Tree(f"[bold]{escape(root['label'])}[/] [dim]({escape(root['kind'])}; {escape(root['id'])})[/]")
    _claim_body(top, root)
    return top


def _claim_body(branch: Tree, node: dict[str, Any]) -> None:
    branch.add(f"[italic]{escape(node['text'])}[/]")
    if node.get("quantity"):
        branch.add(f"states: {escape(number(node['quantity']))}")
    for check in node.get("number_checks", []):
        style = VERDICT_STYLE.get(check["verdict"], "")
        branch.add(f"[{style}]number check: {escape(check['verdict'])}[/] — {escape(check['arithmetic'])}")
    stances: dict[str, Tree] = {}
    for stance, st in _statement_lines(node):
        if stance not in stances:
            colour = STANCE_COLOUR.get(stance, "yellow")
            count = sum(1 for s in node["statements"] if s["stance"] == stance)
            heading = STANCE_HEADING.get(stance, stance)
            stances[stance] = branch.add(f"[{colour}]{escape(heading)} ({count})[/]")
        date = st["date"] or (f"not before {st['earliest_date']}" if st["earliest_date"] else "undated")
        speaker = st["speaker"]["label"]
        if st["for"]["id"] != st["speaker"]["id"]:
            speaker += f" for {st['for']['label']}"
        stances[stance].add(
            f"[bold]{escape(speaker)}[/] [dim]{escape(date)}, {escape(st['mode'] or '')}[/]\n"
            f"“{escape(st['quote']['exact'])}” [dim]{escape(where(st['quote']))}[/]"
        )
    for link in node.get("links", []):
        premise = link["premise"]
        colour, arrow = ("green", "supported by") if link["polarity"] == "support" else ("red", "attacked by")
        head = (f"[{colour}]{arrow}[/] [bold]{escape(premise['label'])}[/] "
                f"[dim]({escape(premise['kind'])}; {escape(premise['id'])})[/]")
        if premise.get("seen"):
            branch.add(f"{head} [dim]— shown above[/]")
            continue
        sub = branch.add(head)
        sub.add(
            f"[dim]link asserted by {escape(link['asserted_by']['label'])} ({escape(link['basis'])}):[/] "
            f"“{escape(link['quote']['exact'])}” [dim]{escape(where(link['quote']))}[/]"
        )
        if premise["type"] == "evidence":
            _evidence_body(sub, premise)
        else:
            _claim_body(sub, premise)


def _evidence_body(branch: Tree, ev: dict[str, Any]) -> None:
    facts = []
    if ev.get("produced_by"):
        facts.append(f"by {ev['produced_by']}")
    if ev.get("commissioned_by"):
        facts.append(f"for {ev['commissioned_by']}")
    if ev.get("design"):
        facts.append(ev["design"])
    if ev.get("site"):
        facts.append(f"at {ev['site']}")
    if ev.get("sample_size") is not None:
        facts.append(f"n = {ev['sample_size']} {ev.get('sample_unit') or ''}".strip())
    period = ev.get("period") or {}
    if period.get("start") or period.get("end") or period.get("label"):
        span = " to ".join(p for p in (period.get("start"), period.get("end")) if p)
        facts.append(f"period {span or period.get('label')}")
    if ev.get("place"):
        facts.append(ev["place"])
    if facts:
        branch.add(escape("; ".join(facts)))
    if ev.get("quote"):
        branch.add(f"“{escape(ev['quote']['exact'])}” [dim]{escape(where(ev['quote']))}[/]")
    for q in ev.get("quantities", []):
        quote = ""
        if q.get("quote"):
            quote = f" — “{escape(q['quote']['exact'])}” [dim]{escape(where(q['quote']))}[/]"
        branch.add(f"[cyan]{escape(number(q))}[/]: {escape(q['measure'])}{quote}")




def markdown(result: dict[str, Any]) -> str:
    """The trace as a Markdown report (nested lists)."""
    root = result["claim"]
    lines = [f"# {md(root['label'])}", "", f"*{md(root['kind'])}* — {md_code(root['id'])}", "",
             f"> {md(root['text'])}", ""]
    _md_claim(lines, root, 0)
    return "\n".join(lines) + "\n"


def _md_claim(lines: list[str], node: dict[str, Any], level: int) -> None:
    pad = "  " * level
    if node.get("quantity"):
        lines.append(f"{pad}- states: {md(number(node['quantity']))}")
    for check in node.get("number_checks", []):
        lines.append(f"{pad}- **number check: {md(check['verdict'])}** — {md(check['arithmetic'])}")
    for stance, st in _statement_lines(node):
        date = st["date"] or (f"not before {st['earliest_date']}" if st["earliest_date"] else "undated")
        lines.append(
            f"{pad}- {md(stance)}: **{md(st['speaker']['label'])}** "
            f"(for {md(st['for']['label'])}, {md(date)}): "
            f"“{md(st['quote']['exact'])}” — {md(where(st['quote']))}"
        )
    for link in node.get("links", []):
        premise = link["premise"]
        verb = "supported by" if link["polarity"] == "support" else "attacked by"
        lines.append(f"{pad}- {verb} **{md(premise['label'])}** ({md(premise['kind'])}, "
                     f"{md_code(premise['id'])})" + (" — shown above" if premise.get("seen") else ""))
        if premise.get("seen"):
            continue
        inner = "  " * (level + 1)
        lines.append(f"{inner}- asserted by {md(link['asserted_by']['label'])} ({md(link['basis'])}): "
                     f"“{md(link['quote']['exact'])}” — {md(where(link['quote']))}")
        if premise["type"] == "evidence":
            for q in premise.get("quantities", []):
                lines.append(f"{inner}- {md(number(q))}: {md(q['measure'])}")
        else:
            _md_claim(lines, premise, level + 1)
