# Derive: every resource also carries the superclasses of its types (RDFS subclass closure).
#
# Answers: nothing; it is an update the build runs on the new store, so that queries can ask
# `?x a dkg:Actor` or `?x a org:Organization` on any SPARQL engine without property paths.
# Parameters: none.
# Example: run by `kg build`; see it with
#   kg query "SELECT ?t WHERE { ?s dct:identifier 'tvpf' ; a ?t }"
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

INSERT { ?x a ?super }
WHERE {
  ?x a ?class .
  ?class rdfs:subClassOf+ ?super .
  FILTER(isIRI(?super))
}
