"""RDF namespaces the project uses, and the prefixes shown to users.

Only namespaces live here: the terms themselves are defined in ``ontology/debate.ttl``. The
standard namespaces (RDF, RDFS, XSD, DCTERMS, FOAF, PROV...) are rdflib's, re-exported so that
code writing the model (``kg.ingest.emit``) takes every namespace from this one module.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

DKG = Namespace("https://w3id.org/debate-kg/ns#")
ID_BASE = "https://w3id.org/debate-kg/id/"
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
AIF = Namespace("http://www.arg.dundee.ac.uk/aif#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUANTITY_KIND = Namespace("http://qudt.org/vocab/quantitykind/")

__all__ = [
    "AIF", "DCTERMS", "DKG", "FOAF", "ID_BASE", "OA", "ORG", "OWL", "PREFIXES", "PROV", "QUANTITY_KIND",
    "QUDT", "RDF",
    "RDFS", "SCHEMA", "UNIT", "XSD", "compact",
]

PREFIXES: dict[str, str] = {
    "dkg": str(DKG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "aif": str(AIF),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "quantitykind": str(QUANTITY_KIND),
}


def compact(iri: str) -> str:
    """Shorten an IRI with the known prefixes (``dkg:Claim``), or return it unchanged."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(ID_BASE):
        return iri[len(ID_BASE):]
    return iri
