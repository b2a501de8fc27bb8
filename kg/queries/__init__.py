"""Queries layer: the SPARQL files under ``queries/`` and the one runner that sends them to a store.

* :mod:`~kg.queries.catalogue`: the named queries by role (public, internal, checks, derive, store);
* :mod:`~kg.queries.binding`: parameters bound as VALUES blocks of RDF terms, one way for every store;
* :mod:`~kg.queries.runner`: ``run(store, name, **params)``, rows as plain values, updates, ids;
* :mod:`~kg.queries.shapes`: the core SHACL shapes turned into SPARQL checks.

No Python outside this package holds SPARQL text (a test checks). May import: ``kg.stores``,
``kg.model``.
"""
