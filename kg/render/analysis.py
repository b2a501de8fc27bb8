"""``kg analyze``'s terminal report: which claims stand (gradual strengths first), the
argument-aware actor network, then DNA's statement network (coalitions, who backs and contests
what, centrality), and the attack-only (grounded) view.

Every name and label comes from the sources, so each is escaped for rich's markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.analysis import arguments, signed
from kg.analysis.network import Analysis
from kg.analysis.strength import ArgumentStrength, Strengths

MAX_NAMES = 12  # members named per coalition in the terminal report
TOP_CONTRIBUTIONS = 3  # contributions named per claim in the strength table


def _delta(x: float) -> str:
    """A delta as people read it: +0.21, −0.15 (a true minus sign)."""
    return f"{x:+.2f}".replace("-", "\u2212")


def print_report(analysis: Analysis, console: Console, top: int = 10) -> None:
    """A readable report: claim strengths, coalitions, who backs and contests what, centrality,
    the attack-only view."""
    if analysis.strength is not None:
        _print_strengths(analysis.strength, console, top)
    o, s = analysis.options, analysis.structure
    name = analysis.label
    when = ""
    if o.start or o.end:
        when = f", {o.start or '…'} to {o.end or '…'}"
    _print_argument_network(analysis, console, top, when)
    console.print(f"\n[bold]Discourse network[/bold] (DNA, statements only: {escape(o.actor)} actors, "
                  f"{escape(o.aggregation)}, "
                  f"normalisation {escape(o.normalization)}{escape(when)}): "
                  f"{len(analysis.table)} statements, {s.graph.number_of_nodes()} actors, "
                  f"{s.graph.number_of_edges()} ties")

    console.print("\n[bold]Coalitions[/bold] (Louvain on positive ties, seed "
                  f"{o.seed}); DNA polarisation {s.polarisation:.3f}")
    groups = [g for g in s.coalitions if len(g) > 1]
    for i, group in enumerate(groups):
        if i == top:
            console.print(f"  … and {len(groups) - top} more coalitions", style="dim")
            break
        shared = analysis.coalition_claims(group)[:3]
        names = ", ".join(name(a) for a in group[:MAX_NAMES])
        more = f" … and {len(group) - MAX_NAMES} more" if len(group) > MAX_NAMES else ""
        console.print(f"  {i + 1}. " + escape(names + more) + f" [dim]({len(group)} actors)[/dim]")
        if shared:
            console.print("     agree on: " + escape("; ".join(f"{name(c)} ({n})" for c, n in shared)),
                          style="dim")
    if s.isolated:
        more = f" … and {len(s.isolated) - MAX_NAMES} more" if len(s.isolated) > MAX_NAMES else ""
        console.print("  isolated (share no claim): "
                      + escape(", ".join(name(a) for a in s.isolated[:MAX_NAMES]) + more), style="dim")

    _print_claims(analysis, console, top)
    _print_centrality(analysis, console, top)
    _print_arguments(analysis, console)
    if analysis.windows:
        table = Table(title="Moving windows", header_style="bold")
        for col in ("from", "to", "statements", "actors", "ties", "coalitions", "polarisation"):
            table.add_column(col)
        for w in analysis.windows:
            table.add_row(w["start"], w["end"], str(w["statements"]), str(w["actors"]), str(w["edges"]),
                          str(len(w["coalitions"])), f"{w['polarisation']:.3f}")
        console.print(table)


def _print_argument_network(analysis: Analysis, console: Console, top: int, when: str) -> None:
    """The argument-aware network: coalitions, polarisation, the strongest conflicts and what
    they run through, and the hedged and declined statements DNA's network leaves out."""
    n = analysis.argument_network
    if n is None:
        return
    name = analysis.label
    negative = sum(1 for *_, d in n.graph.edges(data=True) if d["weight"] < 0)
    console.print(f"\n[bold]Argument-aware actor network[/bold] ({escape(analysis.options.actor)} actors, "
                  f"statements and support/attack links, signed{escape(when)}): {len(n.table)} statements, "
                  f"{n.graph.number_of_nodes()} actors, {n.graph.number_of_edges()} ties "
                  f"({negative} conflict, {n.graph.number_of_edges() - negative} congruence)")
    console.print(f"  polarisation {n.polarisation:.3f} (DNA's statement network: "
                  f"{analysis.structure.polarisation:.3f}); frustration {n.frustration:g} of "
                  f"{n.total_weight:g} (balance {n.balance:.3f})")
    console.print("  method: " + escape(signed.METHOD_NAME), style="dim")
    console.print("  " + escape(signed.REFERENCE), style="dim")
    # numbered as in the JSON; a coalition of one is shown when that actor has ties
    groups = [(i + 1, g) for i, g in enumerate(n.coalitions) if len(g) > 1 or n.graph.degree(g[0]) > 0]
    for shown, (number, group) in enumerate(groups):
        if shown == top:
            console.print(f"  … and {len(groups) - top} more coalitions", style="dim")
            break
        names = ", ".join(name(a) for a in group[:MAX_NAMES])
        more = f" … and {len(group) - MAX_NAMES} more" if len(group) > MAX_NAMES else ""
        size = f"{len(group)} actor{'s' if len(group) > 1 else ''}"
        console.print(f"  {number}. " + escape(names + more) + f" [dim]({size})[/dim]")
    untied = sorted(a for a in n.graph.nodes if n.graph.degree(a) == 0)
    if untied:
        more = f" … and {len(untied) - MAX_NAMES} more" if len(untied) > MAX_NAMES else ""
        console.print("  no ties: " + escape(", ".join(name(a) for a in untied[:MAX_NAMES]) + more),
                      style="dim")
    conflicts = sorted(((u, v, d) for u, v, d in n.graph.edges(data=True) if d["weight"] < 0),
                       key=lambda e: (e[2]["weight"], e[0], e[1]))[:top]
    if conflicts:
        console.print("  strongest conflicts:")
    for u, v, d in conflicts:
        behind = (n.via or {}).get((min(u, v), max(u, v)), [])[:3]
        reasons = "; ".join(
            f"{name(x['claim'])} (same claim)" if "claim" in x else
            f"{name(x['premise'])} {x['polarity']}s {name(x['conclusion'])}" for x in behind)
        console.print(f"    {escape(name(u))} – {escape(name(v))}: {d['weight']:g}"
                      + (f" [dim]via {escape(reasons)}[/dim]" if reasons else ""))
    for stance in ("hedged", "declined"):
        these = n.other_stances(stance)
        who = "; ".join(f"{e['label']} on {e['claim_label']}"
                        + (f" ({e['statements']})" if e["statements"] > 1 else "") for e in these[:MAX_NAMES])
        more = f" … and {len(these) - MAX_NAMES} more" if len(these) > MAX_NAMES else ""
        total = sum(e["statements"] for e in these)
        console.print(f"  {stance} statements ({total}, not in DNA's network): "
                      + escape(who + more or "none"), style="dim")


