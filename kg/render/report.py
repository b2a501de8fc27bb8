"""``kg report``: a debate brief a journalist reads in a minute, as one HTML page or as Markdown.

:func:`collect` gathers one plain data structure from the store, reusing what the other
commands compute: the debate's title and counts, the argument-aware coalitions and claim
strengths of :func:`kg.analysis.network.analyse`, the trace summary of each main claim
(:func:`kg.analysis.trace.trace`), the statements with their dates, every source and evidence
item. :func:`html` and :func:`markdown` render that same structure, so the two forms hold the
same sections; every text from the data is escaped for its medium (``html.escape``,
:func:`kg.model.escape.md_text`). The HTML page is self-contained: inline CSS (with print
rules), the figures as inline SVG (:mod:`kg.render.figures`), no script, nothing fetched.
"""

from __future__ import annotations

import html as _html
from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg.analysis.trace import evidence_beneath
from kg.model.escape import md_code
from kg.model.escape import md_text as md
from kg.model.files import write_atomic
from kg.queries import runner
from kg.render.trace import DEFAULT_LIMIT, STANCE_SIDE, evidence_facts, number, source_when
from kg.stores import Store

DEFAULT_CLAIMS = 8
MAIN_CLAIMS = 10  # claims listed by strength in the summary
# actors drawn in the timeline and the network figure (and listed in their Markdown tables): the
# most active. A 1M-triple debate has 1,182 actors and 100,000 ties: drawn whole, the network
# figure took 218 s and the timeline was 500 inches tall, and neither could be read
FIGURE_ACTORS = 40


# --- the data --------------------------------------------------------------------------------


def _discussion(row: dict[str, Any]) -> tuple[Any, ...]:
    """Most discussed first (statements, links and evidence around it), then most contested."""
    against = row["actors_against"] + row["attacking_claims"] + row["contesting_evidence"]
    support = row["actors_for"] + row["supporting_claims"] + row["supporting_evidence"]
    return (-(row["agree"] + row["disagree"] + against + support), -against, row["label"].lower(), row["id"])


def _evidence_items(graph_store: Store) -> list[dict[str, Any]]:
    """Every evidence item with its producer(s) and details, by label."""
    nodes = [URIRef(r["node"]) for r in runner.rows(graph_store, "report-evidence")]
    rows = runner.rows(graph_store, "trace-evidence", values={"node": nodes})
    named = sorted({r[k] for r in rows for k in ("producedBy", "commissionedBy", "design", "site") if r[k]})
    labels = {r["node"]: r["label"] for r in
              runner.rows(graph_store, "trace-labels", values={"node": [URIRef(n) for n in named]})}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[r["node"]].append(r)
    items = []
    for group in grouped.values():
        r = group[0]
        producers = sorted({labels.get(g["producedBy"], g["producedBy"]) for g in group if g["producedBy"]})
        items.append({
            "id": r["id"], "label": r["label"], "kind": r["kind"],
            "produced_by": "; ".join(producers) or None,
            "commissioned_by": labels.get(r["commissionedBy"], r["commissionedBy"]),
            "design": labels.get(r["design"], r["design"]), "site": labels.get(r["site"], r["site"]),
            "sample_size": r["sampleSize"], "sample_unit": r["sampleUnit"], "population": r["population"],
            "place": r["place"], "period": {"start": r["periodStart"], "end": r["periodEnd"],
                                            "label": r["periodLabel"]},
        })
    return sorted(items, key=lambda e: (e["label"].lower(), e["id"]))


