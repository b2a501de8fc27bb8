"""Ingest layer: what people write and other tools export, turned into RDF.

Annotation files (:mod:`~kg.ingest.annotations`, YAML with line numbers), quote anchoring
(:mod:`~kg.ingest.anchor`), the ontology's keywords (:mod:`~kg.ingest.vocabulary`), compiling a
debate folder to triples (:mod:`~kg.ingest.compile`), importers (:mod:`~kg.ingest.dna`),
synthetic debates for scale tests (:mod:`~kg.ingest.synth`) and rule-based drafts of a source's
annotations (:mod:`~kg.ingest.extract`). May import: ``kg.queries``,
``kg.stores``, ``kg.model``.
"""
