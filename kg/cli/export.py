"""``kg export``: the whole graph as RDF, or the debate in another tool's format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import data_option, err, open_store, store_option
from kg.model.errors import KgError
from kg.render.exchange import FORMATS as EXCHANGE_FORMATS
from kg.stores.formats import EXPORT_FORMATS


@click.command(short_help=summary("export"))
@click.option("-f", "--format", "fmt", type=click.Choice([*EXPORT_FORMATS, *EXCHANGE_FORMATS]),
              default="turtle", show_default=True,
              help="RDF serialisation, or another tool's format: dna, aif, argdown, claimreview, "
                   "annotations.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output (dna needs one).")
@click.option("--publisher", default="debate-kg", show_default=True,
              help="claimreview: the name of who publishes the reviews (ClaimReview author).")
@click.option("--publisher-url", default=None,
              help="claimreview: the publisher's URL; each review's url is this plus '#' and the claim id.")
@store_option
@data_option
def export(fmt: str, out: Path | None, publisher: str, publisher_url: str | None,
           store_spec: str | None, data_dir: Path) -> None:
    """Export the whole graph (data and ontology) as Turtle, N-Triples, JSON-LD or TriG, or the
    debate in the format of another tool.

    \b
    Other tools' formats (README "Exchanging with other tools"):
      dna          a DNA 3 project file (SQLite) for the Discourse Network Analyzer and rDNA
      aif          AIF JSON (nodes I/L/RA/CA/YA/TA, edges, locutions, participants) for AIFdb/OVA
      argdown      Argdown: claims, evidence, support (+) and attack (-), quotes as metadata
      claimreview  schema.org ClaimReview JSON-LD for each claim with a number check or evidence
      annotations  W3C Web Annotation JSON-LD: every quote on its source

    \b
    Examples:
      kg export -f dna -o taser.dna
      kg export -f claimreview --publisher "Example Checks" --publisher-url https://example.org/checks
    """
    from kg.model.files import write_atomic

    if fmt == "dna" and out is None:
        raise KgError("-f dna writes a binary SQLite file: give it with -o FILE.dna")
    with open_store(store_spec, data_dir) as graph_store:
        if fmt in EXPORT_FORMATS:
            data = graph_store.dump(fmt)
        else:
            from kg.render.exchange import writer
            from kg.render.exchange.debate import load

            debate = load(graph_store)
            options = {"publisher": publisher, "publisher_url": publisher_url} if fmt == "claimreview" else {}
            data = writer(fmt)(debate, **options)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    write_atomic(out, data)
    err.print(f"wrote {out} ({len(data)} bytes)", markup=False)