def _contributions(s: Strengths, claim: ArgumentStrength) -> str:
    """The claim's largest contributions, e.g. "+0.21 Norfolk use-of-force figures (official statistic)"."""
    parts = []
    for c in claim.contributions[:TOP_CONTRIBUTIONS]:
        premise = s.arguments[c.source]
        # evidence by what its base score rests on (a design, else its kind); claims by polarity
        what = premise.basis[0].label if premise.evidence else c.polarity
        if premise.evidence and c.polarity == "attack":
            what += ", attack"
        parts.append(f"{_delta(c.delta)} {s.label(c.source)} ({what})")
    more = len(claim.contributions) - TOP_CONTRIBUTIONS
    return "; ".join(parts) + (f"; … and {more} more" if more > 0 else "")


def _basis(argument: ArgumentStrength) -> str:
    first, *rest = argument.basis
    return " ".join([f"{first.label} {first.value:g}", *(f"{_delta(b.value)} {b.label}" for b in rest)])


def _print_strengths(s: Strengths, console: Console, top: int) -> None:
    """Which claims stand, by degree: the linked claims by strength, with what moved them."""
    table = s.table
    console.print(f"[bold]Which claims stand[/bold] ({escape(s.semantics.name)}: base score raised by "
                  "supporters, lowered by attackers; strength in [0, 1])")
    claims = s.claims()
    linked = [c for c in claims if c.contributions]
    shown = linked if len(linked) <= 2 * top else [*linked[:top], None, *linked[-top:]]
    grid = Table(title="Claims by strength", header_style="bold", show_lines=False)
    for col in ("claim", "strength", "base", "main contributions (share of the move from the base)"):
        grid.add_column(col, overflow="fold")
    for claim in shown:
        if claim is None:
            grid.add_row(f"… {len(linked) - 2 * top} more (kg analyze -f json lists all)", "", "", "",
                         style="dim")
            continue
        grid.add_row(escape(claim.label), f"{claim.strength:.3f}", f"{claim.base:g}",
                     escape(_contributions(s, claim)))
    console.print(grid)
    alone = [c for c in claims if not c.contributions]
    if alone:
        bases = sorted({f"{c.base:g}" for c in alone})
        names = ", ".join(c.label for c in alone[:MAX_NAMES])
        more = f" … and {len(alone) - MAX_NAMES} more" if len(alone) > MAX_NAMES else ""
        console.print(f"  no support or attack ({len(alone)}, strength = base score {'/'.join(bases)}): "
                      + escape(names + more), style="dim")
    if not s.converged:
        console.print(f"  [bold]not settled[/bold]: a cycle of arguments did not reach a fixed point in "
                      f"{s.iterations} rounds; the last round's strengths are shown for "
                      + escape(", ".join(s.label(n) for n in s.unconverged[:MAX_NAMES])))
    evidence = s.evidence()
    if evidence:
        ev = Table(title="Evidence: base score from the score table, strength", header_style="bold")
        for col in ("evidence", "kind", "base score", "strength"):
            ev.add_column(col, overflow="fold")
        for item in evidence[:top]:
            ev.add_row(escape(item.label), escape(item.kind), escape(f"{item.base:g} = {_basis(item)}"),
                       f"{item.strength:.3f}")
        console.print(ev)
        if len(evidence) > top:
            console.print(f"  … and {len(evidence) - top} more evidence items", style="dim")
    scores = ", ".join(f"{t.label} {t.score:g}"
                       for t in sorted(table.terms.values(), key=lambda t: (-t.score, t.label)))
    adjust = ", ".join(f"{a.label} {_delta(a.delta)}" for a in table.adjustments)
    source = "" if table.source == "store" else f", from {table.source}"
    console.print(f"  base scores ({escape(table.label)}{escape(source)}): {escape(scores)}"
                  + (f"; adjustments: {escape(adjust)}" if adjust else ""), style="dim")


