"""``kg report``: a debate brief (summary, main claims traced, figures, references) in one file."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import data_option, err, open_store, store_option

DEFAULT_OUTPUT = Path("out") / "brief.html"


@click.command(short_help=summary("report"))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; default out/brief.html (out/brief.md with --format markdown).")
@click.option("-f", "--format", "fmt", type=click.Choice(["html", "markdown"]), default="html",
              show_default=True, help="One self-contained HTML page (figures inline), or Markdown.")
@click.option("--claims", "claims", type=click.IntRange(min=0), default=8, show_default=True,
              help="How many claims to trace (the most discussed, then the most contested).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the coalition detection and of the network picture's layout.")
@store_option
@data_option
def report(out: Path | None, fmt: str, claims: int, seed: int, store_spec: str | None,
           data_dir: Path) -> None:
    """Write a debate brief a reader takes in at a glance: the debate's title and counts, the
    sides (argument-aware coalitions), the main claims by strength; for the most discussed
    claims who is for and against, the evidence on each side and the number checks; three
    figures (statements over time, who sides with whom, claim strengths); and the references.

    The HTML page is self-contained and printable: inline CSS and SVG, no script, nothing
    fetched. --format markdown writes the same sections as Markdown.

    \b
    Examples:
      kg report                               # out/brief.html
      kg report --format markdown -o brief.md --claims 5
    """
    from kg.render import report as brief_report

    target = out or (DEFAULT_OUTPUT if fmt == "html" else DEFAULT_OUTPUT.with_suffix(".md"))
    with open_store(store_spec, data_dir) as graph_store:
        brief = brief_report.collect(graph_store, claims, seed)
    brief_report.write(brief, target, fmt)
    err.print(f"wrote {target}", markup=False)
