"""kg: a knowledge graph of a policy debate: who claims what, on what evidence, said where.

The store built by ``kg build`` is the one source of truth; every other command reads it
through the SPARQL files in ``queries/``.
"""

__version__ = "0.1.0"
