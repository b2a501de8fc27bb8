"""``kg bench``: time build, trace, the all-claims table, coalitions and a view on each store kind."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err


@click.command(short_help=summary("bench"))
@click.option("-n", "--triples", type=int, default=50_000, show_default=True,
              help="Size of the synthetic debate (kg synth); 1000000 for the issue's targets.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic debate.")
@click.option("-b", "--backend", "backends", multiple=True,
              type=click.Choice(["oxigraph", "rdflib", "server", "virtuoso"]),
              help="Store kinds to run (repeatable; default: the first three; 'virtuoso' starts "
              "Debian's virtuoso-t, see scripts/install-virtuoso.sh).")
@click.option("--baseline-timeout", type=float, default=60.0, show_default=True,
              help="Seconds each rdflib baseline step may take before it is stopped and reported as timeout.")
@click.option("--baseline-build-timeout", type=float, default=180.0, show_default=True,
              help="Seconds the rdflib baseline may take to load the debate.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("bench.json"),
              show_default=True, help="Where to write the JSON report (atomically).")
@click.option("--workdir", type=click.Path(path_type=Path), default=None,
              help="Keep the generated debate and stores here (default: a temporary folder, removed after).")
@click.option("--curve", "curve_sizes", metavar="N1,N2,...", default=None,
              help="A scale curve instead: the embedded store at each size (e.g. 10000,100000,1000000), "
                   "with each step's growth exponent between sizes.")
@click.option("--repeat", type=click.IntRange(1, 20), default=None,
              help="Run each step after the build this many times and report its best time "
                   "[default: 1; 3 with --curve].")
def bench(triples: int, seed: int, backends: tuple[str, ...], baseline_timeout: float,
          baseline_build_timeout: float, out: Path, workdir: Path | None, curve_sizes: str | None,
          repeat: int | None) -> None:
    """Benchmark the default store against plain rdflib and an Oxigraph server, in one run.

    Generates a synthetic debate, then on each store kind times: build, one claim's evidence
    tree (the most discussed claim), the all-claims table, coalition analysis and a 2,000-node
    view. Writes times, ratios to the default store and peak memory to --out, and prints a
    Markdown table. Each store kind runs in its own process; rdflib steps past
    --baseline-timeout are stopped and reported as 'timeout'.

    \b
      kg bench                                  # 50k triples, about a minute
      kg bench --triples 1000000 --out bench.json
      kg bench --curve 10000,100000,1000000,5000000 --out curve.json
    """
    import signal
    import sys

    from kg.bench.run import BACKENDS, markdown, run, write_json

    # stopped with SIGTERM (or SIGINT in a background job): still stop the server and workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if curve_sizes is not None:
        from kg.bench import curve

        found = curve.curve(curve.parse_sizes(curve_sizes), seed, workdir,
                            progress=lambda msg: err.print(msg, markup=False), repeat=repeat or curve.REPEAT)
        write_json(found, out)
        click.echo(curve.markdown(found))
        err.print(f"wrote {out}", markup=False)
        return
    report = run(triples, seed, tuple(backends) or BACKENDS, baseline_timeout, workdir,
                 progress=lambda msg: err.print(msg, markup=False),
                 baseline_build_timeout=baseline_build_timeout, repeat=repeat or 1)
    write_json(report, out)
    click.echo(markdown(report))
    err.print(f"wrote {out}", markup=False)
