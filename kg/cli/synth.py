"""``kg synth``: write a synthetic debate of a chosen size, for scale tests and benchmarks."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err


@click.command(short_help=summary("synth"))
@click.option("-n", "--triples", type=int, default=10_000, show_default=True,
              help="About how many triples to generate (1,000 to 5,000,000), before the build's derivations.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same debate.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("data-synth"),
              show_default=True, help="Folder to write into (one sub-folder per debate).")
def synth(triples: int, seed: int, out_dir: Path) -> None:
    """Generate a synthetic debate as N-Triples: OUT/synth-SEED/debate.nt.

    Realistic shape: a few very active actors and a long tail (Zipf), claims with many
    statements, evidence with quantities, support/attack links, and quotes anchored in
    generated source text that the build's quote self-check verifies. Build it with

    \b
      kg synth --triples 100000 -o data-synth
      kg build data-synth --store .kg/synth
      kg query claims-by-stance --store .kg/synth
    """
    from kg.ingest.synth import synthesise

    began = time.perf_counter()
    report = synthesise(out_dir, triples, seed)
    click.echo(f"wrote {report.path}: {report.triples:,} triples, {report.documents:,} source texts, "
               f"{report.actors:,} actors, {report.claims:,} claims")
    err.print(f"[dim]{time.perf_counter() - began:.1f} s[/dim]")