def collect(graph_store: Store, claims: int = DEFAULT_CLAIMS, seed: int = 0) -> dict[str, Any]:
    """Everything the brief shows, as plain JSON-able data (both renderers read only this)."""
    from kg.analysis import discourse
    from kg.analysis import network as network_analysis
    from kg.analysis import trace as tracing

    debates = runner.rows(graph_store, "report-debate")
    counts = runner.rows(graph_store, "counts")[0]
    analysis = network_analysis.analyse(graph_store, network_analysis.Options(seed=seed)).to_dict()
    strength = {c["id"]: c for c in analysis["claims"]}
    rows = sorted(tracing.trace_all(graph_store), key=_discussion)[:claims]
    iri = {r["id"]: r["claim"] for r in runner.rows(graph_store, "claims")}
    chosen = []
    for row in rows:  # each traced as 'kg trace' shows it by default: a busy claim's sample, all counts
        result = tracing.trace(graph_store, URIRef(iri[row["id"]]), tracing.DEFAULT_DEPTH, DEFAULT_LIMIT)
        root = result["claim"]
        found: dict[str, dict[str, Any]] = {}
        evidence_beneath(root, 1, found)
        fields = strength.get(row["id"], {})
        chosen.append({
            "id": row["id"], "label": root["label"], "text": root["text"], "kind": root["kind"],
            "strength": fields.get("strength"), "base_score": fields.get("base_score"),
            "summary": result["summary"], "number_checks": root.get("number_checks", []),
            "quantity": root.get("quantity"),
            "evidence": sorted(found.values(), key=lambda e: (-e["side"], e["label"].lower())),
        })
    main = sorted((c for c in analysis["claims"] if c.get("strength") is not None),
                  key=lambda c: (-(len(c["agree"]) + len(c["disagree"])), -c["strength"], c["label"]))
    main = sorted(main[:MAIN_CLAIMS], key=lambda c: (-c["strength"], c["label"]))
    actors = analysis.get("argument_actors", [])
    edges = analysis.get("argument_edges", [])
    said = discourse.statement_rows(graph_store, "person")
    if len(actors) > FIGURE_ACTORS:  # the most active, and what they said and the ties among them
        drawn = {a["id"] for a in sorted(actors, key=lambda a: (-a["statements"], a["label"], a["id"]))
                 [:FIGURE_ACTORS]}
        actors = [a for a in actors if a["id"] in drawn]
        edges = [e for e in edges if e["source"] in drawn and e["target"] in drawn]
        said = [r for r in said if r.actor_id in drawn]
    statements = [{"actor": r.actor_label, "stance": r.stance, "claim": r.claim_label,
                   "date": r.day.isoformat() if r.day else None} for r in said]
    return {
        "debate": {"title": "; ".join(d["title"] for d in debates) or "Debate",
                   "description": " ".join(d["description"] for d in debates if d["description"]) or None},
        "counts": {"actors": int(counts["actors"]), "claims": int(counts["claims"]),
                   "statements": int(counts["statements"]), "evidence": int(counts["evidence"]),
                   "sources": int(counts["sources"]), "links": int(counts["links"]),
                   "by_stance": analysis.get("stance_counts", {})},
        "polarisation": analysis["polarisation"],
        "sides": [{"id": c["id"], "members": c["labels"]} for c in analysis.get("argument_coalitions", [])],
        "main_claims": [{"id": c["id"], "label": c["label"], "strength": c["strength"],
                         "base_score": c["base_score"], "agree": len(c["agree"]),
                         "disagree": len(c["disagree"])} for c in main],
        "claims": chosen,
        "statements": statements,
        "network": {"actors": actors,
                    "edges": [{"source": e["source"], "target": e["target"], "weight": e["weight"]}
                              for e in edges],
                    "actors_total": len(analysis.get("argument_actors", []))},
        "sources": runner.rows(graph_store, "report-sources"),
        "evidence": _evidence_items(graph_store),
        "seed": seed,
    }


# --- shared wording --------------------------------------------------------------------------


def _stance_lines(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(side, who) pairs of a claim's trace summary: For, Against, and hedged/declined if any."""
    out = []
    stances = summary.get("stances", {})
    for stance, side in STANCE_SIDE.items():
        entry = stances.get(stance)
        if entry is None:
            if stance in ("agree", "disagree"):
                out.append((side, "nobody"))
            continue
        n = entry.get("actor_count", len(entry["actors"]))
        more = n - len(entry["actors"])
        out.append((side, f"{n:,} actor{'s' if n != 1 else ''}, {entry['statements']:,} statement"
                          f"{'s' if entry['statements'] != 1 else ''}: " + ", ".join(entry["actors"])
                          + (f" and {more:,} more" if more > 0 else "")))
    return out


def _evidence_side(summary: dict[str, Any], key: str) -> str:
    ev = summary.get(key) or {"count": 0}
    if not ev["count"]:
        return "none"
    kinds = ", ".join(f"{n} {kind.lower()}" for kind, n in ev["kinds"].items())
    strongest = ev["strongest"]
    what = strongest["design"] or strongest["kind"]
    return f"{ev['count']} ({kinds}); strongest: {strongest['label']} ({what})"


def _summary_rows(claim: dict[str, Any]) -> list[tuple[str, str]]:
    s = claim["summary"]
    rows = _stance_lines(s)
    rows.append(("Evidence for", _evidence_side(s, "evidence_for")))
    rows.append(("Evidence against", _evidence_side(s, "evidence_against")))
    rows.append(("Claims for", "; ".join(s.get("claims_for", [])) or "none"))
    rows.append(("Claims against", "; ".join(s.get("claims_against", [])) or "none"))
    if claim.get("quantity"):
        rows.append(("States", number(claim["quantity"])))
    if claim.get("strength") is not None:
        rows.append(("Strength", f"{claim['strength']:.2f} (base score {claim['base_score']:.2f})"))
    return rows


def _checks(claim: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["verdict"], c["arithmetic"]) for c in claim.get("number_checks", [])]


