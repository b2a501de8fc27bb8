"""Model layer: what every other layer shares and nothing more.

Namespaces and the id base (:mod:`~kg.model.namespaces`), the one error type a user sees
(:mod:`~kg.model.errors`), where the project's own files live (:mod:`~kg.model.paths`) and the
atomic file write (:mod:`~kg.model.files`). The terms themselves are defined in the ontology,
never here. May import: nothing of ``kg`` (standard library and rdflib only).
"""
