"""The RDF serialisations a store can dump (``kg export -f``): pyoxigraph's, with rdflib's names.

A module of its own, importing pyoxigraph only, so the command line can offer the choices
without loading rdflib.
"""

from __future__ import annotations

import pyoxigraph as ox

EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    "trig": (ox.RdfFormat.TRIG, "trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "nquads"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "xml"),
}
