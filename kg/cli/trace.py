"""``kg trace``: the evidence tree behind one claim, or one row per claim with flags."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.analysis import trace as tracing
from kg.cli import summary
from kg.cli.common import data_option, open_store, store_option
from kg.model.errors import KgError
from kg.model.escape import csv_cell
from kg.render.trace import markdown, tree

ALL_COLUMNS = ("id", "label", "kind", "supporting_evidence", "contesting_evidence", "supporting_claims",
               "attacking_claims", "evidence_beneath", "producers", "sources", "actors_for",
               "actors_against", *tracing.FLAGS)


@click.command(name="trace", short_help=summary("trace"))
@click.argument("claim", required=False)
@click.option("--all", "all_claims", is_flag=True, help="One row per claim instead of one claim's tree.")
@click.option("-d", "--depth", type=click.IntRange(min=0), default=tracing.DEFAULT_DEPTH, show_default=True,
              help="How many levels of supporting/attacking claims to follow.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown", "table", "csv"]),
              default=None, help="Tree: text (default), json, markdown. --all: table (default), csv, json.")
@click.option("--sort", "sort_by", type=click.Choice(ALL_COLUMNS), default=None,
              help="--all: sort by this column (numbers and flags descending).")
@store_option
@data_option
def trace_command(claim: str | None, all_claims: bool, depth: int, fmt: str | None, sort_by: str | None,
                  store_spec: str | None, data_dir: Path) -> None:
    """Trace what backs or contests CLAIM: who agrees and disagrees (with quotes, sources and
    offsets), the evidence with its numbers, the claims that support or attack it (to --depth,
    each claim shown once) and the number checks.

    CLAIM is a claim id, its IRI, or words from its label or text (several matches are listed).
    With --all, one row per claim: evidence for and against, evidence and producers beneath it,
    source documents, actors for and against, and the flags unsupported (no evidence beneath),
    single_source (all its evidence from one producer), contested, number_mismatch.

    \b
    Examples:
      kg trace "every frontline officer should carry Taser"
      kg trace roll-out-no-increase-in-force --format json
      kg trace --all --sort supporting_evidence
    """
    if all_claims == bool(claim):
        raise KgError("give a CLAIM, or --all (not both)")
    with open_store(store_spec, data_dir) as graph_store:
        if all_claims:
            _print_all(tracing.trace_all(graph_store), fmt or "table", sort_by)
            return
        if fmt in ("table", "csv"):
            raise KgError(f"--format {fmt} is for --all; a claim's tree is text, json or markdown")
        result = tracing.trace(graph_store, tracing.resolve_claim(graph_store, claim or ""), depth)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(markdown(result), nl=False)
    else:
        Console(highlight=False).print(tree(result))


def _print_all(rows: list[dict], fmt: str, sort_by: str | None) -> None:
    if sort_by:
        text = sort_by in ("id", "label", "kind")
        rows = sorted(rows, key=lambda r: (r[sort_by], r["id"]) if text else (-int(r[sort_by]), r["id"]))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ALL_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    if fmt not in ("table", "text"):
        raise KgError(f"--format {fmt} is for one claim's tree; --all prints table, csv or json")
    table = Table(title="Claims: evidence, sources, actors and flags", header_style="bold")
    for col in ("claim", "kind", "ev+", "ev-", "cl+", "cl-", "under", "docs", "for", "against", "flags"):
        table.add_column(col, overflow="fold")
    for r in rows:
        flags = ", ".join(f.replace("_", "-") for f in tracing.FLAGS if r[f])
        table.add_row(
            f"{escape(r['label'])}\n[dim]{escape(r['id'])}[/]", escape(r["kind"]),
            str(r["supporting_evidence"]), str(r["contesting_evidence"]), str(r["supporting_claims"]),
            str(r["attacking_claims"]), f"{r['evidence_beneath']}/{r['producers']}", str(r["sources"]),
            str(r["actors_for"]), str(r["actors_against"]),
            f"[yellow]{escape(flags)}[/]" if flags else "",
        )
    console = Console(highlight=False)
    console.print(table)
    console.print("[dim]ev+/ev-: evidence supporting/contesting directly; cl+/cl-: claims supporting/"
                  "attacking; under: evidence items/producers beneath it through support chains; "
                  "docs: source documents quoted; for/against: distinct actors[/]")


trace = trace_command  # the name kg.cli's lazy command table looks up
