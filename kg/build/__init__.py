"""Build layer: annotations and Turtle in, a validated store out, in one write lifecycle.

:mod:`~kg.build.pipeline` (ingest -> validate -> derive -> store), :mod:`~kg.build.validate`
(pyshacl), :mod:`~kg.build.shape_checks` (the core shapes inside a store) and
:mod:`~kg.build.checks` (what ``kg check`` reports). May import: ``kg.analysis`` (the number
checks recorded at build time), ``kg.ingest``, ``kg.queries``, ``kg.stores``, ``kg.model``.
"""

from kg.build.pipeline import BuildReport, Compiled, build, compile_graph, counts, derive, filler

__all__ = ["BuildReport", "Compiled", "build", "compile_graph", "counts", "derive", "filler"]