def _count_line(counts: dict[str, Any]) -> list[tuple[str, str]]:
    stances = ", ".join(f"{n} {stance}" for stance, n in sorted(counts["by_stance"].items()))
    return [("Actors", str(counts["actors"])), ("Claims", str(counts["claims"])),
            ("Statements", f"{counts['statements']}" + (f" ({stances})" if stances else "")),
            ("Evidence items", str(counts["evidence"])), ("Sources", str(counts["sources"])),
            ("Support/attack links", str(counts["links"]))]


def _period(ev: dict[str, Any], producer: bool = True) -> str:
    """An evidence item's details (producer, design, sample, period, place), with or without
    the producer (the References name it first)."""
    facts = evidence_facts(ev if producer else {**ev, "produced_by": None})
    return "; ".join(facts) or "no further details recorded"


def _side_word(side: int) -> str:
    return "for" if side > 0 else "against"


# --- HTML ------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; } h2 { border-bottom: 2px solid #333; padding-bottom: .2rem;
     margin-top: 2.2rem; } h3 { margin: 1.6rem 0 .3rem; }
.lede { font-size: 1.08rem; color: #333; } .meta { color: #666; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #ddd; }
th { color: #444; font-weight: 600; } table.kv th { width: 11rem; }
td.num, th.num { text-align: right; width: 5.5rem; }
.claim { border-left: 4px solid #5c6bc0; padding: .1rem 0 .1rem 1rem; margin: 1.2rem 0; }
.claim blockquote { margin: .3rem 0 .6rem; font-style: italic; color: #333; }
.for { color: #2e7d32; } .against { color: #c62828; }
.verdict-inconsistent { color: #c62828; font-weight: 600; } .verdict-consistent { color: #2e7d32; }
figure { margin: 1rem 0 1.6rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .88rem; color: #444; margin-top: .3rem; }
ul.refs li, ul.sides li { margin-bottom: .35rem; }
nav.toc { font-size: .9rem; } nav.toc a { margin-right: .9rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; } nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; } .claim, table, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; } a.url::after { content: " <" attr(href) ">"; font-size: 9pt; }
}
"""


def _e(value: object) -> str:
    return _html.escape(str(value), quote=True)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class=\"kv\">{body}</table>"


def _safe_url(url: object) -> str | None:
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def html(brief: dict[str, Any], figures: dict[str, str] | None = None) -> str:
    """The brief as one self-contained HTML page; ``figures`` maps timeline / network / strengths to
    inline SVG (default: drawn now with :mod:`kg.render.figures`)."""
    if figures is None:
        figures = draw(brief)
    d, out = brief["debate"], []
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">"
               f"<title>{_e(d['title'])} — debate brief</title><style>{CSS}</style></head><body>")
    out.append(f"<header><p class=\"meta\">Debate brief</p><h1>{_e(d['title'])}</h1>")
    if d.get("description"):
        out.append(f"<p class=\"lede\">{_e(d['description'])}</p>")
    out.append("</header><nav class=\"toc\"><a href=\"#summary\">Summary</a><a href=\"#claims\">Claims</a>"
               "<a href=\"#figures\">Figures</a><a href=\"#references\">References</a></nav>")
    # 1. summary
    out.append("<section id=\"summary\"><h2>Summary</h2>")
    out.append(_table(_count_line(brief["counts"])))
    out.append(f"<h3>The sides</h3><p class=\"meta\">Coalitions of the argument-aware actor network "
               f"(polarisation {brief['polarisation']:.2f}).</p><ul class=\"sides\">")
    for side in brief["sides"]:
        out.append(f"<li><strong>Side {side['id']}</strong> ({len(side['members'])}): "
                   f"{_e(', '.join(side['members']))}</li>")
    heads = "".join(f"<th class=\"num\">{h}</th>" for h in ("For", "Against", "Strength", "Base"))
    out.append(f"</ul><h3>The main claims by strength</h3><table><tr><th>Claim</th>{heads}</tr>")
    for c in brief["main_claims"]:
        out.append(f"<tr><td>{_e(c['label'])}</td><td class=\"num\">{c['agree']}</td>"
                   f"<td class=\"num\">{c['disagree']}</td><td class=\"num\">{c['strength']:.2f}</td>"
                   f"<td class=\"num\">{c['base_score']:.2f}</td></tr>")
    out.append("</table></section>")
    # 2. claims
    out.append(f"<section id=\"claims\"><h2>The claims most discussed ({len(brief['claims'])})</h2>")
    for claim in brief["claims"]:
        out.append(f"<div class=\"claim\"><h3>{_e(claim['label'])}</h3><p class=\"meta\">{_e(claim['kind'])}"
                   f" · <code>{_e(claim['id'])}</code></p><blockquote>{_e(claim['text'])}</blockquote>")
        out.append(_table(_summary_rows(claim)))
        checks = _checks(claim)
        if checks:
            out.append("<p><strong>Number checks</strong></p><ul>")
            out.extend(f"<li><span class=\"verdict-{_e(v.replace(' ', '-'))}\">{_e(v)}</span>: {_e(a)}</li>"
                       for v, a in checks)
            out.append("</ul>")
        if claim["evidence"]:
            out.append("<p><strong>Evidence</strong></p><ul>")
            for ev in claim["evidence"]:
                side = _side_word(ev["side"])
                out.append(f"<li><span class=\"{side}\">{side}</span>: <strong>{_e(ev['label'])}</strong> "
                           f"({_e(ev['kind'])}) — {_e(_period(ev))}</li>")
            out.append("</ul>")
        out.append("</div>")
    out.append("</section>")
    # 3. figures
    out.append("<section id=\"figures\"><h2>Figures</h2>")
    captions = {
        "timeline": "Statements over time, by actor and stance (the statement's date, or the earliest date "
                    "its source can be). A number beside a marker: statements it stands for.",
        "network": "Who sides with whom: actors placed by a seeded spring layout, coloured by side "
                   "(argument-aware coalitions), sized by statements; green ties: congruence, red dashed: "
                   "conflict, thicker: stronger.",
        "strengths": "How strongly each main claim stands (DF-QuAD strength in [0, 1]); the black tick "
                     "marks its base score before supporters and attackers.",
    }
    cut = _drawn(brief)
    if cut:
        captions["timeline"] += " " + cut
        captions["network"] += " " + cut
    for name in ("timeline", "network", "strengths"):
        if name in figures:
            out.append(f"<figure id=\"figure-{name}\">{figures[name]}"
                       f"<figcaption>{_e(captions[name])}</figcaption></figure>")
    out.append("</section>")
    # 4. references
    out.append("<section id=\"references\"><h2>References</h2><h3>Sources</h3><ul class=\"refs\">")
    for i, s in enumerate(brief["sources"], 1):
        url = _safe_url(s.get("url"))
        link = f" <a class=\"url\" href=\"{_e(url)}\">{_e(url)}</a>" if url else ""
        out.append(f"<li>[S{i}] <cite>{_e(s['title'])}</cite> — "
                   f"{_e(s.get('publisher') or 'publisher not stated')}, {_e(source_when(s))}.{link}</li>")
    out.append("</ul><h3>Evidence</h3><ul class=\"refs\">")
    for ev in brief["evidence"]:
        out.append(f"<li><strong>{_e(ev['label'])}</strong> ({_e(ev['kind'])}) — "
                   f"produced by {_e(ev.get('produced_by') or 'producer not stated')}. "
                   f"{_e(_period(ev, producer=False))}</li>")
    out.append("</ul></section><footer class=\"meta\"><p>Written by <code>kg report</code> from the "
               "debate knowledge graph.</p></footer></body></html>\n")
    return "".join(out)


def _drawn(brief: dict[str, Any]) -> str:
    """What the timeline and the network show when the debate has more actors than they draw
    (:data:`FIGURE_ACTORS`); empty when they show every actor."""
    net = brief["network"]
    total = net.get("actors_total", len(net["actors"]))
    if total <= len(net["actors"]):
        return ""
    return (f"Only the {len(net['actors']):,} most active of the debate's {total:,} actors are drawn, "
            "with their statements and the ties among them.")


def draw(brief: dict[str, Any]) -> dict[str, str]:
    """The three figures of the brief as inline SVG."""
    from kg.render import figures

    net = brief["network"]
    return {"timeline": figures.timeline(brief["statements"]),
            "network": figures.network(net["actors"], net["edges"], brief.get("seed", 0)),
            "strengths": figures.strengths(brief["claims"])}


# --- Markdown --------------------------------------------------------------------------------


def markdown(brief: dict[str, Any]) -> str:
    """The brief as Markdown: the same sections, the figures as the tables they are drawn from."""
    d = brief["debate"]
    lines = [f"# {md(d['title'])}", ""]
    if d.get("description"):
        lines += [md(d["description"]), ""]
    lines += ["## Summary", ""]
    lines += [f"- {md(k)}: {md(v)}" for k, v in _count_line(brief["counts"])]
    lines += ["", "### The sides", "", f"Polarisation {brief['polarisation']:.2f}.", ""]
    lines += [f"- Side {s['id']} ({len(s['members'])}): {md(', '.join(s['members']))}"
              for s in brief["sides"]]
    lines += ["", "### The main claims by strength", "", "| Claim | For | Against | Strength | Base |",
              "|---|---:|---:|---:|---:|"]
    lines += [f"| {md(c['label'])} | {c['agree']} | {c['disagree']} | {c['strength']:.2f} | "
              f"{c['base_score']:.2f} |" for c in brief["main_claims"]]
    lines += ["", f"## The claims most discussed ({len(brief['claims'])})", ""]
    for claim in brief["claims"]:
        lines += [f"### {md(claim['label'])}", "", f"*{md(claim['kind'])}* — {md_code(claim['id'])}", "",
                  f"> {md(claim['text'])}", ""]
        lines += [f"- **{md(k)}**: {md(v)}" for k, v in _summary_rows(claim)]
        checks = _checks(claim)
        if checks:
            lines += ["", "Number checks:", ""] + [f"- **{md(v)}**: {md(a)}" for v, a in checks]
        if claim["evidence"]:
            lines += ["", "Evidence:", ""]
            lines += [f"- {_side_word(ev['side'])}: **{md(ev['label'])}** ({md(ev['kind'])}) — "
                      f"{md(_period(ev))}" for ev in claim["evidence"]]
        lines.append("")
    lines += ["## Figures", ""]
    cut = _drawn(brief)
    if cut:
        lines += [md(cut), ""]
    lines += ["### Statements over time", "", "| Date | Actor | Stance | Claim |", "|---|---|---|---|"]
    dated = sorted((s for s in brief["statements"] if s["date"]), key=lambda s: (s["date"], s["actor"]))
    lines += [f"| {s['date']} | {md(s['actor'])} | {md(s['stance'])} | {md(s['claim'])} |" for s in dated]
    undated = len(brief["statements"]) - len(dated)
    if undated:
        lines += ["", f"{undated} undated statement(s) not listed."]
    lines += ["", "### Who sides with whom", "", "| Actor | Side | Statements |", "|---|---:|---:|"]
    lines += [f"| {md(a['label'])} | {a.get('coalition') or ''} | {a['statements']} |"
              for a in brief["network"]["actors"]]
    labels = {a["id"]: a["label"] for a in brief["network"]["actors"]}
    lines += ["", "| Tie | Kind | Weight |", "|---|---|---:|"]
    lines += [f"| {md(labels.get(e['source'], e['source']))} — {md(labels.get(e['target'], e['target']))} | "
              f"{'congruence' if e['weight'] > 0 else 'conflict'} | {abs(e['weight']):g} |"
              for e in brief["network"]["edges"]]
    lines += ["", "### Claim strength", "", "| Claim | Strength | Base |", "|---|---:|---:|"]
    lines += [f"| {md(c['label'])} | {c['strength'] or 0:.2f} | {c['base_score'] or 0:.2f} |"
              for c in sorted(brief["claims"], key=lambda c: -(c.get("strength") or 0))]
    lines += ["", "## References", "", "### Sources", ""]
    for i, s in enumerate(brief["sources"], 1):
        url = _safe_url(s.get("url"))
        lines.append(f"- \\[S{i}\\] {md(s['title'])} — {md(s.get('publisher') or 'publisher not stated')}, "
                     f"{md(source_when(s))}."
                     + (f" <{url}>" if url and not any(ch in url for ch in "<> ") else ""))
    lines += ["", "### Evidence", ""]
    lines += [f"- **{md(ev['label'])}** ({md(ev['kind'])}) — produced by "
              f"{md(ev.get('produced_by') or 'producer not stated')}. {md(_period(ev, producer=False))}"
              for ev in brief["evidence"]]
    return "\n".join(lines) + "\n"


def write(brief: dict[str, Any], path: Path, fmt: str = "html") -> Path:
    """Write the brief to ``path`` atomically (creating its folder) as HTML or Markdown."""
    text = html(brief) if fmt == "html" else markdown(brief)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))
    return path
