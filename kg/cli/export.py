"""``kg export``: the whole graph as RDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import data_option, err, open_store, store_option
from kg.stores.formats import EXPORT_FORMATS


@click.command(short_help=summary("export"))
@click.option("-f", "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="turtle",
              show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@store_option
@data_option
def export(fmt: str, out: Path | None, store_spec: str | None, data_dir: Path) -> None:
    """Export the whole graph (data and ontology) as Turtle, N-Triples, JSON-LD or TriG."""
    from kg.model.files import write_atomic

    with open_store(store_spec, data_dir) as graph_store:
        data = graph_store.dump(fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    write_atomic(out, data)
    err.print(f"wrote {out} ({len(data)} bytes)", markup=False)
