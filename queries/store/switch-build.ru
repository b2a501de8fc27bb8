# Store protocol: the atomic switch of a remote build. One update request (one transaction on
# Oxigraph, Virtuoso and Jena) points the debate's graph at the checked new build; the build it
# pointed at becomes the previous one (kept for readers that are still reading it) and the one
# before that is retired, to be dropped. With no build yet, the debate's graph stands for itself
# first: data built or loaded into it before builds had graphs of their own becomes the
# previous build, and is replaced as a build replaces it.
#
# Four simple operations rather than one DELETE/INSERT with OPTIONAL parts: Virtuoso 7.2 changes
# nothing for an update whose WHERE has an OPTIONAL (or a BIND) in it.
#
# Parameters: <urn:x-kg:registry> (the builds registry graph), <urn:x-kg:graph> (the debate's
# graph) and <urn:x-kg:build> (the new build's graph), written by the store as checked IRIs.
# Example: run by `kg build --store http://HOST/sparql-auth` when its checks pass.
PREFIX kgs: <https://w3id.org/debate-kg/store#>

INSERT { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:currentBuild <urn:x-kg:graph> } }
WHERE { FILTER NOT EXISTS { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:currentBuild ?any } } } ;

DELETE { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:previousBuild ?previous } }
INSERT { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:retiredBuild ?previous } }
WHERE { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:previousBuild ?previous } } ;

DELETE { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:currentBuild ?current } }
INSERT { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:previousBuild ?current } }
WHERE { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:currentBuild ?current } } ;

INSERT DATA { GRAPH <urn:x-kg:registry> { <urn:x-kg:graph> kgs:currentBuild <urn:x-kg:build> } }
