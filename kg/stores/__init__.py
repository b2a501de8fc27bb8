"""Stores layer: every kind of store behind one reading interface and one write lifecycle.

* :mod:`~kg.stores.base`: :class:`Store` (query, dump), :class:`StoreBuild` (load, commit or
  abort), :class:`Result`, term conversions;
* :mod:`~kg.stores.registry`: the kinds and :func:`locate` / :func:`open_store`, which turn the
  ``--store`` text into a store;
* one module per kind: :mod:`~kg.stores.oxigraph` (embedded, default), :mod:`~kg.stores.memory`
  (rdflib), :mod:`~kg.stores.remote` (any SPARQL 1.1 server; its builds: :mod:`~kg.stores.builds`).

May import: ``kg.model`` only. Code outside this package opens stores through the registry.
"""

from kg.stores.base import Result, Store, StoreBuild, Term
from kg.stores.formats import EXPORT_FORMATS
from kg.stores.registry import Location, is_remote, locate, of_graph, open_store

__all__ = ["EXPORT_FORMATS", "Location", "Result", "Store", "StoreBuild", "Term", "is_remote", "locate",
           "of_graph", "open_store"]
