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

# Two plain steps, no negation: every keyworded type is a kind, then each kind that another
# kind of the same resource specialises is taken away. (Virtuoso gave extra kinds for the
# NOT EXISTS and the MINUS forms of this, depending on the plan it chose, and refuses a path with
# both ends unbound; here every path starts from a bound class.)
INSERT { ?x dkg:kind ?kind }
WHERE {
  { SELECT DISTINCT ?kind WHERE { ?kind dkg:annotationKey ?key ; rdfs:subClassOf ?anything } }
  ?x a ?kind .
} ;

DELETE { ?x dkg:kind ?broader }
WHERE {
  # The (narrower class, broader class) pairs of the ontology first, then one join with the
  # resources' kinds, as in 1-types.ru: 0.1 s instead of 0.25 s at 1M triples, where the path
  # was walked once per pair of kinds of a resource. (Virtuoso deletes nothing when the
  # sub-select also asks that the broader class carry a keyword.)
  { SELECT DISTINCT ?narrower ?broader WHERE {
      ?narrower dkg:annotationKey ?key ; rdfs:subClassOf ?parent .
      ?narrower rdfs:subClassOf+ ?broader .
  } }
  ?x dkg:kind ?narrower, ?broader .
  FILTER(?narrower != ?broader)
}
