"""What every command shares: the error console, the store and data options, opening a store.

Kept light (click and rich only at import), since ``kg --help`` imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from kg.model.paths import DEFAULT_DATA

if TYPE_CHECKING:
    from kg.stores import Store

err = Console(stderr=True, highlight=False, soft_wrap=True)

store_option = click.option(
    "--store", "store_spec", envvar="KG_STORE", default=None, metavar="PATH|URL|memory",
    help="Store to use: an Oxigraph folder (default .kg/store), a SPARQL 1.1 endpoint URL, "
    "or 'memory' to build from --data.",
)
data_option = click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
    help="Data folder, read when --store is 'memory'.",
)


def open_store(store_spec: str | None, data_dir: Path) -> Store:
    """The store a command reads: ``--store`` as the registry resolves it, built from
    ``data_dir`` first when it is the in-memory kind."""
    from kg.build import filler
    from kg.stores import open_store as open_located

    return open_located(store_spec, fill=filler(data_dir))
