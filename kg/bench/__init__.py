"""Bench layer: benchmarks, outside the runtime path (only ``kg bench`` imports it).

:mod:`~kg.bench.run` times every step a user takes on each kind of store in one run;
:mod:`~kg.bench.discourse` times the discourse projection against networkx. May import: every
layer but ``kg.cli``.
"""
