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
  # Keyworded classes with how many keyworded subclasses they have: a class with none is the
  # most specific wherever it appears, so only the others need the per-instance test
  # (0.9 s instead of 1.4 s at 1M triples).
  {
    SELECT ?kind (COUNT(?narrower) AS ?narrowerKinds) WHERE {
      ?kind dkg:annotationKey ?key ; rdfs:subClassOf ?anything .
      OPTIONAL {
        ?narrower rdfs:subClassOf+ ?kind ; dkg:annotationKey ?other .
        FILTER(?narrower != ?kind)
      }
    } GROUP BY ?kind
  }
  ?x a ?kind .
  FILTER(?narrowerKinds = 0 || NOT EXISTS {
    ?x a ?narrower .
    ?narrower rdfs:subClassOf+ ?kind ; dkg:annotationKey ?other .
    FILTER(?narrower != ?kind)
  })
}
