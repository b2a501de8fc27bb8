"""``kg trace``: the evidence tree behind one claim, or one row per claim with flags."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import click
from rich.console import Console

from kg.analysis import trace as tracing
from kg.cli import summary
from kg.cli.common import data_option, open_store, store_option
from kg.model.errors import KgError
from kg.model.escape import csv_cell
from kg.render import claims_table
from kg.render.trace import DEFAULT_LIMIT, markdown, summary_lines, tree

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
              help="--all: sort by this column (numbers and flags descending); default: most contested "
                   "first.")
@click.option("--limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
              help="Statements and links read and shown per claim, each shared among stances or kinds "
                   "in proportion (0: all); every form, JSON too, gives the counts of what was left out.")
@store_option
@data_option
def trace_command(claim: str | None, all_claims: bool, depth: int, fmt: str | None, sort_by: str | None,
                  limit: int, store_spec: str | None, data_dir: Path) -> None:
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
      kg trace taser-carriers-more-likely-use-force --format json
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
        result = tracing.trace(graph_store, tracing.resolve_claim(graph_store, claim or ""), depth, limit)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(markdown(result), nl=False)
    else:
        console = Console(highlight=False)
        for line in summary_lines(result, console.width):
            console.print(line, markup=False, highlight=False)
        console.print()
        console.print(tree(result, limit))


def _print_all(rows: list[dict], fmt: str, sort_by: str | None) -> None:
    if sort_by:
        text = sort_by in ("id", "label", "kind")
        rows = sorted(rows, key=lambda r: (r[sort_by], r["id"]) if text else (-int(r[sort_by]), r["id"]))
    else:
        rows = sorted(rows, key=claims_table.contested_first)
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
    width = shutil.get_terminal_size((100, 24)).columns
    for line in claims_table.lines(rows, width):
        click.echo(line)


trace = trace_command  # the name kg.cli's lazy command table looks up
