"""What every command shares: the error console, the store and data options, opening a store.

Kept light (click and rich only at import), since ``kg --help`` imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from kg.model.paths import DEFAULT_DATA

if TYPE_CHECKING:
    from kg.stores import Store

err = Console(stderr=True, highlight=False, soft_wrap=True)

_store = click.option(
    "--store", "store_spec", envvar="KG_STORE", default=None, metavar="PATH|URL|memory",
    help="Store to use: an Oxigraph folder (default .kg/store), a SPARQL 1.1 endpoint URL "
    "(http://HOST:PORT/sparql-auth, optionally #graph=IRI), or 'memory' to build from --data.",
)
_graph = click.option(
    "--graph", "graph_iri", envvar="KG_GRAPH", default=None, metavar="IRI",
    help="The named graph on a SPARQL server (--store URL) to read or build; default: the one "
    "debate graph the server holds (a build: a graph per debate).",
)


def store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store`` and ``--graph``: the command receives ``store_spec`` with the graph folded in
    (``URL#graph=IRI``), so every command names a graph the same way."""

    @functools.wraps(command)
    def with_graph(*args: Any, graph_iri: str | None = None, **kwargs: Any) -> Any:
        if graph_iri:
            from kg.stores.registry import with_graph as fold

            kwargs["store_spec"] = fold(kwargs.get("store_spec"), graph_iri)
        return command(*args, **kwargs)

    return _store(_graph(with_graph))
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
