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
  { SELECT DISTINCT ?kind WHERE { ?kind dkg:annotationKey ?key ; rdfs:subClassOf ?anything } }
  ?x a ?kind .
  # Less the kinds a narrower keyworded type of the same resource specialises. Written as MINUS
  # of the (narrower, broader) pairs of keyworded classes, each path starting from a class bound
  # by a plain pattern: Virtuoso gave extra kinds for the NOT EXISTS with a path inside that this
  # replaced, and refuses a path with both ends unbound.
  MINUS {
    { SELECT DISTINCT ?narrower ?kind WHERE {
        ?narrower dkg:annotationKey ?other ; rdfs:subClassOf ?parent .
        ?narrower rdfs:subClassOf+ ?kind .
        ?kind dkg:annotationKey ?broaderKey .
        FILTER(?narrower != ?kind)
    } }
    ?x a ?narrower .
  }
}
