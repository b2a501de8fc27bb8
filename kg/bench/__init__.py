"""Bench layer: benchmarks, outside the runtime path (only ``kg bench`` imports it).

:mod:`~kg.bench.run` times every step a user takes on each kind of store in one run, with
:mod:`~kg.bench.raw_load` (the engine's own bulk loader, the limit a build can approach) and
:mod:`~kg.bench.settle` (a view page settling in headless Chromium); :mod:`~kg.bench.curve` runs
the default store at several sizes and gives each step's growth exponent;
:mod:`~kg.bench.discourse` times the discourse projection against networkx. May import: every
layer but ``kg.cli``.
"""
