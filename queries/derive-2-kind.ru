# Derive: each resource's most specific kind (dkg:kind), e.g. dkg:Survey for a survey.
#
# Answers: nothing; it is an update the build runs after derive-1-types. Kinds are the
# ontology classes that carry an annotation keyword; a resource gets the one (or ones) of its
# types that no other of its keyworded types specialises, so views can colour by kind and
# reports can name it without walking the class tree.
# Parameters: none.
# Example: run by `kg build`; see it with
#   kg query "SELECT ?x ?kind WHERE { ?x dkg:kind ?kind }"
PREFIX dkg:  <https://w3id.org/debate-kg/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

INSERT { ?x dkg:kind ?kind }
WHERE {
  ?x a ?kind .
  ?kind dkg:annotationKey ?key ; rdfs:subClassOf ?anything .
  FILTER NOT EXISTS {
    ?x a ?narrower .
    ?narrower rdfs:subClassOf+ ?kind ; dkg:annotationKey ?other .
    FILTER(?narrower != ?kind)
  }
}
