"""Analysis layer: what the graph says, computed from the store through named queries.

Discourse networks as DNA defines them (:mod:`~kg.analysis.discourse`), the support/attack
argument graph (:mod:`~kg.analysis.arguments`), number checks (:mod:`~kg.analysis.numbers`),
evidence traces (:mod:`~kg.analysis.trace`), the combined network analysis
(:mod:`~kg.analysis.network`) and its exports (:mod:`~kg.analysis.network_export`). Results are
plain data; rendering them is the render layer's job. May import: ``kg.queries``,
``kg.stores``, ``kg.model`` (and ``kg.ingest``, though nothing needs it).
"""
