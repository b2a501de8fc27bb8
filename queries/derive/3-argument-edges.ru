# Derive: plain dkg:supports / dkg:contests edges from the support and attack link nodes.
#
# Answers: nothing; it is an update the build runs on the new store. The link nodes
# (dkg:Support, dkg:Attack) stay the record of who asserted the link and where; the plain
# edges make "what supports this claim?" a one-triple pattern.
# Parameters: none.
# Example: run by `kg build`; see it with
#   kg query "SELECT ?p ?c WHERE { ?p dkg:supports ?c }"
PREFIX dkg: <https://w3id.org/debate-kg/ns#>

INSERT { ?premise dkg:supports ?conclusion }
WHERE { ?link a dkg:Support ; dkg:premise ?premise ; dkg:conclusion ?conclusion } ;

INSERT { ?premise dkg:contests ?conclusion }
WHERE { ?link a dkg:Attack ; dkg:premise ?premise ; dkg:conclusion ?conclusion }
