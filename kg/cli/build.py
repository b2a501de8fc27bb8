"""``kg build``: annotations in, a validated store out."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err, store_option
from kg.model.paths import DEFAULT_DATA


@click.command(short_help=summary("build"))
@click.argument("data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@store_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the counts.")
@click.option("--no-wait", is_flag=True,
              help="If another build of this store is running, stop at once instead of waiting for it.")
def build(data_dir: Path, store_spec: str | None, quiet: bool, no_wait: bool) -> None:
    """Build the store from DATA_DIR (default: data/).

    Finds every quote in its source text, records offsets and checksums, validates with SHACL
    and writes the store atomically: if anything fails, the previous store stays as it was.

    On a SPARQL server (--store URL) each build goes into a graph of its own, and the debate's
    graph is pointed at it once every check passes. The build before stays for readers still
    reading it; older ones are dropped in the background after the command returns
    (KG_STORE_PRUNE=wait drops them first, KG_STORE_PRUNE=keep keeps them).
    """
    from kg.build import build as run_build

    progress = None if quiet else (lambda msg: err.print(f"[dim]{msg}[/dim]"))
    report = run_build(data_dir, store_spec, progress, wait=not no_wait,
                       on_wait=lambda msg: err.print(msg, markup=False))
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)
    c = report.counts
    click.echo(
        f"built {', '.join(report.debates)} from {report.files} annotation file(s) into {report.store}"
    )
    click.echo(
        f"triples {c['triples']}  sources {c['sources']}  actors {c['actors']}  claims {c['claims']}  "
        f"statements {c['statements']}  evidence {c['evidence']}  links {c['links']}  "
        f"quotes {c['quotes']}  quantities {c['quantities']}"
    )
