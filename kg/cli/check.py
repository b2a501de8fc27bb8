"""``kg check``: SHACL, quote verification and number checks, with a non-zero exit on failure."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from kg.build import checks as checking
from kg.cli import summary
from kg.cli.common import data_option, open_store, store_option
from kg.render.trace import VERDICT_STYLE

EXIT_CHECK_FAILED = 1


@click.command(name="check", short_help=summary("check"))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--shacl", "shacl", type=click.Choice(checking.SHACL_MODES), default="auto", show_default=True,
              help="full: pyshacl on a dump of the store (every constraint); core: the core "
                   "constraints as SPARQL in the store (fast on large graphs); auto: full up to "
                   "200,000 triples, core above; none: skip.")
@store_option
@data_option
def check(fmt: str, shacl: str, store_spec: str | None, data_dir: Path) -> None:
    """Check that the graph holds up: SHACL shapes, every quote against its offsets, and every
    quantitative claim against the numbers of the evidence linked to it (consistent,
    inconsistent or not comparable, with the arithmetic).

    Exits 1 when a SHACL violation, a quote mismatch or an inconsistent number is found.
    """
    with open_store(store_spec, data_dir) as graph_store:
        report = checking.run(graph_store, shacl=shacl)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print(report, Console(highlight=False, soft_wrap=True))
    if not report["ok"]:
        sys.exit(EXIT_CHECK_FAILED)


def _print(report: dict, console: Console) -> None:
    if "shacl" in report:
        shacl = report["shacl"]
        if shacl["conforms"]:
            console.print(f"[green]SHACL ({shacl['mode']}): conforms[/]")
        else:
            console.print(f"[bold red]SHACL ({shacl['mode']}): {len(shacl['violations'])} violation(s)[/]")
            for line in shacl["violations"]:
                console.print(f"  {escape(line)}")
    quotes = report["quotes"]
    if quotes["mismatches"]:
        console.print(f"[bold red]quotes: {len(quotes['mismatches'])} of {quotes['checked']} do not match "
                      "their offsets[/]")
        for m in quotes["mismatches"]:
            console.print(f"  {escape(str(m['quote']))} [{m['start']}:{m['end']}]")
    else:
        console.print(f"[green]quotes: all {quotes['checked']} match their offsets[/]")
    numbers = report["numbers"]
    console.print(f"numbers: {numbers['consistent']} consistent, {numbers['inconsistent']} inconsistent, "
                  f"{numbers['not_comparable']} not comparable, {numbers['contradictions']} contradictions "
                  "(mismatches across an attack link, as annotated)")
    for c in numbers["checks"]:
        style = VERDICT_STYLE.get(c["verdict"], "")
        checked = c["claim"] or f"{c['report']} ({c['stated']})"
        against = f" vs {c['evidence']} ({c['quantity']})" if c.get("evidence") else ""
        console.print(f"  [{style}]{escape(c['verdict'])}[/] {escape(str(checked))}{escape(against)}: "
                      f"{escape(c['arithmetic'])}")
        if c.get("alsoMatches"):
            console.print(f"    but {escape(c['alsoMatches'])}", style="dim")
    console.print("[green]ok[/]" if report["ok"] else "[bold red]FAILED[/]")
