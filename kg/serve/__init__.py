"""Serve layer: the HTTP side, a read-only SPARQL endpoint with the HTML views.

May import: ``kg.render`` and every layer below it; never ``kg.cli``.
"""