def _print_claims(analysis: Analysis, console: Console, top: int) -> None:
    stances = analysis.stances()
    standing = {c.id: c for c in analysis.standings}
    ranked = sorted(stances, key=lambda c: (-(len(stances[c]["agree"]) + len(stances[c]["disagree"])), c))
    table = Table(title="Who backs what, and what contests it", header_style="bold", show_lines=True)
    for col in ("claim", "agree", "disagree", "contested by", "grounded", "strength"):
        table.add_column(col, overflow="fold")
    strong = analysis.strength.arguments if analysis.strength else {}
    for claim in ranked[:top]:
        st = standing.get(claim)
        contested = ", ".join(f"{analysis.label(a)} ({standing[a].status if a in standing else 'evidence'})"
                              for a in (st.attacked_by if st else []))
        table.add_row(escape(analysis.label(claim)),
                      escape(", ".join(analysis.label(a) for a in stances[claim]["agree"])),
                      escape(", ".join(analysis.label(a) for a in stances[claim]["disagree"])),
                      escape(contested), escape(st.status if st else ""),
                      f"{strong[claim].strength:.3f}" if claim in strong else "")
    console.print(table)


def _print_centrality(analysis: Analysis, console: Console, top: int) -> None:
    s = analysis.structure
    ranked = sorted(s.centrality.items(), key=lambda kv: (-kv[1]["strength"], kv[0]))
    table = Table(title="Central actors", header_style="bold")
    for col in ("actor", "degree", "strength", "betweenness", "eigenvector", "bridging"):
        table.add_column(col)
    bridging = set(s.bridging)
    for node, c in ranked[:top]:
        eig = "" if c["eigenvector"] is None else f"{c['eigenvector']:.3f}"
        table.add_row(escape(analysis.label(node)), f"{c['degree']:.3f}", f"{c['strength']:g}",
                      f"{c['betweenness']:.3f}", eig, "yes" if node in bridging else "")
    console.print(table)


def _print_arguments(analysis: Analysis, console: Console) -> None:
    claims = analysis.standings
    console.print("\n[bold]Attack-only view[/bold] (Dung's grounded semantics over attack links alone: "
                  "support is ignored, unattacked claims count as accepted; evidence counts as arguments)")
    for status in (arguments.ACCEPTED, arguments.REJECTED, arguments.UNDECIDED):
        these = [c for c in claims if c.status == status]
        console.print(f"  {status} ({len(these)}): " + escape(", ".join(c.label for c in these) or "none"))
    mass = sorted((c for c in claims if c.evidence), key=lambda c: (-len(c.evidence), c.id))
    table = Table(title="Evidence beneath claims (through support chains)", header_style="bold")
    for col in ("claim", "evidence", "producers", "status"):
        table.add_column(col, overflow="fold")
    for c in mass:
        table.add_row(escape(c.label), str(len(c.evidence)),
                      escape(", ".join(analysis.label(p) for p in c.producers)), c.status)
    console.print(table)
    unsupported = [c.label for c in claims if c.unsupported]
    single = [c.label for c in claims if c.single_source]
    console.print(f"  unsupported ({len(unsupported)}): " + escape(", ".join(unsupported) or "none"))
    console.print(f"  single-source ({len(single)}): " + escape(", ".join(single) or "none"))
