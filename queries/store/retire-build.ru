# Store protocol: mark a build graph to be dropped (a build that failed its checks, whose
# graph readers never saw).
#
# Parameters: <urn:x-kg:registry>, <urn:x-kg:graph> (the debate's graph) and <urn:x-kg:build>
# (the failed build's graph), written by the store as checked IRIs.
# Example: run by `kg build --store http://HOST/sparql-auth` when a check fails.
PREFIX kgs: <https://w3id.org/debate-kg/store#>

INSERT DATA { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:retiredBuild <urn:x-kg:build> } }
