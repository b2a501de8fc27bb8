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


DEFAULT_LIMIT = 10  # children shown per branch of the tree before "… and N more"
SOURCES_LISTED = 5  # sources named in the summary


def where(quote: dict[str, Any] | None, cite: dict[str, str] | None = None) -> str:
    """Where a quote is: ``[S1] start–end`` when the source has a label in ``cite`` (the
    summary lists S1 by title, publisher and date), else ``file [start–end]``; offsets in code
    points, end exclusive."""
    if not quote:
        return ""
    if cite and quote.get("source") in cite:
        return f"[{cite[quote['source']]}] {quote['start']}–{quote['end']}"
    return f"{quote.get('file') or quote.get('source', '')} [{quote['start']}–{quote['end']}]"


def source_labels(result: dict[str, Any]) -> dict[str, str]:
    """``S1``, ``S2``... for the sources a trace quotes, in the order the summary lists them."""
    return {s["id"]: f"S{i}" for i, s in enumerate(result.get("sources", []), 1)}


def _cut(text: str, width: int) -> str:
    flat = " ".join(str(text).split())
    if len(flat) <= width:
        return flat
    head = flat[: width - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:-–—") + "…"


def _names(names: list[str], width: int, total: int | None = None) -> str:
    """As many names as fit in ``width``, then '… and N more' (of ``total`` when the list is
    already cut to the most active)."""
    total = max(total or 0, len(names))
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = total - i - 1
        tail = f", … and {rest} more" if rest else ""
        if len(", ".join([*shown, name]) + tail) > width and shown:
            return ", ".join(shown) + f", … and {total - len(shown)} more"
        shown.append(name)
    return ", ".join(shown) + (f", … and {total - len(shown)} more" if total > len(shown) else "")


def source_when(source: dict[str, Any]) -> str:
    """A source's date, or the bounds the text implies (marked inferred), or 'date not stated'."""
    if source.get("issued"):
        return str(source["issued"])
    low, high = source.get("earliest"), source.get("latest")
    if low and high:
        return f"{low} to {high} (inferred)"
    if low or high:
        return (f"not before {low}" if low else f"not after {high}") + " (inferred)"
    return "date not stated"


def _source_line(source: dict[str, Any], label: str, width: int) -> str:
    """``  [S1] Title — Publisher, date``: the title is cut first, so publisher and date show."""
    lead = f"[{label}] "
    tail = f" — {source.get('publisher') or 'publisher not stated'}, {source_when(source)}"
    return lead + _cut(source["title"], max(16, width - len(lead) - len(tail))) + tail


STANCE_SIDE = {"agree": "For", "disagree": "Against", "hedged": "Hedged",
               "declined to say": "Declined to say"}


def summary_lines(result: dict[str, Any], width: int = 80) -> list[str]:
    """The first screen of a trace: the claim, who is for and against, the evidence and claims on
    each side, the number checks and the sources, each line cut to ``width``."""
    root, summary = result["claim"], result.get("summary") or {}
    out = [f"{root['label']} — {root['kind'].lower()}", f"“{root['text']}”"]
    stances = summary.get("stances", {})
    for stance, side in STANCE_SIDE.items():
        entry = stances.get(stance)
        if entry is None and stance not in ("agree", "disagree"):
            continue
        if entry is None:
            out.append(f"{side}: nobody")
            continue
        n = entry.get("actor_count", len(entry["actors"]))
        head = f"{side}: {n:,} actor{'s' if n != 1 else ''}, {entry['statements']:,} statement" \
               f"{'s' if entry['statements'] != 1 else ''} — "
        out.append(head + _names(entry["actors"], width - len(head), n))
    for key, side in (("evidence_for", "Evidence for"), ("evidence_against", "Evidence against")):
        ev = summary.get(key) or {"count": 0}
        if not ev["count"]:
            out.append(f"{side}: none")
            continue
        kinds = ", ".join(f"{n} {kind.lower()}" for kind, n in ev["kinds"].items())
        strongest = ev["strongest"]
        what = strongest["design"] or strongest["kind"].lower()
        out.append(f"{side}: {ev['count']} ({kinds}); strongest: {strongest['label']} ({what})")
    read = len(root.get("links", []))
    shown = f" (in the {read} of {root['links_total']:,} links read: --limit 0 for all)" \
        if root.get("links_total") else ""
    out.append(f"Claims: {len(summary.get('claims_for', []))} supporting, "
               f"{len(summary.get('claims_against', []))} attacking{shown}")
    checks = summary.get("number_checks") or {}
    out.append("Number checks: " + (", ".join(f"{n} {v}" for v, n in sorted(checks.items()))
                                    if checks else "none on this claim"))
    sources = result.get("sources", [])
    labels = source_labels(result)
    out.append(f"Sources ({len(sources)}):")
    for s in sources[:SOURCES_LISTED]:
        out.append(_source_line(s, labels[s["id"]], width))
    if len(sources) > SOURCES_LISTED:
        out.append(f"  … and {len(sources) - SOURCES_LISTED} more (kg trace -f json lists them all)")
    return [line[: len(line) - len(line.lstrip())] + _cut(line, width - (len(line) - len(line.lstrip())))
            for line in out]


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


class _Context:
    """What the tree remembers while it is drawn: source labels, the short label of each claim
    and evidence item already printed in full, the per-branch limit and the depth asked."""

    def __init__(self, result: dict[str, Any], limit: int):
        self.cite = source_labels(result)
        self.limit = limit
        self.depth = result.get("depth", 0)
        self.printed: dict[str, str] = {}  # node iri -> "C2" / "E1"

    def label(self, node: dict[str, Any]) -> tuple[str, bool]:
        """The node's short label, and whether it was printed in full before."""
        key = node.get("iri") or node["id"]
        if key in self.printed:
            return self.printed[key], True
        prefix = "E" if node.get("type") == "evidence" else "C"
        label = f"{prefix}{sum(1 for v in self.printed.values() if v[0] == prefix) + 1}"
        self.printed[key] = label
        return label, False

    def shown(self, items: list[Any]) -> tuple[list[Any], int]:
        """The first ``limit`` items of a branch (all with limit 0) and how many are left out."""
        if self.limit <= 0 or len(items) <= self.limit:
            return items, 0
        return items[: self.limit], len(items) - self.limit


def tree(result: dict[str, Any], limit: int = DEFAULT_LIMIT) -> Tree:
    """A rich Tree of the trace, escaped: each claim and evidence item in full once, then by its
    short label; at most ``limit`` children a branch (0: all); where the depth cut stops."""
    root = result["claim"]
    ctx = _Context(result, limit)
    label, _ = ctx.label(root)
    top = Tree(f"[bold]{escape(root['label'])}[/] "
               f"[dim]({escape(root['kind'])}; {escape(root['id'])}; {label})[/]")
    _claim_body(top, root, ctx)
    return top


def _claim_body(branch: Tree, node: dict[str, Any], ctx: _Context) -> None:
    branch.add(f"[italic]{escape(node['text'])}[/]")
    if node.get("quantity"):
        branch.add(f"states: {escape(number(node['quantity']))}")
    for check in node.get("number_checks", []):
        style = VERDICT_STYLE.get(check["verdict"], "")
        branch.add(f"[{style}]number check: {escape(check['verdict'])}[/] — {escape(check['arithmetic'])}")
    groups: dict[str, list[dict[str, Any]]] = {}
    for stance, st in _statement_lines(node):
        groups.setdefault(stance, []).append(st)
    counts = node.get("statement_counts") or {}
    for stance, statements in groups.items():
        colour = STANCE_COLOUR.get(stance, "yellow")
        heading = STANCE_HEADING.get(stance, stance)
        total = max(counts.get(stance, 0), len(statements))  # the store's count: a trace may read fewer
        group = branch.add(f"[{colour}]{escape(heading)} ({total:,})[/]")
        shown, _ = ctx.shown(statements)
        left = total - len(shown)
        for st in shown:
            date = st["date"] or (f"not before {st['earliest_date']}" if st["earliest_date"] else "undated")
            speaker = st["speaker"]["label"]
            if st["for"]["id"] != st["speaker"]["id"]:
                speaker += f" for {st['for']['label']}"
            mode = f", {st['mode']}" if st["mode"] else ""
            group.add(f"[bold]{escape(speaker)}[/] [dim]{escape(date)}{escape(mode)}[/]\n"
                      f"“{escape(st['quote']['exact'])}” [dim]{escape(where(st['quote'], ctx.cite))}[/]")
        if left:
            group.add(f"[dim]… and {left:,} more statements (--limit 0 for all)[/]")
    links, _ = ctx.shown(node.get("links", []))
    left = max(node.get("links_total", 0), len(node.get("links", []))) - len(links)
    for link in links:
        premise = link["premise"]
        colour, arrow = ("green", "supported by") if link["polarity"] == "support" else ("red", "attacked by")
        label, before = ctx.label(premise) if not premise.get("seen") else (ctx.printed.get(
            premise.get("iri") or premise["id"], "C?"), True)
        head = (f"[{colour}]{arrow}[/] [bold]{escape(premise['label'])}[/] "
                f"[dim]({escape(premise['kind'])}; {escape(premise['id'])}; {label})[/]")
        by = f"link asserted by {link['asserted_by']['label']} ({link['basis']}):"
        quote = (f"[dim]{escape(by)}[/] “{escape(link['quote']['exact'])}” "
                 f"[dim]{escape(where(link['quote'], ctx.cite))}[/]")
        if before:
            sub = branch.add(f"{head} [dim]— see {label} above[/]")
            sub.add(quote)  # every link is kept, with its own words
            continue
        sub = branch.add(head)
        sub.add(quote)
        if premise["type"] == "evidence":
            _evidence_body(sub, premise, ctx)
        else:
            _claim_body(sub, premise, ctx)
    if left:
        branch.add(f"[dim]… and {left:,} more supporting or attacking links (--limit 0 for all)[/]")
    if node.get("more_below"):
        branch.add(f"[dim]… {node['more_below']} supporting or attacking link(s) below, past the depth "
                   f"cut: --depth {ctx.depth + 1}[/]")


def _evidence_body(branch: Tree, ev: dict[str, Any], ctx: _Context) -> None:
    facts = evidence_facts(ev)
    if facts:
        branch.add(escape("; ".join(facts)))
    if ev.get("quote"):
        branch.add(f"“{escape(ev['quote']['exact'])}” [dim]{escape(where(ev['quote'], ctx.cite))}[/]")
    for q in ev.get("quantities", []):
        quote = ""
        if q.get("quote"):
            quote = f" — “{escape(q['quote']['exact'])}” [dim]{escape(where(q['quote'], ctx.cite))}[/]"
        branch.add(f"[cyan]{escape(number(q))}[/]: {escape(q['measure'])}{quote}")




def markdown(result: dict[str, Any]) -> str:
    """The trace as a Markdown report: the summary, the tree (nested lists, evidence with its
    details, quotes citing [S1] and offsets, every link kept) and the references."""
    root = result["claim"]
    cite = source_labels(result)
    lines = [f"# {md(root['label'])}", "", f"*{md(root['kind'])}* — {md_code(root['id'])}", "",
             f"> {md(root['text'])}", "", "## Summary", ""]
    lines += [f"- {md(line)}" for line in summary_lines(result, 10_000)[2:]
              if not line.startswith("[S") and not line.startswith("Sources")]
    lines += ["", "## What backs and contests it", ""]
    _md_claim(lines, root, 0, cite)
    lines += ["", "## References", ""]
    for s in result.get("sources", []):
        url = f" <{s['url']}>" if s.get("url") else ""
        lines.append(f"- \\[{cite[s['id']]}\\] {md(s['title'])} — "
                     f"{md(s.get('publisher') or 'publisher not stated')}, {md(source_when(s))}.{md(url)}")
    return "\n".join(lines) + "\n"


def evidence_facts(ev: dict[str, Any]) -> list[str]:
    """Who produced an evidence item, for whom, its design, site, sample, period and place."""
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
    return facts


def _md_claim(lines: list[str], node: dict[str, Any], level: int, cite: dict[str, str]) -> None:
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
            f"“{md(st['quote']['exact'])}” — {md(where(st['quote'], cite))}"
        )
    for link in node.get("links", []):
        premise = link["premise"]
        verb = "supported by" if link["polarity"] == "support" else "attacked by"
        lines.append(f"{pad}- {verb} **{md(premise['label'])}** ({md(premise['kind'])}, "
                     f"{md_code(premise['id'])})" + (" — shown above" if premise.get("seen") else ""))
        inner = "  " * (level + 1)
        lines.append(f"{inner}- asserted by {md(link['asserted_by']['label'])} ({md(link['basis'])}): "
                     f"“{md(link['quote']['exact'])}” — {md(where(link['quote'], cite))}")
        if premise.get("seen"):
            continue
        if premise["type"] == "evidence":
            facts = evidence_facts(premise)
            if facts:
                lines.append(f"{inner}- {md('; '.join(facts))}")
            for q in premise.get("quantities", []):
                lines.append(f"{inner}- {md(number(q))}: {md(q['measure'])}")
        else:
            _md_claim(lines, premise, level + 1, cite)
