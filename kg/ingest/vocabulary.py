"""The schema as the ingest layer needs it: the ontology graph and its annotation keywords.

Annotation files name kinds, roles, stances, units ... by keyword (``kind: survey``); the
ontology says which keyword stands for which term (``dkg:annotationKey``), so the keywords are
read from it (``queries/internal/annotation-keywords.rq``) and never listed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.ingest.annotations import Node
from kg.model.errors import KgError
from kg.model.namespaces import DKG, ORG, QUANTITY_KIND, QUDT
from kg.model.paths import ONTOLOGY
from kg.queries import runner
from kg.stores import of_graph

# Which keyword category (an ontology term) each annotation key draws from.
CATEGORY = {
    "actor": DKG.Actor,
    "claim": DKG.Claim,
    "evidence": DKG.Evidence,
    "polarity": DKG.ArgumentLink,
    "type": DKG.SourceDocument,
    "role": ORG.Role,
    "stance": DKG.Stance,
    "mode": DKG.SpeechMode,
    "design": DKG.StudyDesign,
    "comparator": DKG.Comparator,
    "unit": QUDT.Unit,
    "basis": DKG.LinkBasis,
    "operation": DKG.Operation,
}
ORGANISATION_KINDS = "organisation"  # keyword of the class every organisation kind falls under


@dataclass
class Vocabulary:
    """Annotation keywords by category, read from the ontology (queries/internal/annotation-keywords.rq)."""

    terms: dict[URIRef, dict[str, URIRef]]
    organisations: set[URIRef]
    counts: set[URIRef]  # units whose quantity kind is a count (a value that cannot be negative)

    def term(self, node: Node, key: str, category_key: str, default: str | None = None) -> URIRef:
        """The ontology term named by ``node[key]`` in the category ``category_key``."""
        word = node.text(key, default)
        if word is None:
            raise node.error(f"missing '{key}'")
        return self.named(word, category_key, node, key)

    def named(self, word: str, category_key: str, node: Node, key: str) -> URIRef:
        """The ontology term the keyword ``word`` names in ``category_key`` (an error at ``node[key]``
        lists the keywords there are)."""
        choices = self.terms.get(CATEGORY[category_key], {})
        if word not in choices:
            raise node.error(f"unknown {key} {word!r} (one of: {', '.join(sorted(choices))})", key)
        return choices[word]



def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse a Turtle file; a syntax error becomes a one-line error naming the file and line."""
    graph = graph if graph is not None else Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise KgError("file not found", path) from exc
    except Exception as exc:  # rdflib's parser raises several unrelated types
        message = " ".join(str(exc).split())
        line = None
        for token in message.split():
            if token.startswith("line") and token[4:].strip(":").isdigit():
                line = int(token[4:].strip(":"))
        raise KgError(f"bad Turtle: {message[:300]}", path, line) from exc
    return graph


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The ontology graph (``ontology/debate.ttl``), parsed once per process."""
    return parse_turtle(ONTOLOGY)


def vocabulary() -> Vocabulary:
    """Annotation keywords read from the ontology with ``queries/internal/annotation-keywords.rq``."""
    result = runner.run(of_graph(ontology(), "ontology"), "annotation-keywords")
    terms: dict[URIRef, dict[str, URIRef]] = {}
    for row in result.dicts():
        category, term = row["category"], row["term"]
        if isinstance(category, URIRef) and isinstance(term, URIRef):  # the ontology's terms are IRIs
            terms.setdefault(category, {})[str(row["key"])] = term
    organisations = {kind for kind in ontology().transitive_subjects(RDFS.subClassOf, DKG.Organisation)
                     if isinstance(kind, URIRef)}
    counts = {u for u in terms.get(QUDT.Unit, {}).values()
              if (u, QUDT.hasQuantityKind, QUANTITY_KIND.Dimensionless) in ontology()}
    return Vocabulary(terms, organisations, counts)
